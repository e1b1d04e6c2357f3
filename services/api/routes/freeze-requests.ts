// Freeze-request routes for staff: draft from a case, read with history, approve (four
// eyes), send, documents. Thin: parse, call the use case, shape the response.
import { Router } from 'express';
import { NotFoundError } from '../../errors';
import { actorOf } from '../../freeze/actor';
import { approveFreezeRequest } from '../../freeze/approve';
import { draftFreezeRequests } from '../../freeze/draft';
import { verifyIssuerFreezes } from '../../freeze/issuer-freezes';
import { getFreezeRequest } from '../../freeze/read';
import { sendFreezeRequest } from '../../freeze/send';
import { staffView } from '../../freeze/views';
import { isUuid } from '../../store/values';
import type { TraceDeps } from '../../tracing/deps';
import { allow } from '../auth';
import { sendDocuments } from './freeze-documents';

/** Mounted at /v1/cases, next to the case routes. */
export function caseFreezeRouter(deps: TraceDeps): Router {
  const router = Router();
  router.param('id', (_req, _res, next, id: string) => next(isUuid(id) ? undefined : new NotFoundError(`case ${id} not found`)));
  router.post('/:id/freeze-requests', allow('analyst', 'supervisor'), async (req, res) => {
    const drafted = await draftFreezeRequests(deps, req.params.id as string, req.body ?? {}, actorOf(req.principal!));
    res.status(201).json(await Promise.all(drafted.map(({ request }) => staffView(deps, request, { history: false }))));
  });
  router.get('/:id/freeze-requests', allow('analyst', 'supervisor'), async (req, res) => {
    const requests = await deps.store.freezeRequests.listForCase(req.params.id as string);
    res.json(await Promise.all(requests.map((r) => staffView(deps, r, { history: false }))));
  });
  router.get('/:id/leads', allow('analyst', 'supervisor'), async (req, res) => {
    res.json(await deps.store.alerts.leadsForCase(req.params.id as string));
  });
  return router;
}

/** Mounted at /v1/freeze-requests. */
export function freezeRequestsRouter(deps: TraceDeps): Router {
  const router = Router();
  router.param('id', (_req, _res, next, id: string) => next(isUuid(id) ? undefined : new NotFoundError(`freeze request ${id} not found`)));
  router.get('/:id', allow('analyst', 'supervisor'), async (req, res) => {
    res.json(await staffView(deps, await getFreezeRequest(deps, req.params.id as string)));
  });
  router.post('/:id/approve', allow('supervisor'), async (req, res) => {
    res.json(await staffView(deps, await approveFreezeRequest(deps, req.params.id as string, actorOf(req.principal!))));
  });
  router.post('/:id/send', allow('analyst', 'supervisor'), async (req, res) => {
    const request = await sendFreezeRequest(deps, req.params.id as string, actorOf(req.principal!));
    res.status(request.status === 'sending' ? 202 : 200).json(await staffView(deps, request));
  });
  router.post('/:id/verify-onchain', allow('analyst', 'supervisor'), async (req, res) => {
    const [check] = await verifyIssuerFreezes(deps, (await getFreezeRequest(deps, req.params.id as string)).id);
    res.json({ ...check, request: await staffView(deps, await getFreezeRequest(deps, req.params.id as string)) });
  });
  for (const format of ['targets.csv', 'notice.pdf']) {
    router.get(`/:id/${format}`, allow('analyst', 'supervisor'), async (req, res) => {
      await sendDocuments(deps, res, await getFreezeRequest(deps, req.params.id as string), format);
    });
  }
  return router;
}
