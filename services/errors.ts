// One small hierarchy. Each error says what happened and whether retrying can help; the
// HTTP mapping lives in the API's error handler, the queue mapping in the job runner.

export interface ErrorOptions {
  details?: unknown;
  cause?: unknown;
}

export class TraceholdError extends Error {
  readonly code: string = 'internal';
  readonly retryable: boolean = false;
  readonly details: unknown;

  constructor(message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
  }
}

/** A dependency failed in a way that may pass: timeouts, 429, 5xx, lost connections. */
export class RetryableError extends TraceholdError {
  override readonly code: string = 'unavailable';
  override readonly retryable = true;
  /** Milliseconds the remote asked us to wait (Retry-After), if it said. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: ErrorOptions & { retryAfterMs?: number } = {}) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Malformed input (cannot be parsed). HTTP 400, CLI exit 2. */
export class BadRequestError extends TraceholdError {
  override readonly code: string = 'bad_request';
}

/** Well-formed but invalid input: a bad checksum, an unknown chain. HTTP 422, CLI exit 2. */
export class InvalidInputError extends TraceholdError {
  override readonly code: string = 'invalid_input';
}

export class NotFoundError extends TraceholdError {
  override readonly code: string = 'not_found';
}

export class ConflictError extends TraceholdError {
  override readonly code: string = 'conflict';
}

export class UnauthorizedError extends TraceholdError {
  override readonly code: string = 'unauthorized';
}

export class ForbiddenError extends TraceholdError {
  override readonly code: string = 'forbidden';
}

export class PayloadTooLargeError extends TraceholdError {
  override readonly code: string = 'payload_too_large';
}

/** The one place that decides whether an error is worth retrying. */
export function shouldRetry(error: unknown): boolean {
  if (error instanceof TraceholdError) return error.retryable;
  // Unknown errors from drivers (socket resets, ECONNREFUSED) are treated as transient.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET',
  '57P01', // postgres admin_shutdown
  '08006', '08001', '08003', // postgres connection failures
]);
