// Native transfers by reading every block in the range: the only way on nodes without
// trace_filter. Blocks come through the shared cache, so neighbouring hops and cases pay for
// each block once. A receipt is read only where a value moved (its outcome says whether it
// did); the fees of what the addresses sent are left pending, as trace_filter reads leave
// them (ChainSource.histories): on a node without eth_getBlockReceipts each costs a call, and
// few of them can carry taint. With callTracer, every transaction that can move ETH inside (a
// contract creation, a call with data, a payment to an address with code) is traced: no
// sampling, so a range read here is complete and may be marked scanned.
import { RetryableError } from '../../errors';
import type { Transfer } from '../../domain/types';
import type { RpcClient } from '../rpc/client';
import type { PendingFee, TransferDirection } from '../source';
import type { BlockStore } from './block-store';
import { asCallFrame, internalCallsFromFrame } from './internal-calls';
import type { Lru } from './lru';
import { hexToBigInt, hexToNumber, toHex, type CallFrame, type RpcReceipt, type RpcTransaction } from './rpc-types';
import { internalTransfer, valueTransfer, type TxContext } from './to-transfers';
import { appendAll } from '../../domain/arrays';

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
  /**
   * Whether debug_traceTransaction with callTracer works, decided on a real transaction of
   * the scanned range (the first one asked settles it); absent: the node cannot trace.
   */
  callTracer?: (sampleTxHash: string) => Promise<boolean>;
  /** Call traces by transaction hash, shared by every scan of this source (hops re-read the same blocks). */
  frames?: Lru<string, CallFrame>;
}

/** Blocks held in memory at once while scanning a long range. */
const SCAN_WINDOW = 1000;

export async function scanNative(deps: NativeScanDeps, query: NativeScanQuery): Promise<{ transfers: Transfer[]; pendingFees: PendingFee[] }> {
  const transfers: Transfer[] = [];
  const pendingFees: PendingFee[] = [];
  for (let start = query.fromBlock; start <= query.toBlock; start += SCAN_WINDOW) {
    const end = Math.min(query.toBlock, start + SCAN_WINDOW - 1);
    const window = await scanWindow(deps, query, start, end);
    appendAll(transfers, window.transfers);
    appendAll(pendingFees, window.pendingFees);
  }
  return { transfers, pendingFees };
}

interface Candidate {
  ctx: TxContext;
  tx: RpcTransaction;
  fromQueried: boolean;
  toQueried: boolean;
}

async function scanWindow(
  deps: NativeScanDeps, query: NativeScanQuery, start: number, end: number,
): Promise<{ transfers: Transfer[]; pendingFees: PendingFee[] }> {
  const numbers = Array.from({ length: end - start + 1 }, (_, i) => start + i);
  const blocks = await deps.blocks.fullBlocks(numbers);
  const wantOut = query.direction !== 'in';
  const wantIn = query.direction !== 'out';

  const all: Candidate[] = [];
  for (const block of blocks) {
    const header = { number: hexToNumber(block.number), hash: block.hash.toLowerCase(), timestamp: hexToNumber(block.timestamp) };
    for (const tx of block.transactions) {
      const from = tx.from.toLowerCase();
      const to = tx.to?.toLowerCase() ?? null;
      const fromQueried = wantOut && query.addresses.has(from);
      const toQueried = wantIn && to !== null && query.addresses.has(to);
      const ctx = { chain: deps.chain, nativeAsset: deps.nativeAsset, header, txHash: tx.hash.toLowerCase(), txIndex: hexToNumber(tx.transactionIndex) };
      all.push({ ctx, tx, fromQueried, toQueried });
    }
  }
  const out: Transfer[] = [];
  const pendingFees: PendingFee[] = [];
  if (all.length === 0) return { transfers: out, pendingFees };
  const candidates = all.filter((c) => c.fromQueried || c.toQueried);
  for (const c of candidates) {
    if (c.fromQueried) pendingFees.push({ txHash: c.ctx.txHash, blockNumber: c.ctx.header.number, txIndex: c.ctx.txIndex, sender: c.tx.from.toLowerCase() });
  }
  const paying = candidates.filter((c) => hexToBigInt(c.tx.value) !== 0n);
  const receipts = await fetchReceipts(deps, paying);
  for (const c of paying) {
    const value = valueTransfer(c.ctx, c.tx, receipts.get(c.ctx.txHash)!);
    if (value) out.push(value);
  }

  if (deps.callTracer && (await deps.callTracer(all[0]!.ctx.txHash))) {
    appendAll(out, await tracedInternal(deps, query, await mayMoveInside(deps.rpc, all)));
  }
  return { transfers: out, pendingFees };
}

