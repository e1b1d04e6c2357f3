// Send an approved request: a webhook partner gets it through the delivery queue
// (approved → sending, the worker makes it sent or delivery_failed); a manual-export
// partner's request is sent as soon as it is released for export. A request whose delivery
// failed may be sent again: the same revision keeps the same Idempotency-Key.
import { deliveryJob } from '../queues/definitions';
import type { Actor, FreezeRequestRow } from '../store';
import type { TraceDeps } from '../tracing/deps';
import { getFreezeRequest } from './read';

export async function sendFreezeRequest(deps: TraceDeps, id: string, actor: Actor): Promise<FreezeRequestRow> {
  const request = await getFreezeRequest(deps, id);
  const partner = await deps.store.partners.get(request.partnerId);
  if (partner?.channel !== 'webhook') {
    return deps.store.freezeRequests.transition(id, { from: ['approved', 'delivery_failed'], to: 'sent', action: 'exported', actor, markSent: true, countSend: true, details: { channel: 'manual' } });
  }
  const sending = await deps.store.freezeRequests.transition(id, { from: ['approved', 'delivery_failed'], to: 'sending', action: 'send', actor, countSend: true, details: { channel: 'webhook' } });
  await deps.queue.add(deliveryJob({ requestId: id, revision: sending.revision, send: sending.sends }, deps.config.delivery));
  return sending;
}
