// When a trace run of a case finishes and an earlier run exists, compare the two: raise the
// movement alerts, and draft freeze requests for new endpoints at partners (drafts only:
// a supervisor still approves before anything is sent). Exactly once per run, however
// often the run's last job runs: the claim and the alerts commit together.
import { chainConfig } from '../../config';
import { selectFreezeTargets } from '../domain/freeze-targets';
import { movementAlerts, newEndpoints, type MovementAlert, type WatchedTarget } from '../domain/movement-alerts';
import type { TraceReport } from '../domain/report';
import { evidenceSha256 } from '../freeze/evidence';
import { createStore, type Actor, type FreezeRequestRow } from '../store';
import type { TraceDeps } from '../tracing/deps';

const SYSTEM: Actor = { id: 'system:retrace', name: 'nightly re-trace' };
const UNFROZEN = new Set(['sending', 'sent', 'received', 'partially_frozen']);

export interface AfterTraceResult {
  alerts: MovementAlert[];
  drafted: FreezeRequestRow[];
}

export async function afterTrace(deps: TraceDeps, caseId: string, runId: string): Promise<AfterTraceResult> {
  const none: AfterTraceResult = { alerts: [], drafted: [] };
  const compared = await deps.store.db.transaction(async (tx) => {
    const store = createStore(tx);
    const claim = await store.retrace.claimAlerts(runId);
    if (!claim.claimed) return null;
    const previous = await store.retrace.previousDoneRun(caseId, runId);
    if (!previous) return null;
    const prev = (await store.runs.report(previous)) as TraceReport | null;
    const next = (await store.runs.report(runId)) as TraceReport | null;
    if (!prev || !next) return null;
    const alerts = movementAlerts(prev, next, await watchedTargets(deps, caseId));
    for (const a of alerts) {
      await store.alerts.raise({
        kind: a.kind, caseId, requestId: a.requestId ?? null, message: a.message,
        details: { address: a.address, asset: a.asset, amount: a.amount.toString(), urgent: a.urgent, entity: a.entity, runId },
      });
    }
    if (claim.retraceRunId) await store.retrace.countAlerts(claim.retraceRunId, alerts.length);
    return { prev, next, alerts };
  });
  if (!compared) return none;
  const drafted = await draftForNewEndpoints(deps, caseId, compared.prev, compared.next);
  return { alerts: compared.alerts, drafted };
}

async function watchedTargets(deps: TraceDeps, caseId: string): Promise<WatchedTarget[]> {
  const watched: WatchedTarget[] = [];
  for (const request of await deps.store.freezeRequests.listForCase(caseId)) {
    if (!UNFROZEN.has(request.status)) continue;
    for (const t of await deps.store.freezeRequests.targets(request.id)) watched.push({ requestId: request.id, address: t.address, asset: t.asset });
  }
  return watched;
}

/**
 * New endpoints at partners become draft requests: a first request for a partner the case
 * had not reached, a supplementary one (a child of the first) for a partner it had. The
 * authority, legal basis and contact are the case's existing request's: without one there
 * is nobody to draft in the name of, and the new-endpoint alerts say what to do.
 */
async function draftForNewEndpoints(deps: TraceDeps, caseId: string, prev: TraceReport, next: TraceReport): Promise<FreezeRequestRow[]> {
  const fresh = newEndpoints(prev, next);
  if (fresh.length === 0) return [];
  const existing = await deps.store.freezeRequests.listForCase(caseId);
  const template = existing.filter((r) => r.parentId === null).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (!template) return [];
  const partners = (await deps.store.partners.coveringEntities([...new Set(fresh.map((e) => e.entity.toLowerCase()))])).filter((p) => p.kind !== 'issuer');
  const tokens = chainConfig(deps.config, next.chain).tokens;
  const perPartner = selectFreezeTargets({ ...next, endpoints: fresh, holdings: [] }, partners, tokens, Math.floor(Date.now() / 1000));
  const drafted: FreezeRequestRow[] = [];
  for (const [partnerId, targets] of perPartner) {
    if (targets.length === 0) continue;
    const root = existing.find((r) => r.partnerId === partnerId && r.parentId === null);
    const content = { ...template.content, note: `Re-trace of ${new Date().toISOString().slice(0, 10)}: tainted funds newly reached these addresses.` };
    drafted.push(await deps.store.freezeRequests.create({
      caseId, partnerId, parentId: root?.id ?? null, content,
      evidenceSha256: evidenceSha256(content.caseReference, content.chain, targets), draftedBy: SYSTEM.id, draftedByName: SYSTEM.name,
    }, targets, SYSTEM));
  }
  return drafted;
}
