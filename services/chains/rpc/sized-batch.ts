// Bounded batches sized on the answers seen. A reply refused as too large costs every call it
// carried once more, so calls go as many to a request as fit twice over in the bound at the
// size of the largest answer of their kind seen so far; before any is seen, one goes alone.
import type { BatchOptions, RpcCall, RpcClient, RpcOutcome } from './client';

/** The largest answer of one kind seen (estimated JSON bytes; undefined: none yet), kept by the caller across batches. */
export interface AnswerSizes {
  largest?: number;
}

export async function sizedBatch(
  rpc: RpcClient,
  calls: RpcCall[],
  options: BatchOptions & { maxReplyBytes: number },
  sizes: AnswerSizes,
  estimate: (result: unknown) => number,
): Promise<RpcOutcome[]> {
  if (sizes.largest === undefined && calls.length > 1) {
    const first = await sizedBatch(rpc, calls.slice(0, 1), options, sizes, estimate);
    return [...first, ...(await sizedBatch(rpc, calls.slice(1), options, sizes, estimate))];
  }
  const callsPerRequest = Math.max(1, Math.floor(options.maxReplyBytes / (2 * (sizes.largest ?? 1))));
  const outcomes = await rpc.batch(calls, { ...options, callsPerRequest });
  for (const o of outcomes) if (o.ok) sizes.largest = Math.max(sizes.largest ?? 1, estimate(o.result));
  return outcomes;
}
