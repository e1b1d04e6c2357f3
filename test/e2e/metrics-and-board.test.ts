// /metrics scraped and parsed after real traffic and a real trace; the BullMQ dashboard at
// /admin/queues answers admin keys only (Bearer or a browser's Basic prompt).
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createApiKey } from '../../services/auth/api-keys';
import { createBullQueues, type BullQueues } from '../../services/queues/bullmq';
import { QUEUE_NAMES } from '../../services/queues/definitions';
import { pigButcheringWorld, traceInline, type PigButcheringWorld } from '../support/tracing';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Sample { name: string; labels: Record<string, string>; value: number }

/** The Prometheus text format, strictly: every line a comment or a well-formed sample. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      expect(types.has(type[1]!), `one TYPE line for ${type[1]}`).to.equal(false);
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    // Values as Go's ParseFloat reads them (what Prometheus uses): NaN and Inf in any case
    // (prom-client prints an event-loop lag with no sample yet as `Nan`).
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|nan|[+-]?inf)$/i.exec(line);
    expect(m, `sample line: ${line}`).to.not.equal(null);
    const labels: Record<string, string> = {};
    for (const l of (m![2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m![1]!, labels, value: /^nan$/i.test(m![3]!) ? NaN : /inf$/i.test(m![3]!) ? (m![3]!.startsWith('-') ? -Infinity : Infinity) : Number(m![3]) });
  }
  return { samples, types };
}

describe('e2e: /metrics and the queue dashboard', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let server: RunningServer;
  let queues: BullQueues;
  const keys = {} as Record<'admin' | 'analyst', string>;

  before(async () => {
    world = await pigButcheringWorld();
    queues = createBullQueues({ redisUrl: REDIS_URL, prefix: `th-test-board-${randomBytes(4).toString('hex')}` });
    server = await startServer(createApiApp(world.app.deps, { queues }), 0);
    keys.admin = (await createApiKey(world.app.deps.store, { role: 'admin', name: 'root' })).key;
    keys.analyst = (await createApiKey(world.app.deps.store, { role: 'analyst', name: 'alice' })).key;
  });

  after(async () => {
    await server?.stop();
    for (const q of QUEUE_NAMES) await queues?.queue(q).obliterate({ force: true }).catch(() => undefined);
    await queues?.close();
    await world?.close();
  });

  it('scrapes and parses: HTTP latency per route, traces by outcome and duration, hops, RPC calls per chain and method, queues, alerts', async () => {
    await traceInline(world.app, { chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })) });
    const kase = (await world.app.deps.store.cases.page({ limit: 1 }))[0]!;
    // the registry is the process's: other suites may have counted the same route before
    const countOf = async () => Number(/tracehold_http_request_duration_seconds_count\{[^}]*route="\/v1\/cases\/:id"[^}]*status="200"[^}]*\} (\d+)/.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1] ?? 0);
    const before = await countOf();
    for (let i = 0; i < 3; i++) await fetch(`${server.url}/v1/cases/${kase.id}`, { headers: { authorization: `Bearer ${keys.analyst}` } });
    await fetch(`${server.url}/v1/cases/${kase.id}`);

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/plain/);
    const { samples, types } = parseExposition(await res.text());
    const find = (name: string, labels: Record<string, string> = {}) =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

    expect(types.get('tracehold_http_request_duration_seconds')).to.equal('histogram');
    const ok = find('tracehold_http_request_duration_seconds_count', { route: '/v1/cases/:id', method: 'GET', status: '200' });
    expect(ok[0]?.value).to.equal(before + 3);
    expect(find('tracehold_http_request_duration_seconds_count', { route: '/v1/cases/:id', status: '401' }), 'unauthenticated').to.have.length(0);
    expect(samples.some((s) => s.labels.route?.includes(kase.id)), 'no raw ids as labels').to.equal(false);

    expect(types.get('tracehold_traces_total')).to.equal('counter');
    expect(find('tracehold_traces_total', { outcome: 'done' })[0]?.value).to.equal(1);
    const buckets = find('tracehold_trace_duration_seconds_bucket', { outcome: 'done' });
    expect(buckets.length).to.be.greaterThan(3);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).to.be.at.least(buckets[i - 1]!.value);
    expect(buckets[buckets.length - 1]).to.deep.include({ value: 1, labels: { outcome: 'done', le: '+Inf' } });
    expect(find('tracehold_trace_hops_total', { outcome: 'done' })[0]?.value).to.be.greaterThan(0);

    const rpc = find('tracehold_rpc_calls_total', { chain: 'local' });
    expect(rpc.length, 'RPC methods').to.be.greaterThan(1);
    expect(rpc.reduce((n, s) => n + s.value, 0)).to.be.greaterThan(0);
    expect(types.get('tracehold_rpc_errors_total')).to.equal('counter');

    for (const queue of QUEUE_NAMES) {
      for (const state of ['waiting', 'active', 'failed']) expect(find('tracehold_queue_jobs', { queue, state }), `${queue} ${state}`).to.have.length(1);
    }
    expect(types.get('tracehold_alerts_raised_total')).to.equal('counter');
    expect(types.get('tracehold_freeze_deliveries_total')).to.equal('counter');
    expect(find('tracehold_process_resident_memory_bytes')[0]?.value).to.be.greaterThan(0);
  });

  it('the queue dashboard answers admin keys only', async () => {
    const board = (headers: Record<string, string>, path = '/admin/queues') => fetch(server.url + path, { headers });
    const none = await board({});
    expect(none.status).to.equal(401);
    expect(none.headers.get('www-authenticate')).to.match(/^Basic /);
    expect((await board({ authorization: `Bearer ${keys.analyst}` })).status).to.equal(403);
    expect((await board({ authorization: `Bearer ${keys.analyst}` }, '/admin/queues/api/queues')).status).to.equal(403);
    expect((await board({ authorization: 'Bearer th_admin_not-a-real-key-at-all' })).status).to.equal(401);

    const page = await board({ authorization: `Bearer ${keys.admin}` });
    expect(page.status).to.equal(200);
    expect(await page.text()).to.match(/<html/i);
    const basic = `Basic ${Buffer.from(`anyone:${keys.admin}`).toString('base64')}`;
    const api = await board({ authorization: basic }, '/admin/queues/api/queues');
    expect(api.status).to.equal(200);
    const names = ((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).to.deep.equal([...QUEUE_NAMES].sort());

    // a revoked admin key is shut out too
    const extra = await createApiKey(world.app.deps.store, { role: 'admin', name: 'temp' });
    expect((await board({ authorization: `Bearer ${extra.key}` })).status).to.equal(200);
    await world.app.deps.store.apiKeys.revoke(extra.id);
    expect((await board({ authorization: `Bearer ${extra.key}` })).status).to.equal(401);
  });
});
