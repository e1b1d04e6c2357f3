// A hop fetches, loads and judges the histories of the wallets it reached a chunk at a time
// (services/tracing/trace-step.ts, judgeStage), so its memory does not grow with the wallets
// it reaches. The pig-butchering case traced with chunks of one wallet (one address per log
// call here, so reads of one address too), or of one stored transfer, must give the same
// report and the same state for every wallet as a trace that judges each hop at once:
// crawled, stop, and deposit (D1, D2: the sweep heuristic reads the labels of their
// counterparties, looked up per chunk).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAppContext, type AppContext } from '../../services/app';
import { playPigButchering, type PigButcheringCase } from '../../services/demo/pig-butchering';
import { startLocalNode, type LocalNode } from '../../services/devchain';
import type { TransferQuery } from '../../services/chains/source';
import { silentLogger } from '../../services/log';
import { caseReport, createCase, startTrace } from '../../services/tracing/cases';
import { judgeHistory } from '../../services/tracing/classify';
import { judgeParams } from '../../services/tracing/trace-step';
import { resolveLabel } from '../../services/domain/attribution';
import { createTestDb, type TestDb } from '../support/db';
import { stableReport, testConfig } from '../support/tracing';

describe('e2e: a hop judges its wallets in chunks, with the verdicts of judging them at once', function () {
  this.timeout(300_000);
  let node: LocalNode;
  let scenario: PigButcheringCase;
  let dir: string;
  const dbs: TestDb[] = [];
  const apps: AppContext[] = [];

  before(async () => {
    node = await startLocalNode();
    scenario = await playPigButchering(node);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracehold-chunks-'));
    // One address per log call, and no range short enough to be read whole: a chunk of one
    // wallet is a read of one address.
    fs.writeFileSync(path.join(dir, 'chains.json'), JSON.stringify({ local: { addressesPerLogCall: 1, denseLogMaxBlocks: 0 } }));
  });
  after(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    for (const db of dbs) await db.drop().catch(() => undefined);
    scenario?.provider.destroy();
    await node?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A trace on a database of its own: its report, the addresses of each judging read, each hop's judging chunks and every wallet's state. */
  const traceWith = async (extra: Record<string, string>) => {
    const testDb = await createTestDb();
    dbs.push(testDb);
    const app = await createAppContext({ config: testConfig(node, { TRACEHOLD_CHAINS_FILE: path.join(dir, 'chains.json'), ...extra }), log: silentLogger, queue: 'inline', db: testDb.db });
    apps.push(app);
    // SIDE1 an exchange too: P1 pays it, so hop 1 judges two wallets on their histories (P1
    // and D2); the wallets that paid no exchange are judged without loading theirs.
    await app.deps.store.labels.upsert([...scenario.labels, { chain: 'local', address: scenario.wallets.side1, entity: 'Side', category: 'exchange', confidence: 90, source: 'test' }]);
    // Judging reads histories bounded (service-like.ts): the addresses of each such read.
    const source = app.deps.chains.get('local');
    const histories = source.histories!.bind(source);
    const reads: number[] = [];
    source.histories = (query: TransferQuery, options: { bounded: boolean }) => {
      if (options.bounded) reads.push(query.addresses.length);
      return histories(query, options);
    };
    const kase = await createCase(app.deps, { title: 'chunks', chain: 'local', seeds: scenario.seedTxs.map((txHash) => ({ txHash })), model: 'fifo' }, 'test');
    await startTrace(app.deps, kase.id);
    await app.drain();
    const run = (await app.deps.store.runs.latestForCase(kase.id))!;
    expect(run.status).to.equal('done');
    const steps = run.stats!.steps as Record<string, { judgeChunks?: number; judgedWithoutHistory?: number }>;
    const hops = Object.entries(steps).filter(([k]) => k.startsWith('hop-')).map(([, s]) => s);
    const chunks = hops.map((s) => s.judgeChunks ?? 0);
    const withoutHistory = hops.reduce((n, s) => n + (s.judgedWithoutHistory ?? 0), 0);
    const states = Object.fromEntries((await app.deps.store.runs.addresses(run.id)).map((a) => [a.address, `${a.state}@${a.hop}`]));
    return { report: stableReport(await caseReport(app.deps, kase.id)), reads, chunks, withoutHistory, states, app, run };
  };
  /**
   * Wallets judged on their history: the crawled ones (sources are not judged) and the
   * deposits, but for those that paid no exchange (judged crawled on the database's counts).
   */
  const judgedOnHistory = (trace: { states: Record<string, string>; withoutHistory: number }) =>
    Object.values(trace.states).filter((s) => (s.startsWith('crawled@') && s !== 'crawled@0') || s.startsWith('deposit@')).length - trace.withoutHistory;

  let whole: Awaited<ReturnType<typeof traceWith>> | undefined;
  const atOnce = async () => (whole ??= await traceWith({}));

  it('in chunks of one wallet, read one address at a time: one chunk per wallet judged, the same states and report', async () => {
    const judgedAtOnce = await atOnce();
    const chunked = await traceWith({ TRACEHOLD_JUDGE_CHUNK_ADDRESSES: '1' });
    // At once: each hop with wallets to judge is one chunk; some hop has several wallets.
    expect(Math.max(...judgedAtOnce.chunks)).to.equal(1);
    const total = (chunks: number[]) => chunks.reduce((a, b) => a + b, 0);
    expect(total(judgedAtOnce.chunks)).to.be.lessThan(judgedOnHistory(judgedAtOnce));
    expect(total(chunked.chunks)).to.equal(judgedOnHistory(judgedAtOnce));
    expect(Math.max(...judgedAtOnce.reads)).to.be.greaterThan(1);
    expect(Math.max(...chunked.reads)).to.equal(1);

    expect(chunked.states).to.deep.equal(judgedAtOnce.states);
    expect(chunked.report).to.deep.equal(judgedAtOnce.report);
    const states = new Set(Object.values(judgedAtOnce.states).map((s) => s.split('@')[0]));
    expect([...states]).to.include.members(['crawled', 'deposit', 'stop']);
  });

  it('wallets that paid no exchange are judged crawled without their history, as their history judges them', async () => {
    const { app, run, states, withoutHistory, report } = await atOnce();
    expect(withoutHistory).to.be.greaterThan(0);
    // Every wallet judged (crawled past the sources, deposit), judged again on its stored history.
    const judged = (await app.deps.store.runs.addresses(run.id)).filter((a) => (a.state === 'crawled' && a.hop > 0) || a.state === 'deposit');
    const assets = new Set(report.assets as string[]);
    const stop = app.deps.config.tracing.stopCategories;
    let paidNoExchange = 0;
    for (const a of judged) {
      const history = await app.deps.store.chainData.transfersOf('local', [a.address], { fromBlock: a.fromBlock!, toBlock: run.toBlock! }, 'both');
      const labels = await app.deps.store.labels.lookup('local', history.flatMap((t) => (t.to ? [t.from, t.to] : [t.from])));
      const labelOf = (x: string) => resolveLabel(labels.get(x) ?? [], stop);
      expect(judgeHistory(a.address, history, labelOf, judgeParams(app.deps, 'local'), assets).state, a.address).to.equal(a.state);
      if (!history.some((t) => t.from === a.address && t.to !== null && t.amount > 0n && labelOf(t.to)?.category === 'exchange')) paidNoExchange++;
    }
    expect(withoutHistory).to.equal(paidNoExchange);
    expect(Object.values(states)).to.include('deposit@' + judged.find((a) => a.state === 'deposit')!.hop);
  });

  it('in chunks of one stored transfer (each wallet alone, whatever the address count), read as one: the same states and report', async () => {
    const judgedAtOnce = await atOnce();
    const chunked = await traceWith({ TRACEHOLD_JUDGE_CHUNK_TRANSFERS: '1' });
    expect(chunked.reads).to.deep.equal(judgedAtOnce.reads);
    expect(chunked.chunks.reduce((a, b) => a + b, 0)).to.equal(judgedOnHistory(judgedAtOnce));
    expect(chunked.states).to.deep.equal(judgedAtOnce.states);
    expect(chunked.report).to.deep.equal(judgedAtOnce.report);
  });
});
