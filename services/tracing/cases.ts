// Use cases an analyst drives: open a case, trace it, read its state and report.
import { ConflictError, NotFoundError } from '../errors';
import { hopJob } from '../queues/definitions';
import type { TraceReport } from '../domain/report';
import type { CaseRow } from '../store';
import { validateCaseInput } from './case-input';
import type { TraceDeps } from './deps';

export async function createCase(deps: TraceDeps, raw: unknown, createdBy: string): Promise<CaseRow> {
  const input = validateCaseInput(deps.config, (chain, address) => deps.chains.get(chain).normalizeAddress(address), raw);
  return deps.store.cases.create({ ...input, createdBy });
}

/** Queue a new trace run of the case. A case already queued or tracing is a conflict. */
export async function startTrace(deps: TraceDeps, caseId: string): Promise<{ runId: string }> {
  await getCase(deps, caseId);
  // Atomic: of two trace requests at once, one wins and the other gets a 409.
  await deps.store.cases.setStatus(caseId, 'queued', { hop: 0 }, { onlyFrom: ['new', 'traced', 'failed'] });
  const run = await deps.store.runs.create(caseId);
  await deps.queue.add(hopJob({ caseId, runId: run.id, hop: 0 }));
  return { runId: run.id };
}

export async function getCase(deps: TraceDeps, caseId: string): Promise<CaseRow> {
  const kase = await deps.store.cases.get(caseId);
  if (!kase) throw new NotFoundError(`case ${caseId} not found`);
  return kase;
}

export async function caseReport(deps: TraceDeps, caseId: string): Promise<TraceReport> {
  await getCase(deps, caseId);
  const run = await deps.store.runs.latestForCase(caseId, 'done');
  if (!run) throw new ConflictError(`case ${caseId} has no finished trace yet`);
  const report = await deps.store.runs.report(run.id);
  if (!report) throw new ConflictError(`case ${caseId} has no report yet`);
  return report as TraceReport;
}

export async function caseGraph(deps: TraceDeps, caseId: string) {
  await getCase(deps, caseId);
  const run = await deps.store.runs.latestForCase(caseId, 'done');
  if (!run) throw new ConflictError(`case ${caseId} has no finished trace yet`);
  return deps.store.runs.graph(run.id);
}
