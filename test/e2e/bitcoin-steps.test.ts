// A Bitcoin case as EVM runs one: one job per hop over state kept in Postgres, transactions
// shared by cases in Postgres, a busy wallet stopped from Esplora's transaction count before
// anything of its history is read, and holdings capped at the real balance at toBlock.
// Signed transactions served by the loopback Esplora; the in-process queue runs the jobs.
//
// World A (the trace-bitcoin scenario): F funds V 1,000,000, H (Kraken, labelled) 500,000,
//   C 300,000; P: V → S 900,000 (the seed P:0) + change; M: S's P:0 + C's F:2 → D 700,000,
//   K 490,000; W: D's M:0 + H's F:1 → H2 (D co-spends with Kraken: Kraken's by cluster).
//   fifo: D 700,000 (endpoint), K 200,000 (holding). Two passes: the first reads W, the
//   clustering then stops the second at D.
// World B (a busy hot wallet and a lagging spend index): G funds V2 100,000; Q: V2 → B
//   60,000 + L 35,000 (fee 5,000); B is a hot wallet with 8 more funding transactions, and
//   sweeps Q:0 into B2 (Z); L forwards Q:1 to L2 in Y, a spend the server's outspends index
//   does not show (the trace sees Q:1 as held at L, but L's balance at toBlock is 0).
import { expect } from 'chai';
import { loadConfig } from '../../config';
import { createAppContext, type AppContext } from '../../services/app';
import { silentLogger } from '../../services/log';
import type { Processor } from '../../services/queues/definitions';
import { RetryableError } from '../../services/errors';
import { caseReport, createCase, getCase, startTrace } from '../../services/tracing/cases';
import type { TraceReport } from '../../services/domain/report';
import { createJobProcessor } from '../../workers/processors';
import { fund, spend, wallet } from '../support/btc-wallet';
import { createTestDb, type TestDb } from '../support/db';
import { EsploraData, startEsploraServer, type EsploraServer } from '../support/esplora-server';
import { stableReport } from '../support/tracing';

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

const V2 = wallet('p2wpkh', 201);
const B = wallet('p2wpkh', 202);
const L = wallet('p2tr', 203);
const B2 = wallet('p2wpkh', 204);
const L2 = wallet('p2wpkh', 205);
const G = fund([[V2, 100_000n]], 21);
const Q = spend([{ tx: G, vout: 0, owner: V2 }], [[B, 60_000n], [L, 35_000n]]);
const hot = Array.from({ length: 8 }, (_, i) => fund([[B, BigInt(10_000 + i)]], 40 + i));
const Z = spend([{ tx: Q, vout: 0, owner: B }, { tx: hot[0]!, vout: 0, owner: B }], [[B2, 69_000n]]);
const Y = spend([{ tx: Q, vout: 1, owner: L }], [[L2, 34_000n]]);

interface Traced {
  report: TraceReport;
  jobs: string[];
  requests: string[];
}

