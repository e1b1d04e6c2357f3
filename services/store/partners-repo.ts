// Partners: the exchanges, banks and stablecoin issuers freeze requests go to. The webhook
// secret is read only by the delivery worker (`withSecret`); every other read leaves it out.
import type { Db } from './db';
import { isUuid, toDate } from './values';

export const PARTNER_KINDS = ['exchange', 'bank', 'issuer'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];
export type PartnerChannel = 'webhook' | 'manual';

export interface NewPartner {
  name: string;
  kind: PartnerKind;
  /** Entity names as in labels; stored lower-case. */
  entities: string[];
  webhookUrl: string | null;
  webhookSecret: string | null;
  contactEmail: string | null;
  jurisdiction: string | null;
}

export interface PartnerRow {
  id: string;
  name: string;
  kind: PartnerKind;
  entities: string[];
  channel: PartnerChannel;
  webhookUrl: string | null;
  contactEmail: string | null;
  jurisdiction: string | null;
  createdAt: Date;
}

export function createPartnersRepo(db: Db) {
  return {
    async create(input: NewPartner): Promise<PartnerRow> {
      const { rows } = await db.query<PartnerDbRow>(
        `insert into partners (name, kind, entities, channel, webhook_url, webhook_secret, contact_email, jurisdiction)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${COLUMNS}`,
        [input.name, input.kind, input.entities.map((e) => e.toLowerCase()), input.webhookUrl ? 'webhook' : 'manual',
          input.webhookUrl, input.webhookSecret, input.contactEmail, input.jurisdiction],
      );
      return fromRow(rows[0]!);
    },

    async get(id: string): Promise<PartnerRow | null> {
      if (!isUuid(id)) return null;
      const { rows } = await db.query<PartnerDbRow>(`select ${COLUMNS} from partners where id = $1`, [id]);
      return rows[0] ? fromRow(rows[0]) : null;
    },

    /** A page of partners, oldest first, after the partner `after`: one registered meanwhile comes at the end. */
    async page(options: { after?: string | null; limit: number }): Promise<PartnerRow[]> {
      const { rows } = await db.query<PartnerDbRow>(
        `select ${COLUMNS} from partners
         where $1::uuid is null or (created_at, id) > (select created_at, id from partners where id = $1)
         order by created_at, id limit $2`,
        [options.after && isUuid(options.after) ? options.after : null, options.limit],
      );
      return rows.map(fromRow);
    },

    async list(): Promise<PartnerRow[]> {
      const { rows } = await db.query<PartnerDbRow>(`select ${COLUMNS} from partners order by created_at, id`);
      return rows.map(fromRow);
    },

    /** Partners covering any of these entity names (case-insensitive). */
    async coveringEntities(entities: string[]): Promise<PartnerRow[]> {
      if (entities.length === 0) return [];
      const { rows } = await db.query<PartnerDbRow>(
        `select ${COLUMNS} from partners where entities && $1::text[] order by created_at, id`,
        [entities.map((e) => e.toLowerCase())],
      );
      return rows.map(fromRow);
    },

    /** The stored (sealed) webhook secret, for signing a delivery. Nothing else reads it. */
    async webhookSecret(id: string): Promise<string | null> {
      if (!isUuid(id)) return null;
      const { rows } = await db.query<{ webhook_secret: string | null }>('select webhook_secret from partners where id = $1', [id]);
      return rows[0]?.webhook_secret ?? null;
    },

    /** Every stored webhook secret, for re-sealing them under a new key. */
    async storedWebhookSecrets(): Promise<{ id: string; stored: string }[]> {
      const { rows } = await db.query<{ id: string; webhook_secret: string }>('select id, webhook_secret from partners where webhook_secret is not null order by id');
      return rows.map((r) => ({ id: r.id, stored: r.webhook_secret }));
    },

    /** Replaces a stored secret only if it is still `expected` (two rotations at once agree). */
    async replaceWebhookSecret(id: string, expected: string, stored: string): Promise<boolean> {
      const { rowCount } = await db.query('update partners set webhook_secret = $3 where id = $1 and webhook_secret = $2', [id, expected, stored]);
      return rowCount === 1;
    },
  };
}

const COLUMNS = 'id, name, kind, entities, channel, webhook_url, contact_email, jurisdiction, created_at';

interface PartnerDbRow {
  id: string;
  name: string;
  kind: string;
  entities: string[];
  channel: string;
  webhook_url: string | null;
  contact_email: string | null;
  jurisdiction: string | null;
  created_at: unknown;
}

function fromRow(row: PartnerDbRow): PartnerRow {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as PartnerKind,
    entities: row.entities,
    channel: row.channel as PartnerChannel,
    webhookUrl: row.webhook_url,
    contactEmail: row.contact_email,
    jurisdiction: row.jurisdiction,
    createdAt: toDate(row.created_at),
  };
}
