// Alerts for analysts: deliveries that failed for good, bank leads, on-chain freezes.
import type { TraceDeps } from '../../tracing/deps';
import { pageOfRows, setNextPageHeaders } from '../cursor';
import { apiRouter } from '../route-spec';
import { routes } from '../schemas/misc';

export function alertsRouter(deps: TraceDeps) {
  const api = apiRouter('/v1/alerts');
  api.route(routes.alerts, async ({ query }, req, res) => {
    const page = pageOfRows(await deps.store.alerts.page({ caseId: query.caseId ?? null, after: query.cursor ?? null, limit: query.limit + 1 }), query.limit);
    setNextPageHeaders(req, res, page.nextCursor);
    res.json(page.items);
  });
  return api.router;
}
