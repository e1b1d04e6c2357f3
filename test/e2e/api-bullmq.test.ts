// The same case through the HTTP API and a BullMQ worker on real Redis, and through the
// CLI: the reports must agree. Also the API's error contract on the case routes.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createAppContext, type AppContext } from '../../services/app';
import { createApiKey } from '../../services/auth/api-keys';
import { main } from '../../services/cli/main';
import { labelsCsv } from '../../services/demo/pig-butchering';
import type { TraceReport } from '../../services/domain/report';
import { silentLogger } from '../../services/log';
import { startBullWorkers, type BullWorkers } from '../../services/queues/bullmq';
import { createTraceProcessor } from '../../workers/trace-processor';
import { pigButcheringWorld, stableReport, testConfig, type PigButcheringWorld } from '../support/tracing';
import { QUEUE_NAMES } from '../../services/queues/definitions';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('e2e: the API and a BullMQ worker, against the CLI', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let bullApp: AppContext;
  let workers: BullWorkers;
  let server: RunningServer;
  let analyst: string;
  let supervisor: string;
  let admin: string;
  const prefix = `tracehold-test-${process.pid}-${randomBytes(3).toString('hex')}`;

  before(async () => {
    world = await pigButcheringWorld();
    const config = testConfig(world.node, { REDIS_URL, TRACEHOLD_QUEUE_PREFIX: prefix });
    bullApp = await createAppContext({ config, log: silentLogger, queue: 'bull', db: world.testDb.db });
    workers = startBullWorkers({ redisUrl: REDIS_URL, prefix, processor: createTraceProcessor(bullApp.deps), log: silentLogger });
    server = await startServer(createApiApp(bullApp.deps), 0);
    analyst = (await createApiKey(bullApp.deps.store, { role: 'analyst', name: 'analyst' })).key;
    supervisor = (await createApiKey(bullApp.deps.store, { role: 'supervisor', name: 'supervisor' })).key;
    admin = (await createApiKey(bullApp.deps.store, { role: 'admin', name: 'admin' })).key;
  });

  after(async () => {
    await server?.stop();
    await workers?.close();
    if (bullApp) {
      for (const name of QUEUE_NAMES) await bullApp.bull?.queue(name).obliterate({ force: true });
      await bullApp.close();
    }
    await world?.close();
  });

  const call = async (method: string, url: string, key: string | null, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(server.url + url, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };

  const caseBody = () => ({ title: 'Pig-butchering ring, victims V1-V3', reference: 'FIU-2026-0042', chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })) });

  async function traceThroughApi(): Promise<{ id: string; report: TraceReport }> {
    const created = await call('POST', '/v1/cases', analyst, caseBody());
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ status: 'new', chain: 'local', model: 'fifo' });
    const queued = await call('POST', `/v1/cases/${created.body.id}/trace`, analyst);
    expect(queued.status).to.equal(202);
    for (let i = 0; i < 600; i++) {
      const got = await call('GET', `/v1/cases/${created.body.id}`, analyst);
      if (got.body.status === 'traced') break;
      if (got.body.status === 'failed') throw new Error(JSON.stringify(got.body.progress));
      await new Promise((r) => setTimeout(r, 100));
    }
    const report = await call('GET', `/v1/cases/${created.body.id}/report`, supervisor);
    expect(report.status).to.equal(200);
    return { id: created.body.id, report: report.body };
  }

  it('gives the same report through the API + BullMQ worker as through the CLI', async () => {
    const { report: viaApi } = await traceThroughApi();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracehold-cli-'));
    try {
      const labels = path.join(dir, 'labels.csv');
      fs.writeFileSync(labels, labelsCsv(world.scenario.labels));
      let out = '';
      let err = '';
      const code = await main(
        ['trace', '--chain', 'local', ...world.scenario.seedTxs.flatMap((s) => ['--seed', s]), '--labels', labels, '--json'],
        { out: (t) => (out += t), err: (t) => (err += t), env: { LOCAL_RPC_URL: world.node.url, DATABASE_URL: world.testDb.url, TRACEHOLD_LOG_LEVEL: 'silent' } },
      );
      expect(code, err).to.equal(0);
      const viaCli = JSON.parse(out) as TraceReport;
      expect(stableReport(viaCli)).to.deep.equal(stableReport(viaApi));
      expect(viaApi.endpoints.length).to.be.greaterThan(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves the case graph: nodes and tainted edges', async () => {
    const { id, report } = await traceThroughApi();
    const graph = await call('GET', `/v1/cases/${id}/graph`, analyst);
    expect(graph.status).to.equal(200);
    const d1 = world.scenario.wallets.d1;
    expect(graph.body.nodes.some((n: { address: string; role: string }) => n.address === d1 && n.role === 'deposit')).to.equal(true);
    const tainted = graph.body.edges.filter((e: { tainted: string }) => BigInt(e.tainted) > 0n);
    expect(tainted.length).to.be.greaterThan(10);
    expect(report.stats.transfers).to.be.greaterThan(0);
  });

  it('imports labels as CSV through POST /v1/labels', async () => {
    const csv = 'chain,address,entity,category,confidence,source\nlocal,0x00000000000000000000000000000000000000aa,Kraken,exchange,80,test\n';
    const res = await call('POST', '/v1/labels', analyst, csv, { 'content-type': 'text/csv' });
    expect(res.status).to.equal(200);
    expect(res.body.imported).to.equal(1);
    const bad = await call('POST', '/v1/labels', analyst, 'chain,address,entity,category\nlocal,0xNOTANADDRESS,X,exchange\n', { 'content-type': 'text/csv' });
    expect(bad.status).to.equal(422);
  });

  describe('errors', () => {
    it('401 without a key or with an unknown one', async () => {
      const none = await call('GET', '/v1/cases/00000000-0000-4000-8000-000000000000', null);
      expect(none.status).to.equal(401);
      expect(none.body.error.code).to.equal('unauthorized');
      const unknown = await call('GET', '/v1/cases/00000000-0000-4000-8000-000000000000', 'th_analyst_notarealkeyatall000000');
      expect(unknown.status).to.equal(401);
    });

    it('403 for the wrong role', async () => {
      expect((await call('POST', '/v1/cases', supervisor, caseBody())).status).to.equal(403);
      expect((await call('POST', '/v1/cases', admin, caseBody())).status).to.equal(403);
    });

    it('404 for an absent case, whatever the id looks like', async () => {
      expect((await call('GET', '/v1/cases/00000000-0000-4000-8000-000000000000', analyst)).status).to.equal(404);
      expect((await call('GET', '/v1/cases/..%2F..%2Fetc%2Fpasswd', analyst)).status).to.equal(404);
      expect((await call('GET', "/v1/cases/1' or '1'='1", analyst)).status).to.equal(404);
    });

    const invalid: [string, Record<string, unknown>, number][] = [
      ['a bad checksum', { seeds: [{ address: '0x45F735934ea64ab7e23f8146a16d97d9af607396' }] }, 422],
      ['an unknown chain', { chain: 'dogechain' }, 422],
      ['a negative minimum amount', { minAmount: '-5' }, 422],
      ['an unknown model', { model: 'magic' }, 422],
      ['no seeds', { seeds: [] }, 422],
      ['a seed that is neither address nor tx', { seeds: [{ foo: 1 }] }, 400],
      ['a title of the wrong type', { title: 42 }, 400],
      ['fromBlock after toBlock', { fromBlock: 10, toBlock: 5 }, 422],
    ];
    for (const [what, patch, status] of invalid) {
      it(`${status} for ${what}, and nothing is written`, async () => {
        const before = (await bullApp.deps.store.cases.list()).length;
        const res = await call('POST', '/v1/cases', analyst, { ...caseBody(), ...patch });
        expect(res.status, JSON.stringify(res.body)).to.equal(status);
        expect(res.body.error).to.include.keys(['code', 'message']);
        expect((await bullApp.deps.store.cases.list()).length).to.equal(before);
      });
    }

    it('400 for malformed JSON, 413 for a body over the limit, 415 for an unknown content type', async () => {
      expect((await call('POST', '/v1/cases', analyst, '{"title": ')).status).to.equal(400);
      const huge = JSON.stringify({ ...caseBody(), padding: 'x'.repeat(6 * 1024 * 1024) });
      expect((await call('POST', '/v1/cases', analyst, huge)).status).to.equal(413);
      expect((await call('POST', '/v1/cases', analyst, 'title=x', { 'content-type': 'application/x-www-form-urlencoded' })).status).to.equal(415);
    });

    it('409 when a case is traced twice at once', async () => {
      const created = await call('POST', '/v1/cases', analyst, caseBody());
      const [a, b] = await Promise.all([
        call('POST', `/v1/cases/${created.body.id}/trace`, analyst),
        call('POST', `/v1/cases/${created.body.id}/trace`, analyst),
      ]);
      expect([a.status, b.status].sort()).to.deep.equal([202, 409]);
    });

    it('sets security headers', async () => {
      const res = await call('GET', '/healthz', null);
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('x-powered-by')).to.equal(null);
    });
  });
});
