// Use cases an analyst drives: open a case, trace it, read its state and report.
import { ConflictError, NotFoundError, RetryableError } from '../errors';
import { hopJob } from '../queues/definitions';
import type { TraceReport } from '../domain/report';
import type { CasePageOptions, CaseRow, RunRow } from '../store';
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

export interface Page<T> {
  items: T[];
  /** Id of the last item when more may follow: the next page starts after it. */
  nextAfter: string | null;
}

/** One page more than asked tells whether another page follows, without a count. */
function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextAfter: rows.length > limit ? items[items.length - 1]!.id : null };
}

export async function listCases(deps: TraceDeps, options: CasePageOptions): Promise<Page<CaseRow>> {
  return toPage(await deps.store.cases.page({ ...options, limit: options.limit + 1 }), options.limit);
}

export async function listRuns(deps: TraceDeps, caseId: string, options: { limit: number; after?: string | null }): Promise<Page<RunRow>> {
  await getCase(deps, caseId);
  return toPage(await deps.store.runs.listForCase(caseId, { ...options, limit: options.limit + 1 }), options.limit);
}

export async function getRun(deps: TraceDeps, caseId: string, runId: string): Promise<RunRow> {
  const run = await deps.store.runs.get(runId);
  if (!run || run.caseId !== caseId) throw new NotFoundError(`run ${runId} of case ${caseId} not found`);
  return run;
}

/** The report of one run of the case (the case's report is that of its newest finished run). */
export async function runReport(deps: TraceDeps, caseId: string, runId: string): Promise<TraceReport> {
  const run = await getRun(deps, caseId, runId);
  if (run.status !== 'done') throw new ConflictError(`run ${runId} is ${run.status}, it has no report`, { details: { status: run.status } });
  const report = await deps.store.runs.report(run.id);
  if (!report) throw new ConflictError(`run ${runId} has no report`);
  return report as TraceReport;
}

/**
 * Cancels the case's queued or running trace. The case returns to where a new trace can
 * start: `traced` when an earlier run finished, else `new`. Steps still queued for the run
 * find it cancelled and do nothing.
 */
export async function cancelTrace(deps: TraceDeps, caseId: string, by: string): Promise<{ kase: CaseRow; run: RunRow }> {
  await getCase(deps, caseId);
  const run = await deps.store.runs.cancelActive(caseId, by);
  if (!run) throw new ConflictError(`case ${caseId} has no queued or running trace to cancel`);
  const finished = await deps.store.runs.latestForCase(caseId, 'done');
  await deps.store.cases
    .setStatus(caseId, finished ? 'traced' : 'new', { cancelled: true, runId: run.id }, { onlyFrom: ['queued', 'tracing'] })
    .catch((error) => {
      if (!(error instanceof ConflictError)) throw error;
    });
  return { kase: await getCase(deps, caseId), run };
}
