// Use cases an analyst drives: open a case, trace it, read its state and report.
import { ConflictError, NotFoundError, RetryableError } from '../errors';
import { hopJob } from '../queues/definitions';
import { combineChainReports, MULTI_CHAIN, type MultiChainReport } from '../domain/multi-chain-report';
import type { TraceReport } from '../domain/report';
import { createStore, type NewCase, type CaseGraph, type CasePageOptions, type CaseRow, type CaseStatus, type RunRow } from '../store';
import { chainConfig } from '../../config';
import { validateCaseInput, type CaseInput } from './case-input';
import { resolveMinAmounts } from './min-amounts';
import { checkSeeds } from './seed-check';
import type { TraceDeps } from './deps';
import { splitMultiChainInput } from './multi-chain-input';

/** What else to write with a new case, in the same transaction (its callback, say). */
export type WithNewCase = (store: ReturnType<typeof createStore>, caseId: string) => Promise<void>;

export async function createCase(deps: TraceDeps, raw: unknown, createdBy: string, withCase?: WithNewCase): Promise<CaseRow> {
  const normalize = (chain: string, address: string) => deps.chains.get(chain).normalizeAddress(address);
  const multi = splitMultiChainInput(deps.config, normalize, raw);
  // Everything is checked (on the chain too) before the one transaction that writes it all.
  const parent = multi ? (multi.parts.length === 0 ? await newCase(deps, multi.parent) : { ...multi.parent, minAmounts: null }) : null;
  const parts = multi ? await Promise.all(multi.parts.map((part) => newCase(deps, part))) : [];
  const single = multi ? null : await newCase(deps, validateCaseInput(deps.config, normalize, raw));
  const id = await deps.store.db.transaction(async (tx) => {
    const store = createStore(tx);
    // A case on several chains: a parent, and one ordinary case per chain under it.
    const kase = await store.cases.create({ ...(parent ?? single!), createdBy });
    for (const part of parts) await store.cases.create({ ...part, createdBy, parentId: kase.id });
    await withCase?.(store, kase.id);
    return kase.id;
  });
  return getCase(deps, id);
}

/**
 * A validated input as the store takes it: transaction seeds checked on the chain, per-asset
 * minimums resolved to base units (a token's decimals may need the chain).
 */
async function newCase(deps: TraceDeps, input: CaseInput): Promise<Omit<NewCase, 'createdBy'>> {
  if (input.chain === MULTI_CHAIN) return { ...input, minAmounts: null };
  const source = deps.chains.get(input.chain);
  await checkSeeds(source, input.seeds); // an ambiguous tx-hash seed is refused before anything is written
  if (input.minAmounts.length === 0) return { ...input, minAmounts: null };
  const minAmounts = await resolveMinAmounts(
    chainConfig(deps.config, input.chain), input.minAmounts, (address) => source.normalizeAddress(address),
    async (asset) => (await source.assetInfo?.(asset))?.decimals ?? null,
  );
  return { ...input, minAmounts };
}

/** Queue a new trace run of the case. A case already queued or tracing is a conflict. */
export async function startTrace(
  deps: TraceDeps, caseId: string, options: { prepare?: (runId: string) => Promise<void> } = {},
): Promise<{ runId: string }> {
  const before = await getCase(deps, caseId);
  if (before.chain === MULTI_CHAIN) return startChainTraces(deps, before);
  // Atomic: of two trace requests at once, one wins and the other gets a 409.
  await deps.store.cases.setStatus(caseId, 'queued', { hop: 0 }, { onlyFrom: ['new', 'traced', 'failed'] });
  let runId: string | undefined;
  try {
    const run = await deps.store.runs.create(caseId);
    runId = run.id;
    // The re-trace starts a run from its last run's crawl state before any step can see it.
    if (options.prepare) await options.prepare(runId);
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
  return kase.chain === MULTI_CHAIN ? withChainsStatus(kase, await deps.store.cases.children(kase.id)) : kase;
}

/**
 * Each chain of a multi-chain case is traced by its own jobs: a trace of the parent starts
 * one on every chain case not already under way. The run id answered is the first chain's.
 */
async function startChainTraces(deps: TraceDeps, parent: CaseRow): Promise<{ runId: string }> {
  const children = await deps.store.cases.children(parent.id);
  if (children.some((c) => c.status === 'queued' || c.status === 'tracing')) {
    throw new ConflictError(`case ${parent.id} is being traced already`, { details: { status: parent.status } });
  }
  const runs = [];
  for (const child of children) runs.push(await startTrace(deps, child.id));
  return runs[0]!;
}

/** A multi-chain case is as far as its least advanced chain; its progress lists every chain's. */
function withChainsStatus(parent: CaseRow, children: CaseRow[]): CaseRow {
  const statuses = children.map((c) => c.status);
  const status: CaseStatus = statuses.includes('failed') ? 'failed'
    : statuses.includes('tracing') ? 'tracing'
    : statuses.includes('queued') ? 'queued'
    : statuses.length > 0 && statuses.every((s) => s === 'traced') ? 'traced'
    : statuses.includes('traced') ? 'tracing' : 'new';
  return {
    ...parent,
    status,
    seeds: children.flatMap((c) => c.seeds.map((seed) => ({ ...seed, chain: c.chain }))),
    progress: { chains: Object.fromEntries(children.map((c) => [c.chain, { caseId: c.id, status: c.status, ...c.progress }])) },
  };
}

export async function caseReport(deps: TraceDeps, caseId: string): Promise<TraceReport> {
  const kase = await getCase(deps, caseId);
  if (kase.chain === MULTI_CHAIN) return (await multiChainReport(deps, kase)) as unknown as TraceReport;
  const run = await deps.store.runs.latestForCase(caseId, 'done');
  if (!run) throw new ConflictError(`case ${caseId} has no finished trace yet`);
  const report = await deps.store.runs.report(run.id);
  if (!report) throw new ConflictError(`case ${caseId} has no report yet`);
  return report as TraceReport;
}

/** The report of a case on several chains: a section per chain, exposure per entity across them. */
export async function multiChainReport(deps: TraceDeps, parent: CaseRow): Promise<MultiChainReport> {
  if (parent.status !== 'traced') throw new ConflictError(`case ${parent.id} is ${parent.status}: every chain must be traced for its report`, { details: { progress: parent.progress } });
  const children = await deps.store.cases.children(parent.id);
  const sections = [];
  for (const child of children) sections.push({ chain: child.chain, caseId: child.id, report: await caseReport(deps, child.id) });
  return combineChainReports(sections);
}

export async function caseGraph(deps: TraceDeps, caseId: string): Promise<CaseGraph> {
  const kase = await getCase(deps, caseId);
  if (kase.chain === MULTI_CHAIN) {
    const graphs = [];
    for (const child of await deps.store.cases.children(kase.id)) graphs.push({ chain: child.chain, graph: await caseGraph(deps, child.id) });
    return {
      nodes: graphs.flatMap((g) => g.graph.nodes.map((n) => ({ ...n, chain: g.chain }))),
      edges: graphs.flatMap((g) => g.graph.edges.map((e) => ({ ...e, chain: g.chain }))),
    };
  }
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
