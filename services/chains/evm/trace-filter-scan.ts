// Native and internal transfers via trace_filter (Erigon, Reth, Nethermind, OpenEthereum):
// the node indexes traces by address, so no block scan is needed and value a contract sends
// *to* a traced address is found too.
import { TraceholdError } from '../../errors';
import type { Transfer } from '../../domain/types';
import type { PendingFee } from '../source';
import { OversizedReplyError, type RpcClient } from '../rpc/client';
import { answerSizes, sizedBatch, type AnswerSizes } from '../rpc/sized-batch';
import { isRangeRefusal } from '../rpc/errors';
import type { BlockStore } from './block-store';
import { parityOrder, parityValueMove } from './internal-calls';
import type { NativeScanQuery } from './native-scan';
import { hexToBigInt, toHex, type ParityTrace, type RpcReceipt, type RpcTransaction } from './rpc-types';
import { feeTransfer, internalTransfer, valueTransfer, type TxContext } from './to-transfers';
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
  /** A read under way (the same query's token logs) that leaves block headers in `blocks`: awaited before headers are read. */
  headersAfter?: Promise<unknown>;
  /**
   * Reply bytes read at most per trace_filter (one call per request); unset: unbounded. Traces
   * come in block order: the blocks a cut answer holds whole are kept and the rest is asked
   * for from the block it was cut in (as eth_getLogs pages, token-logs.ts).
   */
  maxReplyBytes?: number;
  /**
   * The trace_filter answers seen (estimated bytes), kept by the caller across queries: bounded
   * calls go as many to a request as fit twice over in the bound at their average size (the
   * first alone), not one per request (sized-batch.ts). A batch refused is asked again one call
   * per request; the rest of an answer cut at the bound is asked alone.
   */
  replySizes?: AnswerSizes;
  /**
   * The block range the node takes per trace_filter, learnt from its refusals and kept by the
   * caller across queries (anvil takes 300 blocks): later asks go in windows of it, not each
   * refused and split again (at the bench's 100k, three calls where one of each half did).
   */
  rangeLimit?: { blocks?: number };
  /**
   * Whether the node answers both sides in one call (`mode: "union"`, capabilities.ts
   * probeTraceUnion): a chunk read both ways then costs one trace_filter per window, not
   * two. Asked only for a read by address both ways.
   */
  union?: () => Promise<boolean>;
}

interface TraceFilter {
  fromBlock: number;
  toBlock: number;
  /** null: every trace of the blocks (a dense read); 'both': either side, in union mode. */
  side: 'fromAddress' | 'toAddress' | 'both' | null;
  addresses: string[];
}

/**
 * Native and internal transfers of the addresses from their traces alone, and the fees of
 * the transactions they sent as pending: a fee is all a receipt would add (a top-level call
 * failed when its trace states an error, as a receipt's status 0), and a busy block's
 * receipts are megabytes of other people's logs. Headers are read only for blocks with a
 * transfer (`headersAfter`: a read under way that leaves headers in the block store).
 */
