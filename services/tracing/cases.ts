// Use cases an analyst drives: open a case, trace it, read its state and report.
import { ConflictError, NotFoundError, RetryableError } from '../errors';
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
  const before = await getCase(deps, caseId);
  // Atomic: of two trace requests at once, one wins and the other gets a 409.
  await deps.store.cases.setStatus(caseId, 'queued', { hop: 0 }, { onlyFrom: ['new', 'traced', 'failed'] });
  let runId: string | undefined;
  try {
    const run = await deps.store.runs.create(caseId);
    runId = run.id;
    await deps.queue.add(hopJob({ caseId, runId, hop: 0 }));
  } catch (error) {
    // The job never reached the queue (Redis down): hand the case back as it was, or it would
    // stay `queued` forever and every later trace request would get a 409.
    const message = `could not queue the trace: ${(error as Error).message}`;
    if (runId) await deps.store.runs.finish(runId, 'failed', null, message).catch(() => undefined);
    await deps.store.cases.setStatus(caseId, before.status, before.progress ?? undefined, { onlyFrom: ['queued'] }).catch(() => undefined);
    throw new RetryableError(message, { cause: error });
  }
  return { runId };
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