/** One eth_getBlockReceipts per block where the node offers it, else one receipt per transaction. */
async function fetchReceipts(deps: NativeScanDeps, candidates: Candidate[]): Promise<Map<string, RpcReceipt>> {
  if (candidates.length === 0) return new Map();
  const hashes = candidates.map((c) => c.ctx.txHash);
  if (!deps.blockReceipts) return deps.blocks.receipts(hashes);
  const perBlock = new Map<number, string[]>();
  for (const c of candidates) {
    const list = perBlock.get(c.ctx.header.number) ?? [];
    list.push(c.ctx.txHash);
    perBlock.set(c.ctx.header.number, list);
  }
  return deps.blocks.receipts(hashes, perBlock);
}

/**
 * Transactions that can move ETH below the top level: contract creations, calls with data,
 * and plain payments to an address that has code at that block (a receive() that forwards, an
 * EIP-7702 delegated account). A plain payment between accounts without code cannot.
 */
async function mayMoveInside(rpc: RpcClient, all: Candidate[]): Promise<Candidate[]> {
  const plain = all.filter((c) => c.tx.to !== null && (c.tx.input === undefined || c.tx.input === '0x'));
  const codeKey = (c: Candidate) => `${c.tx.to!.toLowerCase()}@${c.ctx.header.number}`;
  const keys = [...new Set(plain.map(codeKey))];
  const codes = await rpc.batchResults<string>(keys.map((k) => {
    const [address, block] = k.split('@');
    return { method: 'eth_getCode', params: [address, toHex(Number(block))] };
  }));
  const hasCode = new Map(keys.map((k, i) => [k, typeof codes[i] === 'string' && codes[i] !== '0x' && codes[i] !== '']));
  const plainSet = new Set(plain);
  return all.filter((c) => !plainSet.has(c) || hasCode.get(codeKey(c)) === true);
}

async function tracedInternal(deps: NativeScanDeps, query: NativeScanQuery, traced: Candidate[]): Promise<Transfer[]> {
  if (traced.length === 0) return [];
  const frames = new Map<string, CallFrame>();
  const missing: Candidate[] = [];
  for (const c of traced) {
    const cached = deps.frames?.get(c.ctx.txHash);
    if (cached) frames.set(c.ctx.txHash, cached);
    else missing.push(c);
  }
  if (missing.length > 0) {
    const outcomes = await deps.rpc.batch(
      missing.map((c) => ({ method: 'debug_traceTransaction', params: [c.ctx.txHash, { tracer: 'callTracer' }] })),
    );
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok) throw outcome.error;
      const hash = missing[i]!.ctx.txHash;
      const frame = realFrame(outcome.result, hash);
      frames.set(hash, frame);
      deps.frames?.set(hash, frame);
    });
  }
  const out: Transfer[] = [];
  for (const c of traced) {
    for (const call of internalCallsFromFrame(frames.get(c.ctx.txHash)!)) {
      const relevant =
        (query.direction !== 'in' && query.addresses.has(call.from)) || (query.direction !== 'out' && query.addresses.has(call.to));
      if (relevant) out.push(internalTransfer(c.ctx, call));
    }
  }
  return out;
}

/**
 * A transaction we saw in a block must have a call trace: an empty answer (a lagging replica,
 * a node that lost the state) is no proof that nothing moved, so the range is not read.
 */
function realFrame(result: unknown, txHash: string): CallFrame {
  const frame = asCallFrame(result);
  if (!frame) throw new RetryableError(`debug_traceTransaction answered without a call trace for ${txHash}, a transaction in the scanned block`);
  return frame;
}
