// Crash safety: a real worker process (test/support/worker-process.ts: the worker entry point
// with short BullMQ locks) is SIGKILLed again and again *while it runs a trace step*, on real
// Postgres and Redis, tracing a ~3,000-transfer laundering tree (scripts/bench/build-case.ts)
// through a latency proxy. Every step is killed up to KILLS_PER_STEP times mid-run (the
// job is active in that worker and not completed when the kill lands), then allowed to
// finish; every few kills is a SIGTERM with a short grace period instead, which must exit 0
// and hand the step back. The final report, graph, crawl decisions and hop count must equal
// an undisturbed in-process run on its own database.
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createAppContext, type AppContext } from '../../services/app';
import { startLocalNode, type LocalNode } from '../../services/devchain';
import type { TraceReport } from '../../services/domain/report';
import { silentLogger } from '../../services/log';
import { caseReport, createCase, getCase, startTrace } from '../../services/tracing/cases';
import { buildBenchCase, type BenchCase } from '../../scripts/bench/build-case';
import { createTestDb, type TestDb } from '../support/db';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { stableReport, testConfig, traceInline } from '../support/tracing';
import { startWorker } from '../support/spawn-worker';
import { QUEUE_NAMES } from '../../services/queues/definitions';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TRANSFERS = Number(process.env.TRACEHOLD_TEST_CRASH_TRANSFERS ?? 3_000);
const KILLS_PER_STEP = Number(process.env.TRACEHOLD_TEST_KILLS_PER_STEP ?? 4);
const DEADLINE_MS = 200_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

