// Case routes: thin — parse, call the use case, shape the response.
import {
  cancelTrace, caseGraph, caseReport, createCase, getCase, getRun, listCases, listRuns, runReport, startTrace,
} from '../../tracing/cases';
import type { TraceDeps } from '../../tracing/deps';
import type { CaseRow, RunRow } from '../../store';
import { encodeCursor } from '../cursor';
import { apiRouter } from '../route-spec';
import { routes } from '../schemas/cases';

export function casesRouter(deps: TraceDeps) {
  const api = apiRouter('/v1/cases');
  api.route(routes.list, async ({ query }, _req, res) => {
    const page = await listCases(deps, { search: query.q, status: query.status, closed: query.closed, after: query.cursor, limit: query.limit });
    res.json({ items: page.items.map(caseJson), nextCursor: encodeCursor(page.nextAfter) });
  });
  api.route(routes.create, async ({ body }, req, res) => {
    const kase = await createCase(deps, body, req.principal!.keyId);
    res.status(201).location(`/v1/cases/${kase.id}`).json(caseJson(kase));
  });
  api.route(routes.trace, async ({ params }, _req, res) => {
    const { runId } = await startTrace(deps, params.id);
    res.status(202).json({ id: params.id, runId, status: 'queued' });
  });
  api.route(routes.cancel, async ({ params }, req, res) => {
    const { kase, run } = await cancelTrace(deps, params.id, req.principal!.name);
    res.json({ ...caseJson(kase), run: runJson(run) });
  });
  api.route(routes.close, async ({ params }, _req, res) => {
    res.json(caseJson(await deps.store.cases.close(params.id)));
  });
  api.route(routes.get, async ({ params }, _req, res) => {
    res.json(caseJson(await getCase(deps, params.id)));
  });
  api.route(routes.report, async ({ params }, _req, res) => {
    res.json(await caseReport(deps, params.id));
  });
  api.route(routes.graph, async ({ params }, _req, res) => {
    res.json(await caseGraph(deps, params.id));
  });
  api.route(routes.runs, async ({ params, query }, _req, res) => {
    const page = await listRuns(deps, params.id, { after: query.cursor, limit: query.limit });
    res.json({ items: page.items.map(runJson), nextCursor: encodeCursor(page.nextAfter) });
  });
  api.route(routes.run, async ({ params }, _req, res) => {
    res.json(runJson(await getRun(deps, params.id, params.runId)));
  });
  api.route(routes.runReport, async ({ params }, _req, res) => {
    res.json(await runReport(deps, params.id, params.runId));
  });
  return api.router;
}

export function caseJson(kase: CaseRow) {
  return {
    id: kase.id,
    title: kase.title,
    reference: kase.reference,
    chain: kase.chain,
    seeds: kase.seeds,
    model: kase.model,
    maxHops: kase.maxHops,
    fromBlock: kase.fromBlock,
    toBlock: kase.toBlock,
    assets: kase.assets,
    // Per asset (base units) when the case set its own; else the older all-asset figure.
    minAmount: kase.minAmounts.size ? Object.fromEntries([...kase.minAmounts].map(([a, v]) => [a, v.toString()])) : kase.minAmount.toString(),
    status: kase.status,
    closed: kase.closedAt !== null,
    progress: kase.progress,
    createdAt: kase.createdAt,
    updatedAt: kase.updatedAt,
  };
}

export function runJson(run: RunRow) {
  return {
    id: run.id,
    caseId: run.caseId,
    status: run.status,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    toBlock: run.toBlock,
    error: run.error,
    stats: run.stats,
  };
}
