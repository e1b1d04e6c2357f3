// A Bitcoin pig-butchering case, end to end: signed transactions served by a loopback
// Esplora, traced through the CLI and through the API + a BullMQ worker (same report), then
// a freeze request to the exchange. Expected satoshis, worked out by hand:
//
// F (funding): F:0 1,000,000 → V (victim), F:1 500,000 → H (Kraken hot wallet, labelled),
//              F:2 300,000 → C (clean money)
// P (the victim's payment, the seed P:0): V → S 900,000 (P:0), V change 90,000 (P:1), fee 10,000
// M (commingling): S's P:0 (900,000) + C's F:2 (300,000) → D 700,000 (M:0), K 490,000 (M:1), fee 10,000
// W (Kraken sweeps its deposit address D together with its hot wallet):
//      M:0 (D) + F:1 (H) → H2 1,190,000, fee 10,000. D and H co-spend: D is Kraken's (cluster).
//
// fifo at M: inputs laid end to end [S 0..900k tainted][C 900k..1.2M]; M:0 takes 0..700k
//   → 700,000 tainted at D; M:1 takes 700k..1.19M → 200,000 tainted at K; the fee the clean tail.
// haircut at M: 900/1200 = 3/4 of each: D 525,000, K 367,500, fee 7,500 (exact, no remainder).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../config';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createAppContext, type AppContext } from '../../services/app';
import { createApiKey } from '../../services/auth/api-keys';
import { main } from '../../services/cli/main';
import type { TraceReport } from '../../services/domain/report';
import { silentLogger } from '../../services/log';
import { startBullWorkers, type BullWorkers } from '../../services/queues/bullmq';
import { createJobProcessor } from '../../workers/processors';
import { fund, spend, wallet } from '../support/btc-wallet';
import { createTestDb, type TestDb } from '../support/db';
import { EsploraData, startEsploraServer, type EsploraServer } from '../support/esplora-server';
import { stableReport } from '../support/tracing';
import { QUEUE_NAMES } from '../../services/queues/definitions';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const V = wallet('p2wpkh', 101);
const H = wallet('p2wpkh', 102);
const C = wallet('p2pkh', 103);
const S = wallet('p2tr', 104);
const D = wallet('p2wpkh', 105);
const K = wallet('p2tr', 106);
const H2 = wallet('p2wpkh', 107);

const F = fund([[V, 1_000_000n], [H, 500_000n], [C, 300_000n]], 7);
const P = spend([{ tx: F, vout: 0, owner: V }], [[S, 900_000n], [V, 90_000n]]);
const M = spend([{ tx: P, vout: 0, owner: S }, { tx: F, vout: 2, owner: C }], [[D, 700_000n], [K, 490_000n]]);
const W = spend([{ tx: M, vout: 0, owner: D }, { tx: F, vout: 1, owner: H }], [[H2, 1_190_000n]]);

