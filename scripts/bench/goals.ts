// The bench's figures against the goals of issue 10, one line each: measured, goal, met or not.
import type { RetraceFigures } from './retrace-cost';
import type { StoreWriteFigures } from './store-writes';
import type { WireCounts } from './counting-proxy';
import type { FloorFigures, NaiveFigures, TraceholdFigures } from './worker';

/** tracehold's runs whose peak RSS the flat-memory goal compares. */
export const RSS_RUNS = ['cold', 'warm', 'tokenOnly'] as const;
export type RssRun = (typeof RSS_RUNS)[number];

/** An earlier, smaller run (BENCH_BASELINE): its size and each tracehold run's peak RSS. */
export interface RssBaseline {
  transfers: number;
  peakRssBytes: Partial<Record<RssRun, number>>;
}

export interface GoalInput {
  cold: TraceholdFigures & { wire: WireCounts };
  /** tracehold warm (a second case on the same database). */
  warm?: TraceholdFigures;
  /** tracehold cold with the token asked for (the floor tracer's scope). */
  tokenOnly?: TraceholdFigures & { wire: WireCounts };
  /** Unset when the naive tracer was skipped (BENCH_NAIVE=0) or did not finish. */
  naive?: NaiveFigures;
  /** The naive run's time limit, when it did not finish within it: tracehold is at least this much faster. */
  naiveTimedOutMs?: number;
  floor: FloorFigures & { wire: WireCounts };
  /** The floor tracer with ETH too: the floor of tracehold's default assets (the cold run's scope). */
  floorNative?: FloorFigures & { wire: WireCounts };
  writes: StoreWriteFigures;
  retrace?: RetraceFigures;
  latencyMs: number;
  /** tracehold's peak RSS in an earlier, smaller run (BENCH_BASELINE), for the flat-memory goal. */
  baseline?: RssBaseline;
  /** Transfers this run was asked for (BENCH_TRANSFERS), to say which sizes are compared. */
  transfers?: number;
  /** The database the runs used: with pglite the embedded database's memory goal is judged. */
  db?: 'pg' | 'pglite';
  /** tracehold cold with the token asked for on a database grown with other cases' data (BENCH_GROWN_TRANSFERS). */
  grown?: { wallMs: number; rpcCalls: number; transfers: number; same: boolean };
}

/** tracehold cold against the naive tracer; a naive run stopped at its time limit gives a lower bound. */
function naiveLine(g: GoalInput): string {
  const c = g.cold;
  const judged = (ratio: number) => (g.latencyMs === 20 ? `: ${verdict(ratio >= 10)}` : ' (run with BENCH_RPC_LATENCY_MS=20 to judge)');
  if (g.naive) return `tracehold cold vs the naive tracer at ${g.latencyMs} ms per request: ${x(g.naive.wallMs / c.wallMs)} faster (goal ≥ 10× at 20 ms)${judged(g.naive.wallMs / c.wallMs)}`;
  if (g.naiveTimedOutMs !== undefined) {
    const ratio = g.naiveTimedOutMs / c.wallMs;
    return `tracehold cold vs the naive tracer at ${g.latencyMs} ms per request: at least ${x(ratio)} faster, the naive tracer did not finish within ${int(g.naiveTimedOutMs / 1000)} s (goal ≥ 10× at 20 ms)${judged(ratio)}`;
  }
  return 'tracehold cold vs the naive tracer (goal ≥ 10× at 20 ms): not measured, the naive tracer was skipped (BENCH_NAIVE=0)';
}

/** Each `…Ms` figure of the steps, summed over the hops (`hop.taintMs`) and the final step (`final.graphMs`). */
export function stageTimes(steps: Record<string, Record<string, number>>): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const [step, figures] of Object.entries(steps)) {
    const kind = step === 'final' ? 'final' : 'hop';
    for (const [name, value] of Object.entries(figures)) {
      if (name.endsWith('Ms') && typeof value === 'number') sums[`${kind}.${name}`] = (sums[`${kind}.${name}`] ?? 0) + value;
    }
  }
  return sums;
}

