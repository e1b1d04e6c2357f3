// The freeze queue's processor: a plain factory, called by BullMQ workers and by the
// in-process runner alike. A retryable failure goes back to the queue for backoff; the last
// try marks the request delivery_failed and completes.
import { deliverFreezeRequest } from '../services/freeze/deliver';
import type { FreezeDeliverJob, JobContext, Processor } from '../services/queues/definitions';
import type { TraceDeps } from '../services/tracing/deps';

export function createFreezeDeliveryProcessor(deps: TraceDeps): Processor {
  return async (job: JobContext) => {
    if (job.name !== 'freeze-deliver') throw new Error(`unknown job ${String(job.name)}`);
    await deliverFreezeRequest(deps, job.data as FreezeDeliverJob, { number: job.attempt, last: job.attempt >= job.maxAttempts });
  };
}
