// Alerts for analysts: deliveries that failed for good, bank leads, on-chain freezes.
import type { TraceDeps } from '../../tracing/deps';
import { apiRouter } from '../route-spec';
import { routes } from '../schemas/misc';

export function alertsRouter(deps: TraceDeps) {
  const api = apiRouter('/v1/alerts');
  api.route(routes.alerts, async ({ query }, _req, res) => {
    res.json(await deps.store.alerts.list({ caseId: query.caseId }));
  });
  return api.router;
}
