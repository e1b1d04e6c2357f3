// The case list an integrator pages through (search, status, open/closed, cursors), the
// run history with a report per run, and cancelling a trace — over a real socket.
import { expect } from 'chai';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createApiKey } from '../../services/auth/api-keys';
import type { InlineQueue } from '../../services/queues/inline';
import { createCase } from '../../services/tracing/cases';
import { createJobProcessor } from '../../workers/processors';
import { pigButcheringWorld, type PigButcheringWorld } from '../support/tracing';

describe('e2e: case list, runs and cancel', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let server: RunningServer;
  let analyst: string;
  const created: { id: string; title: string }[] = [];

  before(async () => {
    world = await pigButcheringWorld();
    server = await startServer(createApiApp(world.app.deps), 0);
    analyst = (await createApiKey(world.app.deps.store, { role: 'analyst', name: 'alice' })).key;
    const { wallets } = world.scenario;
    for (let i = 0; i < 7; i++) {
      const seed = i === 3 ? { address: wallets.v1 } : { txHash: world.scenario.seedTxs[0]! };
      const kase = await createCase(world.app.deps, { title: `Case ${i} ${i % 2 ? 'romance' : 'investment'} scam 100%_off`, reference: `REF-${i}`, chain: 'local', seeds: [seed] }, 'test');
      created.push({ id: kase.id, title: kase.title });
    }
    await world.app.deps.store.cases.close(created[5]!.id);
  });

  after(async () => {
    await server?.stop();
    await world?.close();
  });

  const get = async (path: string) => {
    const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${analyst}` } });
    return { status: res.status, json: (await res.json()) as any };
  };
  const post = async (path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${analyst}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  async function allPages(query: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const res = await get(`/v1/cases?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).to.equal(200);
      expect(res.json.items.length).to.be.at.most(limit);
      ids.push(...res.json.items.map((c: { id: string }) => c.id));
      cursor = res.json.nextCursor;
      if (!cursor) return ids;
    }
    throw new Error('pagination did not end');
  }

  it('pages through every case newest first, each once, whatever the page size', async () => {
    const newestFirst = [...created].reverse().map((c) => c.id);
    for (const limit of [1, 2, 3, 7, 50]) expect(await allPages('', limit), `limit ${limit}`).to.deep.equal(newestFirst);
  });

  it('searches titles and references (wildcards taken literally) and seeds exactly', async () => {
    const romance = created.filter((c) => c.title.includes('romance')).map((c) => c.id).reverse();
    expect(await allPages('&q=ROMANCE', 2)).to.deep.equal(romance);
    expect(await allPages('&q=REF-4', 10)).to.deep.equal([created[4]!.id]);
    expect(await allPages(`&q=${encodeURIComponent('100%_off')}`, 10)).to.have.length(7);
    expect(await allPages(`&q=${encodeURIComponent('1_0')}`, 10)).to.have.length(0);
    expect(await allPages(`&q=${world.scenario.wallets.v1.toLowerCase()}`, 10)).to.deep.equal([created[3]!.id]);
    expect(await allPages(`&q=${world.scenario.seedTxs[0]}`, 10)).to.have.length(6);
  });

  it('filters by status and open/closed', async () => {
    expect(await allPages('&status=new&closed=false', 3)).to.have.length(6);
    expect(await allPages('&closed=true', 3)).to.deep.equal([created[5]!.id]);
    expect(await allPages('&status=traced', 3)).to.deep.equal([]);
  });

  it('refuses unknown query keys, bad values and forged cursors with 400 naming them', async () => {
    const unknown = await get('/v1/cases?stauts=new');
    expect(unknown.status).to.equal(400);
    expect(unknown.json.error.message).to.include('query.stauts');
    expect(unknown.json.error.details.issues[0].keys).to.deep.equal(['stauts']);
    for (const bad of ['status=done', 'limit=0', 'limit=201', 'limit=abc', 'closed=yes', 'cursor=abc', `cursor=${Buffer.from('after:x').toString('base64url')}`, 'limit=1&limit=2']) {
      const res = await get(`/v1/cases?${bad}`);
      expect(res.status, bad).to.equal(400);
      expect(res.json.error.code, bad).to.equal('bad_request');
    }
  });

  it('cancels a trace between hops: later steps do nothing, the case can be traced again, each run keeps its report', async () => {
    const id = created[0]!.id;
    expect((await post(`/v1/cases/${id}/cancel`)).status, 'nothing to cancel').to.equal(409);
    const started = await post(`/v1/cases/${id}/trace`);
    expect(started.status).to.equal(202);
    // run the first hop only, then cancel while the next hop waits in the queue
    const queue = world.app.deps.queue as InlineQueue;
    const processor = createJobProcessor(world.app.deps);
    let cancelled: any;
    await queue.drain(async (job) => {
      if (!cancelled && job.name === 'trace-hop' && (job.data as { hop: number }).hop === 1) {
        cancelled = await post(`/v1/cases/${id}/cancel`);
      }
      await processor(job);
    });
    expect(cancelled.status).to.equal(200);
    expect(cancelled.json.status).to.equal('new');
    expect(cancelled.json.run).to.include({ id: started.json.runId, status: 'cancelled' });
    const afterCancel = await get(`/v1/cases/${id}`);
    expect(afterCancel.json.status, 'late steps do not move the case').to.equal('new');
    const cancelledRun = await get(`/v1/cases/${id}/runs/${started.json.runId}`);
    expect(cancelledRun.json.status).to.equal('cancelled');
    expect(cancelledRun.json.error).to.equal('cancelled by alice');
    expect((await get(`/v1/cases/${id}/runs/${started.json.runId}/report`)).status).to.equal(409);

    const again = await post(`/v1/cases/${id}/trace`);
    expect(again.status).to.equal(202);
    await world.app.drain();
    expect((await get(`/v1/cases/${id}`)).json.status).to.equal('traced');
    const runs = await get(`/v1/cases/${id}/runs?limit=1`);
    expect(runs.json.items.map((r: any) => [r.id, r.status])).to.deep.equal([[again.json.runId, 'done']]);
    const older = await get(`/v1/cases/${id}/runs?limit=1&cursor=${runs.json.nextCursor}`);
    expect(older.json.items.map((r: any) => [r.id, r.status])).to.deep.equal([[started.json.runId, 'cancelled']]);
    expect(older.json.nextCursor).to.equal(null);
    const byRun = await get(`/v1/cases/${id}/runs/${again.json.runId}/report`);
    expect(byRun.status).to.equal(200);
    const latest = await get(`/v1/cases/${id}/report`);
    expect(byRun.json.endpoints).to.deep.equal(latest.json.endpoints);
    expect(byRun.json.endpoints.length).to.be.greaterThan(0);
  });

  it('a whole report is written in pieces as it is made: the stored report\'s JSON, no Content-Length', async () => {
    const { store } = world.app.deps;
    const kase = await createCase(world.app.deps, { title: 'a long report', chain: 'local', seeds: [{ address: world.scenario.wallets.v1 }] }, 'test');
    const run = await store.runs.create(kase.id);
    // Over 1,000 holdings: written element by element (jsonPieces), in more than one piece.
    const holdings = Array.from({ length: 3_000 }, (_, i) => ({ address: `0x${i.toString(16).padStart(40, '0')}`, amount: String(10n ** 24n + BigInt(i)), note: i === 7 ? 'é "q" 🚀' : null }));
    await store.runs.saveResult(run.id, { report: { chain: 'local', model: 'fifo', endpoints: [], holdings }, nodes: [], flows: [], endpoints: [] });
    await store.runs.finish(run.id, 'done');
    const stored = JSON.stringify(await store.runs.report(run.id));
    for (const path of [`/v1/cases/${kase.id}/report`, `/v1/cases/${kase.id}/runs/${run.id}/report`]) {
      const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${analyst}` } });
      expect(res.status, path).to.equal(200);
      expect(res.headers.get('content-type'), path).to.match(/^application\/json/);
      expect(res.headers.get('content-length'), path).to.equal(null);
      expect(await res.text(), path).to.equal(stored);
    }
    // Paged, as before: the first page of holdings and a cursor.
    const paged = await get(`/v1/cases/${kase.id}/report?limit=100`);
    expect(paged.json.holdings).to.have.length(100);
    expect(paged.json.nextCursor).to.be.a('string');
  });

  it('a run of another case is not found', async () => {
    const runs = await get(`/v1/cases/${created[0]!.id}/runs`);
    const runId = runs.json.items[0].id;
    expect((await get(`/v1/cases/${created[1]!.id}/runs/${runId}`)).status).to.equal(404);
    expect((await get(`/v1/cases/${created[1]!.id}/runs/${runId}/report`)).status).to.equal(404);
    expect((await get(`/v1/cases/${created[1]!.id}/runs/not-a-uuid`)).status).to.equal(404);
  });
});
