// Liveness and readiness. Both look at the real dependencies, each under a short deadline so
// a hung dependency gives a 503 quickly instead of a hung probe:
// - /healthz: this process can reach Postgres and (when used) Redis;
// - /readyz: that, and every enabled chain source answers its confirmed tip.
import type { TraceDeps } from '../tracing/deps';

export type CheckResult = 'ok' | string;

export interface HealthReport {
  ok: boolean;
  checks: Record<string, CheckResult>;
}

const CHECK_TIMEOUT_MS = 3_000;

export async function checkHealth(deps: TraceDeps, options: { chains: boolean; extra?: () => Promise<void> }): Promise<HealthReport> {
  const checks: Record<string, Promise<void>> = {
    postgres: deps.store.db.query('select 1').then(() => undefined),
  };
  const queue = deps.queue as { ping?: () => Promise<void> };
  if (typeof queue.ping === 'function') checks.redis = queue.ping();
  if (options.extra) checks.extra = options.extra();
  if (options.chains) {
    for (const name of deps.chains.enabled()) {
      checks[`chain:${name}`] = (async () => {
        await deps.chains.get(name).tip();
      })();
    }
  }
  const names = Object.keys(checks);
  const settled = await Promise.allSettled(names.map((n) => withDeadline(checks[n]!, CHECK_TIMEOUT_MS)));
  const out: Record<string, CheckResult> = {};
  settled.forEach((s, i) => {
    // Messages are ours or the drivers'; they name the failing part, never a URL with a key.
    out[names[i]!] = s.status === 'fulfilled' ? 'ok' : oneLine((s.reason as Error)?.message ?? 'failed');
  });
  return { ok: Object.values(out).every((v) => v === 'ok'), checks: out };
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function oneLine(message: string): string {
  return message.replace(/https?:\/\/\S+/g, '<url>').replace(/\s+/g, ' ').slice(0, 200);
}