export async function traceFilterHistory(
  deps: TraceFilterDeps, query: NativeScanQuery,
  /**
   * A bounded read (judging busy wallets): an address that fills most of a cut answer is read
   * no further, its reach (the last block read whole) noted here; the windows go one after
   * the other, each asked for the addresses not cut yet.
   */
  reachedTo?: Map<string, number>,
): Promise<{ transfers: Transfer[]; pendingFees: PendingFee[] }> {
  const addresses = [...query.addresses];
  const sides: Array<'fromAddress' | 'toAddress'> =
    query.direction === 'out' ? ['fromAddress'] : query.direction === 'in' ? ['toAddress'] : ['fromAddress', 'toAddress'];
  const step = Math.min(deps.maxRange, deps.rangeLimit?.blocks ?? Infinity);
  const span = query.toBlock - query.fromBlock + 1;
  const windows = Math.ceil(span / step);
  const chunks = Math.ceil(addresses.length / deps.addressesPerCall);
  // Read whole where that is fewer calls than by address and side: one call per window
  // against one per window, chunk and side (decided before union mode, which is probed only
  // for the reads that would use it).
  const dense = span <= (deps.denseMaxBlocks ?? 0) && chunks * sides.length > 1;
  let traces: ParityTrace[];
  if (dense) {
    traces = (await fetchTraces(deps.rpc, Array.from({ length: windows }, (_, k) => ({
      fromBlock: query.fromBlock + k * step, toBlock: Math.min(query.toBlock, query.fromBlock + (k + 1) * step - 1), side: null, addresses: [],
    })), deps)).filter((t) => sides.some((side) => traceMatches(t, side, query.addresses)));
  } else {
    const asked: Array<TraceFilter['side']> = sides.length === 2 && (await deps.union?.()) === true ? ['both'] : sides;
    const windowFilters = (start: number, of: string[]) => {
      const filters: TraceFilter[] = [];
      const end = Math.min(query.toBlock, start + step - 1);
      for (let i = 0; i < of.length; i += deps.addressesPerCall) {
        for (const side of asked) filters.push({ fromBlock: start, toBlock: end, side, addresses: of.slice(i, i + deps.addressesPerCall) });
      }
      return filters;
    };
    if (reachedTo) {
      traces = [];
      for (let start = query.fromBlock; start <= query.toBlock; start += step) {
        const open = addresses.filter((a) => !reachedTo.has(a));
        if (open.length === 0) break;
        appendAll(traces, await fetchTraces(deps.rpc, windowFilters(start, open), deps, reachedTo));
      }
    } else {
      const filters: TraceFilter[] = [];
      for (let start = query.fromBlock; start <= query.toBlock; start += step) filters.push(...windowFilters(start, addresses));
      traces = await fetchTraces(deps.rpc, filters, deps);
    }
  }

  const byTx = new Map<string, ParityTrace[]>();
  for (const t of traces) {
    if (t.transactionHash === null) continue; // block and uncle rewards
    const hash = t.transactionHash.toLowerCase();
    const list = byTx.get(hash) ?? [];
    if (!list.some((x) => x.traceAddress.join('.') === t.traceAddress.join('.'))) list.push(t);
    byTx.set(hash, list);
  }
  const pendingFees: PendingFee[] = [];
  if (byTx.size === 0) return { transfers: [], pendingFees };

  // A transaction's top-level call is traced when its sender or recipient is one of the
  // addresses (fromAddress / toAddress select it): it gives the sender, recipient, value and
  // outcome. Where it is not traced, neither its fee nor its value is the addresses'.
  const hashes = [...byTx.keys()];
  // Sub-calls need the whole tree: for their depth-first order and to drop those under a revert.
  const needTree = hashes.filter((h) => byTx.get(h)!.some((t) => t.traceAddress.length > 0));
  const trees = await deps.rpc.batchResults<ParityTrace[]>(needTree.map((h) => ({ method: 'trace_transaction', params: [h] })));
  const treeOf = new Map(needTree.map((h, i) => [h, trees[i]!.map(slimTrace)]));

  const moves: Array<{ hash: string; first: ParityTrace; build: (ctx: TxContext) => Transfer }> = [];
  for (const hash of hashes) {
    const list = byTx.get(hash)!;
    const first = list[0]!;
    const top = list.find((t) => t.traceAddress.length === 0);
    const sender = top?.action.from?.toLowerCase();
    if (top && sender && query.direction !== 'in' && query.addresses.has(sender)) {
      pendingFees.push({ txHash: hash, blockNumber: first.blockNumber, txIndex: first.transactionPosition ?? 0, sender });
    }
    const value = top && sender ? topLevelValue(top, sender) : null;
    if (value && ((query.direction !== 'in' && query.addresses.has(value.from)) || (query.direction !== 'out' && query.addresses.has(value.to)))) {
      moves.push({ hash, first, build: (ctx) => valueTransfer(ctx, value, SUCCEEDED)! });
    }
    const tree = treeOf.get(hash);
    if (!tree) continue;
    const order = parityOrder(tree);
    const failed = tree.filter((t) => t.error !== undefined).map((t) => t.traceAddress);
    for (const t of list) {
      if (t.traceAddress.length === 0) continue;
      if (failed.some((f) => f.length <= t.traceAddress.length && f.every((x, k) => t.traceAddress[k] === x))) continue;
      const move = parityValueMove(t);
      if (!move) continue;
      const relevant = (query.direction !== 'in' && query.addresses.has(move.from)) || (query.direction !== 'out' && query.addresses.has(move.to));
      if (relevant) moves.push({ hash, first, build: (ctx) => internalTransfer(ctx, { path: t.traceAddress, order: order.get(t.traceAddress.join('.')) ?? 0, ...move }) });
    }
  }
  if (moves.length === 0) return { transfers: [], pendingFees };
  if (deps.headersAfter) await deps.headersAfter.catch(() => undefined);
  const headers = await deps.blocks.headers([...new Set(moves.map((m) => m.first.blockNumber))]);
  const headerOf = new Map(headers.map((h) => [h.number, h]));
  const transfers = moves.map(({ hash, first, build }) =>
    build({ chain: deps.chain, nativeAsset: deps.nativeAsset, header: headerOf.get(first.blockNumber)!, txHash: hash, txIndex: first.transactionPosition ?? 0 }));
  return { transfers, pendingFees };
}