/**
 * Each stage's highest V8 heap over the steps (the steps' `…HeapMB` figures, see stageClock),
 * with the step it was seen in: `hop.taint` → 239 MB in `hop-4`.
 */
export function stageHeapPeaks(steps: Record<string, Record<string, number>>): Record<string, { mb: number; step: string }> {
  const peaks: Record<string, { mb: number; step: string }> = {};
  for (const [step, figures] of Object.entries(steps)) {
    const kind = step === 'final' ? 'final' : 'hop';
    for (const [name, value] of Object.entries(figures)) {
      if (!name.endsWith('HeapMB') || typeof value !== 'number') continue;
      const key = `${kind}.${name.slice(0, -'HeapMB'.length)}`;
      if (value > (peaks[key]?.mb ?? -1)) peaks[key] = { mb: value, step };
    }
  }
  return peaks;
}

/** Where a tracehold run's memory peaked, by stage (stageHeapPeaks). */
export function stageHeapLine(peaks: Record<string, { mb: number; step: string }>): string {
  const at = (key: string) => (peaks[key] ? `${int(peaks[key].mb)} MB (${peaks[key].step})` : '—');
  return `highest V8 heap in use by stage, over the steps (the process's, garbage not yet collected included): seeds ${at('hop.seeds')}, ` +
    `taint ${at('hop.taint')}, decide ${at('hop.decide')}, judge ${at('hop.judge')}, persist ${at('hop.persist')}; ` +
    `final step: case graph ${at('final.graph')}, findings ${at('final.findings')}`;
}

const RUN_NAMES: Record<RssRun, string> = { cold: 'cold', warm: 'warm', tokenOnly: 'token asked for' };
const MB = (bytes: number) => int(bytes / 2 ** 20);

/**
 * The flat-memory goal (peak RSS of 100k transfers ≤ 1.2 × 10k's): each tracehold run of this
 * bench against the same run in the baseline, then the largest peak of either side. A run the
 * baseline lacks (an older JSON) is said to be missing, not counted as met.
 */
export function rssFlatLines(current: Partial<Record<RssRun, number>>, baseline: RssBaseline, transfers?: number, limit = 1.2): string[] {
  const sizes = `${transfers === undefined ? 'this run' : int(transfers)} vs ${int(baseline.transfers)} transfers`;
  const lines: string[] = [];
  const ratios: number[] = [];
  for (const run of RSS_RUNS) {
    const now = current[run];
    const then = baseline.peakRssBytes[run];
    if (now === undefined) continue;
    if (then === undefined || !(then > 0)) {
      lines.push(`peak RSS, tracehold ${RUN_NAMES[run]}: ${MB(now)} MB; the baseline has no ${RUN_NAMES[run]} run to compare`);
      continue;
    }
    const ratio = now / then;
    ratios.push(ratio);
    lines.push(`peak RSS, tracehold ${RUN_NAMES[run]}, ${sizes}: ${MB(now)} vs ${MB(then)} MB = ${x(ratio)} (goal ≤ ${limit}×): ${verdict(ratio <= limit)}`);
  }
  const nowPeaks = RSS_RUNS.map((r) => current[r]).filter((v): v is number => v !== undefined);
  const thenPeaks = RSS_RUNS.map((r) => baseline.peakRssBytes[r]).filter((v): v is number => v !== undefined && v > 0);
  if (nowPeaks.length > 0 && thenPeaks.length > 0) {
    const highest = Math.max(...nowPeaks) / Math.max(...thenPeaks);
    const every = ratios.length > 0 && ratios.every((r) => r <= limit);
    lines.push(`peak RSS flat (highest tracehold peak, ${sizes}): ${MB(Math.max(...nowPeaks))} vs ${MB(Math.max(...thenPeaks))} MB = ${x(highest)} (goal ≤ ${limit}×): ${verdict(highest <= limit)}; every run within ${limit}× its baseline run: ${every ? 'yes' : 'no'}`);
  }
  if (baseline.transfers >= (transfers ?? Infinity)) lines.push(`(the baseline is not smaller than this run: the goal compares 100k with 10k)`);
  return lines;
}

