// Prometheus metrics of this process (prom-client): HTTP latency per route, RPC calls and
// errors per chain and method, and Node's own figures. Figures shared by every process
// (traces, deliveries, alerts, queues) are read at scrape time instead: api/metrics.ts.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'tracehold_' });

export const httpDuration = new Histogram({
  name: 'tracehold_http_request_duration_seconds',
  help: 'HTTP request latency by route (the route pattern, not the URL), method and status.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const rpcCalls = new Counter({
  name: 'tracehold_rpc_calls_total',
  help: 'JSON-RPC calls sent, by chain and method (retries included).',
  labelNames: ['chain', 'method'] as const,
  registers: [registry],
});

export const rpcErrors = new Counter({
  name: 'tracehold_rpc_errors_total',
  help: 'JSON-RPC calls that failed, by chain, method and kind (transport, rpc, rate_limited).',
  labelNames: ['chain', 'method', 'kind'] as const,
  registers: [registry],
});

/**
 * The `method` label of a REST call (Esplora, java-tron's /wallet/*): the path with its
 * variable parts replaced, so labels stay few (`/tx/:txid/hex`, `/block-height/:n`,
 * `/address/:address/txs/chain/:txid`) and no address or hash becomes a series.
 */
export function restMethodLabel(path: string): string {
  const bare = path.split('?')[0]!;
  return bare
    .split('/')
    .map((segment) => {
      if (/^[0-9a-fA-F]{64}$/.test(segment)) return ':txid';
      if (/^\d+$/.test(segment)) return ':n';
      if (/^[A-Za-z0-9]{25,90}$/.test(segment)) return ':address';
      return segment;
    })
    .join('/');
}

/** Error kind of a failed REST call, as the JSON-RPC client labels them. */
export function restErrorKind(error: unknown): 'rate_limited' | 'transport' | 'http' {
  const details = (error as { details?: { status?: number } } | null)?.details;
  if (details?.status === 429) return 'rate_limited';
  if (typeof details?.status === 'number') return 'http';
  return 'transport';
}