/** What valueTransfer reads of a receipt, for a call whose trace states no error. */
const SUCCEEDED = { status: '0x1' } as RpcReceipt;

/**
 * A top-level call's value move, or null when it failed (its trace states an error), moved
 * nothing or names no recipient; a create's recipient is the contract it created.
 */
function topLevelValue(top: ParityTrace, sender: string): { from: string; to: string; value: string } | null {
  if (top.error !== undefined || hexToBigInt(top.action.value) === 0n) return null;
  const to = top.type === 'call' ? top.action.to : top.type === 'create' ? top.result?.address : undefined;
  if (!to) return null;
  return { from: sender, to: to.toLowerCase(), value: top.action.value ?? '0x0' };
}

/**
 * The fee transfers of pending fees (none for a zero fee): receipts by block where the node
 * answers eth_getBlockReceipts (one call a block), else one each; a receipt without
 * effectiveGasPrice (before London) takes the transaction's gas price.
 */
export async function feeTransfers(deps: Pick<TraceFilterDeps, 'chain' | 'nativeAsset' | 'rpc' | 'blocks' | 'blockReceipts'>, pending: readonly PendingFee[]): Promise<Transfer[]> {
  if (pending.length === 0) return [];
  const byBlock = new Map<number, string[]>();
  for (const p of pending) {
    const list = byBlock.get(p.blockNumber) ?? [];
    list.push(p.txHash);
    byBlock.set(p.blockNumber, list);
  }
  const receipts = await deps.blocks.receipts(pending.map((p) => p.txHash), deps.blockReceipts ? byBlock : undefined);
  const unpriced = pending.filter((p) => receipts.get(p.txHash)!.effectiveGasPrice == null).map((p) => p.txHash);
  const txs = await deps.rpc.batchResults<RpcTransaction | null>(unpriced.map((h) => ({ method: 'eth_getTransactionByHash', params: [h] })));
  const gasPriceOf = new Map(unpriced.map((h, i) => {
    const tx = txs[i];
    if (!tx) throw new TraceholdError(`transaction ${h} not found on the node`);
    return [h, tx.gasPrice] as const;
  }));
  // Headers come with the receipts where the node stamps logs with their block's time.
  const headers = await deps.blocks.headers([...byBlock.keys()]);
  const headerOf = new Map(headers.map((h) => [h.number, h]));
  const out: Transfer[] = [];
  for (const p of pending) {
    const ctx: TxContext = { chain: deps.chain, nativeAsset: deps.nativeAsset, header: headerOf.get(p.blockNumber)!, txHash: p.txHash, txIndex: p.txIndex };
    const fee = feeTransfer(ctx, { from: p.sender, to: null, value: '0x0', gasPrice: gasPriceOf.get(p.txHash) }, receipts.get(p.txHash)!);
    if (fee) out.push(fee);
  }
  return out;
}

/**
 * What trace_filter's `fromAddress` / `toAddress` select (OpenEthereum's and Erigon's rule):
 * the sender of a call or create, the self-destructing contract; the callee, the created
 * contract, the self-destruct's beneficiary.
 */
