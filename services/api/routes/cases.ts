// Case routes: thin — parse, call the use case, shape the response.
import { Router } from 'express';
import { isUuid } from '../../store/values';
import { NotFoundError } from '../../errors';
import {
  cancelTrace, caseGraph, caseReport, createCase, getCase, getRun, listCases, listRuns, runReport, startTrace,
} from '../../tracing/cases';
import type { TraceDeps } from '../../tracing/deps';
import type { CaseRow, RunRow } from '../../store';
import { allow } from '../auth';
import { encodeCursor } from '../cursor';
import { caseListQuery, runListQuery } from '../schemas/cases';
import { parsePart } from '../validation';

export function casesRouter(deps: TraceDeps): Router {
  const router = Router();
  router.param('id', (_req, _res, next, id: string) => next(isUuid(id) ? undefined : new NotFoundError(`case ${id} not found`)));
  router.param('runId', (_req, _res, next, id: string) => next(isUuid(id) ? undefined : new NotFoundError(`run ${id} not found`)));

  router.get('/', allow('analyst', 'supervisor'), async (req, res) => {
    const query = parsePart(caseListQuery, req.query, 'query');
    const page = await listCases(deps, { search: query.q, status: query.status, closed: query.closed, after: query.cursor, limit: query.limit });
    res.json({ items: page.items.map(caseJson), nextCursor: encodeCursor(page.nextAfter) });
  });

  router.post('/', allow('analyst'), async (req, res) => {
    const kase = await createCase(deps, req.body, req.principal!.keyId);
    res.status(201).location(`/v1/cases/${kase.id}`).json(caseJson(kase));
  });
  router.post('/:id/trace', allow('analyst'), async (req, res) => {
    const { runId } = await startTrace(deps, req.params.id as string);
    res.status(202).json({ id: req.params.id, runId, status: 'queued' });
  });
  router.post('/:id/cancel', allow('analyst', 'supervisor'), async (req, res) => {
    const { kase, run } = await cancelTrace(deps, req.params.id as string, req.principal!.name);
    res.json({ ...caseJson(kase), run: runJson(run) });
  });
  router.get('/:id/runs', allow('analyst', 'supervisor'), async (req, res) => {
    const query = parsePart(runListQuery, req.query, 'query');
    const page = await listRuns(deps, req.params.id as string, { after: query.cursor, limit: query.limit });
    res.json({ items: page.items.map(runJson), nextCursor: encodeCursor(page.nextAfter) });
  });
  router.get('/:id/runs/:runId', allow('analyst', 'supervisor'), async (req, res) => {
    res.json(runJson(await getRun(deps, req.params.id as string, req.params.runId as string)));
  });
  router.get('/:id/runs/:runId/report', allow('analyst', 'supervisor'), async (req, res) => {
    res.json(await runReport(deps, req.params.id as string, req.params.runId as string));
  });
  router.post('/:id/close', allow('analyst', 'supervisor'), async (req, res) => {
    res.json(caseJson(await deps.store.cases.close(req.params.id as string)));
  });
  router.get('/:id', allow('analyst', 'supervisor'), async (req, res) => {
    res.json(caseJson(await getCase(deps, req.params.id as string)));
  });
  router.get('/:id/report', allow('analyst', 'supervisor'), async (req, res) => {
    res.json(await caseReport(deps, req.params.id as string));
  });
  router.get('/:id/graph', allow('analyst', 'supervisor'), async (req, res) => {
    res.json(await caseGraph(deps, req.params.id as string));
  });
  return router;
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
    minAmount: kase.minAmount.toString(),
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
