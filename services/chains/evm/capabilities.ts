// What the node can do, probed once: the adapter picks its strategy from this and the trace
// report says what could not be seen.
import type { ChainCapabilities } from '../source';
import type { RpcClient } from '../rpc/client';
import { isMethodUnavailable, RpcResponseError } from '../rpc/errors';
import { hexToNumber, toHex, type ParityTrace, type RpcBlock } from './rpc-types';
import { asCallFrame } from './internal-calls';

export interface EvmCapabilities extends ChainCapabilities {
  /** eth_getBlockReceipts answers, so receipts of a block cost one call. */
  blockReceipts: boolean;
}

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
/** How far back from the tip to look for a real transaction to try the callTracer on. */
const TRACER_PROBE_BLOCKS = 256;
const PROBE_BATCH = 64;

/** What the node can do apart from the callTracer, which is decided on a real transaction. */
export async function probeCapabilities(rpc: RpcClient): Promise<Omit<EvmCapabilities, 'internalTransfers' | 'notes'> & { notes: string[] }> {
  const latest = hexToNumber(await rpc.request<string>('eth_blockNumber'));
  const probeBlock = toHex(latest);
  const [traceFilter, receipts, balance] = await rpc.batch([
    { method: 'trace_filter', params: [{ fromBlock: probeBlock, toBlock: probeBlock, fromAddress: [ZERO_ADDRESS], count: 1 }] },
    { method: 'eth_getBlockReceipts', params: [probeBlock] },
    { method: 'eth_getBalance', params: [ZERO_ADDRESS, toHex(Math.min(1, latest))] },
  ]);
  const hasTraceFilter = traceFilter!.ok && Array.isArray(traceFilter!.result);
  const blockReceipts = receipts!.ok && Array.isArray(receipts!.result);
  const historicalBalances = balance!.ok;
  const notes: string[] = [];
  if (!historicalBalances) {
    notes.push('historical balances not available: the node is not an archive node; balances are only exact near the tip');
  }
  return { nativeTransfers: hasTraceFilter ? 'trace_filter' : 'block-scan', historicalBalances, blockReceipts, notes };
}

/** Blocks back from a range's end searched for a real call to try trace_filter's union mode on. */
const UNION_PROBE_BLOCKS = 16;
/** An address nobody sends to (ASCII "tracehold-union-prob"): the probe's other side. */
const UNION_PROBE_SENTINEL = '0x7472616365686f6c642d756e696f6e2d70726f62';

/**
 * Does trace_filter give the traces of *either* side when asked with both `fromAddress` and
 * `toAddress` (`mode: "union"`: Erigon, Reth, anvil), so a chunk's inflows and outflows come
 * in one call? OpenEthereum and Nethermind answer the intersection (sent by one of the first
 * *to* one of the second) and a node may refuse the unknown field; either is "no". Decided on
 * a real call in the last blocks of `range`: asked for what its sender sent *or* what a
 * sentinel received, a union node answers it, an intersection node nothing. Undefined when
 * the blocks hold no call to try it on (decided on a later range), or the answer decides
 * nothing.
 */
export async function probeTraceUnion(rpc: RpcClient, range: { fromBlock: number; toBlock: number }): Promise<boolean | undefined> {
  const from = Math.max(range.fromBlock, range.toBlock - UNION_PROBE_BLOCKS + 1);
  let sample: ParityTrace[];
  try {
    sample = (await rpc.request<ParityTrace[] | null>('trace_filter', [{ fromBlock: toHex(from), toBlock: toHex(range.toBlock), count: 8 }])) ?? [];
  } catch (error) {
    if (error instanceof RpcResponseError) return undefined; // a range it will not scan whole: try another range
    throw error;
  }
  const call = sample.find((t) => t.type === 'call' && t.action.from && t.action.to && t.action.to.toLowerCase() !== UNION_PROBE_SENTINEL);
  if (!call) return undefined;
  const sender = call.action.from!.toLowerCase();
  const block = toHex(call.blockNumber);
  try {
    const answer = await rpc.request<ParityTrace[] | null>('trace_filter', [
      { fromBlock: block, toBlock: block, fromAddress: [sender], toAddress: [UNION_PROBE_SENTINEL], mode: 'union', count: 1 },
    ]);
    return (answer ?? []).some((t) => t.action.from?.toLowerCase() === sender);
  } catch (error) {
    if (error instanceof RpcResponseError) return false; // "mode" refused
    throw error;
  }
}

export type TracerVerdict = { available: true } | { available: false; reason: string };

/**
 * Does debug_traceTransaction with callTracer give a call trace for `txHash`, a transaction
 * that exists? An empty success (anvil answers one even for an unknown hash) is not a trace.
 * Other failures (timeouts, rate limits) are thrown: they decide nothing.
 */
export async function probeCallTracer(rpc: RpcClient, txHash: string): Promise<TracerVerdict> {
  try {
    const frame = await rpc.request<unknown>('debug_traceTransaction', [txHash, { tracer: 'callTracer' }]);
    if (asCallFrame(frame)) return { available: true };
    return { available: false, reason: `debug_traceTransaction answered without a call trace for transaction ${txHash}` };
  } catch (error) {
    if (!(error instanceof RpcResponseError)) throw error;
    const rpcError = { code: error.rpcCode, message: error.message };
    if (isMethodUnavailable(rpcError) || /tracer/i.test(error.message)) {
      return { available: false, reason: `debug_traceTransaction with callTracer refused: ${error.message}` };
    }
    throw error;
  }
}

/** A transaction in the last blocks before `latest`, newest first; undefined when they are all empty. */
export async function findRecentTransaction(rpc: RpcClient, latest: number): Promise<string | undefined> {
  const lowest = Math.max(0, latest - TRACER_PROBE_BLOCKS + 1);
  for (let top = latest; top >= lowest; top -= PROBE_BATCH) {
    const calls = [];
    for (let n = top; n >= Math.max(lowest, top - PROBE_BATCH + 1); n -= 1) calls.push({ method: 'eth_getBlockByNumber', params: [toHex(n), false] });
    const blocks = await rpc.batch(calls);
    for (const b of blocks) {
      const block = b.ok ? (b.result as (Omit<RpcBlock, 'transactions'> & { transactions: string[] }) | null) : null;
      if (block && block.transactions.length > 0) return block.transactions[0];
    }
  }
  return undefined;
}

export const INTERNAL_NOTES = {
  none: (reason: string) =>
    `internal transfers not available (${reason}): the node serves neither trace_filter nor debug_traceTransaction callTracer; ETH moved by contracts (e.g. multi-send or forwarder payouts) is not traced`,
  unprobed: 'internal transfers: no transaction was found to try debug_traceTransaction on yet; the first scanned range with one decides',
};