export function traceMatches(t: ParityTrace, side: 'fromAddress' | 'toAddress', addresses: ReadonlySet<string>): boolean {
  const a = sideAddress(t, side);
  return a !== undefined && addresses.has(a);
}

/** The address a trace has on that side of trace_filter's selection (lower case), if any. */
function sideAddress(t: ParityTrace, side: 'fromAddress' | 'toAddress'): string | undefined {
  const a = side === 'fromAddress' ? (t.type === 'suicide' ? t.action.address : t.action.from)
    : t.type === 'call' ? t.action.to : t.type === 'create' ? t.result?.address : t.type === 'suicide' ? t.action.refundAddress : undefined;
  return a ? a.toLowerCase() : undefined;
}

/**
 * The traces of the filters, bounded answers read in pages. `alone`: the filters are the rests
 * of answers cut at the bound, each likely to fill its answer again: one to a request, and not
 * counted in the sizes ordinary answers are batched by.
 */
async function fetchTraces(
  rpc: RpcClient, filters: TraceFilter[], bound: Pick<TraceFilterDeps, 'maxReplyBytes' | 'replySizes' | 'rangeLimit'>, reachedTo?: Map<string, number>, alone = false,
): Promise<ParityTrace[]> {
  if (filters.length === 0) return [];
  const { maxReplyBytes } = bound;
  const sizes = bound.replySizes ?? answerSizes();
  const call = (f: TraceFilter) => ({ method: 'trace_filter', params: [{ fromBlock: toHex(f.fromBlock), toBlock: toHex(f.toBlock), ...selection(f) }] });
  const outcomes = maxReplyBytes === undefined
    ? await rpc.batch(filters.map(call))
    : alone
      ? await rpc.batch(filters.map(call), { maxReplyBytes, partialArrays: true, callsPerRequest: 1 })
      : await sizedBatch(rpc, filters.map(call), { maxReplyBytes, partialArrays: true }, sizes, (result) => traceAnswerBytes(result as ParityTrace[] | null));
  const traces: ParityTrace[] = [];
  const keep = (list: readonly ParityTrace[]) => {
    for (const t of list) traces.push(slimTrace(t));
  };
  const retry: TraceFilter[] = [];
  const rests: TraceFilter[] = [];
  const whole: TraceFilter[] = [];
  const halves = (f: TraceFilter): TraceFilter[] => {
    const mid = f.fromBlock + Math.floor((f.toBlock - f.fromBlock) / 2);
    return [{ ...f, toBlock: mid }, { ...f, fromBlock: mid + 1 }];
  };
  outcomes.forEach((o, i) => {
    const f = filters[i]!;
    if (o.ok) keep((o.result as ParityTrace[] | null) ?? []);
    else if (o.error instanceof OversizedReplyError) {
      const page = wholeBlocksOf(f, o.error.partial);
      if (page) {
        keep(page.traces);
        const rest = restAfter(f, page, reachedTo);
        if (rest) rests.push(rest);
      } else if (f.addresses.length > 1) {
        const half = Math.ceil(f.addresses.length / 2);
        retry.push({ ...f, addresses: f.addresses.slice(0, half) }, { ...f, addresses: f.addresses.slice(half) });
      } else if (f.toBlock > f.fromBlock) retry.push(...halves(f));
      else whole.push(f); // one block of one address: read whole
    } else if (isRangeRefusal({ code: o.error.rpcCode, message: o.error.message }) && f.toBlock > f.fromBlock) {
      // In windows of the limit the node states ("limited to 300"), else of half the range;
      // remembered, so the next asks are not refused.
      const span = f.toBlock - f.fromBlock + 1;
      const stated = Number(/limited to (\d+)/i.exec(o.error.message)?.[1]);
      const limit = stated >= 1 && stated < span ? stated : Math.ceil(span / 2);
      if (bound.rangeLimit) bound.rangeLimit.blocks = Math.min(bound.rangeLimit.blocks ?? Infinity, limit);
      for (let start = f.fromBlock; start <= f.toBlock; start += limit) retry.push({ ...f, fromBlock: start, toBlock: Math.min(f.toBlock, start + limit - 1) });
    }
    else throw new TraceholdError(`trace_filter failed: ${o.error.message}`, { cause: o.error });
  });
  for (const f of whole) keep((await rpc.batchResults<ParityTrace[] | null>([call(f)]))[0] ?? []);
  const next = { ...bound, replySizes: sizes };
  appendAll(traces, await fetchTraces(rpc, retry, next, reachedTo));
  return traces.concat(await fetchTraces(rpc, rests, next, reachedTo, true));
}

