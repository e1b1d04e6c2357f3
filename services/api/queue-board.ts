// The BullMQ dashboard (bull-board) at /admin/queues, for admin keys only. A browser gets
// a Basic-auth prompt (any user name, the API key as password); scripts send the usual
// Bearer header.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router, type RequestHandler } from 'express';
import { authenticate } from '../auth/api-keys';
import { ForbiddenError, UnauthorizedError } from '../errors';
import type { BullQueues } from '../queues/bullmq';
import { QUEUE_NAMES } from '../queues/definitions';
import type { Store } from '../store';

export const QUEUE_BOARD_PATH = '/admin/queues';

/** bull-board's page runs its own bundle and inline bootstrap; nothing comes from elsewhere. */
const BOARD_CSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

export function queueBoard(queues: BullQueues, store: Store): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: QUEUE_NAMES.map((name) => new BullMQAdapter(queues.queue(name))), serverAdapter: adapter });
  const router = Router();
  router.use(QUEUE_BOARD_PATH, adminOnly(store), (_req, res, next) => {
    res.setHeader('Content-Security-Policy', BOARD_CSP);
    next();
  }, adapter.getRouter());
  return router;
}

function adminOnly(store: Store): RequestHandler {
  return async (req, res, next) => {
    const key = keyOf(req.get('authorization') ?? '');
    const principal = key ? await authenticate(store, key) : null;
    if (!principal) {
      res.setHeader('WWW-Authenticate', 'Basic realm="tracehold queues (password: an admin API key)", charset="UTF-8"');
      return next(new UnauthorizedError(key ? 'unknown, revoked or expired API key' : 'missing API key'));
    }
    if (principal.role !== 'admin') return next(new ForbiddenError('the queue dashboard is for admin keys'));
    next();
  };
}

function keyOf(header: string): string | null {
  const bearer = /^Bearer ([^\s]+)$/i.exec(header);
  if (bearer) return bearer[1]!;
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : null;
}