describe('e2e: a bitcoin case through the CLI, the API + BullMQ worker and a freeze request', function () {
  this.timeout(300_000);
  let esplora: EsploraServer;
  let testDb: TestDb;
  let app: AppContext;
  let workers: BullWorkers;
  let server: RunningServer;
  let dir: string;
  const prefix = `tracehold-test-${process.pid}-${randomBytes(3).toString('hex')}`;
  const env = () => ({ BTC_ESPLORA_URL: esplora.url, BITCOIN_CONFIRMATIONS: '0', TRACEHOLD_LOG_LEVEL: 'silent' });

  before(async () => {
    const data = new EsploraData();
    data.mine([F]);
    data.mine([P]);
    data.mine([M]);
    data.mine([W]);
    esplora = await startEsploraServer(data);
    testDb = await createTestDb();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracehold-btc-'));
    fs.writeFileSync(path.join(dir, 'labels.csv'), `chain,address,entity,category,confidence,source\nbitcoin,${H.address},Kraken,exchange,90,test\n`);
    const config = loadConfig({ ...env(), REDIS_URL, TRACEHOLD_QUEUE_PREFIX: prefix });
    app = await createAppContext({ config, log: silentLogger, queue: 'bull', db: testDb.db });
    workers = startBullWorkers({ redisUrl: REDIS_URL, prefix, processor: createJobProcessor(app.deps), log: silentLogger });
    server = await startServer(createApiApp(app.deps), 0);
  });
  after(async () => {
    await server?.stop();
    await workers?.close();
    if (app) {
      for (const name of QUEUE_NAMES) await app.bull?.queue(name).obliterate({ force: true }).catch(() => {});
      await app.close();
    }
    await testDb?.drop();
    await esplora?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (model: string) => {
    let out = '';
    let err = '';
    const code = await main(
      ['trace', '--chain', 'bitcoin', '--esplora', esplora.url, '--seed', `${P.getId()}:0`, '--labels', path.join(dir, 'labels.csv'), '--model', model, '--json'],
      { out: (t) => (out += t), err: (t) => (err += t), env: { ...env(), DATABASE_URL: testDb.url } },
    );
    expect(code, err).to.equal(0);
    return JSON.parse(out) as TraceReport;
  };

  it('fifo: the deposit address is Kraken\'s by co-spend clustering, 700,000 sat; 200,000 sit at K', async () => {
    const r = await cli('fifo');
    expect(r.endpoints).to.have.length(1);
    expect(r.endpoints[0]).to.include({ address: D.address, entity: 'Kraken', category: 'exchange', attribution: 'cluster', asset: 'BTC', amount: '700000', hops: 1 });
    expect(r.endpoints[0]!.paths).to.deep.equal([[P.getId(), M.getId()]]);
    expect(r.holdings.map((h) => [h.address, h.amount])).to.deep.equal([[K.address, '200000']]);
    expect(r.accounting).to.deep.equal([{ asset: 'BTC', seeded: '900000', endpoints: '700000', holdings: '200000', stopped: '0', fees: '0', balanceGaps: 0 }]);
    expect(r.exposure).to.deep.equal([{ entity: 'Kraken', category: 'exchange', asset: 'BTC', amount: '700000', share: 0.777777 }]);
    expect(r.limitations.join(' ')).to.match(/cluster/);
  });

  it('haircut: three quarters of each output of the commingling transaction', async () => {
    const r = await cli('haircut');
    expect(r.endpoints.map((e) => [e.address, e.amount])).to.deep.equal([[D.address, '525000']]);
    expect(r.holdings.map((h) => [h.address, h.amount])).to.deep.equal([[K.address, '367500']]);
    expect(r.accounting[0]).to.include({ seeded: '900000', fees: '7500' });
  });

  it('gives the same report through the API and a BullMQ worker as through the CLI, and drafts a freeze request to the exchange', async () => {
    const viaCli = await cli('fifo');
    const analyst = (await createApiKey(app.deps.store, { role: 'analyst', name: 'analyst' })).key;
    const admin = (await createApiKey(app.deps.store, { role: 'admin', name: 'admin' })).key;
    const call = async (method: string, url: string, key: string, body?: unknown) => {
      const res = await fetch(server.url + url, {
        method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() as any };
    };
    const created = await call('POST', '/v1/cases', analyst, { title: 'BTC victim payment', chain: 'bitcoin', seeds: [{ txHash: P.getId(), index: 0 }] });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect((await call('POST', `/v1/cases/${created.body.id}/trace`, analyst)).status).to.equal(202);
    for (let i = 0; i < 300; i++) {
      const got = await call('GET', `/v1/cases/${created.body.id}`, analyst);
      if (got.body.status === 'traced' || got.body.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const viaApi = await call('GET', `/v1/cases/${created.body.id}/report`, analyst);
    expect(viaApi.status, JSON.stringify(viaApi.body)).to.equal(200);
    expect(stableReport(viaApi.body)).to.deep.equal(stableReport(viaCli));

    const partner = await call('POST', '/v1/partners', admin, { name: 'Kraken', kind: 'exchange', entities: ['Kraken'], contactEmail: 'le@kraken.example' });
    expect(partner.status, JSON.stringify(partner.body)).to.equal(201);
    const drafted = await call('POST', `/v1/cases/${created.body.id}/freeze-requests`, analyst, {
      requestingAuthority: 'FIU Testland', legalBasis: 'Art. 12 AML Act', contact: { name: 'A. Analyst', email: 'analyst@fiu.example' },
    });
    expect(drafted.status, JSON.stringify(drafted.body)).to.equal(201);
    expect(drafted.body).to.have.length(1);
    expect(drafted.body[0].targets.map((t: { address: string; amount: string }) => [t.address, t.amount])).to.deep.equal([[D.address, '700000']]);
  });

  it('rejects a bitcoin seed with a bad checksum and an EVM-style hash, before any work', async () => {
    const bad = async (seed: string) => main(['trace', '--chain', 'bitcoin', '--esplora', esplora.url, '--seed', seed], { out: () => {}, err: () => {}, env: { ...env(), DATABASE_URL: testDb.url } });
    expect(await bad(K.address.slice(0, -1) + (K.address.endsWith('q') ? 'p' : 'q'))).to.equal(2);
    expect(await bad(`0x${P.getId()}`)).to.equal(2);
  });
});
