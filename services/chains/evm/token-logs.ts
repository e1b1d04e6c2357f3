// ERC-20 Transfer logs of many addresses in one eth_getLogs per direction and range window.
// Providers cap ranges and result sizes differently; a refused window is halved until it
// passes, and the window size learnt is kept for the next query. Answers are bounded on our
// side too: no more than maxReplyBytes of a reply is read (JSON.parse of a busy wallet's
// 50,000 logs blocks the event loop for a quarter of a second). The logs come in block order,
// so the blocks an oversized answer holds whole are kept and only the rest is asked for, from
// the block it was cut in: a page of answer per call, for that filter only (one busy wallet
// says nothing of the others' density).
import { TraceholdError, RetryableError } from '../../errors';
import { OversizedReplyError, type RpcCall, type RpcClient } from '../rpc/client';
import { isRangeRefusal } from '../rpc/errors';
import type { TransferDirection } from '../source';
import { addressTopic } from './address';
import { toHex, type RpcLog } from './rpc-types';
import { appendAll } from '../../domain/arrays';
import { loopTurns } from '../../domain/taint/steps';

export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

export interface LogQuery {
  addresses: string[];
  direction: TransferDirection;
  fromBlock: number;
  toBlock: number;
  /** Token contracts to restrict to; undefined = every token. */
  tokens: string[] | undefined;
}

export interface LogFetcherOptions {
  maxLogRange: number;
  addressesPerLogCall: number;
  /**
   * A range this short is read whole (every Transfer log of the tokens, no address filter)
   * and filtered here when that takes fewer calls than address chunks do: the re-trace's
   * check of thousands of wallets over a night's few blocks is one call. 0: never.
   */
  denseMaxBlocks?: number;
  /** Reply bytes read at most per HTTP request (see the header); unset: unbounded. */
  maxReplyBytes?: number;
}

interface LogFilter {
  fromBlock: number;
  toBlock: number;
  side: 'from' | 'to' | 'any';
  /** Empty for `any`: every Transfer log of the range. */
  addresses: string[];
  /** Bounded reads: logs per address (topic form) in the pages of this filter read so far. */
  read?: Map<string, number>;
}

/** A whole-range read refused for one block: the caller falls back to address chunks. */
class DenseRefused extends Error {}

export interface LogFetcher {
  fetch(query: LogQuery): Promise<RpcLog[]>;
  /**
   * Like fetch, but an address whose answer alone is over maxReplyBytes is read only from
   * fromBlock to its `reachedTo` block (the first part of its range that fits): its logs are
   * complete up to there, and the rest is not asked for (a busy wallet under judgement needs
   * no more than its first few thousand transfers). Every other address is read to toBlock.
   */
  fetchBounded(query: LogQuery): Promise<{ logs: RpcLog[]; reachedTo: Map<string, number> }>;
  /** The window size currently in use (shrinks after refusals). */
  currentRange(): number;
}

