// Bearer API keys and roles. Every route declares who may call it; there is no default.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { authenticate, type Principal, type Role } from '../auth/api-keys';
import { ForbiddenError, UnauthorizedError } from '../errors';
import type { Store } from '../store';
import { TooManyRequestsError } from './http-errors';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function authRequired(store: Store): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    if (!match) return next(new UnauthorizedError('missing bearer API key'));
    const principal = await authenticate(store, match[1]!);
    if (!principal) return next(new UnauthorizedError('unknown or revoked API key'));
    req.principal = principal;
    next();
  };
}

export function allow(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const role = req.principal?.role;
    if (!role) return next(new UnauthorizedError('missing bearer API key'));
    if (!roles.includes(role)) return next(new ForbiddenError(`this route is for ${roles.join(' or ')} keys`));
    next();
  };
}

/**
 * A fixed-window limit per client address (before authentication: guessing keys costs
 * requests) or per API key (after it). The app mounts one of each.
 */
export function rateLimit(perMinute: number, by: 'address' | 'key'): RequestHandler {
  const windows = new Map<string, { start: number; count: number }>();
  return (req, _res, next) => {
    const now = Date.now();
    const who = by === 'key' ? req.principal?.keyId ?? 'anonymous' : req.ip ?? 'unknown';
    let w = windows.get(who);
    if (!w || now - w.start >= 60_000) {
      w = { start: now, count: 0 };
      windows.set(who, w);
      if (windows.size > 100_000) windows.clear();
    }
    w.count++;
    if (w.count > perMinute) return next(new TooManyRequestsError(`more than ${perMinute} requests a minute`));
    next();
  };
}
