// A thin JSON-RPC 2.0 client over fetch: batches, a cap on concurrent HTTP requests, and
// retries with backoff for whatever may pass. Deterministic errors come back per call.
import { RetryableError, TraceholdError, shouldRetry } from '../../errors';
import type { SourceStats } from '../source';
import { backoffDelay, sleep } from './backoff';
import { isRateLimited, RpcResponseError, type JsonRpcErrorObject } from './errors';
import { postJson, ReplyTooLargeError, RpcTimeoutError } from './http-post';
import { createSemaphore } from './semaphore';
import { completeResultElements } from './json-pieces';
import { rpcCalls, rpcErrors } from '../../metrics';

export interface RpcClientOptions {
  url: string;
  /** Concurrent HTTP requests in flight. */
  maxConcurrency?: number;
  /** JSON-RPC calls per HTTP request; 1 sends plain (non-batch) requests. */
  batchSize?: number;
  requestTimeoutMs?: number;
  /** Retries after the first attempt. */
  retries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  headers?: Record<string, string>;
  /** The chain, as the `chain` label of the RPC metrics. */
  metricsLabel?: string;
}

export interface RpcCall {
  method: string;
  params: unknown[];
}

export type RpcOutcome = { ok: true; result: unknown } | { ok: false; error: RpcResponseError };

export interface BatchOptions {
  /**
   * Reply bodies larger than this are not read: the calls are sent again one per request, and
   * a call whose answer alone is larger comes back as an OversizedReplyError outcome
   * (the caller asks for less: a shorter block range, fewer addresses). So does a request not
   * answered within the timeout: not retried as it was, its calls are sent again one per
   * request, and a call alone that times out is such an outcome (without a partial answer).
   */
  maxReplyBytes?: number;
  /**
   * At most this many calls per HTTP request (default: the client's batch size). Calls whose
   * answers may be large go fewer to a request: a reply refused as too large costs every call
   * of its request once more.
   */
  callsPerRequest?: number;
  /**
   * A call alone in its request whose answer is over maxReplyBytes comes back with the complete
   * elements of its result array read within the bound (OversizedReplyError.partial): for
   * answers in chain order (eth_getLogs) the caller asks only for what comes after them.
   */
  partialArrays?: boolean;
}

/**
 * One call's answer was larger than BatchOptions.maxReplyBytes, or did not come within the
 * request timeout (asked with a bound, an answer too slow to build is one to ask less of): it
 * was not read whole. `partial`: with BatchOptions.partialArrays, the complete elements of its
 * result array within the bound, in the answer's order (undefined when none could be read).
 */
export class OversizedReplyError extends RpcResponseError {
  override readonly code: string = 'reply_too_large';
  readonly partial: unknown[] | undefined;
  constructor(method: string, cause: ReplyTooLargeError | RpcTimeoutError, partial?: unknown[]) {
    super(method, { code: 0, message: cause.message }, { cause });
    this.partial = partial;
  }
}

/** A reply size bound: at most maxBytes read; `partial`, keep what was read of a refused one. */
interface ReplyBound {
  maxBytes: number;
  partial: boolean;
}

export interface RpcClientStats extends SourceStats {
  /** JSON-RPC calls per method, as sent on the wire (retries included). */
  byMethod: Record<string, number>;
  /** The largest reply body read, and the longest JSON.parse of one (ms): what one answer blocks the event loop for. */
  largestReplyBytes: number;
  longestParseMs: number;
}

export interface RpcClient {
  /** One call; throws RpcResponseError on a JSON-RPC error. */
  request<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Many calls in as few HTTP requests as the batch size allows; outcomes in call order. */
  batch(calls: RpcCall[], options?: BatchOptions): Promise<RpcOutcome[]>;
  /** Like `batch`, but throws the first JSON-RPC error. */
  batchResults<T = unknown>(calls: RpcCall[]): Promise<T[]>;
  stats(): RpcClientStats;
  close(): Promise<void>;
}

