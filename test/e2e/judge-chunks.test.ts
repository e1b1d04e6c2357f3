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
    await app.deps.store.labels.upsert(scenario.labels);
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
    const steps = run.stats!.steps as Record<string, { judgeChunks?: number }>;
    const chunks = Object.entries(steps).filter(([k]) => k.startsWith('hop-')).map(([, s]) => s.judgeChunks ?? 0);
    const states = Object.fromEntries((await app.deps.store.runs.addresses(run.id)).map((a) => [a.address, `${a.state}@${a.hop}`]));
    return { report: stableReport(await caseReport(app.deps, kase.id)), reads, chunks, states };
  };
  /** Wallets judged on their history: the crawled ones (sources are not judged) and the deposits. */
  const judgedOnHistory = (states: Record<string, string>) =>
    Object.values(states).filter((s) => (s.startsWith('crawled@') && s !== 'crawled@0') || s.startsWith('deposit@')).length;

  let whole: Awaited<ReturnType<typeof traceWith>> | undefined;
  const atOnce = async () => (whole ??= await traceWith({}));

  it('in chunks of one wallet, read one address at a time: one chunk per wallet judged, the same states and report', async () => {
    const judgedAtOnce = await atOnce();
    const chunked = await traceWith({ TRACEHOLD_JUDGE_CHUNK_ADDRESSES: '1' });
    // At once: each hop with wallets to judge is one chunk; some hop has several wallets.
    expect(Math.max(...judgedAtOnce.chunks)).to.equal(1);
    const total = (chunks: number[]) => chunks.reduce((a, b) => a + b, 0);
    expect(total(judgedAtOnce.chunks)).to.be.lessThan(judgedOnHistory(judgedAtOnce.states));
    expect(total(chunked.chunks)).to.equal(judgedOnHistory(judgedAtOnce.states));
    expect(Math.max(...judgedAtOnce.reads)).to.be.greaterThan(1);
    expect(Math.max(...chunked.reads)).to.equal(1);

    expect(chunked.states).to.deep.equal(judgedAtOnce.states);
    expect(chunked.report).to.deep.equal(judgedAtOnce.report);
    const states = new Set(Object.values(judgedAtOnce.states).map((s) => s.split('@')[0]));
    expect([...states]).to.include.members(['crawled', 'deposit', 'stop']);
  });

  it('in chunks of one stored transfer (each wallet alone, whatever the address count), read as one: the same states and report', async () => {
    const judgedAtOnce = await atOnce();
    const chunked = await traceWith({ TRACEHOLD_JUDGE_CHUNK_TRANSFERS: '1' });
    expect(chunked.reads).to.deep.equal(judgedAtOnce.reads);
    expect(chunked.chunks.reduce((a, b) => a + b, 0)).to.equal(judgedOnHistory(judgedAtOnce.states));
    expect(chunked.states).to.deep.equal(judgedAtOnce.states);
    expect(chunked.report).to.deep.equal(judgedAtOnce.report);
  });
});