export function createLogFetcher(rpc: RpcClient, options: LogFetcherOptions): LogFetcher {
  let range = Math.max(1, options.maxLogRange);
  /** Logs of one address a bounded read needs at most: about one answer's worth. */
  const enough = Math.max(1, Math.floor((options.maxReplyBytes ?? Infinity) / LOG_BYTES));

  function toCall(f: LogFilter, tokens: string[] | undefined): RpcCall {
    const padded = f.addresses.map(addressTopic);
    const topics = f.side === 'any' ? [TRANSFER_TOPIC] : f.side === 'from' ? [TRANSFER_TOPIC, padded] : [TRANSFER_TOPIC, null, padded];
    return {
      method: 'eth_getLogs',
      params: [{ fromBlock: toHex(f.fromBlock), toBlock: toHex(f.toBlock), topics, ...(tokens ? { address: tokens } : {}) }],
    };
  }

  /** `reachedTo`: bounded reads (see fetchBounded), where each cut address's reach is noted. */
  async function run(filters: LogFilter[], tokens: string[] | undefined, reachedTo?: Map<string, number>): Promise<RpcLog[]> {
    if (filters.length === 0) return [];
    // Bounded answers go one call per request: an oversized reply then costs only its own call
    // again, not every call a batch of them carried.
    const outcomes = await rpc.batch(
      filters.map((f) => toCall(f, tokens)),
      options.maxReplyBytes === undefined ? {} : { maxReplyBytes: options.maxReplyBytes, callsPerRequest: 1, partialArrays: true },
    );
    const logs: RpcLog[] = [];
    const retry: LogFilter[] = [];
    const unbounded: LogFilter[] = [];
    const progressive: LogFilter[] = [];
    // A batch's answers (each up to maxReplyBytes, a cut page's counts) are checked and filed
    // with turns for the event loop between them: in one go, this loop was 202 ms of a 292 ms
    // block in a profiled 200k run.
    const turns = loopTurns();
    for (const [i, outcome] of outcomes.entries()) {
      if (turns.due()) await turns.give();
      const f = filters[i]!;
      if (outcome.ok) {
        const got = (outcome.result as RpcLog[] | null) ?? [];
        // Logs outside the range asked for, or of a block the node has since dropped, mean a
        // node out of step with itself: never file them as chain data; the step retries.
        for (const log of got) {
          const n = Number.parseInt(log.blockNumber, 16);
          if (!(n >= f.fromBlock && n <= f.toBlock) || log.removed === true) {
            throw new RetryableError(`eth_getLogs for blocks ${f.fromBlock}..${f.toBlock} answered a log of block ${Number.isNaN(n) ? '?' : n}${log.removed ? ' (removed)' : ''}`);
          }
        }
        appendAll(logs, got);
        continue;
      }
      if (outcome.error instanceof OversizedReplyError) {
        const page = wholeBlocksOf(f, outcome.error.partial);
        if (page) {
          appendAll(logs, page.logs);
          const rest = restAfter(f, page, reachedTo);
          if (rest) retry.push(rest);
          continue;
        }
        // No whole block in what was read (or a node that does not keep block order, or no
        // answer within the request timeout: a node building a hot wallet's answer whole): smaller
        // asks until each answer fits: fewer addresses first (one busy wallet makes a chunk's
        // answer large, the others keep their whole range), then a shorter range. The
        // node builds an oversized answer whole before we refuse it, so each step divides by
        // OVERSIZE_PARTS, not 2. One block of one address cannot be asked for in parts: that one
        // is read whole. A bounded read reads a busy address's range part by part and stops
        // once it has about one answer's worth of its logs (readProgressively).
        if (f.side === 'any') {
          if (f.toBlock === f.fromBlock) throw new DenseRefused(outcome.error.message);
          retry.push(...rangeParts(f, OVERSIZE_PARTS));
        } else if (f.addresses.length > 1) retry.push(...addressParts(f, OVERSIZE_PARTS));
        else if (f.toBlock === f.fromBlock) unbounded.push(f);
        else if (!reachedTo) retry.push(...rangeParts(f, OVERSIZE_PARTS));
        else progressive.push(f);
        continue;
      }
      if (!isRangeRefusal({ code: outcome.error.rpcCode, message: outcome.error.message })) throw outcome.error;
      retry.push(...split(f, outcome.error));
      const span = f.toBlock - f.fromBlock + 1;
      // A whole-range read refused says nothing about ranges filtered by address.
      if (span > 1 && f.side !== 'any') range = Math.min(range, Math.ceil(span / 2));
    }
    for (const f of unbounded) appendAll(logs, await readWhole(f, tokens));
    for (const f of progressive) appendAll(logs, await readProgressively(f, tokens, reachedTo!));
    return logs.concat(await run(retry, tokens, reachedTo));
  }

  /**
   * One busy address's range, part after part (each read bounded in turn), until about one
   * answer's worth of its logs is read: its reach is noted there and the rest is left unread.
   * A part itself read only part way (too large to answer, or not answered in time, even cut
   * in parts) ends the read where it reached. At least some of the first part is read, so a
   * caller asking again makes progress.
   */
  async function readProgressively(f: LogFilter, tokens: string[] | undefined, reachedTo: Map<string, number>): Promise<RpcLog[]> {
    const got: RpcLog[] = [];
    const address = f.addresses[0]!;
    for (const part of rangeParts(f, OVERSIZE_PARTS)) {
      const partReach = new Map<string, number>();
      for (const log of await run([part], tokens, partReach)) got.push(log);
      const cut = partReach.get(address) ?? (got.length >= enough && part.toBlock < f.toBlock ? part.toBlock : undefined);
      if (cut !== undefined) {
        reachedTo.set(address, Math.min(reachedTo.get(address) ?? Infinity, cut));
        break;
      }
    }
    return got;
  }

  /**
   * What remains of a filter after a page of its answer: the same ask from the block the page
   * was cut in. A bounded read also drops the addresses that have about one answer's worth of
   * logs by now, and the one that filled most of this page (a busy wallet among quiet ones:
   * asked again, it would make the node build another oversized answer, a second of work
   * for a hot wallet's 50,000 payouts); their reach is noted at the page's last whole block.
   * Nothing remains when no address is left.
   */
  function restAfter(f: LogFilter, page: { logs: RpcLog[]; next: number }, reachedTo: Map<string, number> | undefined): LogFilter | undefined {
    if (!reachedTo || f.side === 'any') return { ...f, fromBlock: page.next };
    const read = new Map(f.read);
    const inPage = new Map<string, number>();
    const topic = f.side === 'from' ? 1 : 2;
    for (const log of page.logs) {
      const key = log.topics[topic]?.toLowerCase();
      if (key === undefined) continue;
      read.set(key, (read.get(key) ?? 0) + 1);
      inPage.set(key, (inPage.get(key) ?? 0) + 1);
    }
    const filled = (n: number) => n * 2 > page.logs.length && n >= enough / OVERSIZE_PARTS;
    const addresses: string[] = [];
    for (const address of f.addresses) {
      const key = addressTopic(address).toLowerCase();
      if ((read.get(key) ?? 0) < enough && !filled(inPage.get(key) ?? 0)) addresses.push(address);
      else reachedTo.set(address, Math.min(reachedTo.get(address) ?? Infinity, page.next - 1));
    }
    return addresses.length > 0 ? { ...f, fromBlock: page.next, addresses, read } : undefined;
  }

  async function readWhole(f: LogFilter, tokens: string[] | undefined): Promise<RpcLog[]> {
    const [outcome] = await rpc.batch([toCall(f, tokens)]);
    if (!outcome!.ok) throw outcome!.error;
    const got = (outcome!.result as RpcLog[] | null) ?? [];
    for (const log of got) {
      const n = Number.parseInt(log.blockNumber, 16);
      if (n !== f.fromBlock || log.removed === true) throw new RetryableError(`eth_getLogs for block ${f.fromBlock} answered a log of block ${Number.isNaN(n) ? '?' : n}${log.removed ? ' (removed)' : ''}`);
    }
    return got;
  }

  return {
    async fetch(query) {
      if (query.tokens && query.tokens.length === 0) return [];
      const sides: Array<'from' | 'to'> = query.direction === 'out' ? ['from'] : query.direction === 'in' ? ['to'] : ['from', 'to'];
      const span = query.toBlock - query.fromBlock + 1;
      const chunked = Math.ceil(span / range) * Math.ceil(query.addresses.length / options.addressesPerLogCall) * sides.length;
      const dense = Math.ceil(span / range);
      if (span <= (options.denseMaxBlocks ?? 0) && dense < chunked) {
        try {
          return keepOf(await denseRun(query), query.addresses, sides);
        } catch (error) {
          if (!(error instanceof DenseRefused)) throw error;
        }
      }
      return run(chunkedFilters(query, sides), query.tokens);
    },
    async fetchBounded(query) {
      const reachedTo = new Map<string, number>();
      if (query.tokens && query.tokens.length === 0) return { logs: [], reachedTo };
      const sides: Array<'from' | 'to'> = query.direction === 'out' ? ['from'] : query.direction === 'in' ? ['to'] : ['from', 'to'];
      const logs = await run(chunkedFilters(query, sides), query.tokens, reachedTo);
      return { logs, reachedTo };
    },
    currentRange: () => range,
  };

  function chunkedFilters(query: LogQuery, sides: Array<'from' | 'to'>): LogFilter[] {
    const filters: LogFilter[] = [];
    for (let start = query.fromBlock; start <= query.toBlock; start += range) {
      const end = Math.min(query.toBlock, start + range - 1);
      for (let i = 0; i < query.addresses.length; i += options.addressesPerLogCall) {
        const addresses = query.addresses.slice(i, i + options.addressesPerLogCall);
        for (const side of sides) filters.push({ fromBlock: start, toBlock: end, side, addresses });
      }
    }
    return filters;
  }

  function denseRun(query: LogQuery): Promise<RpcLog[]> {
    const filters: LogFilter[] = [];
    for (let start = query.fromBlock; start <= query.toBlock; start += range) {
      filters.push({ fromBlock: start, toBlock: Math.min(query.toBlock, start + range - 1), side: 'any', addresses: [] });
    }
    return run(filters, query.tokens);
  }
}

