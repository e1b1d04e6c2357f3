// Who the key belongs to (the workbench signs in with it and shows the pages of its role),
// and the chains' display metadata (symbols, decimals, explorer links).
import { Router } from 'express';
import type { TraceDeps } from '../../tracing/deps';
import { allow } from '../auth';
import { chainsForDisplay } from '../../workbench/chains';

export function sessionRouter(deps: TraceDeps): Router {
  const router = Router();
  router.get('/session', allow('admin', 'analyst', 'supervisor', 'partner'), (req, res) => {
    const p = req.principal!;
    res.json({ keyId: p.keyId, name: p.name, role: p.role, partnerId: p.partnerId });
  });
  router.get('/chains', allow('admin', 'analyst', 'supervisor', 'partner'), (_req, res) => {
    res.json(chainsForDisplay(deps.config));
  });
  return router;
}
