// Case routes: thin — parse, call the use case, shape the response.
import {
  cancelTrace, caseGraph, caseReport, getCase, getRun, listCases, listRuns, runReport, startTrace,
} from '../../tracing/cases';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { TraceDeps } from '../../tracing/deps';
import type { CaseRow, RunRow } from '../../store';
import { encodeCursor, encodeRunCursor, setNextPageHeaders } from '../cursor';
import { caseGraphPage, caseReportPage, type PageRequest } from '../../paging/run-lists';
import { apiRouter } from '../route-spec';
import { caseCallback, openCase } from '../../callbacks/register';
import { RUN_PAGE_DEFAULT, routes } from '../schemas/cases';
import { jsonPieces } from '../../store/copy-text';

export function casesRouter(deps: TraceDeps) {
  const api = apiRouter('/v1/cases');
  api.route(routes.list, async ({ query }, req, res) => {
    const page = await listCases(deps, { search: query.q, status: query.status, closed: query.closed, after: query.cursor, limit: query.limit });
    setNextPageHeaders(req, res, encodeCursor(page.nextAfter));
    res.json({ items: page.items.map(caseJson), nextCursor: encodeCursor(page.nextAfter) });
  });
  api.route(routes.create, async ({ body }, req, res) => {
    const { callbackUrl, callbackSecret, ...input } = body;
    const { kase, callback } = await openCase(deps, input, { callbackUrl, callbackSecret }, req.principal!.keyId);
    res.status(201).location(`/v1/cases/${kase.id}`).json({
      ...caseJson(kase),
      ...(callback ? { callback: { url: callback.url, ...(callback.generatedSecret ? { secret: callback.generatedSecret } : {}) } } : {}),
    });
  });
  api.route(routes.callback, async ({ params }, _req, res) => {
    res.json(await caseCallback(deps, params.id));
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
  api.route(routes.report, async ({ params, query }, req, res) => {
    const page = pageRequest(query);
    if (!page) return sendReport(res, await caseReport(deps, params.id));
    const { report, next } = await caseReportPage(deps, params.id, null, page);
    res.json({ ...report, nextCursor: nextOf(req, res, next) });
  });
  api.route(routes.graph, async ({ params, query }, req, res) => {
    const page = pageRequest(query);
    if (!page) return void res.json(await caseGraph(deps, params.id));
    const { nodes, edges, next } = await caseGraphPage(deps, params.id, page);
    res.json({ nodes, edges, nextCursor: nextOf(req, res, next) });
  });
  api.route(routes.runs, async ({ params, query }, req, res) => {
    const page = await listRuns(deps, params.id, { after: query.cursor, limit: query.limit });
    setNextPageHeaders(req, res, encodeCursor(page.nextAfter));
    res.json({ items: page.items.map(runJson), nextCursor: encodeCursor(page.nextAfter) });
  });
  api.route(routes.run, async ({ params }, _req, res) => {
    res.json(runJson(await getRun(deps, params.id, params.runId)));
  });
  api.route(routes.runReport, async ({ params, query }, req, res) => {
    const page = pageRequest(query);
    if (!page) return sendReport(res, await runReport(deps, params.id, params.runId));
    const { report, next } = await caseReportPage(deps, params.id, params.runId, page);
    res.json({ ...report, nextCursor: nextOf(req, res, next) });
  });
  return api.router;
}

/**
 * A whole report as JSON, written in pieces as they are made (jsonPieces): a 100k case's
 * report is 18 MB, and res.json's one JSON.stringify of it held the API's event loop for
 * ~140 ms. The same text as res.json would send.
 */
async function sendReport(res: Response, report: unknown): Promise<void> {
  res.type('json');
  await pipeline(Readable.from(jsonPieces(report)), res);
}

/** Paging a run's lists is opt-in: null when neither `limit` nor `cursor` was given. */
function pageRequest(query: { limit?: number | undefined; cursor?: PageRequest['cursor'] | undefined }): PageRequest | null {
  if (query.limit === undefined && query.cursor === undefined) return null;
  return { limit: query.limit ?? RUN_PAGE_DEFAULT, cursor: query.cursor ?? null };
}

function nextOf(req: Request, res: Response, next: PageRequest['cursor']): string | null {
  const cursor = next ? encodeRunCursor(next) : null;
  setNextPageHeaders(req, res, cursor);
  return cursor;
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