/** The longest event-loop block of tracehold's runs (cold, warm, token asked for): the goal holds for every worker. */
function eventLoopLine(g: GoalInput): string {
  const runs = RSS_RUNS.flatMap((run) => {
    const figures = g[run];
    return figures ? [{ name: RUN_NAMES[run], ms: figures.memory.eventLoopMaxMs }] : [];
  });
  const longest = runs.reduce((a, b) => (b.ms > a.ms ? b : a));
  const others = runs.filter((r) => r !== longest).map((r) => `${r.name} ${int(r.ms)} ms`);
  return `longest event-loop block in a tracehold process: ${int(longest.ms)} ms, ${longest.name}${others.length ? ` (${others.join(', ')})` : ''} (goal ≤ 200): ${verdict(longest.ms <= 200)}`;
}

/**
 * Where the token-asked run's calls go against the floor's: the floor reads what its wallets
 * sent; tracehold also reads what they received, of which a ledger's balances are made.
 */
export function callsWhereLine(run: WireCounts, floor: WireCounts): string[] {
  if (!run.logReads || !floor.logReads) return [];
  const logs = run.byMethod['eth_getLogs'] ?? 0;
  const calls = run.byMethod['eth_call'] ?? 0;
  const headers = run.byMethod['eth_getBlockByNumber'] ?? 0;
  const rest = run.rpcCalls - logs - calls - headers;
  return [
    `  where those calls go: eth_getLogs by sender ${int(run.logReads.sender)} (the floor's ${int(floor.logReads.sender)}), ` +
      `by recipient ${int(run.logReads.recipient)} (the floor's ${int(floor.logReads.recipient)}: what a wallet received makes its balance, holdings and ` +
      `shortfalls, and counts in the deposit and busy-wallet judgements), other eth_getLogs ${int(run.logReads.other)}; ` +
      `eth_call ${int(calls)} (balances, thousands a call through the balance reader or Multicall3; the token's symbol and decimals); ` +
      `eth_getBlockByNumber ${int(headers)} (block times where the node's logs state none, the run's range); the rest ${int(rest)} (seeds, the node's capabilities)`,
  ];
}

/**
 * Where the token-asked run's wall time goes against the floor's: the time the node had a
 * request of the run's in flight (the proxy's busyMs), and the run's own work with none in
 * flight. The floor reads the senders' logs only and stores nothing, so its wall time is
 * nearly all node time, while tracehold's is its node time plus its own work.
 */
