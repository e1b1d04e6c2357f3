// POST one run's notice to its case's callback URL, signed exactly like partner webhooks:
//   Tracehold-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
//   Idempotency-Key: <run id>:<event>
// The URL guard runs again on the addresses the connection uses. A 2xx is delivery; anything
// else is retried with exponential backoff, and after the last try an alert is raised.
import { RetryableError } from '../errors';
import { webhookPolicy } from '../freeze/deliver';
import type { CaseCallbackJob } from '../queues/definitions';
import { createSecretBox } from '../security/secret-box';
import type { TraceDeps } from '../tracing/deps';
import { postGuarded } from '../webhooks/post';
import { traceholdSignature } from '../webhooks/sign';

export async function deliverCaseCallback(deps: TraceDeps, job: CaseCallbackJob, attempt: { number: number; last: boolean }): Promise<'delivered' | 'skipped' | 'failed'> {
  const delivery = await deps.store.callbacks.delivery(job.runId, job.event);
  if (delivery && delivery.status !== 'pending') return 'skipped';
  const callback = await deps.store.callbacks.forCase(job.caseId);
  const run = await deps.store.runs.get(job.runId);
  if (!callback || !run) return 'skipped';
  const body = JSON.stringify(await callbackBody(deps, callback.caseId, job, run));
  const secret = createSecretBox(deps.config.security.secretKeys).open(callback.sealedSecret);
  const error = await postGuarded(callback.url, body, {
    'content-type': 'application/json',
    'user-agent': 'tracehold-webhooks/1',
    'tracehold-event': job.event,
    'tracehold-signature': traceholdSignature(body, secret, Math.floor(Date.now() / 1000)),
    'idempotency-key': `${job.runId}:${job.event}`,
  }, { timeoutMs: deps.config.delivery.timeoutMs, policy: webhookPolicy(deps), what: `the callback of case ${callback.caseId}` });

  if (error === null) {
    await deps.store.callbacks.attempted(job.runId, job.event, { status: 'delivered', error: null });
    return 'delivered';
  }
  if (!attempt.last) {
    await deps.store.callbacks.attempted(job.runId, job.event, { status: 'pending', error });
    throw new RetryableError(`callback of case ${callback.caseId} for run ${job.runId} failed: ${error}`);
  }
  await deps.store.callbacks.attempted(job.runId, job.event, { status: 'failed', error });
  await deps.store.alerts.raise({
    kind: 'callback_failed', caseId: callback.caseId, requestId: null,
    message: `the ${job.event} callback of run ${job.runId} could not be delivered after ${attempt.number} tries: ${error}`,
    details: { runId: job.runId, event: job.event },
  });
  deps.log.warn('case callback failed for good', { caseId: callback.caseId, runId: job.runId, event: job.event, error });
  return 'failed';
}

/** What the receiver learns: which case and run, how it ended, and where to read the rest. */
async function callbackBody(deps: TraceDeps, registeredCaseId: string, job: CaseCallbackJob, run: NonNullable<Awaited<ReturnType<TraceDeps['store']['runs']['get']>>>) {
  const retraceRunId = await deps.store.callbacks.retraceRunOf(run.id);
  return {
    event: job.event,
    caseId: registeredCaseId,
    // a multi-chain case is notified per chain: the chain's own case
    ...(job.caseId !== registeredCaseId ? { chainCaseId: job.caseId } : {}),
    run: {
      id: run.id, status: run.status, createdAt: run.createdAt, startedAt: run.startedAt, finishedAt: run.finishedAt,
      toBlock: run.toBlock, error: run.error, stats: run.stats,
    },
    trigger: retraceRunId ? 'retrace' : 'trace',
    retraceRunId,
    links: {
      case: `/v1/cases/${registeredCaseId}`,
      run: `/v1/cases/${job.caseId}/runs/${run.id}`,
      ...(run.status === 'done' ? { report: `/v1/cases/${job.caseId}/runs/${run.id}/report` } : {}),
    },
  };
}
