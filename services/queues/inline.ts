// The in-process runner used when REDIS_URL is unset: the same processors, the same job
// ids and retry rules as BullMQ, run one at a time in this process.
import { shouldRetry } from '../errors';
import { withRequestId } from './bullmq';
import { JOB_ATTEMPTS, JOB_BACKOFF_MS, type JobContext, type JobQueue, type JobSpec, type Processor } from './definitions';

export interface InlineQueue extends JobQueue {
  /** Run queued jobs (and those they add) until none are left. Resolves when idle. */
  drain(processor: Processor): Promise<void>;
  readonly pending: number;
}

export function createInlineQueue(options: { backoffMs?: number; attempts?: number } = {}): InlineQueue {
  const queue: JobSpec[] = [];
  const seen = new Set<string>();
  const backoffMs = options.backoffMs ?? JOB_BACKOFF_MS;
  const attempts = options.attempts ?? JOB_ATTEMPTS;
  return {
    get pending() {
      return queue.length;
    },
    async add(spec) {
      if (seen.has(spec.jobId)) return;
      seen.add(spec.jobId);
      queue.push({ ...spec, data: withRequestId(spec.data) });
    },
    async drain(processor) {
      for (let spec = queue.shift(); spec; spec = queue.shift()) {
        for (let attempt = 1; ; attempt++) {
          const maxAttempts = spec.attempts ?? attempts;
          const job: JobContext = { name: spec.name, data: spec.data, id: spec.jobId, attempt, maxAttempts };
          try {
            await processor(job);
            break;
          } catch (error) {
            if (attempt >= maxAttempts || !shouldRetry(error)) throw error;
            await sleep((spec.backoffMs ?? backoffMs) * 2 ** (attempt - 1));
          }
        }
      }
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Drain the queue in the background whenever jobs wait (a service without Redis). Returns stop. */
export function startInlinePump(queue: InlineQueue, drain: () => Promise<void>, onError: (error: Error) => void, intervalMs = 200): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy || queue.pending === 0) return;
    busy = true;
    drain().catch(onError).finally(() => (busy = false));
  }, intervalMs);
  return () => clearInterval(timer);
}
