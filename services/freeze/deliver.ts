// Deliver one revision of a freeze request to the partner's webhook: the document as JSON,
// signed, with an Idempotency-Key the partner deduplicates on. A 2xx makes it sent; anything
// else is retried by the queue with exponential backoff, and after the last try the request
// becomes delivery_failed and an alert is raised.
import { RetryableError } from '../errors';
import type { FreezeDeliverJob } from '../queues/definitions';
import type { TraceDeps } from '../tracing/deps';
import { createSecretBox } from '../security/secret-box';
import { postGuarded } from '../webhooks/post';
import { traceholdSignature } from '../webhooks/sign';
import { systemActor } from './actor';
import { loadFreezeDocument } from './document';

const actor = systemActor('delivery');

export async function deliverFreezeRequest(deps: TraceDeps, job: FreezeDeliverJob, attempt: { number: number; last: boolean }): Promise<'sent' | 'skipped' | 'failed'> {
  const request = await deps.store.freezeRequests.get(job.requestId);
  // Already delivered, answered, or superseded by a newer revision: nothing to do.
  if (!request || request.status !== 'sending' || request.revision !== job.revision) return 'skipped';
  const partner = await deps.store.partners.get(request.partnerId);
  const sealed = await deps.store.partners.webhookSecret(request.partnerId);
  const secret = sealed === null ? null : createSecretBox(deps.config.security.secretKeys).open(sealed);
  if (!partner?.webhookUrl || !secret) {
    await deps.store.freezeRequests.transition(request.id, { from: ['sending'], to: 'delivery_failed', action: 'delivery_failed', actor, deliveryError: 'partner has no webhook' });
    return 'failed';
  }
  const body = JSON.stringify(await loadFreezeDocument(deps.store, request));
  const error = await postGuarded(partner.webhookUrl, body, {
    'content-type': 'application/json',
    'user-agent': 'tracehold-webhooks/1',
    'tracehold-signature': traceholdSignature(body, secret, Math.floor(Date.now() / 1000)),
    'idempotency-key': `${request.id}:${request.revision}`,
  }, { timeoutMs: deps.config.delivery.timeoutMs, policy: webhookPolicy(deps), what: `the webhook of ${partner.name}` });

  if (error === null) {
    // From sending only: a partner that already answered (inside its webhook handler) keeps its answer.
    await deps.store.freezeRequests.transition(request.id, { from: ['sending'], to: 'sent', action: 'delivered', actor, markSent: true, deliveryError: null, details: { attempt: attempt.number } })
      .catch((e: unknown) => deps.log.debug('delivered request moved on meanwhile', { requestId: request.id, error: (e as Error).message }));
    return 'sent';
  }
  if (!attempt.last) {
    await deps.store.freezeRequests.deliveryAttemptFailed(request.id, error, actor);
    throw new RetryableError(`delivery of freeze request ${request.id} failed: ${error}`);
  }
  await deps.store.freezeRequests.transition(request.id, { from: ['sending'], to: 'delivery_failed', action: 'delivery_failed', actor, deliveryError: error, details: { attempts: attempt.number } });
  await deps.store.alerts.raise({ kind: 'delivery_failed', caseId: request.caseId, requestId: request.id,
    message: `freeze request to ${partner.name} could not be delivered after ${attempt.number} tries: ${error}`, details: { partnerId: partner.id } });
  deps.log.warn('freeze request delivery failed for good', { requestId: request.id, partnerId: partner.id, error });
  return 'failed';
}

export function webhookPolicy(deps: Pick<TraceDeps, 'config'>) {
  return { allowHttp: deps.config.security.webhookAllowHttp, allowHosts: deps.config.security.webhookAllowHosts };
}
