// Native and internal transfers via trace_filter (Erigon, Reth, Nethermind, OpenEthereum):
// the node indexes traces by address, so no block scan is needed and value a contract sends
// *to* a traced address is found too.
import { TraceholdError } from '../../errors';
import type { Transfer } from '../../domain/types';
import type { RpcClient } from '../rpc/client';
import { isRangeRefusal } from '../rpc/errors';
import type { BlockStore } from './block-store';
import { parityOrder, parityValueMove } from './internal-calls';
import type { NativeScanQuery } from './native-scan';
import { toHex, type ParityTrace, type RpcTransaction } from './rpc-types';
import { feeTransfer, internalTransfer, valueTransfer, type TxContext } from './to-transfers';

export interface TraceFilterDeps {
  chain: string;
  nativeAsset: string;
  rpc: RpcClient;
  blocks: BlockStore;
  /** eth_getBlockReceipts answers: fees of a block's transactions in one call. */
  blockReceipts: boolean;
  maxRange: number;
  addressesPerCall: number;
}

interface TraceFilter {
  fromBlock: number;
  toBlock: number;
  side: 'fromAddress' | 'toAddress';
  addresses: string[];
}

export async function traceFilterNative(deps: TraceFilterDeps, query: NativeScanQuery): Promise<Transfer[]> {
  const addresses = [...query.addresses];
  const sides: TraceFilter['side'][] =
    query.direction === 'out' ? ['fromAddress'] : query.direction === 'in' ? ['toAddress'] : ['fromAddress', 'toAddress'];
  const filters: TraceFilter[] = [];
  for (let start = query.fromBlock; start <= query.toBlock; start += deps.maxRange) {
    const end = Math.min(query.toBlock, start + deps.maxRange - 1);
    for (let i = 0; i < addresses.length; i += deps.addressesPerCall) {
      for (const side of sides) filters.push({ fromBlock: start, toBlock: end, side, addresses: addresses.slice(i, i + deps.addressesPerCall) });
    }
  }
  const traces = await fetchTraces(deps.rpc, filters);

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
  const [receipts, headers, txs] = await Promise.all([
    deps.blocks.receipts(hashes, deps.blockReceipts ? hashesPerBlock(traces) : undefined),
    deps.blocks.headers([...new Set(traces.map((t) => t.blockNumber))]),
    deps.rpc.batchResults<RpcTransaction>(hashes.map((h) => ({ method: 'eth_getTransactionByHash', params: [h] }))),
  ]);
  const headerOf = new Map(headers.map((h) => [h.number, h]));
  // Sub-calls need the whole tree: for their depth-first order and to drop those under a revert.
  const needTree = hashes.filter((h) => byTx.get(h)!.some((t) => t.traceAddress.length > 0));
  const trees = await deps.rpc.batchResults<ParityTrace[]>(needTree.map((h) => ({ method: 'trace_transaction', params: [h] })));
  const treeOf = new Map(needTree.map((h, i) => [h, trees[i]!]));

  const out: Transfer[] = [];
  hashes.forEach((hash, i) => {
    const tx = txs[i]!;
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

async function fetchTraces(rpc: RpcClient, filters: TraceFilter[]): Promise<ParityTrace[]> {
  if (filters.length === 0) return [];
  const outcomes = await rpc.batch(
    filters.map((f) => ({ method: 'trace_filter', params: [{ fromBlock: toHex(f.fromBlock), toBlock: toHex(f.toBlock), [f.side]: f.addresses }] })),
  );
  const traces: ParityTrace[] = [];
  const retry: TraceFilter[] = [];
  outcomes.forEach((o, i) => {
    const f = filters[i]!;
    if (o.ok) traces.push(...((o.result as ParityTrace[] | null) ?? []));
    else if (isRangeRefusal({ code: o.error.rpcCode, message: o.error.message }) && f.toBlock > f.fromBlock) {
      const mid = f.fromBlock + Math.floor((f.toBlock - f.fromBlock) / 2);
      retry.push({ ...f, toBlock: mid }, { ...f, fromBlock: mid + 1 });
    } else throw new TraceholdError(`trace_filter failed: ${o.error.message}`, { cause: o.error });
  });
  return traces.concat(await fetchTraces(rpc, retry));
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