interface WireReply {
  id?: unknown;
  result?: unknown;
  error?: JsonRpcErrorObject;
}

export function createRpcClient(options: RpcClientOptions): RpcClient {
  const batchSize = Math.max(1, options.batchSize ?? 100);
  const retries = Math.max(0, options.retries ?? 5);
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const backoff = { baseMs: options.backoffBaseMs ?? 250, maxMs: options.backoffMaxMs ?? 30_000 };
  const semaphore = createSemaphore(options.maxConcurrency ?? 8);
  const counters = { rpcCalls: 0, httpRequests: 0, retries: 0 };
  const chain = options.metricsLabel ?? 'unknown';
  const byMethod: Record<string, number> = {};
  const replies = { largestReplyBytes: 0, longestParseMs: 0 };
  const onParsed = (bytes: number, ms: number) => {
    replies.largestReplyBytes = Math.max(replies.largestReplyBytes, bytes);
    replies.longestParseMs = Math.max(replies.longestParseMs, ms);
  };
  let nextId = 1;
  let closed = false;

  /** POST one payload, retrying transport failures. */
  async function send(calls: RpcCall[], bound?: ReplyBound): Promise<WireReply[]> {
    for (let attempt = 0; ; attempt += 1) {
      if (closed) throw new TraceholdError('RPC client is closed');
      const ids = calls.map(() => nextId++);
      const wire = calls.map((c, i) => ({ jsonrpc: '2.0', id: ids[i], method: c.method, params: c.params }));
      const body = JSON.stringify(wire.length === 1 && batchSize === 1 ? wire[0] : wire);
      try {
        const reply = await semaphore.run(() => {
          counters.httpRequests += 1;
          counters.rpcCalls += calls.length;
          for (const c of calls) {
            byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
            rpcCalls.inc({ chain, method: c.method });
          }
          return postJson(body, { url: options.url, timeoutMs, ...(options.headers ? { headers: options.headers } : {}), ...(bound === undefined ? {} : { maxBytes: bound.maxBytes, keepPrefix: bound.partial && calls.length === 1 }), onParsed });
        });
        return matchReplies(reply, ids, calls);
      } catch (error) {
        // A reply over the caller's bound is no transport failure: the caller asks for less.
        if (error instanceof ReplyTooLargeError) throw error;
        for (const c of calls) rpcErrors.inc({ chain, method: c.method, kind: 'transport' });
        // Nor is a bounded ask the node did not answer in time retried as it was: a node that
        // builds an answer whole before sending it (anvil, geth) took 11.5 s over a wallet's
        // 1,000,000 logs, and asked the same again it times out again. The caller asks for less,
        // as for an answer too large.
        if (bound !== undefined && error instanceof RpcTimeoutError) throw error;
        if (!shouldRetry(error) || attempt >= retries) {
          if (shouldRetry(error) && error instanceof RetryableError) {
            throw new RetryableError(`${error.message} (gave up after ${attempt + 1} attempts)`, {
              cause: error,
              ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
            });
          }
          throw error;
        }
        counters.retries += 1;
        const retryAfter = error instanceof RetryableError ? error.retryAfterMs : undefined;
        await sleep(backoffDelay(attempt, backoff, retryAfter));
      }
    }
  }

  /** One chunk of calls; calls refused as rate limited are re-sent on their own schedule. */
  async function sendChunk(calls: RpcCall[], bound?: ReplyBound): Promise<RpcOutcome[]> {
    const outcomes: Array<RpcOutcome | undefined> = new Array(calls.length);
    let pending = calls.map((_, i) => i);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      const replies = await send(pending.map((i) => calls[i]!), bound);
      const limited: number[] = [];
      replies.forEach((reply, k) => {
        const index = pending[k]!;
        const call = calls[index]!;
        if (reply.error) {
          rpcErrors.inc({ chain, method: call.method, kind: isRateLimited(reply.error) ? 'rate_limited' : 'rpc' });
          if (isRateLimited(reply.error) && attempt < retries) limited.push(index);
          else if (isRateLimited(reply.error)) {
            throw new RetryableError(`${call.method}: ${reply.error.message} (rate limited, gave up after ${attempt + 1} attempts)`);
          } else outcomes[index] = { ok: false, error: new RpcResponseError(call.method, reply.error) };
        } else {
          outcomes[index] = { ok: true, result: reply.result ?? null };
        }
      });
      pending = limited;
      if (pending.length > 0) {
        counters.retries += 1;
        await sleep(backoffDelay(attempt, backoff));
      }
    }
    return outcomes as RpcOutcome[];
  }

  async function batch(calls: RpcCall[], batchOptions: BatchOptions = {}): Promise<RpcOutcome[]> {
    const chunks: RpcCall[][] = [];
    const perRequest = Math.max(1, Math.min(batchSize, batchOptions.callsPerRequest ?? batchSize));
    for (let i = 0; i < calls.length; i += perRequest) chunks.push(calls.slice(i, i + perRequest));
    const bound = batchOptions.maxReplyBytes === undefined ? undefined : { maxBytes: batchOptions.maxReplyBytes, partial: batchOptions.partialArrays === true };
    const results = await Promise.all(chunks.map((chunk) => (bound === undefined ? sendChunk(chunk) : sendBounded(chunk, bound))));
    return results.flat();
  }

  /** A chunk whose reply is too large is sent again one call per request. */
  async function sendBounded(calls: RpcCall[], bound: ReplyBound): Promise<RpcOutcome[]> {
    try {
      return await sendChunk(calls, bound);
    } catch (error) {
      if (!(error instanceof ReplyTooLargeError) && !(error instanceof RpcTimeoutError)) throw error;
      if (calls.length === 1) {
        let partial: unknown[] | undefined;
        if (error instanceof ReplyTooLargeError && error.prefix !== undefined) partial = await completeResultElements(error.prefix, { onParsed });
        return [{ ok: false, error: new OversizedReplyError(calls[0]!.method, error, partial) }];
      }
      // Each call on its own: one more oversized answer at most (halving would ask for the
      // large one again at every level, and the node builds it whole each time).
      return (await Promise.all(calls.map((c) => sendBounded([c], bound)))).flat();
    }
  }

  return {
    async request<T>(method: string, params: unknown[] = []): Promise<T> {
      const [outcome] = await sendChunk([{ method, params }]);
      if (!outcome!.ok) throw outcome!.error;
      return outcome!.result as T;
    },
    batch,
    async batchResults<T>(calls: RpcCall[]): Promise<T[]> {
      const outcomes = await batch(calls);
      return outcomes.map((o) => {
        if (!o.ok) throw o.error;
        return o.result as T;
      });
    },
    stats: () => ({ ...counters, byMethod: { ...byMethod }, ...replies }),
    async close() {
      closed = true;
    },
  };
}

/** Pair replies with calls by id; a batch answered by one error object applies to all. */
function matchReplies(reply: unknown, ids: number[], calls: RpcCall[]): WireReply[] {
  if (!Array.isArray(reply)) {
    const single = reply as WireReply | null;
    if (single && typeof single === 'object' && (single.error || 'result' in single)) {
      if (ids.length === 1 || single.error) return ids.map(() => single);
    }
    throw new RetryableError('RPC reply is not a JSON-RPC response', { details: { reply: JSON.stringify(reply).slice(0, 200) } });
  }
  const byId = new Map<unknown, WireReply>();
  for (const r of reply as WireReply[]) if (r && typeof r === 'object') byId.set(r.id, r);
  return ids.map((id, i) => {
    const r = byId.get(id);
    if (!r) {
      // Some load balancers drop members of a batch under load; treat as transient.
      throw new RetryableError(`RPC reply is missing the answer to ${calls[i]!.method}`);
    }
    return r;
  });
}
