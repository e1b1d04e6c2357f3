// Pages of a finished run's long lists: the case graph's nodes and flows, the report's
// endpoints and holdings. Without a page size the answer is the whole thing, as it always
// was; with one, each page carries up to `limit` of each list and a cursor that pins the
// run(s) read for the first page, so every item comes exactly once, in the order the whole
// answer has, even when a re-trace finishes between two pages.
import { combineChainReports, MULTI_CHAIN } from '../domain/multi-chain-report';
import type { TraceReport } from '../domain/report';
import { BadRequestError, ConflictError } from '../errors';
import type { CaseRow, RunRow } from '../store';
import { getCase, getRun } from '../tracing/cases';
import type { TraceDeps } from '../tracing/deps';

export interface RunListCursor {
  runs: string[];
  first: number;
  second: number;
}

export interface PageRequest {
  limit: number;
  cursor: RunListCursor | null;
}

interface Pin {
  kase: CaseRow;
  run: RunRow;
}

/** Whole lists, or one page of each and where the next starts. */
function slicePair<A, B>(a: readonly A[], b: readonly B[], page: PageRequest, runs: string[]) {
  const { first, second, nextFirst, nextSecond, next } = pageBounds(a.length, b.length, page, runs);
  return { a: a.slice(first, nextFirst), b: b.slice(second, nextSecond), next };
}

/** Where a page of two lists of these lengths starts and ends, and the cursor of the next (null: none). */
function pageBounds(aLength: number, bLength: number, page: PageRequest, runs: string[]) {
  const first = page.cursor?.first ?? 0;
  const second = page.cursor?.second ?? 0;
  if (first > aLength || second > bLength) throw new BadRequestError('the cursor points past the end of the lists: not a cursor of this case');
  const nextFirst = Math.min(aLength, first + page.limit);
  const nextSecond = Math.min(bLength, second + page.limit);
  const more = nextFirst < aLength || nextSecond < bLength;
  return { first, second, nextFirst, nextSecond, next: more ? { runs, first: nextFirst, second: nextSecond } : null };
}

/**
 * The finished runs a case's lists are read from: its newest finished run, one per chain of a
 * multi-chain case; or, on later pages, the runs the cursor pinned (which must be this case's).
 */
async function pinRuns(deps: TraceDeps, kase: CaseRow, pinned: string[] | null): Promise<Pin[]> {
  const units = kase.chain === MULTI_CHAIN ? await deps.store.cases.children(kase.id) : [kase];
  if (pinned === null) {
    const pins: Pin[] = [];
    for (const unit of units) {
      const run = await deps.store.runs.latestForCase(unit.id, 'done');
      if (!run) throw new ConflictError(`case ${unit.id} has no finished trace yet`);
      pins.push({ kase: unit, run });
    }
    return pins;
  }
  if (pinned.length !== units.length) throw new BadRequestError('this cursor belongs to another case');
  return Promise.all(units.map(async (unit, i) => {
    const run = await deps.store.runs.get(pinned[i]!);
    if (!run || run.caseId !== unit.id || run.status !== 'done') throw new BadRequestError('this cursor belongs to another case');
    return { kase: unit, run };
  }));
}

export async function caseGraphPage(deps: TraceDeps, caseId: string, page: PageRequest) {
  const kase = await getCase(deps, caseId);
  const pins = await pinRuns(deps, kase, page.cursor?.runs ?? null);
  const multi = kase.chain === MULTI_CHAIN;
  if (!multi) {
    // One run: the database reads just the page (a large graph is never loaded whole per page).
    const first = page.cursor?.first ?? 0;
    const second = page.cursor?.second ?? 0;
    const window = await deps.store.runs.graphWindow(pins[0]!.run.id, { offset: first, limit: page.limit }, { offset: second, limit: page.limit });
    const more = window.nodes.length > page.limit || window.edges.length > page.limit;
    const nodes = window.nodes.slice(0, page.limit);
    const edges = window.edges.slice(0, page.limit);
    return { nodes, edges, next: more ? { runs: [pins[0]!.run.id], first: first + nodes.length, second: second + edges.length } : null };
  }
  const graphs = await Promise.all(pins.map(async (pin) => ({ chain: pin.kase.chain, graph: await deps.store.runs.graph(pin.run.id) })));
  // Several chains: as the whole graph lists them (tracing/cases.ts caseGraph), chain by chain, tagged.
  const nodes = graphs.flatMap((g) => g.graph.nodes.map((n) => ({ ...n, chain: g.chain })));
  const edges = graphs.flatMap((g) => g.graph.edges.map((e) => ({ ...e, chain: g.chain })));
  const sliced = slicePair(nodes, edges, page, pins.map((p) => p.run.id));
  return { nodes: sliced.a, edges: sliced.b, next: sliced.next };
}

/** A page of a report: the newest finished run's (`runId` null) or one run's. */
export async function caseReportPage(deps: TraceDeps, caseId: string, runId: string | null, page: PageRequest) {
  const kase = await getCase(deps, caseId);
  if (runId !== null) {
    const run = await getRun(deps, caseId, runId);
    if (page.cursor && (page.cursor.runs.length !== 1 || page.cursor.runs[0] !== run.id)) throw new BadRequestError('this cursor belongs to another run');
    if (run.status !== 'done') throw new ConflictError(`run ${runId} is ${run.status}, it has no report`, { details: { status: run.status } });
    return runReportPage(deps, run.id, page);
  }
  if (kase.chain === MULTI_CHAIN && page.cursor === null && kase.status !== 'traced') {
    throw new ConflictError(`case ${kase.id} is ${kase.status}: every chain must be traced for its report`, { details: { progress: kase.progress } });
  }
  const pins = await pinRuns(deps, kase, page.cursor?.runs ?? null);
  if (kase.chain !== MULTI_CHAIN) return runReportPage(deps, pins[0]!.run.id, page);
  const runs = pins.map((p) => p.run.id);
  const sections = await Promise.all(pins.map(async (p) => ({ chain: p.kase.chain, caseId: p.kase.id, report: (await storedReport(deps, p.run.id)) as TraceReport })));
  const report = combineChainReports(sections) as unknown as TraceReport;
  const sliced = slicePair(report.endpoints, report.holdings, page, runs);
  const paged: Record<string, unknown> = { ...report, endpoints: sliced.a, holdings: sliced.b };
  // A multi-chain report's sections repeat each chain's lists: those are paged at the top only.
  if (Array.isArray(paged.sections)) {
    paged.sections = (paged.sections as { report: Record<string, unknown> }[]).map((s) => ({ ...s, report: { ...s.report, endpoints: [], holdings: [] } }));
  }
  return { report: paged, next: sliced.next };
}

/** A page of one run's report: the database reads just the page of its endpoints and holdings (a 100k case's report is 18 MB). */
async function runReportPage(deps: TraceDeps, runId: string, page: PageRequest) {
  const offsets = { first: page.cursor?.first ?? 0, second: page.cursor?.second ?? 0 };
  const window = await deps.store.runs.reportWindow(runId, {
    endpoints: { offset: offsets.first, limit: page.limit },
    holdings: { offset: offsets.second, limit: page.limit },
  });
  if (!window) throw new ConflictError(`run ${runId} has no report`);
  const { next } = pageBounds(window.lengths.endpoints!, window.lengths.holdings!, page, [runId]);
  return { report: window.report, next };
}

async function storedReport(deps: TraceDeps, runId: string): Promise<unknown> {
  const report = await deps.store.runs.report(runId);
  if (!report) throw new ConflictError(`run ${runId} has no report`);
  return report;
}
