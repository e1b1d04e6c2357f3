// The bench's figures against the goals of issue 10, one line each: measured, goal, met or not.
import type { RetraceFigures } from './retrace-cost';
import type { StoreWriteFigures } from './store-writes';
import type { WireCounts } from './counting-proxy';
import type { FloorFigures, NaiveFigures, TraceholdFigures } from './worker';

export interface GoalInput {
  cold: TraceholdFigures & { wire: WireCounts };
  /** tracehold cold with the token asked for (the floor tracer's scope). */
  tokenOnly?: TraceholdFigures & { wire: WireCounts };
  naive: NaiveFigures;
  floor: FloorFigures & { wire: WireCounts };
  writes: StoreWriteFigures;
  retrace?: RetraceFigures;
  latencyMs: number;
  /** Peak RSS of tracehold cold in an earlier, smaller run (BENCH_BASELINE), for the flat-memory goal. */
  baseline?: { transfers: number; peakRssBytes: number };
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
  const naiveRatio = g.naive.wallMs / c.wallMs;
  const lines = [
    `transfers examined / s: ${int(examinedPerSec)} (goal ≥ 50,000): ${verdict(examinedPerSec >= 50_000)}`,
    `memory per transfer (peak RSS growth during the run / transfers examined): ${int(bytesPerTransfer)} bytes (goal ≤ 300): ${verdict(bytesPerTransfer <= 300)}`,
    `longest event-loop block in the tracehold process: ${int(c.memory.eventLoopMaxMs)} ms (goal ≤ 200): ${verdict(c.memory.eventLoopMaxMs <= 200)}`,
    `JSON-RPC calls vs the floor tracer: ${int(c.wire.rpcCalls)} vs ${int(g.floor.wire.rpcCalls)} = ${x(rpcRatio)} (goal ≤ 2×): ${verdict(rpcRatio <= 2)}`,
    `wall time vs the floor tracer: ${x(wallRatio)} (goal ≤ 1.5×): ${verdict(wallRatio <= 1.5)}`,
    ...(g.tokenOnly ? [
      `JSON-RPC calls vs the floor tracer, token asked for: ${int(g.tokenOnly.wire.rpcCalls)} vs ${int(g.floor.wire.rpcCalls)} = ${x(g.tokenOnly.wire.rpcCalls / Math.max(1, g.floor.wire.rpcCalls))} (goal ≤ 2×): ${verdict(g.tokenOnly.wire.rpcCalls <= 2 * g.floor.wire.rpcCalls)}; wall time ${x(g.tokenOnly.wallMs / Math.max(1, g.floor.wallMs))} the floor's`,
    ] : []),
    `store writes vs plain COPY on the same database: ${(g.writes.share * 100).toFixed(0)} % (goal ≥ 50 %): ${verdict(g.writes.share >= 0.5)}`,
    `tracehold cold vs the naive tracer at ${g.latencyMs} ms per request: ${x(naiveRatio)} faster (goal ≥ 10× at 20 ms)${g.latencyMs === 20 ? `: ${verdict(naiveRatio >= 10)}` : ' (run with BENCH_RPC_LATENCY_MS=20 to judge)'}`,
  ];
  if (g.baseline) {
    const ratio = c.memory.peakRssBytes / g.baseline.peakRssBytes;
    lines.push(`peak RSS vs the ${int(g.baseline.transfers)}-transfer baseline: ${int(c.memory.peakRssBytes / 2 ** 20)} vs ${int(g.baseline.peakRssBytes / 2 ** 20)} MB = ${x(ratio)} (goal ≤ 1.2× for 100k vs 10k): ${verdict(ratio <= 1.2)}`);
  } else {
    lines.push('peak RSS 100k vs 10k (goal ≤ 1.2×): set BENCH_BASELINE to the JSON of a 10k run to compare');
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
