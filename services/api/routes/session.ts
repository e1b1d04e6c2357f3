// Who the key belongs to (the workbench signs in with it and shows the pages of its role),
// and the chains' display metadata (symbols, decimals, explorer links). Mounted in /v1.
import type { TraceDeps } from '../../tracing/deps';
import { chainsForDisplay } from '../../workbench/chains';
import { apiRouter } from '../route-spec';
import { routes } from '../schemas/workbench';

export function sessionRouter(deps: TraceDeps) {
  const api = apiRouter('/v1');
  api.route(routes.session, async (_input, req, res) => {
    const p = req.principal!;
    res.json({ keyId: p.keyId, name: p.name, role: p.role, partnerId: p.partnerId });
  });
  api.route(routes.chains, async (_input, _req, res) => {
    res.json(chainsForDisplay(deps.config));
  });
  return api.router;
}
