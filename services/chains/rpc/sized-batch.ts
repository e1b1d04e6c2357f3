// Bounded batches sized on the answers seen. A reply refused as too large costs every call it
// carried once more, so calls go as many to a request as fit twice over in the bound at the
// average size of the answers of their kind seen so far; before any is seen, one goes alone.
//
// The average, not the largest: one wallet's answer of megabytes (a batch payer's traces with
// their call data) would otherwise send every later call of the process one to a request.
// A call whose answer is known to be large (the rest of an answer cut at the bound) is sent
// alone by its caller.
import type { BatchOptions, RpcCall, RpcClient, RpcOutcome } from './client';

/** The answers of one kind seen (estimated JSON bytes), kept by the caller across batches. */
export interface AnswerSizes {
  /** Answers seen. */
  count: number;
  /** Their estimated bytes in all. */
  bytes: number;
}

export function answerSizes(): AnswerSizes {
  return { count: 0, bytes: 0 };
}

/** Notes one answer's estimated size. */
export function noteAnswer(sizes: AnswerSizes, bytes: number): void {
  sizes.count += 1;
  sizes.bytes += bytes;
}

/** Calls per request for answers of this kind: as many as fit twice over in the bound at their average size. */
function callsPerRequestFor(sizes: AnswerSizes, maxReplyBytes: number): number {
  const average = Math.max(1, sizes.bytes / sizes.count);
  return Math.max(1, Math.floor(maxReplyBytes / (2 * average)));
}

export async function sizedBatch(
  rpc: RpcClient,
  calls: RpcCall[],
  options: BatchOptions & { maxReplyBytes: number },
  sizes: AnswerSizes,
  estimate: (result: unknown) => number,
): Promise<RpcOutcome[]> {
  if (sizes.count === 0 && calls.length > 1) {
    const first = await sizedBatch(rpc, calls.slice(0, 1), options, sizes, estimate);
    return [...first, ...(await sizedBatch(rpc, calls.slice(1), options, sizes, estimate))];
  }
  const callsPerRequest = sizes.count === 0 ? 1 : callsPerRequestFor(sizes, options.maxReplyBytes);
  const outcomes = await rpc.batch(calls, { ...options, callsPerRequest });
  for (const o of outcomes) if (o.ok) noteAnswer(sizes, estimate(o.result));
  return outcomes;
}
