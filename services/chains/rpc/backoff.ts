// Exponential backoff with full jitter, so many clients hitting one provider spread out.

export interface BackoffOptions {
  /** First delay ceiling in ms. */
  baseMs: number;
  /** No delay exceeds this, Retry-After included. */
  maxMs: number;
}

/** Delay before retry number `attempt` (0-based), honouring a server's Retry-After if larger. */
export function backoffDelay(attempt: number, options: BackoffOptions, retryAfterMs?: number): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
  const jittered = Math.floor(ceiling / 2 + Math.random() * (ceiling / 2));
  if (retryAfterMs === undefined) return jittered;
  return Math.min(options.maxMs, Math.max(retryAfterMs, jittered));
}

/** Parse an HTTP Retry-After header: delta seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
