// POST /v1/retrace (admin): run the nightly re-trace now, for every open case or one.
// GET /v1/retrace-runs: what each re-trace scanned, cost and raised.
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../errors';
import { retraceJob } from '../../queues/definitions';
import type { TraceDeps } from '../../tracing/deps';
import { pageOfRows, setNextPageHeaders } from '../cursor';
import { apiRouter } from '../route-spec';
import { routes } from '../schemas/misc';

export function retraceRouter(deps: TraceDeps) {
  const api = apiRouter('/v1');
  api.route(routes.retrace, async ({ body }, _req, res) => {
    const { caseId } = body;
    if (caseId !== undefined && !(await deps.store.cases.get(caseId))) throw new NotFoundError(`case ${caseId} not found`);
    const jobId = `retrace-manual-${randomUUID()}`;
    await deps.queue.add(retraceJob({ trigger: 'manual', ...(caseId !== undefined ? { caseIds: [caseId] } : {}) }, jobId));
    res.status(202).json({ queued: true, jobId });
  });
  api.route(routes.retraceRuns, async ({ query }, req, res) => {
    const page = pageOfRows(await deps.store.retrace.page({ after: query.cursor ?? null, limit: query.limit + 1 }), query.limit);
    setNextPageHeaders(req, res, page.nextCursor);
    res.json(page.items);
  });
  return api.router;
}
