// Service entry point: `npm start` runs API, workers and scheduler in one process;
// `services/main.ts api|worker|migrate` runs one part. SIGTERM/SIGINT close in order:
// stop taking requests, let workers finish or hand back their jobs, then close stores.
import { Redis } from 'ioredis';
import { loadConfig } from '../config';
import { createAppContext } from './app';
import { createApiApp } from './api/app';
import { startServer, type RunningServer } from './api/server';
import { bootstrapAdmin } from './auth/api-keys';
import { createLogger, type Logger } from './log';
import { startBullWorkers, type BullWorkers, type FailedJob } from './queues/bullmq';
import { startInlinePump } from './queues/inline';
import { failStuckTrace } from './tracing/trace-step';
import { queueRunCallback } from './callbacks/notify';
import type { TraceDeps } from './tracing/deps';
import { createJobProcessor } from '../workers/processors';
import { verifyIssuerFreezes } from './freeze/issuer-freezes';
import { scheduleNightlyRetrace } from './retrace/schedule';
import { createWatcher } from './retrace/watch';

export async function start(role: 'all' | 'api' | 'worker' | 'migrate' | 'scheduler' = 'all') {
  const config = loadConfig();
  const log = createLogger(config.logLevel, { role });
  if (!config.redisUrl && role !== 'migrate') {
    log.warn('REDIS_URL is unset: jobs run inside the API process');
  }
  const ctx = await createAppContext({ config, log });
  if (role === 'migrate') {
    await ctx.close();
    return async () => {};
  }
  if (await bootstrapAdmin(ctx.deps.store, config.bootstrapAdminKey)) log.info('bootstrap admin key created');
  let server: RunningServer | undefined;
  let workers: BullWorkers | undefined;
  let stopPump: (() => void) | undefined;
  if (role === 'all' || role === 'worker') {
    if (config.redisUrl) {
      workers = startBullWorkers({
        redisUrl: config.redisUrl, prefix: config.queuePrefix, processor: createJobProcessor(ctx.deps), log,
        onFailed: traceFailureHook(ctx.deps, log),
      });
    } else if (ctx.inline) {
      // No Redis: drain the in-process queue in the background.
      stopPump = startInlinePump(ctx.inline, () => ctx.drain(), (e) => log.error('job failed', { error: e.message }));
    }
  }
  // Issuer freezes show on-chain before any reply: look at open issuer requests every minute.
  let issuerCheck: NodeJS.Timeout | undefined;
  const watcher = createWatcher(ctx.deps, log);
  if (role === 'all' || role === 'scheduler') {
    if (ctx.bull) {
      await scheduleNightlyRetrace(ctx.bull, config);
      log.info('nightly re-trace scheduled', { cron: config.retrace.cron, timezone: config.retrace.timezone });
    } else {
      log.warn('REDIS_URL is unset: no nightly schedule; run `tracehold retrace --all` from cron');
    }
    watcher.start(config.retrace.watchIntervalMs);
    issuerCheck = setInterval(() => {
      verifyIssuerFreezes(ctx.deps).catch((e) => log.warn('issuer freeze check failed', { error: (e as Error).message }));
    }, 60_000);
  }
  // Rate-limit counters in Redis: every API process shares one limit.
  const redis = config.redisUrl && (role === 'all' || role === 'api') ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : undefined;
  redis?.on('error', () => undefined);
  if (role === 'all' || role === 'api') {
    server = await startServer(createApiApp(ctx.deps, { ...(redis ? { redis } : {}), ...(ctx.bull ? { queues: ctx.bull, readiness: () => ctx.bull!.ping() } : {}) }), config.port, config.host);
    log.info('api listening', { url: server.url });
  }
  const stop = async () => {
    stopPump?.();
    if (issuerCheck) clearInterval(issuerCheck);
    await watcher.stop();
    await server?.stop();
    await redis?.quit().catch(() => undefined);
    // Jobs still running after the grace period: exit without closing the stores under them;
    // their locks lapse and other workers run those steps again.
    if (workers && !(await workers.close(shutdownGraceMs()))) return;
    await ctx.close();
  };
  return stop;
}

/**
 * How long SIGTERM lets running jobs finish before handing them back to the queue
 * (TRACEHOLD_SHUTDOWN_GRACE_MS, default 20 s: inside Kubernetes' default 30 s).
 */
export function shutdownGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = Number(env.TRACEHOLD_SHUTDOWN_GRACE_MS ?? 20_000);
  return Number.isFinite(raw) && raw >= 0 ? raw : 20_000;
}

/** Trace jobs that BullMQ failed without our processor (stalled too often) fail their case. */
export function traceFailureHook(deps: TraceDeps, log: Logger) {
  return async (job: FailedJob) => {
    if (job.name !== 'trace-hop' && job.name !== 'trace-finalize') return;
    const data = job.data as { caseId: string; runId: string };
    if (await failStuckTrace(deps, data, job.reason)) {
      log.warn('trace run failed by the queue', { jobId: job.id, reason: job.reason });
      await queueRunCallback(deps, data.caseId, data.runId).catch((e) => log.error('could not queue the case callback', { error: (e as Error).message }));
    }
  };
}

if (require.main === module) {
  const role = (process.argv[2] ?? 'all') as 'all' | 'api' | 'worker' | 'migrate' | 'scheduler';
  start(role).then(
    (stop) => {
      if (role === 'migrate') return;
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`tracehold: ${signal}, shutting down\n`);
        stop().then(() => process.exit(0), (e) => { process.stderr.write(`${(e as Error).message}\n`); process.exit(1); });
      };
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGINT', () => shutdown('SIGINT'));
    },
    (error) => {
      process.stderr.write(`tracehold: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
