// The UTXO taint engine (bitcoin): per-transaction spreading (pure) and the spend-graph tracer.
export { spreadTaint, haircutShares, type SpreadInput, type SpreadResult } from './spread';
export { traceUtxo } from './trace';
export type {
  FeeSink, OutputStatus, TaintedOutput, TraceUtxoParams, UtxoFetch, UtxoSeed, UtxoTraceResult,
} from './trace';
export { normalizeRanges, rangesTotal, formatRanges, type SatRange } from './ranges';
