// Dependency faults, on the pig-butchering case and a real local node:
//  - RPC: a seeded fault-injecting proxy (test/support/fault-proxy.ts) in front of the node
//    answers a share of requests with HTTP 500/503, 429 + Retry-After, a hang past the client
//    timeout, truncated JSON, another block for eth_getBlockByNumber, or logs outside the
//    asked range. Each run ends with the undisturbed report, or as a failed case whose
//    error says why and which a re-trace (faults gone) turns into that same report; never
//    with another report.
//  - Postgres and Redis: the service reaches both through loopback TCP proxies
//    (test/support/tcp-proxy.ts) that cut every connection and refuse new ones for 2 s
//    mid-trace; the shared servers are never touched. The case finishes, same report.
//  - Reorganisations (evm_snapshot / evm_revert): with LOCAL_CONFIRMATIONS=N nothing past
//    tip−N is used, the report's toBlockHash is the final chain's; a reorg deeper than N
//    under a running trace fails the run retryably ("chain reorganised") at finalize.
//  - A job that stalls more than BullMQ allows fails its case (the failed-job hook).
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Contract, Wallet } from 'ethers';
import { loadConfig, type Config } from '../../config';
import { createAppContext } from '../../services/app';
import { USDT } from '../../services/demo/pig-butchering';
import type { TraceReport } from '../../services/domain/report';
import { silentLogger } from '../../services/log';
import { traceFailureHook } from '../../services/main';
import { startBullWorkers } from '../../services/queues/bullmq';
import { createInlineQueue } from '../../services/queues/inline';
import type { Processor } from '../../services/queues/definitions';
import { caseReport, createCase, getCase, startTrace } from '../../services/tracing/cases';
import type { TraceDeps } from '../../services/tracing/deps';
import { createJobProcessor } from '../../workers/processors';
import { ADMIN_URL, createTestDb } from '../support/db';
import { FAULT_KINDS, startFaultProxy } from '../support/fault-proxy';
import { startTcpProxy } from '../support/tcp-proxy';
import { pigButcheringWorld, stableReport, type PigButcheringWorld } from '../support/tracing';
import { startWorker } from '../support/spawn-worker';
import { QUEUE_NAMES } from '../../services/queues/definitions';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SEEDS = (process.env.TRACEHOLD_TEST_FAULT_SEEDS ?? '1,2,3,4,5,6,7,8').split(',').map(Number);
const FAULT_RATE = Number(process.env.TRACEHOLD_TEST_FAULT_RATE ?? 0.2);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The report without the block range (traces at different tips still agree on the rest). */
function rangeFree(report: TraceReport) {
  const { fromBlock: _f, toBlock: _t, toBlockHash: _h, ...rest } = stableReport(report);
  return rest;
}

function config(rpcUrl: string, extra: Record<string, string> = {}, rpc: { timeoutMs?: number; retries?: number } = {}): Config {
  const c = loadConfig({ LOCAL_RPC_URL: rpcUrl, TRACEHOLD_LOG_LEVEL: 'silent', ...extra });
  const local = { ...c.chains.local!, ...(rpc.timeoutMs === undefined ? {} : { requestTimeoutMs: rpc.timeoutMs }), ...(rpc.retries === undefined ? {} : { retries: rpc.retries }) };
  return { ...c, chains: { ...c.chains, local } };
}

/** Trace a case in this process with a fast-backoff in-process queue; never throws. */
async function traceWith(deps: TraceDeps, body: Record<string, unknown>, caseId?: string) {
  const queue = createInlineQueue({ backoffMs: 200 });
  const d: TraceDeps = { ...deps, queue };
  const id = caseId ?? (await createCase(d, { title: 'faults', ...body }, 'test')).id;
  await startTrace(d, id);
  let thrown: Error | undefined;
  await queue.drain(createJobProcessor(d)).catch((e: Error) => (thrown = e));
  const kase = await getCase(d, id);
  return { caseId: id, kase, thrown, report: kase.status === 'traced' ? await caseReport(d, id) : undefined };
}

