// A worker process for crash tests: what `services/main.ts worker` runs (same processors,
// same failed-job hook, same SIGTERM handling), with BullMQ locks short enough that a
// SIGKILLed worker's job is handed back within seconds instead of 30. Configuration comes
// from the environment, as for the real entry point.
import { loadConfig } from '../../config';
import { createAppContext } from '../../services/app';
import { createLogger } from '../../services/log';
import { shutdownGraceMs, traceFailureHook } from '../../services/main';
import { startBullWorkers } from '../../services/queues/bullmq';
import { createJobProcessor } from '../../workers/processors';

async function run(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, { role: 'test-worker', pid: process.pid });
  const ctx = await createAppContext({ config, log, queue: 'bull' });
  // TEST_EXIT_AFTER_JOBS=n: stop taking jobs after n and exit once they are done (a step
  // handed over to another worker process at a known point).
  const exitAfter = Number(process.env.TEST_EXIT_AFTER_JOBS ?? 0);
  let done = 0;
  const processor = createJobProcessor(ctx.deps);
  const counted: typeof processor = async (job) => {
    try {
      await processor(job);
    } finally {
      done += 1;
      if (exitAfter > 0 && done === exitAfter) {
        // Closing before BullMQ marks this job done: it fetches no next job with it.
        void workers.close().then(() => ctx.close()).then(() => process.exit(0), () => process.exit(1));
      }
    }
  };
  const workers = startBullWorkers({
    redisUrl: config.redisUrl!, prefix: config.queuePrefix, processor: counted, log,
    ...(process.env.TEST_WORKER_NAME ? { workerName: process.env.TEST_WORKER_NAME } : {}),
    lockDurationMs: Number(process.env.TEST_LOCK_MS ?? 1_500), stalledIntervalMs: Number(process.env.TEST_STALLED_MS ?? 750),
    ...(process.env.TEST_MAX_STALLED ? { maxStalledCount: Number(process.env.TEST_MAX_STALLED) } : {}),
    onFailed: traceFailureHook(ctx.deps, log),
  });
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => {
    void workers.close(shutdownGraceMs()).then((drained) => (drained ? ctx.close() : undefined)).then(() => process.exit(0), () => process.exit(1));
  });
}

run().catch((error) => {
  process.stderr.write(`worker: ${(error as Error).message}\n`);
  process.exit(1);
});
