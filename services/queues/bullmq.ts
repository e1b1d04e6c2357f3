// BullMQ adapter: queues to add jobs, workers that call the plain processors. Retries and
// the retryable/unrecoverable split are decided here, in one place.
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { shouldRetry } from '../errors';
import { currentRequestId, type Logger } from '../log';
import {
  JOB_ATTEMPTS, JOB_BACKOFF_MS, JOB_QUEUE, QUEUE_NAMES, type JobName, type JobQueue, type Processor, type QueueName,
} from './definitions';

export interface BullOptions {
  redisUrl: string;
  prefix: string;
}

export function redisConnection(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    // Workers block on Redis; BullMQ requires this to be null for them.
    maxRetriesPerRequest: null,
  };
}

export interface BullQueues extends JobQueue {
  queue(name: QueueName): Queue;
  /** Readiness: Redis answers within two seconds. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const ADD_TIMEOUT_MS = 10_000;

export function createBullQueues(options: BullOptions): BullQueues {
  const connection = redisConnection(options.redisUrl);
  const queues = new Map<QueueName, Queue>(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix: options.prefix })]),
  );
  // Without a listener ioredis prints every lost connection; reconnecting is its job.
  for (const q of queues.values()) q.on('error', () => undefined);
  const get = (name: QueueName): Queue => queues.get(name)!;
  return {
    queue: get,
    async add(spec) {
      // Offline, ioredis would hold the command until Redis is back: give up after a while so
      // the caller can hand the case back (a late add of the same id stays harmless).
      await withTimeout(get(JOB_QUEUE[spec.name]).add(spec.name, withRequestId(spec.data), {
        jobId: spec.jobId,
        attempts: spec.attempts ?? JOB_ATTEMPTS,
        backoff: { type: 'exponential', delay: spec.backoffMs ?? JOB_BACKOFF_MS },
        // Keep finished jobs a while so a re-add of the same id stays a no-op.
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      }), ADD_TIMEOUT_MS, 'redis (queueing a job)');
    },
    async ping() {
      // A real round trip to Redis (offline, ioredis would queue it: hence the deadline).
      await withTimeout(get('trace').count(), 2_000, 'redis');
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface BullWorkers {
  /**
   * Stop taking jobs and let the running ones finish; after `graceMs` the rest are abandoned
   * without finishing: their locks lapse and another worker takes them up as stalled jobs
   * (every step is safe to run again). Resolves false when jobs are still running then: the
   * caller must exit without closing what they use (closing the database or the RPC client
   * under a running step would turn the shutdown into a failed step), as after a crash.
   */
  close(graceMs?: number): Promise<boolean>;
}

/** A job that ended for good: out of attempts, unrecoverable, or stalled too often. */
export interface FailedJob {
  name: JobName;
  data: unknown;
  id: string;
  reason: string;
}

export interface BullWorkerTuning {
  concurrency?: number;
  /** How long a job's lock lives without renewal: a killed worker's job is stalled after this. */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs (those whose worker died) and hand them back. */
  stalledIntervalMs?: number;
  /**
   * How many times a job may be found stalled before it fails for good. BullMQ's default of
   * 1 turned a second crash during the same hop into a failed case; every step is safe to
   * run again, so a few more are allowed.
   */
  maxStalledCount?: number;
  /**
   * Called when a job has failed for good, including the failures BullMQ decides without
   * calling the processor (a job stalled more than `maxStalledCount` times). May be called
   * more than once for a job: make it idempotent.
   */
  onFailed?: (job: FailedJob) => Promise<void>;
  /** Stored on every job this process runs (BullMQ's `processedBy`): which worker ran which step. */
  workerName?: string;
}

export const DEFAULT_MAX_STALLED_COUNT = 10;

export function startBullWorkers(options: BullOptions & BullWorkerTuning & { processor: Processor; log: Logger }): BullWorkers {
  const connection = redisConnection(options.redisUrl);
  const workers = QUEUE_NAMES.map(
    (name) =>
      new Worker(
        name,
        async (job) => {
          const maxAttempts = job.opts.attempts ?? 1;
          try {
            await options.processor({
              name: job.name as JobName,
              data: job.data,
              id: job.id ?? '',
              attempt: job.attemptsMade + 1,
              maxAttempts,
            });
          } catch (error) {
            if (!shouldRetry(error)) throw new UnrecoverableError((error as Error).message);
            throw error;
          }
        },
        {
          connection,
          prefix: options.prefix,
          concurrency: options.concurrency ?? 1,
          maxStalledCount: options.maxStalledCount ?? DEFAULT_MAX_STALLED_COUNT,
          ...(options.workerName ? { name: options.workerName } : {}),
          ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
          ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
        },
      ),
  );
  // Failed for good: the job is in the failed set, not delayed for a retry. A job that stalled
  // more than maxStalledCount times is failed by the next worker that takes it (BullMQ's
  // deferred failure) without calling the processor: only this event sees it.
  const settle = async (job: Job | undefined, error: Error) => {
    if (!options.onFailed || !job?.id || (await job.getState()) !== 'failed') return;
    await options.onFailed({ name: job.name as JobName, data: job.data, id: job.id, reason: job.failedReason || error.message });
  };
  for (const worker of workers) {
    worker.on('error', (error) => options.log.error('worker error', { error: error.message }));
    worker.on('failed', (job, error) => {
      options.log.warn('job failed', { jobId: job?.id, attempt: job?.attemptsMade, error: error.message });
      settle(job, error).catch((e) => options.log.error('failed-job hook failed', { jobId: job?.id, error: (e as Error).message }));
    });
  }
  return {
    async close(graceMs?: number) {
      const closing = Promise.all(workers.map((w) => w.close()));
      if (graceMs === undefined) {
        await closing;
        return true;
      }
      const finished = await withTimeout(closing, graceMs, 'worker shutdown').then(() => true, () => false);
      // BullMQ cannot abort a running processor (and a second close() just waits on the
      // first): give up on it. The caller exits; the job's lock lapses and another worker
      // takes the job up as stalled and runs the step again, which is safe.
      if (!finished) options.log.warn('shutdown grace period over: running jobs are handed back to the queue', { graceMs });
      return finished;
    },
  };
}

/** A job queued while serving a request carries the request's id (its logs show it). */
export function withRequestId<T>(data: T): T {
  const requestId = currentRequestId();
  return requestId && data && typeof data === 'object' ? { ...data, httpRequestId: requestId } : data;
}
