// BullMQ adapter: queues to add jobs, workers that call the plain processors. Retries and
// the retryable/unrecoverable split are decided here, in one place.
import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { shouldRetry } from '../errors';
import type { Logger } from '../log';
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

export function createBullQueues(options: BullOptions): BullQueues {
  const connection = redisConnection(options.redisUrl);
  const queues = new Map<QueueName, Queue>(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix: options.prefix })]),
  );
  const get = (name: QueueName): Queue => queues.get(name)!;
  return {
    queue: get,
    async add(spec) {
      await get(JOB_QUEUE[spec.name]).add(spec.name, spec.data, {
        jobId: spec.jobId,
        attempts: spec.attempts ?? JOB_ATTEMPTS,
        backoff: { type: 'exponential', delay: spec.backoffMs ?? JOB_BACKOFF_MS },
        // Keep finished jobs a while so a re-add of the same id stays a no-op.
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      });
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
  close(): Promise<void>;
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
          ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
          ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
        },
      ),
  );
  for (const worker of workers) {
    worker.on('error', (error) => options.log.error('worker error', { error: error.message }));
    worker.on('failed', (job, error) => options.log.warn('job failed', { jobId: job?.id, attempt: job?.attemptsMade, error: error.message }));
  }
  return {
    /** Stop taking jobs and wait for the running ones to finish (their locks are released). */
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
