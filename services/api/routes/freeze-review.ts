// Review of a draft freeze request from the workbench: reorder its targets before approval.
// Mounted at /v1/freeze-requests. Thin: parse, call the use case, shape the response.
import { actorOf } from '../../freeze/actor';
import { reorderTargets } from '../../freeze/reorder-targets';
import { staffView } from '../../freeze/views';
import type { TraceDeps } from '../../tracing/deps';
import { apiRouter } from '../route-spec';
import { routes } from '../schemas/workbench';

export function freezeReviewRouter(deps: TraceDeps) {
  const api = apiRouter('/v1/freeze-requests');
  api.route(routes.reorderTargets, async ({ params, body }, req, res) => {
    res.json(await staffView(deps, await reorderTargets(deps, params.id, body.order, actorOf(req.principal!))));
  });
  return api.router;
}
