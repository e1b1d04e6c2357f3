// Who did it, as the audit log records it.
import type { Principal } from '../auth/api-keys';
import type { Actor } from '../store';

export function actorOf(principal: Principal): Actor {
  return { id: principal.keyId, name: principal.name };
}

export const systemActor = (what: string): Actor => ({ id: `system:${what}`, name: what });
