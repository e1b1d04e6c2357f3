// Key management for admins (API and CLI): list, create with an expiry, revoke. A key is
// shown once, at creation; the store keeps its hash. The last working admin key cannot be
// revoked: nobody could manage keys afterwards.
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import type { ApiKeyRow, Store } from '../store';
import { createApiKey, STAFF_ROLES, type Role, type StaffRole } from './api-keys';

export interface NewKeyInput {
  role: StaffRole;
  name: string;
  /** Unset: never expires. */
  expiresAt?: Date | null;
}

export async function createManagedKey(store: Store, input: NewKeyInput, now = new Date()): Promise<{ row: ApiKeyRow; key: string }> {
  if (!(STAFF_ROLES as readonly string[]).includes(input.role)) throw new InvalidInputError(`role must be one of ${STAFF_ROLES.join(', ')} (partner keys come with their partner)`);
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw new InvalidInputError('name must be 1 to 200 characters');
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) throw new InvalidInputError('expiresAt is in the past');
  const { id, key } = await createApiKey(store, { role: input.role, name, expiresAt: input.expiresAt ?? null });
  return { row: (await store.apiKeys.get(id))!, key };
}

export async function revokeKey(store: Store, id: string): Promise<ApiKeyRow> {
  const row = await store.apiKeys.get(id);
  if (!row) throw new NotFoundError(`API key ${id} not found`);
  if (row.revokedAt) throw new ConflictError(`API key ${id} is already revoked`);
  if (row.role === 'admin' && isActive(row) && (await store.apiKeys.countByRole('admin')) <= 1) {
    throw new ConflictError('this is the last working admin key: create another admin key first');
  }
  await store.apiKeys.revoke(id);
  return (await store.apiKeys.get(id))!;
}

export function isActive(row: ApiKeyRow, now = new Date()): boolean {
  return row.revokedAt === null && (row.expiresAt === null || row.expiresAt.getTime() > now.getTime());
}

export function keyJson(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    prefix: row.keyPrefix,
    partnerId: row.partnerId,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    active: isActive(row),
  };
}

/** `30d`, `12h`, `90m` or an ISO 8601 date → the expiry time. */
export function parseExpiry(text: string, now = new Date()): Date {
  const rel = /^(\d{1,6})([dhm])$/.exec(text.trim());
  if (rel) return new Date(now.getTime() + Number(rel[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[rel[2] as 'd' | 'h' | 'm']);
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at.getTime())) throw new InvalidInputError(`expiry "${text}" is neither a duration (30d, 12h, 90m) nor an ISO 8601 date`);
  return at;
}
