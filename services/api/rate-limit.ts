// Rate limits with express-rate-limit: per client address before authentication (guessing
// keys costs requests) and per API key after it. With Redis the counters live there, so
// every API process shares one limit; without Redis (one process) they live in memory.
// Behind a proxy, TRACEHOLD_TRUST_PROXY makes the client address the forwarded one.
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore } from 'rate-limit-redis';
import { TooManyRequestsError } from './http-errors';

export interface RateLimitOptions {
  perMinute: number;
  /** Shared counters; unset: this process only. */
  redis?: Redis;
  /** Key prefix in Redis (the deployment's queue prefix). */
  prefix: string;
}

export function rateLimiter(by: 'address' | 'key', options: RateLimitOptions): RequestHandler {
  const { redis } = options;
  return rateLimit({
    windowMs: 60_000,
    limit: options.perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => (by === 'key' ? `key:${req.principal?.keyId ?? 'anonymous'}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`),
    handler: (_req, _res, next) => next(new TooManyRequestsError(`more than ${options.perMinute} requests a minute`)),
    // A proxy's X-Forwarded-For without TRACEHOLD_TRUST_PROXY is the deployment's choice, not an error to print.
    validate: { xForwardedForHeader: false },
    // Redis unreachable: serve rather than fail every request (readiness reports Redis).
    passOnStoreError: true,
    ...(redis
      ? { store: new RedisStore({ prefix: `${options.prefix}:rate-limit:${by}:`, sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as never }) }
      : {}),
  });
}
