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
