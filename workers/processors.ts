// One processor for every job name, for the entry points that run all queues (the BullMQ
// workers of services/main.ts and the in-process runner).
import type { JobName, Processor, RetraceJob } from '../services/queues/definitions';
import { retraceCases } from '../services/retrace/retrace-cases';
import type { TraceDeps } from '../services/tracing/deps';
import { createFreezeDeliveryProcessor } from './freeze-delivery-processor';
import { createTraceProcessor } from './trace-processor';

export function createJobProcessor(deps: TraceDeps): Processor {
  const trace = createTraceProcessor(deps);
  const freeze = createFreezeDeliveryProcessor(deps);
  const retrace: Processor = async (job) => {
    await retraceCases(deps, job.data as RetraceJob);
  };
  const byName: Record<JobName, Processor> = { 'trace-hop': trace, 'trace-finalize': trace, 'freeze-deliver': freeze, retrace };
  return (job) => {
    const processor = byName[job.name];
    if (!processor) throw new Error(`unknown job ${String(job.name)}`);
    return processor(job);
  };
}
