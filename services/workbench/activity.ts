// The activity trail of a case: what people did on it, in their name. Recording never fails
// the action it describes (the trail is for reading; the action already happened).
import type { Principal } from '../auth/api-keys';
import type { TraceDeps } from '../tracing/deps';

export type CaseAction =
  | 'case.created' | 'case.traced' | 'case.cancelled' | 'case.model_changed' | 'case.closed'
  | 'note.saved' | 'note.deleted' | 'export' | 'freeze.drafted';

export async function recordCaseActivity(
  deps: TraceDeps, caseId: string, action: CaseAction, principal: Principal, details?: Record<string, unknown>,
): Promise<void> {
  try {
    await deps.store.caseActivity.record({ caseId, action, actor: { id: principal.keyId, name: principal.name, role: principal.role }, ...(details ? { details } : {}) });
  } catch (error) {
    deps.log.warn('could not record case activity', { caseId, action, error: (error as Error).message });
  }
}

export async function caseActivity(deps: TraceDeps, caseId: string) {
  return (await deps.store.caseActivity.list(caseId)).map((a) => ({ id: a.id, at: a.at, action: a.action, actor: a.actor, details: a.details }));
}
