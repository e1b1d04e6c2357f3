// One measured run in a process of its own (forked by scripts/bench.ts), so its peak memory
// is the tracer's alone: not the local node's, not the case builder's, not the other run's.
// Talks to the node through the parent's counting proxy only.
import { loadConfig } from '../../config';
import { createAppContext } from '../../services/app';
import { silentLogger } from '../../services/log';
import { caseReport, createCase, getCase, startTrace } from '../../services/tracing/cases';
import { appendFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { floorTrace } from './floor-tracer';
import { naiveTrace } from './naive-tracer';
import { stageHeapPeaks, stageTimes } from './goals';

export type WorkerJob =
  | {
      kind: 'tracehold';
      label: string;
      rpcUrl: string;
      /** postgres:// URL, or a PGlite data folder. */
      databaseUrl?: string;
      dataDir?: string;
      seedTxs: string[];
      model: string;
      maxHops: number;
      /** The case's `assets` (unset: the default set, native ETH included). */
      assets?: string[];
      /** Write the report here (to compare answers across versions). */
      reportFile?: string;
      /** TRACEHOLD_MAX_ADDRESSES for the run (unset: the config's default). */
      maxAddresses?: number;
    }
  | {
      kind: 'naive';
      label: string;
      rpcUrl: string;
      seedTxs: string[];
      fromBlock: number;
      toBlock: number;
      maxHops: number;
      stops: string[];
      concurrency: number;
    }
  | {
      kind: 'floor';
      label: string;
      rpcUrl: string;
      seedTxs: string[];
      token: string;
      fromBlock: number;
      toBlock: number;
      maxHops: number;
      stops: string[];
      concurrency: number;
      addressesPerCall: number;
      /** The native coin too (trace_filter, or each block once without it): the floor of tracehold's default assets. */
      native?: boolean;
    };

export interface Memory {
  /** Highest RSS sampled every 50 ms during the run. */
  peakRssBytes: number;
  /** The kernel's high-water mark for the process (includes start-up). */
  maxRssBytes: number;
  /** RSS just before the run started: the runtime and the imported code. */
  startRssBytes: number;
  /** Highest RSS sampled until the trace ended, before its report was built (tracehold runs only). */
  peakRssTraceBytes?: number;
  /** Highest V8 heap in use sampled during the run. */
  peakHeapUsedBytes?: number;
  /** The longest the event loop was blocked during the run (perf_hooks monitorEventLoopDelay, 10 ms resolution). */
  eventLoopMaxMs: number;
  /** CPU time the process used during the run (user + system, all its threads): steadier than wall time on a shared machine. */
  cpuMs: number;
  /**
   * Highest memory outside the JS heap sampled (process.memoryUsage().external less
   * arrayBuffers): mostly WASM memory, i.e. PGlite's when the database is embedded.
   */
  peakNativeBytes?: number;
}

export interface TraceholdFigures {
  kind: 'tracehold';
  wallMs: number;
  reportRpcCalls: number;
  /** The source's own counters (this process only). */
  sourceHttpRequests: number;
  sourceByMethod: Record<string, number>;
  /** The largest RPC reply tracehold read and parsed, and the longest JSON.parse of one (ms). */
  largestReplyReadBytes: number;
  longestReplyParseMs: number;
  transferRowsBefore: number;
  transferRowsAfter: number;
  reportTransfers: number;
  /** The report's size as compact JSON: what the run has to build and keep whatever the engine does. */
  reportBytes: number;
  reportHops: number;
  states: Record<string, number>;
  crawled: number;
  endpoints: number;
  endpointAddresses: number;
  holdings: number;
  /** The report's limitations (an address limit reached, say): what the run did not follow. */
  limitations: string[];
  reached: Array<[string, string]>;
  memory: Memory;
  /** Wall time of the run's stages, summed over its steps (the run's `stats.steps`: hop stages, then the final step's). */
  stageMs: Record<string, number>;
  /** The highest V8 heap in use by stage over the steps, and the step it was seen in (stageHeapPeaks). */
  stageHeap: Record<string, { mb: number; step: string }>;
  /** Wallets judged crawled on the database's counts, their histories not loaded (summed over the hops). */
  judgedWithoutHistory: number;
}

export interface NaiveFigures {
  kind: 'naive';
  wallMs: number;
  rpcCalls: number;
  byMethod: Record<string, number>;
  transfersSeen: number;
  taintedTransfers: number;
  hops: number;
  expansions: number;
  reached: Array<[string, number]>;
  memory: Memory;
}

function sampleMemory(): { mark(): number; stop(): Memory } {
  const startRssBytes = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let peak = startRssBytes;
  let peakNative = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakNative = Math.max(peakNative, m.external - m.arrayBuffers);
  };
  const timer = setInterval(sample, 50);
  const blocks = watchBlocks(process.env.BENCH_BLOCK_LOG?.trim());
  return {
    mark() {
      sample();
      return peak;
    },
    stop() {
      clearInterval(timer);
      blocks?.stop();
      delay.disable();
      sample();
      const cpu = process.cpuUsage(cpuBefore);
      return { cpuMs: (cpu.user + cpu.system) / 1000, peakRssBytes: peak, maxRssBytes: process.resourceUsage().maxRSS * 1024, startRssBytes, eventLoopMaxMs: delay.max / 1e6, peakNativeBytes: peakNative, peakHeapUsedBytes: peakHeap };
    },
  };
}

