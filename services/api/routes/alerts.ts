// Alerts for analysts: deliveries that failed for good, bank leads, on-chain freezes.
import { Router } from 'express';
import type { TraceDeps } from '../../tracing/deps';
import { allow } from '../auth';

export function alertsRouter(deps: TraceDeps): Router {
  const router = Router();
  router.get('/', allow('analyst', 'supervisor'), async (req, res) => {
    const caseId = typeof req.query.caseId === 'string' ? req.query.caseId : undefined;
    res.json(await deps.store.alerts.list({ caseId }));
  });
  return router;
}
