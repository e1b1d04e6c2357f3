// The floor: the least a tracer must ask the node for this case. Breadth-first from the seed
// transactions, hop by hop, the case's token under poison: per hop, one eth_getLogs per chunk
// of frontier senders (`addressesPerCall` addresses in one topic OR list, the case's whole
// block range), a few in flight. With `native`, the native coin too: one trace_filter per
// chunk as well (fromAddress, the whole range, or windows of it where the node limits the
// range: anvil takes 300 blocks; value-carrying calls that did not fail). On a node without
// trace_filter (the in-process Hardhat EDR), the least there is: every block of the range
// read once, with its transactions, and their top-level payments (such a node shows no
// internal ones; no receipts, so a failed payment counts too). No database, no balances, no
// fees, no receipts beyond the seeds (seeds are token payments): a lower bound on RPC calls
// and wall time, not a tracer anyone should use. The `stops` (the bench's: labelled addresses
// and the case's unlabelled busy hot wallet, build-case.ts floorStops) are reached, never followed.
import { isMethodUnavailable } from '../../services/chains/rpc/errors';
import { countingRpc, TRANSFER_TOPIC, type NaiveResult, type RpcLog } from './naive-tracer';

export interface FloorOptions {
  url: string;
  seedTxs: string[];
  token: string;
  fromBlock: number;
  toBlock: number;
  maxHops: number;
  stops: Set<string>;
  concurrency: number;
  addressesPerCall: number;
  /** Trace the native coin too (trace_filter), as tracehold does with its default assets. */
  native?: boolean;
}

interface RpcTrace {
  type: string;
  action: { from?: string; to?: string; value?: string };
  error?: string;
  blockNumber: number;
  transactionPosition?: number;
  traceAddress: number[];
  transactionHash?: string;
}

interface BlockTx {
  hash: string;
  from: string;
  to: string | null;
  value: string;
  transactionIndex: string;
}

export type FloorResult = Pick<NaiveResult, 'rpcCalls' | 'byMethod' | 'transfersSeen' | 'hops'> & { reached: Map<string, number> };


const hex = (n: number) => `0x${n.toString(16)}`;
const topicAddress = (topic: string) => `0x${topic.slice(-40)}`.toLowerCase();
const topicOf = (address: string) => `0x${address.slice(2).padStart(64, '0')}`;
/** Chain order of a log: block, transaction, log. */
const pos = (log: RpcLog) => Number(log.blockNumber) * 1e10 + Number(log.transactionIndex) * 1e5 + Number(log.logIndex);

export async function floorTrace(options: FloorOptions): Promise<FloorResult> {
  const { call, counted } = countingRpc(options.url);
  const token = options.token.toLowerCase();

  /** Earliest tainted arrival (chain position) per address. */
  const taintedSince = new Map<string, number>();
  const reached = new Map<string, number>();
  const seen = new Set<string>();
  let frontier = new Set<string>();
  const taint = (to: string, at: number, hop: number) => {
    if (!reached.has(to)) reached.set(to, hop);
    const before = taintedSince.get(to);
    if (before !== undefined && before <= at) return;
    taintedSince.set(to, at);
    if (!options.stops.has(to) && reached.get(to)! < options.maxHops) frontier.add(to);
  };

  for (const hash of options.seedTxs) {
    const receipt = await call<{ logs: RpcLog[] }>('eth_getTransactionReceipt', [hash]);
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() === token && log.topics[0] === TRANSFER_TOPIC && log.topics.length === 3) taint(topicAddress(log.topics[2]!), pos(log), 1);
    }
  }

  /** The node's trace_filter range limit, learnt from its refusals (the whole range until one). */
  let traceWindow = options.toBlock - options.fromBlock + 1;
  /** On a node without trace_filter: the range's payments, its blocks read once (`concurrency` in flight). */
  let payments: Promise<RpcTrace[]> | undefined;
  const readPayments = async (): Promise<RpcTrace[]> => {
    const out: RpcTrace[] = [];
    let n = options.fromBlock;
    await Promise.all(
      Array.from({ length: Math.max(1, options.concurrency) }, async () => {
        while (n <= options.toBlock) {
          const block = await call<{ number: string; transactions: BlockTx[] }>('eth_getBlockByNumber', [hex(n++), true]);
          for (const tx of block.transactions) {
            if (!tx.to || BigInt(tx.value) === 0n) continue;
            out.push({
              type: 'call', action: { from: tx.from, to: tx.to, value: tx.value }, blockNumber: Number(block.number),
              transactionPosition: Number(tx.transactionIndex), traceAddress: [], transactionHash: tx.hash,
            });
          }
        }
      }),
    );
    return out;
  };
  const tracesFrom = async (chunk: string[]): Promise<RpcTrace[]> => {
    if (payments) {
      const senders = new Set(chunk);
      return (await payments).filter((t) => senders.has(t.action.from!.toLowerCase()));
    }
    const out: RpcTrace[] = [];
    for (let start = options.fromBlock; start <= options.toBlock; ) {
      const end = Math.min(options.toBlock, start + traceWindow - 1);
      try {
        out.push(...(await call<RpcTrace[]>('trace_filter', [{ fromBlock: hex(start), toBlock: hex(end), fromAddress: chunk }])));
        start = end + 1;
      } catch (error) {
        if (isMethodUnavailable({ code: 0, message: String(error) })) {
          payments ??= readPayments();
          return tracesFrom(chunk);
        }
        const limit = /limited to (\d+)/.exec(String(error));
        if (!limit || end === start) throw error;
        traceWindow = Math.min(Math.ceil((end - start + 1) / 2), Number(limit[1]));
      }
    }
    return out;
  };

  let hop = 1;
  while (frontier.size > 0) {
    const senders = [...frontier];
    frontier = new Set();
    const chunks: string[][] = [];
    for (let i = 0; i < senders.length; i += options.addressesPerCall) chunks.push(senders.slice(i, i + options.addressesPerCall));
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.max(1, options.concurrency) }, async () => {
        while (next < chunks.length) {
          const chunk = chunks[next++]!;
          const logs = await call<RpcLog[]>('eth_getLogs', [
            { address: token, fromBlock: hex(options.fromBlock), toBlock: hex(options.toBlock), topics: [TRANSFER_TOPIC, chunk.map(topicOf)] },
          ]);
          for (const log of logs) {
            if (log.topics.length !== 3) continue;
            seen.add(`${log.transactionHash}:${log.logIndex}`);
            const since = taintedSince.get(topicAddress(log.topics[1]!));
            if (since !== undefined && since < pos(log)) taint(topicAddress(log.topics[2]!), pos(log), hop + 1);
          }
          if (!options.native) continue;
          const traces = await tracesFrom(chunk);
          for (const t of traces) {
            if (t.type !== 'call' || t.error || !t.action.to || !t.action.from || BigInt(t.action.value ?? '0x0') === 0n) continue;
            seen.add(`${t.transactionHash}:call:${t.traceAddress.join('.')}`);
            // A call is placed at the start of its transaction, before the transaction's logs.
            const at = t.blockNumber * 1e10 + (t.transactionPosition ?? 0) * 1e5;
            const since = taintedSince.get(t.action.from.toLowerCase());
            if (since !== undefined && since < at) taint(t.action.to.toLowerCase(), at, hop + 1);
          }
        }
      }),
    );
    hop++;
  }
  return { reached, rpcCalls: counted.calls, byMethod: counted.byMethod, transfersSeen: seen.size, hops: hop - 1 };
}
