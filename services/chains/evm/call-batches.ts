// eth_call batches under a body size, shared by the balance reader and Multicall3 reads: tens
// of thousands of balances are megabytes of call data, more than nodes and gateways take in
// one HTTP request (anvil refuses a few MB as an invalid request), and encoded and serialised
// in one stretch they block the worker's event loop.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { RetryableError } from '../../errors';
import type { RpcCall, RpcClient, RpcOutcome } from '../rpc/client';

/** A call's answer, or the refusal of the whole HTTP request it went in. */
export type CallOutcome = RpcOutcome | { ok: false; error: Error };

/**
 * `calls` in HTTP batches of at most `maxBody` characters (`sizeOf` each), a batch sent as soon
 * as it is full. Each call is made (the iterable may encode it then) and each batch sent on a
 * turn of the event loop of its own. A request its node refuses whole for its size (HTTP 413 and
 * the like: `refusedAsTooBig`) comes back as a refusal of each of its calls, so each can be asked
 * again smaller; anything else it throws, once every batch is answered.
 */
export async function sendInBatches(
  rpc: RpcClient, calls: Iterable<RpcCall>, sizeOf: (call: RpcCall) => number, maxBody: number, refusedAsTooBig: RegExp,
): Promise<CallOutcome[]> {
  const sent: Array<Promise<CallOutcome[]>> = [];
  let group: RpcCall[] = [];
  let size = 0;
  const send = () => {
    if (group.length === 0) return;
    const batch = group;
    const outcomes = rpc.batch(batch).catch((error: unknown) => {
      if (!(error instanceof Error) || error instanceof RetryableError || !refusedAsTooBig.test(error.message)) throw error;
      return batch.map((): CallOutcome => ({ ok: false, error }));
    });
    outcomes.catch(() => undefined); // awaited below; not "unhandled" while later batches are made
    sent.push(outcomes);
    group = [];
    size = 0;
  };
  for (const call of calls) {
    // Making a call (4,000 reads' encoding) and sending a batch (its body serialised, then
    // copied into bytes) are turns of their own: together, with a collection of a 100k case's
    // heap falling in the stretch, they held the event loop 215-306 ms.
    await nextTurn();
    const length = sizeOf(call);
    if (size > 0 && size + length > maxBody) {
      send();
      await nextTurn();
    }
    group.push(call);
    size += length;
  }
  send();
  return (await Promise.all(sent)).flat();
}
