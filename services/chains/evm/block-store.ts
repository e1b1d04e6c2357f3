// Blocks and receipts fetched through one cache per source instance: many cases and hops
// scan the same blocks, and confirmed blocks never change (reorgs deeper than the
// configured confirmations are out of scope).
import { RetryableError, TraceholdError } from '../../errors';
import { OversizedReplyError, type RpcCall, type RpcClient } from '../rpc/client';
import { answerSizes, noteAnswer, sizedBatch, type AnswerSizes } from '../rpc/sized-batch';
import { Lru } from './lru';
import { toHex, type RpcBlock, type RpcReceipt } from './rpc-types';

export interface BlockHeader {
  number: number;
  hash: string;
  timestamp: number;
}

export interface BlockStoreStats {
  blockHits: number;
  blockMisses: number;
  receiptHits: number;
  receiptMisses: number;
}

export interface BlockStore {
  /** Full blocks (with transaction objects) in the given order. */
  fullBlocks(numbers: number[]): Promise<RpcBlock[]>;
  /** Number, hash and timestamp; served from full blocks when cached. */
  headers(numbers: number[]): Promise<BlockHeader[]>;
  /** Headers learnt elsewhere (logs that state their block's time): later `headers` asks need no call for them. */
  noteHeaders(headers: Iterable<BlockHeader>): void;
  /** Receipts by transaction hash, without their logs (fees and outcomes only); `byBlock` lists blocks where one eth_getBlockReceipts is cheaper. */
  receipts(txHashes: string[], byBlock?: Map<number, string[]>): Promise<Map<string, RpcReceipt>>;
  stats(): BlockStoreStats;
}

/**
 * `maxReplyBytes`: full blocks and receipts are read in replies of at most this size (a batch
 * of busy blocks is tens of megabytes, one JSON.parse that stalls the worker); a block whose
 * answer alone is larger is read alone, whole. A reply refused costs every call it carried
 * once more, so blocks go a few to a request: as many as fit twice over in the bound at the
 * average size of the answers of that kind seen so far (the first is asked for alone).
 */
export function createBlockStore(rpc: RpcClient, capacity = 4096, maxReplyBytes?: number): BlockStore {
  const full = new Lru<number, RpcBlock>(capacity);
  const heads = new Lru<number, BlockHeader>(capacity * 4);
  const receiptCache = new Lru<string, RpcReceipt>(capacity * 16);
  const blockSizes = answerSizes();
  const receiptSizes = answerSizes();

  async function fullBlocks(numbers: number[]): Promise<RpcBlock[]> {
    const missing = [...new Set(numbers)].filter((n) => full.get(n) === undefined);
    if (missing.length > 0) {
      const fetched = await boundedResults<RpcBlock | null>(
        missing.map((n) => ({ method: 'eth_getBlockByNumber', params: [toHex(n), true] })),
        blockSizes,
        blockBytes,
      );
      fetched.forEach((block, i) => {
        if (!block) throw new TraceholdError(`block ${missing[i]} not found on the node`);
        full.set(missing[i]!, checkBlock(block, missing[i]!));
      });
    }
    // Read back without counting the same lookup twice.
    return numbers.map((n) => full.peek(n)!);
  }

  async function headers(numbers: number[]): Promise<BlockHeader[]> {
    const missing = [...new Set(numbers)].filter((n) => heads.get(n) === undefined);
    const stillMissing: number[] = [];
    for (const n of missing) {
      const block = full.peek(n);
      if (block) heads.set(n, toHeader(block));
      else stillMissing.push(n);
    }
    if (stillMissing.length > 0) {
      const fetched = await rpc.batchResults<RpcBlock | null>(
        stillMissing.map((n) => ({ method: 'eth_getBlockByNumber', params: [toHex(n), false] })),
      );
      fetched.forEach((block, i) => {
        if (!block) throw new TraceholdError(`block ${stillMissing[i]} not found on the node`);
        heads.set(stillMissing[i]!, toHeader(checkBlock(block, stillMissing[i]!)));
      });
    }
    return numbers.map((n) => heads.peek(n)!);
  }

  async function receipts(txHashes: string[], byBlock?: Map<number, string[]>): Promise<Map<string, RpcReceipt>> {
    const out = new Map<string, RpcReceipt>();
    const wanted = new Set(txHashes.filter((h) => {
      const cached = receiptCache.get(h);
      if (cached) out.set(h, cached);
      return !cached;
    }));
    if (wanted.size === 0) return out;

    // A block's receipts in one call even for one transaction wanted: the others are cached,
    // and a later step wanting another of the block's transactions asks nothing (asked by hash
    // instead, the 100k bench took 707 more calls).
    const blockCalls: number[] = [];
    for (const [n, hashes] of byBlock ?? []) if (hashes.some((h) => wanted.has(h))) blockCalls.push(n);
    const viaBlock = new Set(blockCalls.flatMap((n) => byBlock!.get(n)!));
    const single = [...wanted].filter((h) => !viaBlock.has(h));
    const outcomes = await boundedResults<RpcReceipt[] | RpcReceipt | null>([
      ...blockCalls.map((n) => ({ method: 'eth_getBlockReceipts', params: [toHex(n)] })),
      ...single.map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] })),
    ], receiptSizes, receiptsBytes);
    outcomes.forEach((result, k) => {
      // eth_getBlockReceipts must answer for the block asked, or its receipts would be filed under it.
      if (k < blockCalls.length && Array.isArray(result)) {
        const wrong = result.find((r) => r && Number.parseInt(r.blockNumber, 16) !== blockCalls[k]);
        if (wrong) throw new RetryableError(`node answered receipts of block ${Number.parseInt(wrong.blockNumber, 16)} when asked for block ${blockCalls[k]}`);
      }
    });
    for (const result of outcomes) {
      for (const receipt of Array.isArray(result) ? result : result ? [result] : []) {
        const hash = receipt.transactionHash.toLowerCase();
        // A node that states each log's block timestamp (geth ≥ 1.15, anvil, reth) gives the
        // block's header with its receipts: no header read for it.
        const header = headerOfReceipt(receipt);
        if (header && !heads.peek(header.number)) heads.set(header.number, header);
        const kept = withoutLogs(receipt);
        receiptCache.set(hash, kept);
        if (wanted.has(hash)) out.set(hash, kept);
      }
    }
    for (const h of wanted) if (!out.has(h)) throw new TraceholdError(`receipt of ${h} not found on the node`);
    return out;
  }

  /** Like rpc.batchResults, in bounded replies; a call over the bound alone is read whole. */
  async function boundedResults<T>(calls: RpcCall[], sizes: AnswerSizes, estimate: (answer: T) => number): Promise<T[]> {
    if (maxReplyBytes === undefined) return rpc.batchResults<T>(calls);
    const outcomes = await sizedBatch(rpc, calls, { maxReplyBytes }, sizes, (result) => estimate(result as T));
    return Promise.all(outcomes.map(async (o, i) => {
      if (o.ok) return o.result as T;
      if (!(o.error instanceof OversizedReplyError)) throw o.error;
      const [whole] = await rpc.batchResults<T>([calls[i]!]);
      noteAnswer(sizes, estimate(whole as T));
      return whole as T;
    }));
  }

  return {
    fullBlocks,
    headers,
    noteHeaders(known) {
      for (const h of known) if (!heads.peek(h.number)) heads.set(h.number, h);
    },
    receipts,
    stats: () => ({ blockHits: full.hits, blockMisses: full.misses, receiptHits: receiptCache.hits, receiptMisses: receiptCache.misses }),
  };
}

