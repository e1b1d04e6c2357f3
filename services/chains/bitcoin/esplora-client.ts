// Esplora REST over fetch (Blockstream, mempool.space, self-hosted electrs). Every failure
// that may pass (timeout, 429, 5xx, reset socket) is retried with backoff, honouring
// Retry-After; at most `concurrency` requests are in flight.
import { NotFoundError, RetryableError, TraceholdError, shouldRetry } from '../../errors';
import { backoffDelay, parseRetryAfter, sleep, type BackoffOptions } from '../rpc/backoff';
import { redact } from '../rpc/http-post';
import { createSemaphore } from '../rpc/semaphore';
import type { SourceStats } from '../source';
import { restErrorKind, restMethodLabel, rpcCalls, rpcErrors } from '../../metrics';

export interface EsploraClientOptions {
  /** Base URL, e.g. `https://blockstream.info/api`. */
  baseUrl: string;
  timeoutMs?: number;
  /** Retries after the first attempt. */
  retries?: number;
  backoff?: BackoffOptions;
  concurrency?: number;
  /** The chain, as the `chain` label of the RPC metrics (`tracehold_rpc_calls_total`). */
  metricsLabel?: string;
}

export interface EsploraClient {
  getJson<T>(path: string): Promise<T>;
  getText(path: string): Promise<string>;
  stats(): SourceStats;
}

export function createEsploraClient(options: EsploraClientOptions): EsploraClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 5;
  const backoff = options.backoff ?? { baseMs: 250, maxMs: 30_000 };
  const semaphore = createSemaphore(options.concurrency ?? 8);
  const counters = { rpcCalls: 0, httpRequests: 0, retries: 0 };
  const chain = options.metricsLabel ?? 'bitcoin';

  async function once(path: string): Promise<string> {
    // Counted like a JSON-RPC call: per chain and method (the path's template), retries included.
    const method = `GET ${restMethodLabel(path)}`;
    rpcCalls.inc({ chain, method });
    try {
      return await request(path);
    } catch (error) {
      rpcErrors.inc({ chain, method, kind: restErrorKind(error) });
      throw error;
    }
  }

  async function request(path: string): Promise<string> {
    const url = `${baseUrl}${path}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    counters.httpRequests += 1;
    try {
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, { signal: controller.signal });
        text = await response.text();
      } catch (error) {
        if (controller.signal.aborted) throw new RetryableError(`Esplora ${redact(url)} timed out after ${timeoutMs} ms`, { cause: error });
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new RetryableError(`Esplora ${redact(url)} connection failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`, { cause: error });
      }
      if (response.ok) return text;
      const details = { status: response.status, body: text.slice(0, 200) };
      if (response.status === 429 || response.status >= 500) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        throw new RetryableError(`Esplora ${redact(url)} failed with HTTP ${response.status}`, {
          details, ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        });
      }
      // Esplora answers 404 for an unknown transaction or address, 400 for a malformed one.
      if (response.status === 404 || response.status === 400) {
        throw new NotFoundError(`Esplora ${redact(url)}: ${text.trim().slice(0, 120) || `HTTP ${response.status}`}`, { details });
      }
      throw new TraceholdError(`Esplora ${redact(url)} failed with HTTP ${response.status}`, { details });
    } finally {
      clearTimeout(timer);
    }
  }

  async function get(path: string): Promise<string> {
    counters.rpcCalls += 1;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await semaphore.run(() => once(path));
      } catch (error) {
        if (!shouldRetry(error) || attempt >= retries) {
          if (error instanceof RetryableError && attempt > 0) {
            throw new RetryableError(`${error.message} (gave up after ${attempt + 1} attempts)`, {
              cause: error, ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
            });
          }
          throw error;
        }
        counters.retries += 1;
        await sleep(backoffDelay(attempt, backoff, error instanceof RetryableError ? error.retryAfterMs : undefined));
      }
    }
  }

  return {
    getText: get,
    async getJson<T>(path: string): Promise<T> {
      const text = await get(path);
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        throw new TraceholdError(`Esplora ${redact(baseUrl + path)} returned malformed JSON`, { cause: error, details: { body: text.slice(0, 200) } });
      }
    },
    stats: () => ({ ...counters }),
  };
}
