// Native and internal transfers via trace_filter (Erigon, Reth, Nethermind, OpenEthereum):
// the node indexes traces by address, so no block scan is needed and value a contract sends
// *to* a traced address is found too.
import { TraceholdError } from '../../errors';
import type { Transfer } from '../../domain/types';
import { OversizedReplyError, type RpcClient } from '../rpc/client';
import { sizedBatch, type AnswerSizes } from '../rpc/sized-batch';
import { isRangeRefusal } from '../rpc/errors';
import type { BlockStore } from './block-store';
import { parityOrder, parityValueMove } from './internal-calls';
import type { NativeScanQuery } from './native-scan';
import { toHex, type ParityTrace, type RpcReceipt, type RpcTransaction } from './rpc-types';
import { feeTransfer, internalTransfer, valueTransfer, type TxContext, type TxFacts } from './to-transfers';
import { appendAll } from '../../domain/arrays';

export interface TraceFilterDeps {
  chain: string;
  nativeAsset: string;
  rpc: RpcClient;
  blocks: BlockStore;
  /** eth_getBlockReceipts answers: fees of a block's transactions in one call. */
  blockReceipts: boolean;
  maxRange: number;
  addressesPerCall: number;
  /**
   * A range this short is read whole, every trace of its blocks in one call per window, and
   * filtered here: a nightly re-trace of a few new blocks for thousands of watched wallets is
   * a handful of calls instead of one per chunk of addresses and side (as dense logs).
   */
  denseMaxBlocks?: number;
  /** From this many traced transactions per block on (average), whole blocks are read for them (default 4). */
  txsPerBlockForFullBlocks?: number;
  /**
   * Reply bytes read at most per trace_filter (one call per request); unset: unbounded. Traces
   * come in block order: the blocks a cut answer holds whole are kept and the rest is asked
   * for from the block it was cut in (as eth_getLogs pages, token-logs.ts).
   */
  maxReplyBytes?: number;
  /**
   * The largest trace_filter answer seen (estimated bytes), kept by the caller across queries:
   * bounded calls go as many to a request as fit twice over in the bound at that size (the
   * first alone), not one per request. A batch refused is asked again one call per request.
   */
  replySizes?: AnswerSizes;
}

interface TraceFilter {
  fromBlock: number;
  toBlock: number;
  /** null: every trace of the blocks (a dense read). */
  side: 'fromAddress' | 'toAddress' | null;
  addresses: string[];
}

