// What the node can do, probed once: the adapter picks its strategy from this and the trace
// report says what could not be seen.
import type { ChainCapabilities } from '../source';
import type { RpcClient } from '../rpc/client';
import { isMethodUnavailable, RpcResponseError } from '../rpc/errors';
import { hexToNumber, toHex, type RpcBlock } from './rpc-types';

export interface EvmCapabilities extends ChainCapabilities {
  /** eth_getBlockReceipts answers, so receipts of a block cost one call. */
  blockReceipts: boolean;
}

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
const ZERO_HASH = `0x${'0'.repeat(64)}`;
/** How far back from the tip to look for a transaction to try the callTracer on. */
const TRACER_PROBE_BLOCKS = 8;

export async function probeCapabilities(rpc: RpcClient): Promise<EvmCapabilities> {
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
  const callTracer = hasTraceFilter ? false : await probeCallTracer(rpc, latest);

  const notes: string[] = [];
  const internalTransfers = hasTraceFilter ? 'trace_filter' : callTracer ? 'callTracer' : 'none';
  if (internalTransfers === 'none') {
    notes.push(
      'internal transfers not available: the node serves neither trace_filter nor debug_traceTransaction callTracer; ETH moved by contracts (e.g. multi-send or forwarder payouts) is not traced',
    );
  } else if (internalTransfers === 'callTracer') {
    notes.push(
      'internal transfers found with debug_traceTransaction callTracer on transactions sent by or to traced addresses (and contract calls, up to a bound); ETH a contract sends to a traced address inside a transaction that does not touch it directly may be missed without trace_filter',
    );
  }
  if (!historicalBalances) {
    notes.push('historical balances not available: the node is not an archive node; balances are only exact near the tip');
  }
  return {
    internalTransfers,
    nativeTransfers: hasTraceFilter ? 'trace_filter' : 'block-scan',
    historicalBalances,
    blockReceipts,
    notes,
  };
}

async function probeCallTracer(rpc: RpcClient, latest: number): Promise<boolean> {
  const txHash = (await findRecentTransaction(rpc, latest)) ?? ZERO_HASH;
  try {
    const frame = await rpc.request<{ type?: string } | null>('debug_traceTransaction', [txHash, { tracer: 'callTracer' }]);
    return typeof frame?.type === 'string';
  } catch (error) {
    if (!(error instanceof RpcResponseError)) throw error;
    const rpcError = { code: error.rpcCode, message: error.message };
    if (isMethodUnavailable(rpcError) && !/transaction .*not found|not found.*transaction/i.test(error.message)) return false;
    if (/tracer/i.test(error.message)) return false;
    // With no transaction to try, "transaction not found" still shows the method is served.
    return txHash === ZERO_HASH && /not found/i.test(error.message);
  }
}

async function findRecentTransaction(rpc: RpcClient, latest: number): Promise<string | undefined> {
  const from = Math.max(0, latest - TRACER_PROBE_BLOCKS + 1);
  const calls = [];
  for (let n = latest; n >= from; n -= 1) calls.push({ method: 'eth_getBlockByNumber', params: [toHex(n), false] });
  const blocks = await rpc.batch(calls);
  for (const b of blocks) {
    const block = b.ok ? (b.result as (Omit<RpcBlock, 'transactions'> & { transactions: string[] }) | null) : null;
    if (block && block.transactions.length > 0) return block.transactions[0];
  }
  return undefined;
}
