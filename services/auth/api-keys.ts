// API keys: random, shown once, stored only as a SHA-256 hash (a key is 192 random bits,
// so a fast hash is enough; there is nothing to brute-force).
import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../store';

export const ROLES = ['admin', 'analyst', 'supervisor', 'partner'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES = ['admin', 'analyst', 'supervisor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  partnerId: string | null;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateKey(role: Role): string {
  return `th_${role}_${randomBytes(24).toString('base64url')}`;
}

export async function createApiKey(store: Store, opts: { role: Role; name: string; partnerId?: string; key?: string; expiresAt?: Date | null }): Promise<{ id: string; key: string }> {
  const key = opts.key ?? generateKey(opts.role);
  const row = await store.apiKeys.create({
    name: opts.name, role: opts.role, keyHash: hashKey(key), keyPrefix: key.slice(0, 12), partnerId: opts.partnerId ?? null, expiresAt: opts.expiresAt ?? null,
  });
  return { id: row.id, key };
}

export async function authenticate(store: Store, key: string): Promise<Principal | null> {
  if (!/^[\x21-\x7e]{16,200}$/.test(key)) return null;
  const row = await store.apiKeys.findByHash(hashKey(key));
  if (!row || row.revokedAt) return null;
  return { keyId: row.id, name: row.name, role: row.role as Role, partnerId: row.partnerId ?? null };
}

/** TRACEHOLD_BOOTSTRAP_ADMIN_KEY: create an admin with that key when there is none yet. */
export async function bootstrapAdmin(store: Store, key: string | undefined): Promise<boolean> {
  if (!key) return false;
  if ((await store.apiKeys.countByRole('admin')) > 0) return false;
  await createApiKey(store, { role: 'admin', name: 'bootstrap admin', key });
  return true;
}
