// The trace queue's processor: a plain factory, called by BullMQ workers and by the
// in-process runner alike. On the last attempt, or on an error retrying cannot fix, the
// run is marked failed before the error goes back to the queue.
import { shouldRetry } from '../services/errors';
import type { JobContext, Processor, TraceFinalizeJob, TraceHopJob } from '../services/queues/definitions';
import type { TraceDeps } from '../services/tracing/deps';
import { afterTrace } from '../services/retrace/after-trace';
import { queueRunCallback } from '../services/callbacks/notify';
import { failTrace, finalizeTrace, runTraceHop } from '../services/tracing/trace-step';

export function createTraceProcessor(deps: TraceDeps): Processor {
  return async (job: JobContext) => {
    const data = job.data as TraceHopJob | TraceFinalizeJob;
    const log = deps.log.child({ job: job.id, attempt: job.attempt });
    try {
      if (job.name === 'trace-hop') await runTraceHop(deps, job.data as TraceHopJob);
      else if (job.name === 'trace-finalize') await finalizeTrace(deps, job.data as TraceFinalizeJob);
      else throw new Error(`unknown job ${String(job.name)}`);
    } catch (error) {
      const err = error as Error;
      const final = job.attempt >= job.maxAttempts || !shouldRetry(error);
      log.warn(final ? 'trace step failed' : 'trace step failed, will retry', { error: err.message });
      if (final) {
        await failTrace(deps, data.caseId, data.runId, err).catch((e) => log.error('could not mark run failed', { error: (e as Error).message }));
        // the case's callback hears of it (best effort: the step's own error is what the queue gets)
        await queueRunCallback(deps, data.caseId, data.runId).catch((e) => log.error('could not queue the case callback', { error: (e as Error).message }));
      }
      throw error;
    }
    // The run may have finished in this step: compare it with the previous run, once. A
    // failure here leaves the run done; the job retries only the comparison.
    const run = await deps.store.runs.get(data.runId);
    if (run?.status === 'done') {
      await afterTrace(deps, data.caseId, data.runId);
      await queueRunCallback(deps, data.caseId, data.runId);
    }
  };
}
