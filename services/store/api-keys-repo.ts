// API keys, stored as SHA-256 hashes. Hashing is the caller's job (the auth module);
// this file never sees a key.
import { ConflictError, InvalidInputError } from '../errors';
import type { Db } from './db';
import { isUuid, toDate, toDateOrNull, toInt } from './values';

export const API_KEY_ROLES = ['admin', 'analyst', 'supervisor', 'partner'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export interface NewApiKey {
  name: string;
  role: ApiKeyRole;
  /** Lower-case hex SHA-256 of the key. */
  keyHash: string;
  /** First 8 characters of the key, for display. */
  keyPrefix: string;
  /** Required for role `partner`, forbidden otherwise. */
  partnerId?: string | null;
  /** Unset: never expires. */
  expiresAt?: Date | null;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  role: ApiKeyRole;
  keyHash: string;
  keyPrefix: string;
  partnerId: string | null;
  createdAt: Date;
  revokedAt: Date | null;
  expiresAt: Date | null;
}

export function createApiKeysRepo(db: Db) {
  return {
    async create(input: NewApiKey): Promise<ApiKeyRow> {
      const partnerId = input.partnerId ?? null;
      if ((input.role === 'partner') !== (partnerId !== null)) {
        throw new InvalidInputError('a partner key needs a partnerId, and only a partner key may have one');
      }
      if (partnerId !== null && !isUuid(partnerId)) throw new InvalidInputError(`partnerId ${partnerId} is not a uuid`);
      try {
        const { rows } = await db.query<ApiKeyDbRow>(
          `insert into api_keys (name, role, key_hash, key_prefix, partner_id, expires_at)
           values ($1, $2, $3, $4, $5, $6) returning ${COLUMNS}`,
          [input.name, input.role, input.keyHash, input.keyPrefix, partnerId, input.expiresAt ?? null],
        );
        return fromRow(rows[0] as ApiKeyDbRow);
      } catch (error) {
        if ((error as { code?: unknown }).code === '23505') {
          throw new ConflictError('an API key with this hash exists', { cause: error });
        }
        throw error;
      }
    },

    /** The key with this hash, unless it was revoked or has expired. */
    async findByHash(keyHash: string): Promise<ApiKeyRow | null> {
      const { rows } = await db.query<ApiKeyDbRow>(
        `select ${COLUMNS} from api_keys where key_hash = $1 and revoked_at is null and (expires_at is null or expires_at > now())`,
        [keyHash],
      );
      return rows[0] ? fromRow(rows[0]) : null;
    },

    async get(id: string): Promise<ApiKeyRow | null> {
      if (!isUuid(id)) return null;
      const { rows } = await db.query<ApiKeyDbRow>(`select ${COLUMNS} from api_keys where id = $1`, [id]);
      return rows[0] ? fromRow(rows[0]) : null;
    },

    /** Newest first; `active`: only keys neither revoked nor expired (false: only those that are). */
    async page(options: { role?: ApiKeyRole | null; active?: boolean | null; after?: string | null; limit: number }): Promise<ApiKeyRow[]> {
      const { rows } = await db.query<ApiKeyDbRow>(
        `select ${COLUMNS} from api_keys k
         where ($1::text is null or role = $1)
           and ($2::boolean is null or (revoked_at is null and (expires_at is null or expires_at > now())) = $2)
           and ($3::uuid is null or (k.created_at, k.id) < (select created_at, id from api_keys where id = $3))
         order by created_at desc, id desc limit $4`,
        [options.role ?? null, options.active ?? null, options.after && isUuid(options.after) ? options.after : null, options.limit],
      );
      return rows.map(fromRow);
    },

    /** Keys of this role that are neither revoked nor expired. */
    async countByRole(role: ApiKeyRole): Promise<number> {
      const { rows } = await db.query<{ n: unknown }>(
        'select count(*) as n from api_keys where role = $1 and revoked_at is null and (expires_at is null or expires_at > now())',
        [role],
      );
      return toInt(rows[0]?.n);
    },

    /** Returns false when there is no such active key. */
    async revoke(id: string): Promise<boolean> {
      if (!isUuid(id)) return false;
      const { rowCount } = await db.query(
        'update api_keys set revoked_at = now() where id = $1 and revoked_at is null',
        [id],
      );
      return rowCount === 1;
    },
  };
}

const COLUMNS = 'id, name, role, key_hash, key_prefix, partner_id, created_at, revoked_at, expires_at';

interface ApiKeyDbRow {
  id: string;
  name: string;
  role: string;
  key_hash: string;
  key_prefix: string;
  partner_id: string | null;
  created_at: unknown;
  revoked_at: unknown;
  expires_at: unknown;
}

function fromRow(row: ApiKeyDbRow): ApiKeyRow {
  return {
    id: row.id,
    name: row.name,
    role: row.role as ApiKeyRole,
    keyHash: row.key_hash,
    keyPrefix: row.key_prefix,
    partnerId: row.partner_id,
    createdAt: toDate(row.created_at),
    revokedAt: toDateOrNull(row.revoked_at),
    expiresAt: toDateOrNull(row.expires_at),
  };
}