export function wallWhereLine(run: { wallMs: number; wire: WireCounts }, floor: { wallMs: number; wire: WireCounts }): string[] {
  if (run.wire.busyMs === undefined || floor.wire.busyMs === undefined) return [];
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const own = Math.max(0, run.wallMs - run.wire.busyMs);
  return [
    `  where that time goes: a request in flight at the node ${s(run.wire.busyMs)} s of ${s(run.wallMs)} (the floor's ${s(floor.wire.busyMs)} of ${s(floor.wallMs)}: ` +
      `${x(run.wire.busyMs / Math.max(1, floor.wire.busyMs))} its node time, for ${x(run.wire.rpcCalls / Math.max(1, floor.wire.rpcCalls))} its calls and ` +
      `${x(run.wire.replyBytes / Math.max(1, floor.wire.replyBytes))} its reply bytes); ` +
      `tracehold's own work with nothing in flight ${s(own)} s = ${x(own / Math.max(1, floor.wallMs))} the floor's whole run (reading back, propagating, judging and storing what it fetched)`,
  ];
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const x = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)}×`;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

export function goalLines(g: GoalInput): string[] {
  const c = g.cold;
  const seconds = c.wallMs / 1000;
  const examinedPerSec = c.reportTransfers / seconds;
  const grownBytes = Math.max(0, c.memory.peakRssBytes - c.memory.startRssBytes);
  const bytesPerTransfer = grownBytes / Math.max(1, c.reportTransfers);
  const rpcRatio = c.wire.rpcCalls / Math.max(1, g.floor.wire.rpcCalls);
  const wallRatio = c.wallMs / Math.max(1, g.floor.wallMs);
  const lines = [
    `transfers examined / s: ${int(examinedPerSec)} (goal ≥ 50,000): ${verdict(examinedPerSec >= 50_000)}; ` +
      `the floor tracer, which only reads the token's logs and keeps nothing, fetches ${int(g.floor.transfersSeen / Math.max(0.001, g.floor.wallMs / 1000))} / s`,
    `memory per transfer (peak RSS growth during the run / transfers examined): ${int(bytesPerTransfer)} bytes (goal ≤ 300): ${verdict(bytesPerTransfer <= 300)}; ` +
      `the report alone is ${int(c.reportBytes / Math.max(1, c.reportTransfers))} bytes per transfer as compact JSON`,
    eventLoopLine(g),
    `JSON-RPC calls vs the floor tracer (token only): ${int(c.wire.rpcCalls)} vs ${int(g.floor.wire.rpcCalls)} = ${x(rpcRatio)} (goal ≤ 2×): ${verdict(rpcRatio <= 2)}`,
    `wall time vs the floor tracer (token only): ${x(wallRatio)} (goal ≤ 1.5×): ${verdict(wallRatio <= 1.5)}`,
    ...(g.floorNative ? [
      `JSON-RPC calls vs the floor tracer with ETH too (the default assets' scope): ${int(c.wire.rpcCalls)} vs ${int(g.floorNative.wire.rpcCalls)} = ${x(c.wire.rpcCalls / Math.max(1, g.floorNative.wire.rpcCalls))} (goal ≤ 2×): ${verdict(c.wire.rpcCalls <= 2 * g.floorNative.wire.rpcCalls)}; wall time ${x(c.wallMs / Math.max(1, g.floorNative.wallMs))} its (goal ≤ 1.5×): ${verdict(c.wallMs <= 1.5 * g.floorNative.wallMs)}`,
    ] : []),
    ...(g.tokenOnly ? [
      `JSON-RPC calls vs the floor tracer, token asked for: ${int(g.tokenOnly.wire.rpcCalls)} vs ${int(g.floor.wire.rpcCalls)} = ${x(g.tokenOnly.wire.rpcCalls / Math.max(1, g.floor.wire.rpcCalls))} (goal ≤ 2×): ${verdict(g.tokenOnly.wire.rpcCalls <= 2 * g.floor.wire.rpcCalls)}; wall time ${x(g.tokenOnly.wallMs / Math.max(1, g.floor.wallMs))} the floor's`,
    ] : []),
    ...(g.tokenOnly ? wallWhereLine(g.tokenOnly, g.floor) : []),
    ...(g.tokenOnly ? callsWhereLine(g.tokenOnly.wire, g.floor.wire) : []),
    `store writes vs plain COPY on the same database: ${(g.writes.share * 100).toFixed(0)} % (goal ≥ 50 %): ${verdict(g.writes.share >= 0.5)}`,
    naiveLine(g),
    ...(g.grown && g.tokenOnly ? [grownLine(g.grown, g.tokenOnly)] : []),
  ];
  if (g.baseline) {
    const current = { cold: c.memory.peakRssBytes, warm: g.warm?.memory.peakRssBytes, tokenOnly: g.tokenOnly?.memory.peakRssBytes };
    lines.push(...rssFlatLines(current, g.baseline, g.transfers));
  } else {
    lines.push('peak RSS 100k vs 10k (goal ≤ 1.2×): set BENCH_BASELINE to the JSON of a 10k run to compare');
  }
  if (g.db === 'pglite') {
    // PGlite runs inside the tracehold process: its memory is part of that process's RSS, so
    // the process's highest peak over the three runs bounds the embedded database's.
    const runs = [c, g.warm, g.tokenOnly].filter((r): r is TraceholdFigures => r !== undefined);
    const peak = Math.max(...runs.map((r) => r.memory.peakRssBytes));
    const judged = g.transfers !== undefined && g.transfers <= 1_000;
    lines.push(`embedded database (PGlite, in the tracehold process): highest peak RSS of the process ${MB(peak)} MB over ${runs.length} runs (goal < 400 MB on a 1k case)${judged ? `: ${verdict(peak < 400 * 2 ** 20)}` : ' (run with BENCH_TRANSFERS=1000 to judge)'}`);
    // The database's own share: WASM memory is counted outside the JS heap (external).
    const native = Math.max(...runs.map((r) => r.memory.peakNativeBytes ?? 0));
    if (native > 0) lines.push(`  of which outside the JS heap (PGlite's WASM memory, with other native allocations): ${MB(native)} MB at most${judged ? `: ${verdict(native < 400 * 2 ** 20)} by that measure` : ''}`);
  }
  if (g.retrace) {
    const q = g.retrace.quiet;
    const perHundred = (q.wire.rpcCalls / Math.max(1, q.prefetchAddresses)) * 100;
    lines.push(
      `quiet re-trace of ${g.retrace.cases} cases: ${int(q.wire.rpcCalls)} calls for ${int(q.prefetchAddresses)} watched addresses = ${perHundred.toFixed(1)} per 100 (goal ≤ 1): ${verdict(perHundred <= 1)}; ${(q.wallMs / 1000).toFixed(2)} s (goal ≤ 2 s): ${verdict(q.wallMs <= 2000)}`,
    );
  }
  return lines;
}

