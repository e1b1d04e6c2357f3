// Bearer API keys and roles. Every route declares who may call it; there is no default.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { authenticate, type Principal, type Role } from '../auth/api-keys';
import { ForbiddenError, UnauthorizedError } from '../errors';
import type { Store } from '../store';

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
