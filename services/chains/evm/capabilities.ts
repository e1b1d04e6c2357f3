// What the node can do, probed once: the adapter picks its strategy from this and the trace
// report says what could not be seen.
import type { ChainCapabilities } from '../source';
import type { RpcClient } from '../rpc/client';
import { isMethodUnavailable, RpcResponseError } from '../rpc/errors';
import { hexToNumber, toHex, type RpcBlock } from './rpc-types';
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
