// When a run of a case ends (done or failed, a re-trace's run included), queue one signed
// notice to the case's callback URL, if it has one. Idempotent per run and event: the trace
// processor may see the same ending more than once (a retried step).
import { callbackJob } from '../queues/definitions';
import type { CallbackEvent } from '../store';
import type { TraceDeps } from '../tracing/deps';

export async function queueRunCallback(deps: TraceDeps, caseId: string, runId: string): Promise<boolean> {
  const run = await deps.store.runs.get(runId);
  const event: CallbackEvent | null = run?.status === 'done' ? 'trace.finished' : run?.status === 'failed' ? 'trace.failed' : null;
  if (!run || !event || run.caseId !== caseId) return false;
  const callback = await deps.store.callbacks.forCase(caseId);
  if (!callback) return false;
  // listed under the case that registered the callback (a multi-chain case: the parent)
  await deps.store.callbacks.open(runId, event, callback.caseId);
  await deps.queue.add(callbackJob({ caseId, runId, event }, { attempts: deps.config.delivery.attempts, backoffMs: deps.config.delivery.backoffMs }));
  return true;
}