/**
 * What remains of a filter after a page of its answer: the same ask from the block the page
 * was cut in. A bounded read drops the address that filled most of the page (a busy wallet
 * among quiet ones: asked again, it would fill answer after answer, its whole window read
 * before it is judged), its reach noted at the page's last whole block, as token-logs.ts
 * does with logs. Nothing remains when no address is left.
 */
function restAfter(f: TraceFilter, page: { traces: ParityTrace[]; next: number }, reachedTo: Map<string, number> | undefined): TraceFilter | undefined {
  if (!reachedTo || f.side === null) return { ...f, fromBlock: page.next };
  const sides: Array<'fromAddress' | 'toAddress'> = f.side === 'both' ? ['fromAddress', 'toAddress'] : [f.side];
  const inPage = new Map<string, number>();
  for (const t of page.traces) {
    const matched = new Set(sides.map((side) => sideAddress(t, side)));
    for (const a of matched) if (a !== undefined) inPage.set(a, (inPage.get(a) ?? 0) + 1);
  }
  const addresses: string[] = [];
  for (const address of f.addresses) {
    if ((inPage.get(address.toLowerCase()) ?? 0) * 2 <= page.traces.length) addresses.push(address);
    else reachedTo.set(address, Math.min(reachedTo.get(address) ?? Infinity, page.next - 1));
  }
  return addresses.length > 0 ? { ...f, fromBlock: page.next, addresses } : undefined;
}

/** The address fields of a trace_filter ask. */
function selection(f: TraceFilter): Record<string, unknown> {
  if (f.side === null) return {};
  if (f.side === 'both') return { fromAddress: f.addresses, toAddress: f.addresses, mode: 'union' };
  return { [f.side]: f.addresses };
}

/**
 * A trace as the transfers need it (internal-calls.ts, topLevelValue): without its call's
 * input and output or its creation code. A read holds its traces until it ends, and a busy
 * wallet's calls carry kilobytes each: a batch payout of 250 token transfers is 32 kB of
 * input (the bench's busy wallet, judged: 1,275 of them held at once, 41 MB, in a heap snapshot).
 */
export function slimTrace(t: ParityTrace): ParityTrace {
  const { from, to, value, callType, address, refundAddress, balance } = t.action;
  return {
    type: t.type,
    action: { from, to, value, callType, address, refundAddress, balance },
    result: t.result ? { address: t.result.address } : t.result,
    error: t.error,
    traceAddress: t.traceAddress,
    transactionHash: t.transactionHash,
    transactionPosition: t.transactionPosition,
    blockNumber: t.blockNumber,
    blockHash: t.blockHash,
  };
}

/** About the JSON size of one trace in a trace_filter answer (a token transfer's call data included). */
const TRACE_BYTES = 600;
/** About the JSON size of one trace without its call data. */
const TRACE_BARE_BYTES = 400;

/**
 * About the JSON size of a trace_filter answer: each trace at TRACE_BYTES, or more with more
 * call data. Counted by traces alone, the answers of calls with kilobytes of input each (a
 * batch payout: 32 kB) were reckoned tens of times too small, so too many went to a request
 * and the bound cut it.
 */
function traceAnswerBytes(traces: readonly ParityTrace[] | null): number {
  let bytes = 0;
  for (const t of traces ?? []) {
    const data = (t.action.input?.length ?? 0) + (t.action.init?.length ?? 0) + (t.result?.output?.length ?? 0) + (t.result?.code?.length ?? 0);
    bytes += Math.max(TRACE_BYTES, TRACE_BARE_BYTES + data);
  }
  return bytes;
}

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