/**
 * A receipt as fees and outcomes need it, without its logs: a busy block's receipts hold
 * thousands of logs (a hot wallet's payouts), which token transfers take from eth_getLogs,
 * and the cache would keep them all.
 */
function withoutLogs(receipt: RpcReceipt): RpcReceipt {
  const { logs: _logs, ...rest } = receipt;
  return { ...rest, logs: [] };
}

/** Number, hash and timestamp of a receipt's block, when one of its logs states the timestamp. */
function headerOfReceipt(receipt: RpcReceipt): BlockHeader | null {
  const stamped = receipt.logs?.find((log) => typeof log.blockTimestamp === 'string' && /^0x[0-9a-fA-F]+$/.test(log.blockTimestamp));
  if (!stamped || typeof receipt.blockHash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(receipt.blockHash)) return null;
  return { number: Number.parseInt(receipt.blockNumber, 16), hash: receipt.blockHash.toLowerCase(), timestamp: Number.parseInt(stamped.blockTimestamp!, 16) };
}

/** About the JSON size of a full block: ~1 kB of header, ~700 bytes a transaction. */
function blockBytes(block: RpcBlock | null): number {
  return 1_000 + 700 * (block?.transactions.length ?? 0);
}

/** About the JSON size of an answer of receipts: ~1 kB a receipt (its bloom is half), ~650 bytes a log. */
function receiptsBytes(result: RpcReceipt[] | RpcReceipt | null): number {
  let bytes = 0;
  for (const receipt of Array.isArray(result) ? result : result ? [result] : []) bytes += 1_000 + 650 * (receipt.logs?.length ?? 0);
  return bytes;
}

/**
 * A reply for the wrong block (a lagging replica behind a load balancer, a broken cache)
 * must never be filed under the number asked for: nothing is cached, and the step retries.
 */
export function checkBlock<B extends Pick<RpcBlock, 'number' | 'hash'>>(block: B, expected: number): B {
  const number = typeof block.number === 'string' ? Number.parseInt(block.number, 16) : NaN;
  if (number !== expected || typeof block.hash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(block.hash)) {
    throw new RetryableError(`node answered block ${Number.isNaN(number) ? '?' : number} when asked for block ${expected}`);
  }
  return block;
}

function toHeader(block: Pick<RpcBlock, 'number' | 'hash' | 'timestamp'>): BlockHeader {
  return { number: Number.parseInt(block.number, 16), hash: block.hash.toLowerCase(), timestamp: Number.parseInt(block.timestamp, 16) };
}
