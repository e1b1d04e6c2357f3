// Freeze-request routes for staff: draft from a case, read with history, approve (four
// eyes), send, documents. Thin: parse, call the use case, shape the response.
import { actorOf } from '../../freeze/actor';
import { approveFreezeRequest } from '../../freeze/approve';
import { draftFreezeRequests } from '../../freeze/draft';
import { verifyIssuerFreezes } from '../../freeze/issuer-freezes';
import { getFreezeRequest } from '../../freeze/read';
import { sendFreezeRequest } from '../../freeze/send';
import { staffView } from '../../freeze/views';
import type { TraceDeps } from '../../tracing/deps';
import { apiRouter } from '../route-spec';
import { routes } from '../schemas/freeze';
import { sendDocuments } from './freeze-documents';

/** Mounted at /v1/cases, next to the case routes. */
export function caseFreezeRouter(deps: TraceDeps) {
  const api = apiRouter('/v1/cases');
  api.route(routes.draft, async ({ params, body }, req, res) => {
    const drafted = await draftFreezeRequests(deps, params.id, body, actorOf(req.principal!));
    res.status(201).json(await Promise.all(drafted.map(({ request }) => staffView(deps, request, { history: false }))));
  });
  api.route(routes.listForCase, async ({ params }, _req, res) => {
    const requests = await deps.store.freezeRequests.listForCase(params.id);
    res.json(await Promise.all(requests.map((r) => staffView(deps, r, { history: false }))));
  });
  api.route(routes.leads, async ({ params }, _req, res) => {
    res.json(await deps.store.alerts.leadsForCase(params.id));
  });
  return api.router;
}

/** Mounted at /v1/freeze-requests. */
export function freezeRequestsRouter(deps: TraceDeps) {
  const api = apiRouter('/v1/freeze-requests');
  api.route(routes.get, async ({ params }, _req, res) => {
    res.json(await staffView(deps, await getFreezeRequest(deps, params.id)));
  });
  api.route(routes.approve, async ({ params }, req, res) => {
    res.json(await staffView(deps, await approveFreezeRequest(deps, params.id, actorOf(req.principal!))));
  });
  api.route(routes.send, async ({ params }, req, res) => {
    const request = await sendFreezeRequest(deps, params.id, actorOf(req.principal!));
    res.status(request.status === 'sending' ? 202 : 200).json(await staffView(deps, request));
  });
  api.route(routes.verifyOnchain, async ({ params }, _req, res) => {
    const [check] = await verifyIssuerFreezes(deps, (await getFreezeRequest(deps, params.id)).id);
    res.json({ ...check, request: await staffView(deps, await getFreezeRequest(deps, params.id)) });
  });
  api.route(routes.targetsCsv, async ({ params }, _req, res) => {
    await sendDocuments(deps, res, await getFreezeRequest(deps, params.id), 'targets.csv');
  });
  api.route(routes.noticePdf, async ({ params }, _req, res) => {
    await sendDocuments(deps, res, await getFreezeRequest(deps, params.id), 'notice.pdf');
  });
  return api.router;
}
