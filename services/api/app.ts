// The Express application: security headers, body limits, auth, routes, one error handler.
import { randomUUID } from 'node:crypto';
import express, { json, type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { requestContext } from '../log';
import { NotFoundError } from '../errors';
import { rejectUnparsedBodies } from './guards';
import type { TraceDeps } from '../tracing/deps';
import type { Redis } from 'ioredis';
import { authRequired } from './auth';
import { rateLimiter } from './rate-limit';
import { checkHealth } from './health';
import { docsRouter } from './docs';
import { metricsHandler, timeRequests } from './metrics';
import { queueBoard } from './queue-board';
import type { BullQueues } from '../queues/bullmq';
import { errorHandler } from './http-errors';
import { casesRouter } from './routes/cases';
import { retraceRouter } from './routes/retrace';
import { labelsRouter } from './routes/labels';
import { alertsRouter } from './routes/alerts';
import { caseFreezeRouter, freezeRequestsRouter } from './routes/freeze-requests';
import { partnerSideRouter, partnersRouter } from './routes/partners';
import { keysRouter } from './routes/keys';
import { workbenchRouter } from './workbench-static';
import { sessionRouter } from './routes/session';
import { caseWorkbenchRouter } from './routes/case-workbench';
import { freezeReviewRouter } from './routes/freeze-review';
import { recordCaseActions } from './case-activity-recorder';

export interface ApiOptions {
  /** Extra readiness checks (Redis…), beyond the database. */
  readiness?: () => Promise<void>;
  /** Redis for counters shared by every API process (rate limits). */
  redis?: Redis;
  /** BullMQ queues: their dashboard at /admin/queues and their counts in /metrics. */
  queues?: BullQueues;
}

export function createApiApp(deps: TraceDeps, options: ApiOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.security.trustProxy);
  app.set('query parser', 'simple');
  // Amounts are bigint inside: they leave as decimal strings, never as floats.
  app.use(timeRequests);
  // One JSON log line per request, with an id the client may send (X-Request-Id) or we make;
  // lines logged while serving it, and jobs it queues, carry the same id.
  app.use(pinoHttp({
    logger: deps.log.pino,
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && /^[A-Za-z0-9._:-]{1,100}$/.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customProps: (_req, res) => (typeof res.locals.route === 'string' ? { route: res.locals.route } : {}),
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
  }));
  app.use((req, _res, next) => requestContext.run({ requestId: String(req.id) }, next));
  app.set('json replacer', (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    next();
  });

  // Probes answer before rate limits and auth: an orchestrator has no key.
  const probe = (chains: boolean): express.RequestHandler => async (_req, res) => {
    const health = await checkHealth(deps, { chains, ...(options.readiness ? { extra: options.readiness } : {}) });
    if (health.ok) res.json(health);
    else res.status(503).json({ error: { code: 'unavailable', message: 'a dependency is not available', details: health.checks } });
  };
  app.get('/healthz', probe(false));
  app.get('/readyz', probe(true));
  // The API description is public, like the probes: integrators read it before they have a key.
  app.use(docsRouter());
  // Scraped by Prometheus from inside the deployment, like the probes (see README).
  app.get('/metrics', metricsHandler(deps, options.queues));
  if (options.queues) app.use(queueBoard(options.queues, deps.store));

  const v1 = express.Router();
  const limits = { perMinute: deps.config.api.rateLimitPerMinute, prefix: deps.config.queuePrefix, ...(options.redis ? { redis: options.redis } : {}) };
  v1.use(rateLimiter('address', limits));
  v1.use(authRequired(deps.store));
  // Once the key is known the limit is per key, so callers behind one address do not share it.
  v1.use(rateLimiter('key', limits));
  v1.use(rejectUnparsedBodies);
  v1.use(json({ limit: deps.config.api.bodyLimitBytes, strict: true }));
  v1.use(recordCaseActions(deps));
  v1.use('/cases', casesRouter(deps));
  v1.use('/cases', caseFreezeRouter(deps));
  v1.use('/cases', caseWorkbenchRouter(deps));
  v1.use('/labels', labelsRouter(deps));
  v1.use('/partners', partnersRouter(deps));
  v1.use('/partner', partnerSideRouter(deps));
  v1.use('/freeze-requests', freezeRequestsRouter(deps));
  v1.use('/freeze-requests', freezeReviewRouter(deps));
  v1.use('/alerts', alertsRouter(deps));
  v1.use(retraceRouter(deps));
  v1.use('/keys', keysRouter(deps));
  v1.use(sessionRouter(deps));
  app.use('/v1', v1);
  app.use(workbenchRouter());

  app.use((req, _res, next) => next(new NotFoundError(`no route ${req.method} ${req.path}`)));
  app.use(errorHandler(deps.log));
  return app;
}