async function runTracehold(job: Extract<WorkerJob, { kind: 'tracehold' }>): Promise<TraceholdFigures> {
  const config = loadConfig({
    LOCAL_RPC_URL: job.rpcUrl,
    TRACEHOLD_LOG_LEVEL: 'silent',
    ...(job.maxAddresses ? { TRACEHOLD_MAX_ADDRESSES: String(job.maxAddresses) } : {}),
    // The chain's settings as an operator sets them (say, the local chain's requestTimeoutMs).
    ...(process.env.TRACEHOLD_CHAINS_FILE ? { TRACEHOLD_CHAINS_FILE: process.env.TRACEHOLD_CHAINS_FILE } : {}),
    ...(job.databaseUrl ? { DATABASE_URL: job.databaseUrl } : { TRACEHOLD_DATA_DIR: job.dataDir }),
  });
  const app = await createAppContext({ config, log: silentLogger, queue: 'inline' });
  try {
    const count = async () => Number((await app.db.query<{ n: string }>('select count(*) as n from transfers')).rows[0]!.n);
    const transferRowsBefore = await count();
    const memory = sampleMemory();
    const started = performance.now();
    const kase = await createCase(app.deps, { title: `bench ${job.label}`, chain: 'local', seeds: job.seedTxs.map((txHash) => ({ txHash })), model: job.model, maxHops: job.maxHops, ...(job.assets ? { assets: job.assets } : {}) }, 'bench');
    const { runId } = await startTrace(app.deps, kase.id);
    await app.drain();
    const final = await getCase(app.deps, kase.id);
    if (final.status !== 'traced') throw new Error(`case ended ${final.status}: ${JSON.stringify(final.progress)}`);
    const peakRssTraceBytes = memory.mark();
    const report = await caseReport(app.deps, kase.id);
    const wallMs = performance.now() - started;
    const mem = { ...memory.stop(), peakRssTraceBytes };
    if (job.reportFile) writeFileSync(job.reportFile, JSON.stringify(report, null, 1) + '\n');

    const addresses = await app.deps.store.runs.addresses(runId);
    const steps = ((await app.deps.store.runs.get(runId))?.stats?.steps ?? {}) as Record<string, Record<string, number>>;
    const states: Record<string, number> = {};
    for (const a of addresses) states[a.state] = (states[a.state] ?? 0) + 1;
    const stats = app.deps.chains.get('local').stats() as { httpRequests: number; byMethod?: Record<string, number>; largestReplyBytes?: number; longestParseMs?: number };
    return {
      kind: 'tracehold',
      wallMs,
      reportRpcCalls: report.stats.rpcCalls,
      sourceHttpRequests: stats.httpRequests,
      sourceByMethod: stats.byMethod ?? {},
      largestReplyReadBytes: stats.largestReplyBytes ?? 0,
      longestReplyParseMs: stats.longestParseMs ?? 0,
      transferRowsBefore,
      transferRowsAfter: await count(),
      reportTransfers: report.stats.transfers,
      reportBytes: Buffer.byteLength(JSON.stringify(report)),
      reportHops: report.stats.hops,
      states,
      crawled: (states.source ?? 0) + (states.crawled ?? 0),
      endpoints: report.endpoints.length,
      endpointAddresses: new Set(report.endpoints.map((e) => e.address)).size,
      holdings: report.holdings.length,
      limitations: report.limitations,
      reached: addresses.map((a) => [a.address, a.state]),
      memory: mem,
      stageMs: stageTimes(steps),
      stageHeap: stageHeapPeaks(steps),
      judgedWithoutHistory: Object.values(steps).reduce((n, s) => n + (s.judgedWithoutHistory ?? 0), 0),
    };
  } finally {
    await app.close();
  }
}

