// Key management for admins: thin over auth/key-management.ts.
import { createManagedKey, keyJson, revokeKey } from '../../auth/key-management';
import type { TraceDeps } from '../../tracing/deps';
import { encodeCursor, setNextPageHeaders } from '../cursor';
import { apiRouter } from '../route-spec';
import { routes } from '../schemas/keys';

export function keysRouter(deps: TraceDeps) {
  const api = apiRouter('/v1/keys');
  api.route(routes.list, async ({ query }, req, res) => {
    const rows = await deps.store.apiKeys.page({ role: query.role, active: query.active, after: query.cursor, limit: query.limit + 1 });
    const items = rows.slice(0, query.limit);
    const nextCursor = encodeCursor(rows.length > query.limit ? items[items.length - 1]!.id : null);
    setNextPageHeaders(req, res, nextCursor);
    res.json({ items: items.map(keyJson), nextCursor });
  });
  api.route(routes.create, async ({ body }, _req, res) => {
    const { row, key } = await createManagedKey(deps.store, { role: body.role, name: body.name, expiresAt: body.expiresAt ? new Date(body.expiresAt) : null });
    res.status(201).location(`/v1/keys/${row.id}`).json({ ...keyJson(row), key });
  });
  api.route(routes.revoke, async ({ params }, _req, res) => {
    res.json(keyJson(await revokeKey(deps.store, params.id)));
  });
  return api.router;
}
