// The baseline: what a plain tracer does. Breadth-first from the seed transactions, hop by
// hop; for each address of the frontier one eth_getLogs for its outgoing ERC-20 Transfers
// (topic filter on that one sender, the case's whole block range), and for native ETH one
// eth_getBlockByNumber(full) per block of the range per hop (nothing is cached between
// hops). One JSON-RPC call per HTTP request, a few in flight. No database: all in memory.
//
// Poison semantics, per asset: once an address receives a tainted unit of an asset, every
// later outflow of that asset from it is tainted in full. Labelled addresses (the exchange
// hot wallets) are reached but not followed; an address reached at `maxHops` is not followed.
// Seed recipients are hop 1, as in tracehold. Not checked, as a plain tracer would not:
// receipt status of native transfers (the bench case has no failed transactions).

export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const NATIVE = 'ETH';

export interface NaiveOptions {
  url: string;
  seedTxs: string[];
  fromBlock: number;
  toBlock: number;
  maxHops: number;
  /** Labelled addresses: reached, never followed. */
  stops: Set<string>;
  concurrency: number;
}

export interface NaiveResult {
  /** Every address that received tainted value, with the hop it was first reached at. */
  reached: Map<string, number>;
  rpcCalls: number;
  byMethod: Record<string, number>;
  /** Distinct transfers fetched and examined (token logs of frontier senders, native value transactions of frontier senders). */
  transfersSeen: number;
  taintedTransfers: number;
  hops: number;
  /** Address look-ups (an address whose taint starts earlier later on is looked up again). */
  expansions: number;
}

export interface RpcLog {
  address: string;
  topics: string[];
  blockNumber: string;
  transactionIndex: string;
  logIndex: string;
  transactionHash: string;
}

interface RpcTx {
  hash: string;
  from: string;
  to: string | null;
  value: string;
  blockNumber: string;
  transactionIndex: string;
}

/** A point in chain order: block, transaction, then the value move (0) before its logs (1 + logIndex). */
const pos = (block: number, txIndex: number, seq: number) => block * 1e10 + txIndex * 1e5 + seq;
const hex = (n: number) => `0x${n.toString(16)}`;
const topicAddress = (topic: string) => `0x${topic.slice(-40)}`.toLowerCase();

/** One JSON-RPC call per HTTP request, counted per method: what the baseline tracers use. */
export function countingRpc(url: string) {
  let nextId = 1;
  const byMethod: Record<string, number> = {};
  const counted = { calls: 0, byMethod };
  const call = async <T>(method: string, params: unknown[]): Promise<T> => {
    counted.calls++;
    byMethod[method] = (byMethod[method] ?? 0) + 1;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
    });
    const reply = (await response.json()) as { result?: T; error?: { message: string } };
    if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
    return reply.result as T;
  };
  return { call, counted };
}

export async function naiveTrace(options: NaiveOptions): Promise<NaiveResult> {
  const { call, counted } = countingRpc(options.url);
  const pool = async <I>(items: I[], fn: (item: I) => Promise<void>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.max(1, options.concurrency) }, async () => {
        while (next < items.length) await fn(items[next++]!);
      }),
    );
  };

  /** Earliest tainted arrival per address and asset. */
  const taintedSince = new Map<string, Map<string, number>>();
  const reached = new Map<string, number>();
  const seen = new Set<string>();
  const tainted = new Set<string>();
  let nextFrontier = new Set<string>();
  const taint = (to: string, asset: string, at: number, hop: number, id: string) => {
    tainted.add(id);
    if (!reached.has(to) || reached.get(to)! > hop) reached.set(to, hop);
    const assets = taintedSince.get(to) ?? new Map<string, number>();
    const before = assets.get(asset);
    if (before !== undefined && before <= at) return;
    assets.set(asset, at);
    taintedSince.set(to, assets);
    if (!options.stops.has(to) && reached.get(to)! < options.maxHops) nextFrontier.add(to);
  };
  const isTainted = (from: string, asset: string, at: number) => {
    const since = taintedSince.get(from)?.get(asset);
    return since !== undefined && since < at;
  };

  // Hop 1: the seed transactions' recipients.
  for (const hash of options.seedTxs) {
    const tx = await call<RpcTx>('eth_getTransactionByHash', [hash]);
    const receipt = await call<{ logs: RpcLog[] }>('eth_getTransactionReceipt', [hash]);
    const block = Number(tx.blockNumber);
    const index = Number(tx.transactionIndex);
    if (tx.to && BigInt(tx.value) > 0n) taint(tx.to.toLowerCase(), NATIVE, pos(block, index, 0), 1, `${hash}:tx`);
    for (const log of receipt.logs) {
      if (log.topics[0] !== TRANSFER_TOPIC || log.topics.length !== 3) continue;
      taint(topicAddress(log.topics[2]!), log.address.toLowerCase(), pos(block, index, 1 + Number(log.logIndex)), 1, `${hash}:${Number(log.logIndex)}`);
    }
  }

  let hop = 1;
  let expansions = 0;
  while (nextFrontier.size > 0) {
    const frontier = nextFrontier;
    nextFrontier = new Set();
    expansions += frontier.size;
    const next = hop + 1;
    // Tokens: one eth_getLogs per frontier address, the whole range.
    await pool([...frontier], async (address) => {
      const logs = await call<RpcLog[]>('eth_getLogs', [
        { fromBlock: hex(options.fromBlock), toBlock: hex(options.toBlock), topics: [TRANSFER_TOPIC, `0x${address.slice(2).padStart(64, '0')}`] },
      ]);
      for (const log of logs) {
        if (log.topics.length !== 3) continue; // ERC-721 shares the topic with a 4th indexed field
        const id = `${log.transactionHash}:${Number(log.logIndex)}`;
        seen.add(id);
        const asset = log.address.toLowerCase();
        const at = pos(Number(log.blockNumber), Number(log.transactionIndex), 1 + Number(log.logIndex));
        if (isTainted(address, asset, at)) taint(topicAddress(log.topics[2]!), asset, at, next, id);
      }
    });
    // Native: every block of the range again, this hop.
    const blocks = Array.from({ length: options.toBlock - options.fromBlock + 1 }, (_, i) => options.fromBlock + i);
    await pool(blocks, async (number) => {
      const block = await call<{ transactions: RpcTx[] }>('eth_getBlockByNumber', [hex(number), true]);
      for (const tx of block.transactions) {
        const from = tx.from.toLowerCase();
        if (!frontier.has(from) || !tx.to || BigInt(tx.value) === 0n) continue;
        const id = `${tx.hash.toLowerCase()}:tx`;
        seen.add(id);
        const at = pos(number, Number(tx.transactionIndex), 0);
        if (isTainted(from, NATIVE, at)) taint(tx.to.toLowerCase(), NATIVE, at, next, id);
      }
    });
    hop = next;
  }
  return { reached, rpcCalls: counted.calls, byMethod: counted.byMethod, transfersSeen: seen.size, taintedTransfers: tainted.size, hops: hop - 1, expansions };
}