export async function traceFilterNative(deps: TraceFilterDeps, query: NativeScanQuery): Promise<Transfer[]> {
  const addresses = [...query.addresses];
  const sides: Array<'fromAddress' | 'toAddress'> =
    query.direction === 'out' ? ['fromAddress'] : query.direction === 'in' ? ['toAddress'] : ['fromAddress', 'toAddress'];
  const filters: TraceFilter[] = [];
  for (let start = query.fromBlock; start <= query.toBlock; start += deps.maxRange) {
    const end = Math.min(query.toBlock, start + deps.maxRange - 1);
    for (let i = 0; i < addresses.length; i += deps.addressesPerCall) {
      for (const side of sides) filters.push({ fromBlock: start, toBlock: end, side, addresses: addresses.slice(i, i + deps.addressesPerCall) });
    }
  }
  const span = query.toBlock - query.fromBlock + 1;
  const windows = Math.ceil(span / deps.maxRange);
  const dense = span <= (deps.denseMaxBlocks ?? 0) && windows < filters.length;
  const traces = dense
    ? (await fetchTraces(deps.rpc, Array.from({ length: windows }, (_, k) => ({
      fromBlock: query.fromBlock + k * deps.maxRange, toBlock: Math.min(query.toBlock, query.fromBlock + (k + 1) * deps.maxRange - 1), side: null, addresses: [],
    })), deps)).filter((t) => sides.some((side) => traceMatches(t, side, query.addresses)))
    : await fetchTraces(deps.rpc, filters, deps);

  const byTx = new Map<string, ParityTrace[]>();
  for (const t of traces) {
    if (t.transactionHash === null) continue; // block and uncle rewards
    const hash = t.transactionHash.toLowerCase();
    const list = byTx.get(hash) ?? [];
    if (!list.some((x) => x.traceAddress.join('.') === t.traceAddress.join('.'))) list.push(t);
    byTx.set(hash, list);
  }
  if (byTx.size === 0) return [];

  const hashes = [...byTx.keys()];
  const blockNumbers = [...new Set(traces.map((t) => t.blockNumber))];
  const receipts = await deps.blocks.receipts(hashes, deps.blockReceipts ? hashesPerBlock(traces) : undefined);
  // A transaction's top-level call, when traced (its sender or recipient is one of the
  // addresses), gives its sender, recipient and value, and the receipt its gas price: the
  // transaction itself is read only where one of them is missing.
  const factsOf = new Map<string, TxFacts>();
  for (const hash of hashes) {
    const facts = topLevelFacts(byTx.get(hash)!, receipts.get(hash)!);
    if (facts) factsOf.set(hash, facts);
  }
  const unread = hashes.filter((h) => !factsOf.has(h));
  const read = await transactionsOf(deps, unread, [...new Set(unread.map((h) => byTx.get(h)![0]!.blockNumber))]);
  unread.forEach((h, i) => factsOf.set(h, read[i]!));
  // Headers from the receipts' logs where the node states block timestamps, else from full blocks or read.
  const headers = await deps.blocks.headers(blockNumbers);
  const headerOf = new Map(headers.map((h) => [h.number, h]));
  // Sub-calls need the whole tree: for their depth-first order and to drop those under a revert.
  const needTree = hashes.filter((h) => byTx.get(h)!.some((t) => t.traceAddress.length > 0));
  const trees = await deps.rpc.batchResults<ParityTrace[]>(needTree.map((h) => ({ method: 'trace_transaction', params: [h] })));
  const treeOf = new Map(needTree.map((h, i) => [h, trees[i]!]));

  const out: Transfer[] = [];
  hashes.forEach((hash) => {
    const tx = factsOf.get(hash)!;
    const receipt = receipts.get(hash)!;
    const first = byTx.get(hash)![0]!;
    const ctx: TxContext = { chain: deps.chain, nativeAsset: deps.nativeAsset, header: headerOf.get(first.blockNumber)!, txHash: hash, txIndex: first.transactionPosition ?? 0 };
    const sender = tx.from.toLowerCase();
    const to = tx.to?.toLowerCase();
    if (query.direction !== 'in' && query.addresses.has(sender)) {
      const fee = feeTransfer(ctx, tx, receipt);
      if (fee) out.push(fee);
    }
    const value = valueTransfer(ctx, tx, receipt);
    if (value && ((query.direction !== 'in' && query.addresses.has(sender)) || (query.direction !== 'out' && to !== undefined && query.addresses.has(value.to!)))) out.push(value);

    const tree = treeOf.get(hash);
    if (!tree) return;
    const order = parityOrder(tree);
    const failed = tree.filter((t) => t.error !== undefined).map((t) => t.traceAddress);
    for (const t of byTx.get(hash)!) {
      if (t.traceAddress.length === 0) continue;
      if (failed.some((f) => f.length <= t.traceAddress.length && f.every((x, k) => t.traceAddress[k] === x))) continue;
      const move = parityValueMove(t);
      if (!move) continue;
      const relevant = (query.direction !== 'in' && query.addresses.has(move.from)) || (query.direction !== 'out' && query.addresses.has(move.to));
      if (relevant) out.push(internalTransfer(ctx, { path: t.traceAddress, order: order.get(t.traceAddress.join('.')) ?? 0, ...move }));
    }
  });
  return out;
}

/**
 * Many traced transactions per block (a busy case): each block read whole, one call for all
 * its transactions (and its header), instead of one eth_getTransactionByHash each. A few
 * scattered ones: read one by one (a whole mainnet block is ~100 kB for one transaction).
 */
const TXS_PER_BLOCK_FOR_FULL_BLOCKS = 4;

/** Sender, recipient and value from a transaction's top-level trace; undefined when it was not traced or the receipt states no gas price. */
function topLevelFacts(traces: ParityTrace[], receipt: RpcReceipt): TxFacts | undefined {
  const top = traces.find((t) => t.traceAddress.length === 0);
  if (!top || !top.action.from || receipt.effectiveGasPrice == null) return undefined;
  if (top.type === 'call') return top.action.to ? { from: top.action.from, to: top.action.to, value: top.action.value ?? '0x0' } : undefined;
  if (top.type === 'create') return { from: top.action.from, to: null, value: top.action.value ?? '0x0' };
  return undefined;
}

async function transactionsOf(deps: TraceFilterDeps, hashes: string[], blockNumbers: number[]): Promise<RpcTransaction[]> {
  if (hashes.length === 0) return [];
  if (hashes.length < (deps.txsPerBlockForFullBlocks ?? TXS_PER_BLOCK_FOR_FULL_BLOCKS) * blockNumbers.length) {
    return deps.rpc.batchResults<RpcTransaction>(hashes.map((h) => ({ method: 'eth_getTransactionByHash', params: [h] })));
  }
  const byHash = new Map<string, RpcTransaction>();
  for (const block of await deps.blocks.fullBlocks(blockNumbers)) {
    for (const tx of block.transactions) byHash.set(tx.hash.toLowerCase(), tx);
  }
  return hashes.map((h) => {
    const tx = byHash.get(h);
    if (!tx) throw new TraceholdError(`transaction ${h} is not in the block its trace names`);
    return tx;
  });
}

