// The one place errors become HTTP: `{"error": {"code", "message", "details"}}`.
import type { ErrorRequestHandler } from 'express';
import {
  BadRequestError, ConflictError, ForbiddenError, InvalidInputError, NotFoundError, PayloadTooLargeError,
  RetryableError, TraceholdError, UnauthorizedError,
} from '../errors';
import type { Logger } from '../log';

export class TooManyRequestsError extends TraceholdError {
  override readonly code: string = 'rate_limited';
}

export class UnsupportedMediaTypeError extends TraceholdError {
  override readonly code: string = 'unsupported_media_type';
}

const STATUS: [new (...args: never[]) => Error, number][] = [
  [BadRequestError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [InvalidInputError, 422],
  [TooManyRequestsError, 429],
  [RetryableError, 503],
];

export function httpStatusOf(error: unknown): number {
  for (const [type, status] of STATUS) if (error instanceof type) return status;
  return 500;
}

/** body-parser and friends signal with `type`/`status`: make them ours. */
function normalize(error: unknown): unknown {
  const e = error as { type?: string; status?: number; message?: string } | null;
  if (e?.type === 'entity.too.large') return new PayloadTooLargeError('request body is too large');
  if (e?.type === 'entity.parse.failed') return new BadRequestError('request body is not valid JSON');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new UnsupportedMediaTypeError(e.message ?? 'unsupported encoding');
  if (e?.type === 'request.aborted' || e?.type === 'request.size.invalid' || e?.type === 'stream.encoding.set') return new BadRequestError('request body could not be read');
  if (e && e.status === 400 && !(error instanceof TraceholdError)) return new BadRequestError('malformed request');
  return error;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (raw, req, res, _next) => {
    const error = normalize(raw);
    const status = httpStatusOf(error);
    const traceholdError = error instanceof TraceholdError ? error : null;
    if (status >= 500) log.error('request failed', { method: req.method, path: req.path, error: (error as Error)?.message });
    const body = {
      error: {
        code: traceholdError?.code ?? 'internal',
        message: status >= 500 && !(error instanceof RetryableError) ? 'internal error' : (error as Error).message,
        ...(traceholdError?.details !== undefined ? { details: traceholdError.details } : {}),
      },
    };
    if (status === 429 && error instanceof TooManyRequestsError) res.setHeader('Retry-After', '60');
    res.status(status).json(body);
  };
}
