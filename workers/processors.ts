// One processor for every job name, for the entry points that run all queues (the BullMQ
// workers of services/main.ts and the in-process runner).
import type { JobName, Processor, RetraceJob } from '../services/queues/definitions';
import { retraceCases } from '../services/retrace/retrace-cases';
import type { TraceDeps } from '../services/tracing/deps';
import { requestContext } from '../services/log';
import { createCallbackProcessor } from './callback-processor';
import { createFreezeDeliveryProcessor } from './freeze-delivery-processor';
import { createTraceProcessor } from './trace-processor';

export function createJobProcessor(deps: TraceDeps): Processor {
  const processorsFor = (d: TraceDeps): Record<JobName, Processor> => {
    const trace = createTraceProcessor(d);
    const retrace: Processor = async (job) => {
      await retraceCases(d, job.data as RetraceJob);
    };
    return { 'trace-hop': trace, 'trace-finalize': trace, 'freeze-deliver': createFreezeDeliveryProcessor(d), retrace, 'case-callback': createCallbackProcessor(d) };
  };
  const byName = processorsFor(deps);
  const run: Processor = async (job) => {
    const processor = byName[job.name];
    if (!processor) throw new Error(`unknown job ${String(job.name)}`);
    await processor(job);
    deps.log.debug('job finished', { job: job.name, jobId: job.id, attempt: job.attempt });
  };
  return (job) => {
    // A job queued by an API request runs under that request's id: its log lines and the
    // jobs it queues in turn carry it.
    // (`httpRequestId`: a freeze delivery's `requestId` is the freeze request's id)
    const requestId = (job.data as { httpRequestId?: unknown }).httpRequestId;
    return typeof requestId === 'string' ? requestContext.run({ requestId }, () => run(job)) : run(job);
  };
}
