// The bench's counting proxy (scripts/bench/counting-proxy.ts): calls and the time the node had
// a request in flight, which the bench sets against a run's wall time.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { startCountingProxy, type CountingProxy } from '../../scripts/bench/counting-proxy';

describe('bench: counting proxy', () => {
  let node: http.Server;
  let proxy: CountingProxy;
  /** The node answers every call with its id after `?ms=` milliseconds (0 unless asked). */
  before(async () => {
    node = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const calls = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; params: [number] } | Array<{ id: number; params: [number] }>;
        const list = Array.isArray(calls) ? calls : [calls];
        const wait = Math.max(...list.map((c) => c.params[0]));
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          const replies = list.map((c) => ({ jsonrpc: '2.0', id: c.id, result: null }));
          res.end(JSON.stringify(Array.isArray(calls) ? replies : replies[0]));
        }, wait);
      });
    });
    await new Promise<void>((resolve) => node.listen(0, '127.0.0.1', resolve));
    proxy = await startCountingProxy(`http://127.0.0.1:${(node.address() as AddressInfo).port}`);
  });
  after(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => node.close(() => resolve()));
  });

  /** Sends calls (one request; a batch for several) and gives the milliseconds the caller waited. */
  const send = async (waits: number[]): Promise<number> => {
    const body = waits.map((ms, i) => ({ jsonrpc: '2.0', id: i, method: 'test_wait', params: [ms] }));
    const started = performance.now();
    const res = await fetch(proxy.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body.length === 1 ? body[0] : body) });
    await res.json();
    return performance.now() - started;
  };

  it('counts requests and calls, and the time a request was in flight, not the time between', async () => {
    proxy.reset();
    // Three requests one after the other, each held 60 ms by the node, with idle time between.
    let waited = 0;
    for (let i = 0; i < 3; i++) {
      waited += await send([60]);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const sequential = proxy.counts();
    expect(sequential.httpRequests).to.equal(3);
    expect(sequential.rpcCalls).to.equal(3);
    expect(sequential.byMethod).to.deep.equal({ test_wait: 3 });
    // Each request was in flight at the proxy for its node's 60 ms at least, and within what its caller waited.
    expect(sequential.busyMs).to.be.at.least(180);
    expect(sequential.busyMs).to.be.at.most(waited);

    // Requests at once count once: the time some request was in flight, not their sum.
    const started = performance.now();
    await Promise.all([send([80]), send([80]), send([40, 80])]);
    const span = performance.now() - started;
    const together = proxy.counts();
    expect(together.httpRequests).to.equal(6);
    expect(together.rpcCalls).to.equal(7);
    expect(together.busyMs! - sequential.busyMs!).to.be.at.least(80);
    expect(together.busyMs! - sequential.busyMs!).to.be.at.most(span);
  });

  it('counts a request in flight across a reset from the reset on', async () => {
    const sent = performance.now();
    const reply = send([200]); // held 200 ms by the node
    await new Promise((resolve) => setTimeout(resolve, 80));
    proxy.reset();
    const reset = performance.now();
    await reply;
    const done = performance.now();
    const { busyMs, httpRequests } = proxy.counts();
    // The request came before the reset: not counted again, but its time after the reset is
    // (the node held it 200 ms from its arrival, which was after `sent`).
    expect(httpRequests).to.equal(0);
    expect(busyMs).to.be.at.least(200 - (reset - sent));
    expect(busyMs).to.be.at.most(done - reset);
  });

  it('starts again from nothing at a reset', async () => {
    await send([30]);
    proxy.reset();
    expect(proxy.counts()).to.include({ httpRequests: 0, rpcCalls: 0, busyMs: 0 });
  });
});