async function runNaive(job: Extract<WorkerJob, { kind: 'naive' }>): Promise<NaiveFigures> {
  const memory = sampleMemory();
  const started = performance.now();
  const result = await naiveTrace({
    url: job.rpcUrl,
    seedTxs: job.seedTxs,
    fromBlock: job.fromBlock,
    toBlock: job.toBlock,
    maxHops: job.maxHops,
    stops: new Set(job.stops),
    concurrency: job.concurrency,
  });
  const wallMs = performance.now() - started;
  return {
    kind: 'naive',
    wallMs,
    rpcCalls: result.rpcCalls,
    byMethod: result.byMethod,
    transfersSeen: result.transfersSeen,
    taintedTransfers: result.taintedTransfers,
    hops: result.hops,
    expansions: result.expansions,
    reached: [...result.reached],
    memory: memory.stop(),
  };
}

export interface FloorFigures {
  kind: 'floor';
  wallMs: number;
  rpcCalls: number;
  byMethod: Record<string, number>;
  transfersSeen: number;
  hops: number;
  reached: Array<[string, number]>;
  memory: Memory;
}

async function runFloor(job: Extract<WorkerJob, { kind: 'floor' }>): Promise<FloorFigures> {
  const memory = sampleMemory();
  const started = performance.now();
  const result = await floorTrace({ url: job.rpcUrl, seedTxs: job.seedTxs, token: job.token, fromBlock: job.fromBlock, toBlock: job.toBlock, maxHops: job.maxHops, stops: new Set(job.stops), concurrency: job.concurrency, addressesPerCall: job.addressesPerCall, native: job.native === true });
  const wallMs = performance.now() - started;
  return { kind: 'floor', wallMs, rpcCalls: result.rpcCalls, byMethod: result.byMethod, transfersSeen: result.transfersSeen, hops: result.hops, reached: [...result.reached], memory: memory.stop() };
}

process.once('message', (job: WorkerJob) => {
  const run = job.kind === 'tracehold' ? runTracehold(job) : job.kind === 'floor' ? runFloor(job) : runNaive(job);
  run.then(
    (figures) => process.send!({ ok: true, figures }, () => process.exit(0)),
    (error: unknown) => process.send!({ ok: false, error: (error as Error).stack ?? String(error) }, () => process.exit(1)),
  );
});

/**
 * BENCH_BLOCK_LOG=file: each event-loop block over 100 ms, appended as a JSON line with its
 * end on the monotonic clock in µs (the clock of a --cpu-prof profile's timestamps), so the
 * block can be found in the profile.
 */
function watchBlocks(file: string | undefined): { stop(): void } | undefined {
  if (!file) return undefined;
  let last = process.hrtime.bigint();
  const timer = setInterval(() => {
    const now = process.hrtime.bigint();
    const gapMs = Number(now - last) / 1e6;
    last = now;
    if (gapMs > 100) appendFileSync(file, JSON.stringify({ pid: process.pid, endUs: Number(now / 1000n), ms: Math.round(gapMs) }) + '\n');
  }, 10);
  return { stop: () => clearInterval(timer) };
}
