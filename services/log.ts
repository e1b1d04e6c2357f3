// Structured logs with pino on stderr (stdout belongs to the CLI's report): one JSON object
// a line, pretty when stderr is a terminal. Secrets are redacted by path — the fields that
// carry them, not every field whose name looks like one (a `token` is usually an asset).
import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  /** The pino logger underneath (pino-http logs requests through it). */
  readonly pino: PinoLogger;
}

/** Where secrets sit in what we log: headers, request bodies, partner and key records. */
export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]',
  'authorization', 'headers.authorization', 'headers["tracehold-signature"]',
  'webhookSecret', '*.webhookSecret', 'apiKey', '*.apiKey', 'secret', '*.secret', 'password', '*.password',
  'key', 'bootstrapAdminKey', 'secretKeys', '*.secretKeys', 'callbackSecret', '*.callbackSecret', 'callback.secret',
];

/** The request a log line or a queued job belongs to (set per request by the API). */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

export function createLogger(level: LogLevel = 'info', base: Record<string, unknown> = {}, write?: (line: string) => void): Logger {
  const destination: DestinationStream = write
    ? { write: (chunk: string) => write(chunk.replace(/\n$/, '')) }
    : process.stderr.isTTY
      ? (require('pino-pretty') as (o: object) => DestinationStream)({ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l' })
      : pino.destination({ dest: 2, sync: true });
  const logger = pino(
    {
      level,
      base,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Amounts are bigint: they log as exact decimal strings, as the API sends them.
      formatters: { level: (label) => ({ level: label }), log: (object) => bigintsAsStrings(object) as Record<string, unknown> },
      // A line logged while serving a request carries its id.
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    destination,
  );
  return wrap(logger);
}

function wrap(p: PinoLogger): Logger {
  return {
    debug: (msg, fields) => p.debug(fields ?? {}, msg),
    info: (msg, fields) => p.info(fields ?? {}, msg),
    warn: (msg, fields) => p.warn(fields ?? {}, msg),
    error: (msg, fields) => p.error(fields ?? {}, msg),
    child: (fields) => wrap(p.child(fields)),
    pino: p,
  };
}

function bigintsAsStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (depth > 6 || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) return value.some((v) => typeof v === 'bigint' || (v && typeof v === 'object')) ? value.map((v) => bigintsAsStrings(v, depth + 1)) : value;
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bigintsAsStrings(v, depth + 1)]));
}

export const silentLogger: Logger = createLogger('silent');