/** Of every Transfer log of a range, those from (or to) the addresses asked for. */
function keepOf(logs: RpcLog[], addresses: string[], sides: Array<'from' | 'to'>): RpcLog[] {
  const wanted = new Set(addresses.map((a) => addressTopic(a).toLowerCase()));
  const from = sides.includes('from');
  const to = sides.includes('to');
  return logs.filter((log) => {
    const [, t1, t2] = log.topics;
    return (from && t1 !== undefined && wanted.has(t1.toLowerCase())) || (to && t2 !== undefined && wanted.has(t2.toLowerCase()));
  });
}

/**
 * The blocks an oversized answer's first part holds whole: its logs before the block it was
 * cut in, and that block (where the rest of the answer starts). Undefined when no block is
 * whole, or the logs are not in block order (the rest could not be asked for by range). Logs
 * outside the range asked for, or removed, fail the step as in a whole answer.
 */
function wholeBlocksOf(f: LogFilter, partial: unknown[] | undefined): { logs: RpcLog[]; next: number } | undefined {
  if (!partial || partial.length === 0) return undefined;
  const logs = partial as RpcLog[];
  const blocks = logs.map((log) => Number.parseInt(log.blockNumber, 16));
  let ordered = true;
  logs.forEach((log, i) => {
    const n = blocks[i]!;
    if (!(n >= f.fromBlock && n <= f.toBlock) || log.removed === true) {
      throw new RetryableError(`eth_getLogs for blocks ${f.fromBlock}..${f.toBlock} answered a log of block ${Number.isNaN(n) ? '?' : n}${log.removed ? ' (removed)' : ''}`);
    }
    if (i > 0 && n < blocks[i - 1]!) ordered = false;
  });
  const next = blocks[blocks.length - 1]!;
  const whole = blocks.indexOf(next);
  if (!ordered || whole === 0) return undefined;
  return { logs: logs.slice(0, whole), next };
}