/** Where a tracehold run's wall time went, by stage (the run's step figures, summed over the hops). */
export function stageLine(f: Pick<TraceholdFigures, 'stageMs' | 'wallMs'>): string {
  const s = (name: string) => ((f.stageMs[name] ?? 0) / 1000).toFixed(1);
  const steps = Object.entries(f.stageMs).filter(([k]) => k === 'hop.findMs' || k === 'hop.persistMs' || k.startsWith('final.')).reduce((sum, [, v]) => sum + v, 0);
  return `seconds by stage, summed over the hops: seeds ${s('hop.seedsMs')}, taint ${s('hop.taintMs')} (engine ${s('hop.propagationMs')}), decide ${s('hop.decideMs')}, ` +
    `judge ${s('hop.judgeMs')}, persist ${s('hop.persistMs')}; final step: case graph ${s('final.graphMs')}, findings ${s('final.findingsMs')}; ` +
    `the rest (opening steps, the report's writes, the queue) ${((f.wallMs - steps) / 1000).toFixed(1)} of ${(f.wallMs / 1000).toFixed(1)}`;
}

/** The issue's "cost that grows with new data only", on a database that served other cases (no figure of its own in the issue). */
export function grownLine(grown: NonNullable<GoalInput['grown']>, empty: TraceholdFigures & { wire: WireCounts }): string {
  const ratio = grown.wallMs / Math.max(1, empty.wallMs);
  return `cost with other cases' data stored (${int(grown.transfers)} transfers of other wallets in the same blocks, an earlier run's taint rows and flows), token asked for: ` +
    `${x(ratio)} the wall time on an empty database, ${int(grown.rpcCalls)} vs ${int(empty.wire.rpcCalls)} JSON-RPC calls, ` +
    `${grown.same ? 'the same' : 'NOT the same'} addresses, states, endpoints and holdings (the issue sets no figure: its title, cost that grows with new data only)`;
}
