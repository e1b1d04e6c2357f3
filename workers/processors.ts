// One processor for every job name, for the entry points that run all queues (the BullMQ
// workers of services/main.ts and the in-process runner).
import type { JobName, Processor } from '../services/queues/definitions';
import type { TraceDeps } from '../services/tracing/deps';
import { createFreezeDeliveryProcessor } from './freeze-delivery-processor';
import { createTraceProcessor } from './trace-processor';

export function createJobProcessor(deps: TraceDeps): Processor {
  const trace = createTraceProcessor(deps);
  const freeze = createFreezeDeliveryProcessor(deps);
  const byName: Record<JobName, Processor> = { 'trace-hop': trace, 'trace-finalize': trace, 'freeze-deliver': freeze };
  return (job) => {
    const processor = byName[job.name];
    if (!processor) throw new Error(`unknown job ${String(job.name)}`);
    return processor(job);
  };
}