/** Parts an oversized answer's ask is divided into (addresses, else blocks). */
const OVERSIZE_PARTS = 8;
/** About the JSON size of one Transfer log in an eth_getLogs answer (for "one answer's worth"). */
const LOG_BYTES = 600;

function addressParts(f: LogFilter, parts: number): LogFilter[] {
  const size = Math.ceil(f.addresses.length / parts);
  const out: LogFilter[] = [];
  for (let i = 0; i < f.addresses.length; i += size) out.push({ ...f, addresses: f.addresses.slice(i, i + size) });
  return out;
}

/** The range in up to `parts` consecutive pieces (at least one block each), in order. */
function rangeParts(f: LogFilter, parts: number): LogFilter[] {
  const span = f.toBlock - f.fromBlock + 1;
  const size = Math.max(1, Math.ceil(span / parts));
  const out: LogFilter[] = [];
  for (let start = f.fromBlock; start <= f.toBlock; start += size) out.push({ ...f, fromBlock: start, toBlock: Math.min(f.toBlock, start + size - 1) });
  return out;
}

/** Halve the range; a single block that is still too big is split by addresses instead. */
function split(f: LogFilter, error: Error): LogFilter[] {
  if (f.side === 'any' && f.toBlock === f.fromBlock) throw new DenseRefused(error.message);
  if (f.toBlock > f.fromBlock) {
    const mid = f.fromBlock + Math.floor((f.toBlock - f.fromBlock) / 2);
    return [
      { ...f, toBlock: mid },
      { ...f, fromBlock: mid + 1 },
    ];
  }
  if (f.addresses.length > 1) {
    const half = Math.ceil(f.addresses.length / 2);
    return [
      { ...f, addresses: f.addresses.slice(0, half) },
      { ...f, addresses: f.addresses.slice(half) },
    ];
  }
  throw new TraceholdError(`eth_getLogs refused even one block and one address (block ${f.fromBlock}): ${error.message}`, { cause: error });
}
