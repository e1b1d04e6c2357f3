// POST /v1/retrace (admin): run the nightly re-trace now, for every open case or one.
// GET /v1/retrace-runs: what each re-trace scanned, cost and raised.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { BadRequestError, NotFoundError } from '../../errors';
import { retraceJob } from '../../queues/definitions';
import { isUuid } from '../../store/values';
import type { TraceDeps } from '../../tracing/deps';
import { allow } from '../auth';

export function retraceRouter(deps: TraceDeps): Router {
  const router = Router();
  router.post('/retrace', allow('admin'), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('expected a JSON object');
    const caseId = body.caseId;
    if (caseId !== undefined && (typeof caseId !== 'string' || !isUuid(caseId))) throw new BadRequestError('caseId must be a case id');
    if (typeof caseId === 'string' && !(await deps.store.cases.get(caseId))) throw new NotFoundError(`case ${caseId} not found`);
    const jobId = `retrace-manual-${randomUUID()}`;
    await deps.queue.add(retraceJob({ trigger: 'manual', ...(typeof caseId === 'string' ? { caseIds: [caseId] } : {}) }, jobId));
    res.status(202).json({ queued: true, jobId });
  });
  router.get('/retrace-runs', allow('admin', 'analyst', 'supervisor'), async (_req, res) => {
    res.json(await deps.store.retrace.list(100));
  });
  return router;
}
