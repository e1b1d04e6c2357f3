// The UTXO taint engine (bitcoin): per-transaction spreading (pure) and the spend-graph tracer.
export { spreadTaint, haircutShares, type SpreadInput, type SpreadResult } from './spread';
export { traceUtxo, startUtxoTrace, advanceUtxoTrace, finishUtxoTrace, splitKey } from './trace';
export type {
  FeeSink, FrontierReason, OutputStatus, TaintedOutput, TraceUtxoParams, UtxoFetch, UtxoSeed, UtxoTraceResult,
} from './trace';
export { newTraceState, stateFromJson, stateToJson, type UtxoTraceState, type UtxoTraceStateJson } from './state';
export { PendingQueue, type PendingEntry } from './pending-queue';
export { normalizeRanges, rangesTotal, formatRanges, type SatRange } from './ranges';