describe('reliability: dependency faults', function () {
  this.timeout(600_000);
  let world: PigButcheringWorld;
  let reference: TraceReport;
  const body = () => ({ chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })) });
  const totals: Record<string, number> = {};

  before(async () => {
    world = await pigButcheringWorld();
    reference = (await traceWith(world.app.deps, body())).report!;
    expect(reference, 'undisturbed reference trace').to.not.equal(undefined);
  });
  after(async () => {
    process.stderr.write(`      figures: ${JSON.stringify(totals)}\n`);
    await world?.close();
  });

  describe('RPC faults through a seeded fault-injecting proxy', () => {
    for (const seed of SEEDS) {
      it(`seed ${seed}: the undisturbed report, or a clear retryable failure a re-trace fixes`, async () => {
        const proxy = await startFaultProxy({ upstream: world.node.url, seed, rate: FAULT_RATE, hangMs: 2_500 });
        const db = await createTestDb();
        const app = await createAppContext({ config: config(proxy.url, {}, { timeoutMs: 1_000, retries: 4 }), log: silentLogger, queue: 'inline', db: db.db });
        try {
          await app.deps.store.labels.upsert(world.scenario.labels);
          const first = await traceWith(app.deps, body());
          const injected = { ...proxy.injected };
          for (const k of FAULT_KINDS) totals[k] = (totals[k] ?? 0) + injected[k];
          totals.requests = (totals.requests ?? 0) + proxy.requests;
          const faults = FAULT_KINDS.reduce((s, k) => s + injected[k], 0);
          expect(faults, 'faults injected').to.be.greaterThan(0);
          if (first.kase.status === 'traced') {
            totals.finished = (totals.finished ?? 0) + 1;
            // Same chain, same tip: the whole report, block range and hash included.
            expect(stableReport(first.report!)).to.deep.equal(stableReport(reference));
          } else {
            totals.failedRetryably = (totals.failedRetryably ?? 0) + 1;
            expect(first.kase.status).to.equal('failed');
            expect(String(first.kase.progress.error ?? ''), 'the error says what gave up').to.match(/RPC|rate limited|timed out|answered|block|HTTP|JSON|reply/i);
            expect(first.thrown, 'the queue was told').to.not.equal(undefined);
            // Retryable: the dependency is well again, a re-trace of the same case finishes.
            proxy.set({ rate: 0 });
            const again = await traceWith(app.deps, body(), first.caseId);
            expect(again.kase.status).to.equal('traced');
            expect(stableReport(again.report!)).to.deep.equal(stableReport(reference));
          }
          process.stderr.write(`      seed ${seed}: ${first.kase.status}, ${faults} faults in ${proxy.requests} requests ${JSON.stringify(injected)}\n`);
        } finally {
          await app.close();
          await db.drop();
          await proxy.close();
        }
      });
    }

    it('a node that keeps failing: the case fails with a clear retryable error, and a re-trace finishes once it is well', async () => {
      const proxy = await startFaultProxy({ upstream: world.node.url, seed: 99, rate: 1, kinds: ['http-503'] });
      const db = await createTestDb();
      const app = await createAppContext({ config: config(proxy.url, {}, { timeoutMs: 1_000, retries: 1 }), log: silentLogger, queue: 'inline', db: db.db });
      try {
        await app.deps.store.labels.upsert(world.scenario.labels);
        const first = await traceWith(app.deps, body());
        totals['http-503'] = (totals['http-503'] ?? 0) + proxy.injected['http-503'];
        expect(first.kase.status).to.equal('failed');
        expect(String(first.kase.progress.error)).to.match(/HTTP 503.*gave up after 2 attempts/);
        const run = (await app.db.query<{ status: string; error: string }>('select status, error from trace_runs where case_id = $1', [first.caseId])).rows;
        expect(run.map((r) => r.status)).to.deep.equal(['failed']);
        expect(await app.db.query('select 1 from case_reports').then((r) => r.rows.length)).to.equal(0);
        proxy.set({ rate: 0 });
        const again = await traceWith(app.deps, body(), first.caseId);
        expect(again.kase.status).to.equal('traced');
        expect(stableReport(again.report!)).to.deep.equal(stableReport(reference));
        totals.failedThenRetraced = (totals.failedThenRetraced ?? 0) + 1;
      } finally {
        await app.close();
        await db.drop();
        await proxy.close();
      }
    });

    it('every fault kind was injected at least once across the seeds', () => {
      for (const k of FAULT_KINDS) expect(totals[k] ?? 0, k).to.be.greaterThan(0);
    });
  });

  describe('Postgres and Redis cut mid-trace', () => {
    it('reconnects and finishes with the same report after 2 s outages of both', async () => {
      const pgProxy = await startTcpProxy(Number(new URL(ADMIN_URL).port || 5432), new URL(ADMIN_URL).hostname);
      const redisProxy = await startTcpProxy(Number(new URL(REDIS_URL).port || 6379), new URL(REDIS_URL).hostname);
      const rpc = await startFaultProxy({ upstream: world.node.url, latencyMs: 120 });
      const db = await createTestDb();
      const dbUrl = new URL(db.url);
      dbUrl.host = pgProxy.address;
      const redisUrl = new URL(REDIS_URL);
      redisUrl.host = redisProxy.address;
      const prefix = `tracehold-test-cuts-${process.pid}-${randomBytes(3).toString('hex')}`;
      const cfg = config(rpc.url, { DATABASE_URL: dbUrl.toString(), REDIS_URL: redisUrl.toString(), TRACEHOLD_QUEUE_PREFIX: prefix });
      const app = await createAppContext({ config: cfg, log: silentLogger, queue: 'bull' });
      const workers = startBullWorkers({
        redisUrl: cfg.redisUrl!, prefix, processor: createJobProcessor(app.deps), log: silentLogger,
        onFailed: traceFailureHook(app.deps, silentLogger),
      });
      const direct = await createAppContext({ config: config(world.node.url), log: silentLogger, queue: 'inline', db: db.db });
      try {
        await direct.deps.store.labels.upsert(world.scenario.labels);
        const kase = await createCase(direct.deps, { title: 'cuts', ...body() }, 'test');
        await startTrace(app.deps, kase.id);
        const statusOf = async () => (await getCase(direct.deps, kase.id)).status;
        const progressOf = async () => Number((await getCase(direct.deps, kase.id)).progress.hop ?? 0);
        for (let i = 0; i < 400 && !((await statusOf()) === 'tracing' && (await progressOf()) >= 1); i++) await sleep(25);
        expect(await statusOf(), 'cut lands mid-trace').to.equal('tracing');
        const hopAtPgCut = await progressOf();
        await pgProxy.outage(2_000);
        await sleep(300);
        const statusAtRedisCut = await statusOf();
        await redisProxy.outage(2_000);
        let status = await statusOf();
        for (let i = 0; i < 1_200 && status !== 'traced' && status !== 'failed'; i++) {
          await sleep(100);
          status = await statusOf();
        }
        const final = await getCase(direct.deps, kase.id);
        expect(final.status, JSON.stringify(final.progress)).to.equal('traced');
        expect(stableReport(await caseReport(direct.deps, kase.id))).to.deep.equal(stableReport(reference));
        totals.pgConnectionsCut = pgProxy.cut;
        totals.redisConnectionsCut = redisProxy.cut;
        process.stderr.write(`      cuts: postgres ${pgProxy.cut} connections at hop ${hopAtPgCut}, redis ${redisProxy.cut} connections (case ${statusAtRedisCut})\n`);
        expect(pgProxy.cut).to.be.greaterThan(0);
        expect(redisProxy.cut).to.be.greaterThan(0);
        expect(statusAtRedisCut).to.equal('tracing');
      } finally {
        await workers.close(5_000).catch(() => undefined);
        for (const q of QUEUE_NAMES) await app.bull?.queue(q).obliterate({ force: true }).catch(() => undefined);
        await app.close().catch(() => undefined);
        await direct.close();
        await db.drop();
        await rpc.close();
        await pgProxy.close();
        await redisProxy.close();
      }
    });

    it('a trace requested while Redis is down is refused retryably and the case is not stuck', async () => {
      const redisProxy = await startTcpProxy(Number(new URL(REDIS_URL).port || 6379));
      const redisUrl = new URL(REDIS_URL);
      redisUrl.host = redisProxy.address;
      const db = await createTestDb();
      const cfg = config(world.node.url, { REDIS_URL: redisUrl.toString(), TRACEHOLD_QUEUE_PREFIX: `tracehold-test-down-${process.pid}` });
      const app = await createAppContext({ config: cfg, log: silentLogger, queue: 'bull', db: db.db });
      try {
        const kase = await createCase(app.deps, { title: 'redis down', ...body() }, 'test');
        const outage = redisProxy.outage(10_500);
        let error: Error | undefined;
        await startTrace(app.deps, kase.id).catch((e: Error) => (error = e));
        expect(error?.message).to.match(/could not queue the trace/);
        expect((await getCase(app.deps, kase.id)).status).to.equal('new');
        await outage;
      } finally {
        for (const q of QUEUE_NAMES) await app.bull?.queue(q).obliterate({ force: true }).catch(() => undefined);
        await app.close().catch(() => undefined);
        await db.drop();
        await redisProxy.close();
      }
    });
  });

  describe('a job stalled more often than BullMQ allows', () => {
    it('fails its case through the failed-job hook instead of leaving it tracing', async () => {
      const db = await createTestDb();
      const rpc = await startFaultProxy({ upstream: world.node.url, latencyMs: 300 });
      const prefix = `tracehold-test-stall-${process.pid}-${randomBytes(3).toString('hex')}`;
      const app = await createAppContext({ config: config(rpc.url, { REDIS_URL, TRACEHOLD_QUEUE_PREFIX: prefix }), log: silentLogger, queue: 'bull', db: db.db });
      const env = { DATABASE_URL: db.url, REDIS_URL, TRACEHOLD_QUEUE_PREFIX: prefix, LOCAL_RPC_URL: rpc.url, TRACEHOLD_LOG_LEVEL: 'silent', TEST_MAX_STALLED: '0' };
      const children: ChildProcess[] = [];
      try {
        await app.deps.store.labels.upsert(world.scenario.labels);
        const kase = await createCase(app.deps, { title: 'stalls', ...body() }, 'test');
        await startTrace(app.deps, kase.id);
        const first = await startWorker(env);
        children.push(first);
        const queue = app.bull!.queue('trace');
        for (let i = 0; i < 600 && (await queue.getActiveCount()) === 0; i++) await sleep(20);
        first.kill('SIGKILL');
        await new Promise((r) => first.once('exit', r));
        children.push(await startWorker(env));
        let kaseNow = await getCase(app.deps, kase.id);
        for (let i = 0; i < 300 && kaseNow.status !== 'failed' && kaseNow.status !== 'traced'; i++) {
          await sleep(100);
          kaseNow = await getCase(app.deps, kase.id);
        }
        expect(kaseNow.status).to.equal('failed');
        expect(String(kaseNow.progress.error)).to.match(/stalled more than allowable limit/);
        // Not stuck: it can be traced again.
        await startTrace(app.deps, kase.id);
      } finally {
        for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
        for (const q of QUEUE_NAMES) await app.bull?.queue(q).obliterate({ force: true }).catch(() => undefined);
        await app.close();
        await db.drop();
        await rpc.close();
      }
    });
  });

  describe('chain reorganisations', () => {
    const N = 3;
    const rpc = <T>(method: string, params: unknown[] = []) => world.node.provider.request({ method, params }) as Promise<T>;
    const hashOf = async (n: number) => (await rpc<{ hash: string }>('eth_getBlockByNumber', [`0x${n.toString(16)}`, false])).hash.toLowerCase();
    const tipOf = async () => Number.parseInt(await rpc<string>('eth_blockNumber'), 16);

    it(`with LOCAL_CONFIRMATIONS=${N}, blocks past tip−${N} are never used, and toBlockHash is the final chain's after a ${N}-block reorg`, async () => {
      const db = await createTestDb();
      const app = await createAppContext({ config: config(world.node.url, { LOCAL_CONFIRMATIONS: String(N) }), log: silentLogger, queue: 'inline', db: db.db });
      try {
        await app.deps.store.labels.upsert(world.scenario.labels);
        const snapshot = await rpc<string>('evm_snapshot');
        const base = await tipOf();
        // H, a tainted holding, moves 1,000 USDT on in the next (unconfirmed) block.
        const x = Wallet.createRandom().address.toLowerCase();
        await rpc('hardhat_setBalance', [world.scenario.wallets.h, '0x56bc75e2d63100000']);
        const h = new Wallet(world.scenario.keys.h.privateKey, world.scenario.provider);
        const token = new Contract(world.scenario.token, ['function transfer(address to, uint256 amount) returns (bool)'], h);
        await (await token.getFunction('transfer')(x, USDT(1_000))).wait();
        await world.node.mine(N - 1);
        expect(await tipOf()).to.equal(base + N);
        const guarded = await traceWith(app.deps, body());
        expect(guarded.kase.status).to.equal('traced');
        const report = guarded.report!;
        expect(report.toBlock).to.equal(base);
        expect(JSON.stringify(report)).to.not.include(x.slice(2));
        expect(rangeFree(report)).to.deep.equal(rangeFree(reference));
        // Without the guard the move is seen: the guard is what kept it out.
        const db0 = await createTestDb();
        const app0 = await createAppContext({ config: config(world.node.url), log: silentLogger, queue: 'inline', db: db0.db });
        await app0.deps.store.labels.upsert(world.scenario.labels);
        const unguarded = (await traceWith(app0.deps, body())).report!;
        await app0.close();
        await db0.drop();
        expect(JSON.stringify(unguarded)).to.include(x.slice(2));
        // Reorg: the N newest blocks are replaced by others (H's move is gone).
        const replaced = await hashOf(base + 1);
        expect(await rpc<boolean>('evm_revert', [snapshot])).to.equal(true);
        await rpc('evm_increaseTime', [7]);
        await world.node.mine(N + 1);
        expect(await hashOf(base + 1)).to.not.equal(replaced);
        expect(report.toBlockHash, 'the report records the hash of its last block').to.equal(await hashOf(report.toBlock));
        totals.shallowReorgDepth = N;
      } finally {
        await app.close();
        await db.drop();
      }
    });

    it(`a reorg deeper than the ${N} confirmations under a running trace fails the run retryably at finalize`, async () => {
      const db = await createTestDb();
      const app = await createAppContext({ config: config(world.node.url, { LOCAL_CONFIRMATIONS: String(N) }), log: silentLogger, queue: 'inline', db: db.db });
      try {
        await app.deps.store.labels.upsert(world.scenario.labels);
        await world.node.mine(N + 2);
        const snapshot = await rpc<string>('evm_snapshot');
        const depth = N + 2;
        await world.node.mine(depth);
        const queue = createInlineQueue({ backoffMs: 50 });
        const deps: TraceDeps = { ...app.deps, queue };
        const kase = await createCase(deps, { title: 'deep reorg', ...body() }, 'test');
        const { runId } = await startTrace(deps, kase.id);
        const real = createJobProcessor(deps);
        let reorged = false;
        let pinned: { toBlock: number | null; toBlockHash: string | null } | undefined;
        const processor: Processor = async (job) => {
          if (job.name === 'trace-finalize' && !reorged) {
            reorged = true;
            pinned = (await deps.store.runs.get(runId))!;
            // Replace the last `depth` blocks (N + 2 > N confirmations): the pinned block goes.
            await rpc('evm_revert', [snapshot]);
            await rpc('evm_increaseTime', [11]);
            await world.node.mine(depth + 1);
          }
          return real(job);
        };
        let thrown: Error | undefined;
        await queue.drain(processor).catch((e: Error) => (thrown = e));
        const final = await getCase(deps, kase.id);
        const run = (await deps.store.runs.get(runId))!;
        expect(pinned!.toBlockHash).to.match(/^0x/);
        expect(await hashOf(pinned!.toBlock!)).to.not.equal(pinned!.toBlockHash);
        expect(final.status).to.equal('failed');
        expect(run.status).to.equal('failed');
        expect(run.error).to.match(/chain reorganised: block \d+ was 0x[0-9a-f]+ .* is now 0x/);
        expect(thrown?.message).to.match(/chain reorganised/);
        // Retryable: a re-trace pins the new chain and finishes.
        const again = await traceWith(app.deps, body(), kase.id);
        expect(again.kase.status).to.equal('traced');
        expect(again.report!.toBlockHash).to.equal(await hashOf(again.report!.toBlock));
        expect(rangeFree(again.report!)).to.deep.equal(rangeFree(reference));
        totals.deepReorgDepth = depth;
      } finally {
        await app.close();
        await db.drop();
      }
    });
  });
});

