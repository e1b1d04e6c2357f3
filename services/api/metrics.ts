// GET /metrics in the Prometheus text format: this process's registry (HTTP latency, RPC
// calls and errors, Node figures) plus figures every process shares, read at scrape time:
// trace runs by outcome with a duration histogram and hops, queue jobs by state, freeze
// deliveries by outcome, alerts raised by kind.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UnauthorizedError } from '../errors';
import { httpDuration, registry } from '../metrics';
import type { BullQueues } from '../queues/bullmq';
import { QUEUE_NAMES } from '../queues/definitions';
import { TRACE_DURATION_BUCKETS } from '../store/metrics-repo';
import type { TraceDeps } from '../tracing/deps';

/** Times every request; the route label is the declared pattern, never the raw URL. */
export const timeRequests: RequestHandler = (req, res, next) => {
  const end = httpDuration.startTimer();
  res.on('finish', () => {
    const route = typeof res.locals.route === 'string' ? res.locals.route : req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
    end({ method: req.method, route, status: String(res.statusCode) });
  });
  next();
};

export function metricsHandler(deps: TraceDeps, queues?: BullQueues): RequestHandler {
  const token = deps.config.api.metricsToken;
  return async (req, res, next) => {
    // TRACEHOLD_METRICS_TOKEN set: a scraper sends it as a bearer token (Prometheus'
    // `authorization: {credentials: …}`); compared in constant time.
    if (token !== undefined && !bearerMatches(req.get('authorization'), token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return next(new UnauthorizedError('/metrics wants the bearer token set in TRACEHOLD_METRICS_TOKEN'));
    }
    const shared = await sharedFigures(deps, queues);
    res.type(registry.contentType).send((await registry.metrics()) + shared);
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  // Hashes of equal length: timingSafeEqual needs them, and the token's length does not leak.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

async function sharedFigures(deps: TraceDeps, queues?: BullQueues): Promise<string> {
  const out: string[] = [];
  const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  const sample = (name: string, labels: Record<string, string>, value: number) => {
    const text = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',');
    out.push(`${name}${text ? `{${text}}` : ''} ${value}`);
  };

  const traces = await deps.store.metrics.traceOutcomes();
  family('tracehold_traces_total', 'counter', 'Trace runs that ended, by outcome (done, failed, cancelled).');
  for (const t of traces) sample('tracehold_traces_total', { outcome: t.outcome }, t.count);
  family('tracehold_trace_duration_seconds', 'histogram', 'Duration of ended trace runs, by outcome.');
  for (const t of traces) {
    TRACE_DURATION_BUCKETS.forEach((le, i) => sample('tracehold_trace_duration_seconds_bucket', { outcome: t.outcome, le: String(le) }, t.buckets[i]!));
    sample('tracehold_trace_duration_seconds_bucket', { outcome: t.outcome, le: '+Inf' }, t.count);
    sample('tracehold_trace_duration_seconds_sum', { outcome: t.outcome }, t.durationSum);
    sample('tracehold_trace_duration_seconds_count', { outcome: t.outcome }, t.count);
  }
  family('tracehold_trace_hops_total', 'counter', 'Hops crawled by ended trace runs, by outcome.');
  for (const t of traces) sample('tracehold_trace_hops_total', { outcome: t.outcome }, t.hops);

  family('tracehold_freeze_deliveries_total', 'counter', 'Freeze request webhook deliveries, by outcome (delivered, failed for good).');
  for (const d of await deps.store.metrics.deliveryOutcomes()) sample('tracehold_freeze_deliveries_total', { outcome: d.outcome }, d.count);

  family('tracehold_alerts_raised_total', 'counter', 'Alerts raised, by kind.');
  for (const a of await deps.store.metrics.alertsByKind()) sample('tracehold_alerts_raised_total', { kind: a.kind }, a.count);

  family('tracehold_queue_jobs', 'gauge', 'Jobs per queue and state (BullMQ; the in-process queue reports waiting only).');
  for (const name of QUEUE_NAMES) {
    if (queues) {
      const counts = await queues.queue(name).getJobCounts('waiting', 'active', 'failed', 'delayed');
      for (const [state, n] of Object.entries(counts)) sample('tracehold_queue_jobs', { queue: name, state }, n);
    }
  }
  if (!queues && 'pending' in deps.queue) sample('tracehold_queue_jobs', { queue: 'inline', state: 'waiting' }, (deps.queue as { pending: number }).pending);
  return out.join('\n') + '\n';
}