/**
 * What trace_filter's `fromAddress` / `toAddress` select (OpenEthereum's and Erigon's rule):
 * the sender of a call or create, the self-destructing contract; the callee, the created
 * contract, the self-destruct's beneficiary.
 */
export function traceMatches(t: ParityTrace, side: 'fromAddress' | 'toAddress', addresses: ReadonlySet<string>): boolean {
  const has = (a: string | undefined | null) => !!a && addresses.has(a.toLowerCase());
  if (side === 'fromAddress') return t.type === 'suicide' ? has(t.action.address) : has(t.action.from);
  if (t.type === 'call') return has(t.action.to);
  if (t.type === 'create') return has(t.result?.address);
  if (t.type === 'suicide') return has(t.action.refundAddress);
  return false;
}

async function fetchTraces(rpc: RpcClient, filters: TraceFilter[], bound: Pick<TraceFilterDeps, 'maxReplyBytes' | 'replySizes'>): Promise<ParityTrace[]> {
  if (filters.length === 0) return [];
  const { maxReplyBytes } = bound;
  const sizes = bound.replySizes ?? {};
  const call = (f: TraceFilter) => ({ method: 'trace_filter', params: [{ fromBlock: toHex(f.fromBlock), toBlock: toHex(f.toBlock), ...(f.side ? { [f.side]: f.addresses } : {}) }] });
  const outcomes = maxReplyBytes === undefined
    ? await rpc.batch(filters.map(call))
    : await sizedBatch(rpc, filters.map(call), { maxReplyBytes, partialArrays: true }, sizes, (result) => TRACE_BYTES * ((result as ParityTrace[] | null)?.length ?? 0));
  const traces: ParityTrace[] = [];
  const retry: TraceFilter[] = [];
  const whole: TraceFilter[] = [];
  const halves = (f: TraceFilter): TraceFilter[] => {
    const mid = f.fromBlock + Math.floor((f.toBlock - f.fromBlock) / 2);
    return [{ ...f, toBlock: mid }, { ...f, fromBlock: mid + 1 }];
  };
  outcomes.forEach((o, i) => {
    const f = filters[i]!;
    if (o.ok) appendAll(traces, (o.result as ParityTrace[] | null) ?? []);
    else if (o.error instanceof OversizedReplyError) {
      if (maxReplyBytes !== undefined) sizes.largest = Math.max(sizes.largest ?? 1, maxReplyBytes);
      const page = wholeBlocksOf(f, o.error.partial);
      if (page) {
        appendAll(traces, page.traces);
        retry.push({ ...f, fromBlock: page.next });
      } else if (f.addresses.length > 1) {
        const half = Math.ceil(f.addresses.length / 2);
        retry.push({ ...f, addresses: f.addresses.slice(0, half) }, { ...f, addresses: f.addresses.slice(half) });
      } else if (f.toBlock > f.fromBlock) retry.push(...halves(f));
      else whole.push(f); // one block of one address: read whole
    } else if (isRangeRefusal({ code: o.error.rpcCode, message: o.error.message }) && f.toBlock > f.fromBlock) retry.push(...halves(f));
    else throw new TraceholdError(`trace_filter failed: ${o.error.message}`, { cause: o.error });
  });
  for (const f of whole) appendAll(traces, (await rpc.batchResults<ParityTrace[] | null>([call(f)]))[0] ?? []);
  return traces.concat(await fetchTraces(rpc, retry, { ...bound, replySizes: sizes }));
}

/** About the JSON size of one trace in a trace_filter answer. */
const TRACE_BYTES = 600;

/**
 * The blocks a cut trace_filter answer holds whole: its traces before the block it was cut in,
 * and that block (where the rest starts). Undefined when no block is whole, or the traces are
 * not in block order or outside the range (the ask is then split instead).
 */
function wholeBlocksOf(f: TraceFilter, partial: unknown[] | undefined): { traces: ParityTrace[]; next: number } | undefined {
  if (!partial || partial.length === 0) return undefined;
  const traces = partial as ParityTrace[];
  for (let i = 0; i < traces.length; i++) {
    const n = traces[i]!.blockNumber;
    if (!(n >= f.fromBlock && n <= f.toBlock) || (i > 0 && n < traces[i - 1]!.blockNumber)) return undefined;
  }
  const next = traces[traces.length - 1]!.blockNumber;
  const cut = traces.findIndex((t) => t.blockNumber === next);
  return cut > 0 ? { traces: traces.slice(0, cut), next } : undefined;
}

function hashesPerBlock(traces: ParityTrace[]): Map<number, string[]> {
  const perBlock = new Map<number, Set<string>>();
  for (const t of traces) {
    if (t.transactionHash === null) continue;
    const set = perBlock.get(t.blockNumber) ?? new Set<string>();
    set.add(t.transactionHash.toLowerCase());
    perBlock.set(t.blockNumber, set);
  }
  return new Map([...perBlock].map(([n, set]) => [n, [...set]]));
}
