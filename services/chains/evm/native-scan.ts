// Native transfers and fees by reading every block in the range: the only way on nodes
// without trace_filter. Blocks come through the shared cache, so neighbouring hops and
// cases pay for each block once.
import type { Transfer } from '../../domain/types';
import type { RpcClient } from '../rpc/client';
import type { TransferDirection } from '../source';
import type { BlockStore } from './block-store';
import { internalCallsFromFrame } from './internal-calls';
import { hexToNumber, type CallFrame, type RpcReceipt, type RpcTransaction } from './rpc-types';
import { feeTransfer, internalTransfer, succeeded, valueTransfer, type TxContext } from './to-transfers';

export interface NativeScanQuery {
  addresses: Set<string>;
  direction: TransferDirection;
  fromBlock: number;
  toBlock: number;
}

export interface NativeScanDeps {
  chain: string;
  nativeAsset: string;
  rpc: RpcClient;
  blocks: BlockStore;
  blockReceipts: boolean;
  callTracer: boolean;
  /** Contract calls traced per query beyond those touching the queried addresses. */
  maxTracedContractCalls: number;
}

/** Blocks held in memory at once while scanning a long range. */
const SCAN_WINDOW = 1000;

export async function scanNative(deps: NativeScanDeps, query: NativeScanQuery): Promise<Transfer[]> {
  const out: Transfer[] = [];
  for (let start = query.fromBlock; start <= query.toBlock; start += SCAN_WINDOW) {
    const end = Math.min(query.toBlock, start + SCAN_WINDOW - 1);
    out.push(...(await scanWindow(deps, query, start, end)));
  }
  return out;
}

interface Candidate {
  ctx: TxContext;
  tx: RpcTransaction;
  fromQueried: boolean;
  toQueried: boolean;
}

async function scanWindow(deps: NativeScanDeps, query: NativeScanQuery, start: number, end: number): Promise<Transfer[]> {
  const numbers = Array.from({ length: end - start + 1 }, (_, i) => start + i);
  const blocks = await deps.blocks.fullBlocks(numbers);
  const wantOut = query.direction !== 'in';
  const wantIn = query.direction !== 'out';

  const candidates: Candidate[] = [];
  const contractCalls: Candidate[] = [];
  for (const block of blocks) {
    const header = { number: hexToNumber(block.number), hash: block.hash.toLowerCase(), timestamp: hexToNumber(block.timestamp) };
    for (const tx of block.transactions) {
      const from = tx.from.toLowerCase();
      const to = tx.to?.toLowerCase() ?? null;
      const fromQueried = wantOut && query.addresses.has(from);
      const toQueried = wantIn && to !== null && query.addresses.has(to);
      const ctx = { chain: deps.chain, nativeAsset: deps.nativeAsset, header, txHash: tx.hash.toLowerCase(), txIndex: hexToNumber(tx.transactionIndex) };
      if (fromQueried || toQueried) candidates.push({ ctx, tx, fromQueried, toQueried });
      else if (deps.callTracer && tx.input !== undefined && tx.input !== '0x') contractCalls.push({ ctx, tx, fromQueried, toQueried });
    }
  }
  if (candidates.length === 0 && contractCalls.length === 0) return [];

  const receipts = await fetchReceipts(deps, candidates);
  const out: Transfer[] = [];
  for (const c of candidates) {
    const receipt = receipts.get(c.ctx.txHash)!;
    if (c.fromQueried) {
      const fee = feeTransfer(c.ctx, c.tx, receipt);
      if (fee) out.push(fee);
    }
    const value = valueTransfer(c.ctx, c.tx, receipt);
    if (value) out.push(value);
  }

  if (deps.callTracer) {
    const traced = [...candidates.filter((c) => succeeded(receipts.get(c.ctx.txHash)!)), ...contractCalls.slice(0, deps.maxTracedContractCalls)];
    out.push(...(await tracedInternal(deps, query, traced)));
  }
  return out;
}

async function fetchReceipts(deps: NativeScanDeps, candidates: Candidate[]): Promise<Map<string, RpcReceipt>> {
  const hashes = candidates.map((c) => c.ctx.txHash);
  if (!deps.blockReceipts) return deps.blocks.receipts(hashes);
  // One eth_getBlockReceipts beats several eth_getTransactionReceipt for the same block.
  const perBlock = new Map<number, string[]>();
  for (const c of candidates) {
    const list = perBlock.get(c.ctx.header.number) ?? [];
    list.push(c.ctx.txHash);
    perBlock.set(c.ctx.header.number, list);
  }
  const byBlock = new Map([...perBlock].filter(([, list]) => list.length > 1));
  return deps.blocks.receipts(hashes, byBlock);
}

async function tracedInternal(deps: NativeScanDeps, query: NativeScanQuery, traced: Candidate[]): Promise<Transfer[]> {
  if (traced.length === 0) return [];
  const frames = await deps.rpc.batch(
    traced.map((c) => ({ method: 'debug_traceTransaction', params: [c.ctx.txHash, { tracer: 'callTracer' }] })),
  );
  const out: Transfer[] = [];
  frames.forEach((outcome, i) => {
    if (!outcome.ok) throw outcome.error;
    for (const call of internalCallsFromFrame(outcome.result as CallFrame)) {
      const relevant =
        (query.direction !== 'in' && query.addresses.has(call.from)) || (query.direction !== 'out' && query.addresses.has(call.to));
      if (relevant) out.push(internalTransfer(traced[i]!.ctx, call));
    }
  });
  return out;
}
