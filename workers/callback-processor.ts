// The callback queue's processor: a plain factory, called by BullMQ workers and by the
// in-process runner alike. A failed try goes back to the queue for backoff; the last try
// records the failure, raises an alert and completes.
import { deliverCaseCallback } from '../services/callbacks/deliver';
import type { CaseCallbackJob, JobContext, Processor } from '../services/queues/definitions';
import type { TraceDeps } from '../services/tracing/deps';

export function createCallbackProcessor(deps: TraceDeps): Processor {
  return async (job: JobContext) => {
    if (job.name !== 'case-callback') throw new Error(`unknown job ${String(job.name)}`);
    await deliverCaseCallback(deps, job.data as CaseCallbackJob, { number: job.attempt, last: job.attempt >= job.maxAttempts });
  };
}
