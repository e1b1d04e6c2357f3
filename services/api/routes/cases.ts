// Case routes: thin — parse, call the use case, shape the response.
import { Router } from 'express';
import { isUuid } from '../../store/values';
import { NotFoundError } from '../../errors';
import { caseGraph, caseReport, createCase, getCase, startTrace } from '../../tracing/cases';
import type { TraceDeps } from '../../tracing/deps';
import type { CaseRow } from '../../store';
import { allow } from '../auth';

export function casesRouter(deps: TraceDeps): Router {
  const router = Router();
  router.param('id', (_req, _res, next, id: string) => next(isUuid(id) ? undefined : new NotFoundError(`case ${id} not found`)));

  router.post('/', allow('analyst'), async (req, res) => {
    const kase = await createCase(deps, req.body, req.principal!.keyId);
    res.status(201).location(`/v1/cases/${kase.id}`).json(caseJson(kase));
  });
  router.post('/:id/trace', allow('analyst'), async (req, res) => {
    const { runId } = await startTrace(deps, req.params.id as string);
    res.status(202).json({ id: req.params.id, runId, status: 'queued' });
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