describe('e2e: bitcoin one job per hop, shared transactions, service-like stop, holdings cap', function () {
  this.timeout(300_000);
  let esplora: EsploraServer;
  let data: EsploraData;
  let testDb: TestDb;
  let app: AppContext;

  before(async () => {
    data = new EsploraData();
    data.mine([F, G]);
    data.mine([P, Q, ...hot]);
    data.mine([M]);
    data.mine([W, Z, Y]);
    data.hideSpend(Q.getId(), 1);
    esplora = await startEsploraServer(data);
    testDb = await createTestDb();
    const config = loadConfig({ BTC_ESPLORA_URL: esplora.url, BITCOIN_CONFIRMATIONS: '0', TRACEHOLD_LOG_LEVEL: 'silent', TRACEHOLD_BTC_SERVICE_LIKE_TXS: '5' });
    app = await createAppContext({ config, log: silentLogger, queue: 'inline', db: testDb.db });
    await app.deps.store.labels.upsert([{ chain: 'bitcoin', address: H.address, entity: 'Kraken', category: 'exchange', confidence: 90, source: 'test' }]);
  });
  after(async () => {
    await app?.close();
    await testDb?.drop();
    await esplora?.close();
  });

  const trace = async (seed: { txHash: string; index: number }, options: { model?: string; processor?: Processor } = {}): Promise<Traced> => {
    const kase = await createCase(app.deps, { title: 'btc steps', chain: 'bitcoin', seeds: [seed], ...(options.model ? { model: options.model } : {}) }, 'test');
    const from = esplora.requests.length;
    await startTrace(app.deps, kase.id);
    const jobs: string[] = [];
    const real = options.processor ?? createJobProcessor(app.deps);
    await app.inline!.drain(async (job) => {
      jobs.push(job.id);
      await real(job);
    });
    const status = await getCase(app.deps, kase.id);
    expect(status.status, JSON.stringify(status.progress)).to.equal('traced');
    return { report: await caseReport(app.deps, kase.id), jobs, requests: esplora.requests.slice(from) };
  };
  const seedA = () => ({ txHash: P.getId(), index: 0 });
  const seedB = () => ({ txHash: G.getId(), index: 0 });

  it('runs one job per hop and keeps the state in Postgres; the answer is the single-job one', async () => {
    const first = await trace(seedA());
    const r = first.report;
    expect(r.endpoints.map((e) => [e.address, e.entity, e.attribution, e.amount])).to.deep.equal([[D.address, 'Kraken', 'cluster', '700000']]);
    expect(r.holdings.map((h) => [h.address, h.amount])).to.deep.equal([[K.address, '200000']]);
    expect(r.accounting).to.deep.equal([{ asset: 'BTC', seeded: '900000', endpoints: '700000', holdings: '200000', stopped: '0', fees: '0', balanceGaps: 0 }]);
    // Pass 1: hop 0 (the seed), hop 1 (M), hop 2 (W; the pass ends, clustering puts D with
    // Kraken, pass 2 starts from the seed), hop 3 (M again: D is a stop now; the stop set holds).
    const hops = first.jobs.filter((id) => id.includes('-hop-'));
    expect(hops.map((id) => id.replace(/^run-[0-9a-f-]+-/, '')), first.jobs.join(' ')).to.deep.equal(['hop-0', 'hop-1', 'hop-2', 'hop-3']);
    expect(first.jobs.filter((id) => id.endsWith('-final'))).to.have.length(1);
    // The states are dropped once the report is saved (while running, only the newest two are kept).
    const steps = await app.db.query<{ step: number }>('select step from btc_run_steps order by step');
    expect(steps.rows).to.deep.equal([]);
  });

  it('a later case reads every transaction and outspend from Postgres, not Esplora', async () => {
    const again = await trace(seedA());
    expect(again.requests.filter((p) => p.startsWith('/tx/')), again.requests.join(' ')).to.deep.equal([]);
    // Verdicts (not service-like, at this toBlock) and K's balance are reused too.
    expect(again.requests.filter((p) => p.startsWith('/address/')), again.requests.join(' ')).to.deep.equal([]);
    const stored = await app.db.query<{ n: string }>(`select count(*)::text as n from btc_txs where chain = 'bitcoin' and txid = any($1::text[])`, [[P.getId(), M.getId(), W.getId()]]);
    expect(stored.rows[0]!.n).to.equal('3'); // F, the seed's input, is never read
  });

  it('a step that runs again after its writes changes nothing: same report', async () => {
    const reference = (await trace(seedA(), { model: 'haircut' })).report;
    const real = createJobProcessor(app.deps);
    let injected = 0;
    const crashing: Processor = async (job) => {
      await real(job);
      if (job.attempt === 1 && job.name.startsWith('trace-')) {
        injected += 1;
        throw new RetryableError('injected: worker lost after the step wrote');
      }
    };
    const retried = await trace(seedA(), { model: 'haircut', processor: crashing });
    expect(injected).to.be.at.least(4);
    expect(stableReport(retried.report)).to.deep.equal(stableReport(reference));
    expect(reference.endpoints.map((e) => [e.address, e.amount])).to.deep.equal([[D.address, '525000']]);
  });

  it('stops at a busy wallet from its transaction count, never reading its history, and records the verdict for later cases', async () => {
    const first = await trace(seedB());
    const r = first.report;
    expect(r.stopped.filter((s) => s.reason === 'service-like').map((s) => [s.address, s.amount, s.hops])).to.deep.equal([[B.address, '60000', 1]]);
    expect(first.requests).to.include(`/address/${B.address}`);
    expect(first.requests.filter((p) => p.startsWith(`/address/${B.address}/`))).to.deep.equal([]);
    expect(first.requests).to.not.include(`/tx/${Z.getId()}`);
    const row = await app.db.query<{ service_like: boolean; judged_by: string; judged_tx_count: string; judged_to_block: string }>(
      `select service_like, judged_by, judged_tx_count::text, judged_to_block::text from addresses where chain = 'bitcoin' and address = $1`, [B.address]);
    expect(row.rows[0]).to.deep.equal({ service_like: true, judged_by: 'tx-count', judged_tx_count: '10', judged_to_block: String(r.toBlock) });
    const second = await trace(seedB());
    expect(second.requests.filter((p) => p.startsWith(`/address/${B.address}`))).to.deep.equal([]);
    expect(second.report.stopped).to.deep.equal(r.stopped);
  });

  it('refuses a busy seed address with a clear error, without reading its history', async () => {
    const kase = await createCase(app.deps, { title: 'busy seed', chain: 'bitcoin', seeds: [{ address: B.address }] }, 'test');
    const from = esplora.requests.length;
    await startTrace(app.deps, kase.id);
    const error = await app.drain().then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/looks like a service/);
    const status = await getCase(app.deps, kase.id);
    expect(status.status).to.equal('failed');
    expect(JSON.stringify(status.progress)).to.match(/looks like a service/);
    expect(esplora.requests.slice(from).filter((p) => p.startsWith(`/address/${B.address}/`))).to.deep.equal([]);
  });

  it('an address seed reads its history once, however many passes the trace takes', async () => {
    const { report: r, requests } = await trace(seedA()).then(async () => {
      const kase = await createCase(app.deps, { title: 'address seed', chain: 'bitcoin', seeds: [{ address: S.address }] }, 'test');
      const from = esplora.requests.length;
      await startTrace(app.deps, kase.id);
      await app.drain();
      expect((await getCase(app.deps, kase.id)).status).to.equal('traced');
      return { report: await caseReport(app.deps, kase.id), requests: esplora.requests.slice(from) };
    });
    // S received P:0 (900,000) and spent it in M: the same trace as the P:0 seed, two passes.
    expect(r.endpoints.map((e) => [e.address, e.amount])).to.deep.equal([[D.address, '700000']]);
    expect(requests.filter((p) => p === `/address/${S.address}/txs`)).to.have.length(1);
  });

  it('caps a holding above the address\'s real balance at toBlock and says so (a spend the outspends index missed)', async () => {
    const { report: r } = await trace(seedB());
    // The model holds Q:1's 35,000 at L (its spend Y is invisible to /outspends); L's history
    // shows Q:1 in and Y out: balance 0. The holding goes, the difference is a missed outflow.
    expect(r.holdings.map((h) => h.address)).to.not.include(L.address);
    expect(r.accounting).to.deep.equal([{
      asset: 'BTC', seeded: '100000', endpoints: '0', holdings: '0', stopped: '60000', fees: '5000', balanceGaps: 0, missedOutflows: '35000',
    }]);
    expect(r.limitations).to.include(`holding of BTC at ${L.address} capped at its real balance at toBlock: the model held 35000 tainted but the chain shows 0 (35000 left in outflows the trace did not see)`);
  });

  it('after a new block, a re-trace re-reads only what may have changed: outspends and verdicts, not transactions', async () => {
    const before = (await trace(seedA())).report;
    data.mine([]);
    const after = await trace(seedA());
    expect(after.report.toBlock).to.equal(before.toBlock + 1);
    // Transactions are final: none is read again. Who spent an output may have changed since
    // the last toBlock, and so may a wallet's transaction count: those are asked again.
    expect(after.requests.filter((p) => /^\/tx\/[0-9a-f]{64}(\/hex)?$/.test(p)), after.requests.join(' ')).to.deep.equal([]);
    expect(after.requests.filter((p) => p.endsWith('/outspends')).length).to.be.greaterThan(0);
    expect(after.requests).to.include(`/address/${K.address}`);
    expect(stableReport({ ...after.report, toBlock: 0, toBlockHash: '' })).to.deep.equal(stableReport({ ...before, toBlock: 0, toBlockHash: '' }));
  });
});