describe('reliability: SIGKILLed workers during a trace', function () {
  this.timeout(600_000);
  let node: LocalNode;
  let bench: BenchCase;
  let refDb: TestDb;
  let crashDb: TestDb;
  let ref: AppContext;
  let bull: AppContext;
  let proxy: FaultProxy;
  let reference: TraceReport;
  let referenceRunId: string;
  const prefix = `tracehold-test-crash-${process.pid}-${randomBytes(3).toString('hex')}`;
  const children: ChildProcess[] = [];
  let env: Record<string, string>;
  const caseBody = () => ({ title: 'crash test', chain: 'local', seeds: bench.seedTxs.map((txHash) => ({ txHash })), model: 'poison', maxHops: 10 });

  before(async () => {
    node = await startLocalNode();
    bench = await buildBenchCase(node, { transfers: TRANSFERS, txsPerBlock: 20 });
    refDb = await createTestDb();
    crashDb = await createTestDb();
    ref = await createAppContext({ config: testConfig(node), log: silentLogger, queue: 'inline', db: refDb.db });
    await ref.deps.store.labels.upsert(bench.labels);
    reference = await traceInline(ref, caseBody());
    referenceRunId = await latestDoneRun(ref);
    // Workers reach the node through a loopback proxy adding 20 ms a request, so a step
    // lasts long enough for a kill to land inside it.
    proxy = await startFaultProxy({ upstream: node.url, latencyMs: 20 });
    bull = await createAppContext({ config: testConfig(node, { REDIS_URL, TRACEHOLD_QUEUE_PREFIX: prefix }), log: silentLogger, queue: 'bull', db: crashDb.db });
    await bull.deps.store.labels.upsert(bench.labels);
    env = {
      DATABASE_URL: crashDb.url, REDIS_URL, TRACEHOLD_QUEUE_PREFIX: prefix, LOCAL_RPC_URL: proxy.url,
      TRACEHOLD_LOG_LEVEL: 'warn', TRACEHOLD_SHUTDOWN_GRACE_MS: '300',
    };
  });

  after(async () => {
    for (const c of children) await stop(c, 'SIGKILL');
    if (bull) {
      for (const q of QUEUE_NAMES) await bull.bull?.queue(q).obliterate({ force: true }).catch(() => undefined);
      await bull.close().catch(() => undefined);
    }
    // Each step on its own: one failing close must not leave databases behind.
    await ref?.close().catch(() => undefined);
    await proxy?.close().catch(() => undefined);
    await refDb?.drop().catch(() => undefined);
    await crashDb?.drop().catch(() => undefined);
    await node?.close().catch(() => undefined);
  });

  it('finishes with the same report, graph and decisions however often its worker dies mid-step', async () => {
    const kase = await createCase(bull.deps, caseBody(), 'test');
    const { runId } = await startTrace(bull.deps, kase.id);
    const queue = bull.bull!.queue('trace');
    const started = Date.now();
    const killsOf = new Map<string, number>();
    const lastKilledAttempt = new Map<string, number>();
    let kills = 0;
    let killsMidStep = 0;
    let sigterms = 0;
    let sigtermsExit0 = 0;
    const sigtermMs: number[] = [];
    let sigtermsHandedBack = 0;
    // A kill waits a random time into the step; one that finds the step already over (a
    // faster machine, a re-run step resuming near its end) halves the longest wait, so the
    // kills keep landing mid-step however short the steps are.
    let maxWaitMs = 400;
    let misses = 0;
    const missed = () => {
      misses += 1;
      maxWaitMs = Math.max(20, Math.floor(maxWaitMs / 2));
    };
    let child = await startWorker(env);
    children.push(child);
    for (;;) {
      const status = (await getCase(bull.deps, kase.id)).status;
      if (status === 'traced' || status === 'failed' || Date.now() - started > DEADLINE_MS) break;
      const [job] = await queue.getActive();
      // Only a job this worker has taken: attemptsStarted grows each time a worker takes it up.
      if (!job || (killsOf.get(job.id!) ?? 0) >= KILLS_PER_STEP || job.attemptsStarted <= (lastKilledAttempt.get(job.id!) ?? 0)) {
        await sleep(25);
        continue;
      }
      await sleep(10 + Math.floor(Math.random() * maxWaitMs));
      if ((await queue.getJobState(job.id!)) !== 'active') {
        missed();
        continue;
      }
      const graceful = (kills + sigterms) % 4 === 3;
      if (graceful) {
        sigterms += 1;
        const t0 = Date.now();
        if ((await stop(child, 'SIGTERM')) === 0) sigtermsExit0 += 1;
        sigtermMs.push(Date.now() - t0);
      } else {
        await stop(child, 'SIGKILL');
        kills += 1;
      }
      // Landed mid-step: the worker is gone and the job was neither completed nor failed.
      const after = await queue.getJobState(job.id!);
      if (after === 'active' || after === 'waiting') {
        if (graceful) sigtermsHandedBack += 1;
        else killsMidStep += 1;
        killsOf.set(job.id!, (killsOf.get(job.id!) ?? 0) + 1);
        lastKilledAttempt.set(job.id!, job.attemptsStarted);
      } else missed();
      child = await startWorker(env);
      children.push(child);
    }
    const kase2 = await getCase(bull.deps, kase.id);
    expect(kase2.status, JSON.stringify(kase2.progress)).to.equal('traced');

    // The report, apart from timing figures, equals the undisturbed run's.
    const report = await caseReport(bull.deps, kase.id);
    expect(stableReport(report)).to.deep.equal(stableReport(reference));
    // Stats counted once per step, however often a step ran (a re-run step finds its own
    // decisions and goes on from there, so there may be fewer steps than undisturbed).
    const hopJobs = (await queue.getJobs(['completed'])).filter((j) => j.name === 'trace-hop' && (j.data as { runId: string }).runId === runId);
    expect(report.stats.hops).to.equal(hopJobs.length);
    const run = (await bull.deps.store.runs.get(runId))!;
    const steps = (run.stats as { steps: Record<string, { rpcCalls: number }> }).steps;
    expect(report.stats.rpcCalls).to.equal(Object.values(steps).reduce((sum, s) => sum + s.rpcCalls, 0));
    expect(report.stats.transfers).to.equal(reference.stats.transfers);
    expect(report.stats.addresses).to.equal(reference.stats.addresses);
    // No lost hop, no flow counted twice: the stored graph and the crawl decisions are equal,
    // and every (tx, ref) edge appears once.
    const refRun = referenceRunId;
    const graph = await bull.deps.store.runs.graph(runId);
    const refGraph = await ref.deps.store.runs.graph(refRun);
    const edgeKeys = graph.edges.map((e) => `${e.txHash}|${e.ref}`);
    expect(new Set(edgeKeys).size).to.equal(edgeKeys.length);
    expect(graph).to.deep.equal(refGraph);
    const decisions = async (app: AppContext, id: string) =>
      (await app.deps.store.runs.addresses(id)).map((a) => `${a.address}|${a.state}|${a.hop}`).sort();
    expect(await decisions(bull, runId)).to.deep.equal(await decisions(ref, refRun));
    expect(report.endpoints.length).to.be.greaterThan(0);

    const figures = {
      transfers: TRANSFERS, hops: report.stats.hops, referenceHops: reference.stats.hops, kills, killsMidStep, sigterms, sigtermsExit0, sigtermsHandedBack,
      stepsKilled: killsOf.size, misses, maxWaitMs, slowestSigtermExitMs: Math.max(...sigtermMs), ms: Date.now() - started,
    };
    process.stderr.write(`      figures: ${JSON.stringify(figures)}\n`);
    expect(killsMidStep).to.be.at.least(10);
    expect(sigtermsExit0).to.equal(sigterms);
    // SIGTERM waits at most the 300 ms grace period for a running step, then hands it back.
    expect(Math.max(...sigtermMs)).to.be.below(3_000);
    expect(sigtermsHandedBack, 'a SIGTERM that found a step running handed it back').to.be.at.least(1);
    // Graceful stop of an idle worker: SIGTERM, exit 0.
    expect(await stop(child, 'SIGTERM')).to.equal(0);
  });
});

async function latestDoneRun(app: AppContext): Promise<string> {
  const { rows } = await app.db.query<{ id: string }>(`select id from trace_runs where status = 'done' order by created_at desc limit 1`);
  return rows[0]!.id;
}
