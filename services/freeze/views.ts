// JSON shapes of freeze requests: the staff view (the document plus who drafted and approved
// it, delivery state, answers and the audit history) and the partner view (the document and
// its own answers, nothing internal).
import type { AuditRow, FreezeRequestRow, FreezeResponseRow, Store } from '../store';
import type { TraceDeps } from '../tracing/deps';
import { loadFreezeDocument } from './document';

export async function staffView(deps: TraceDeps, request: FreezeRequestRow, options: { history?: boolean } = {}) {
  const document = await loadFreezeDocument(deps.store, request);
  return {
    ...document,
    caseId: request.caseId,
    partnerId: request.partnerId,
    draftedBy: { id: request.draftedBy, name: request.draftedByName },
    approvedBy: request.approvedBy,
    approvedAt: request.approvedAt,
    sentAt: request.sentAt,
    delivery: { sends: request.sends, attempts: request.deliveryAttempts, lastError: request.lastDeliveryError },
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
    ...(options.history !== false
      ? {
          responses: (await deps.store.freezeRequests.responses(request.id)).map(responseView),
          history: (await deps.store.freezeRequests.history(request.id)).map(historyView),
        }
      : {}),
  };
}

export async function partnerView(store: Store, request: FreezeRequestRow) {
  return { ...(await loadFreezeDocument(store, request)), responses: (await store.freezeRequests.responses(request.id)).map(responseView) };
}

export function responseView(r: FreezeResponseRow) {
  return { id: r.id, source: r.source, status: r.status, targets: r.targets, fiatWithdrawals: r.fiatWithdrawals, note: r.note, createdAt: r.createdAt };
}

export function historyView(a: AuditRow) {
  return { at: a.at, action: a.action, actor: { id: a.actor, name: a.actorName }, before: a.before, after: a.after };
}
