// Alerts for analysts (a delivery that failed for good, funds moved before a freeze) and
// leads (bank accounts at banks that are not partners).
import type { Db } from './db';
import { amountParam, isUuid, jsonParam, toBigInt, toDate } from './values';

export interface AlertRow {
  id: string;
  kind: string;
  caseId: string | null;
  requestId: string | null;
  message: string;
  details: unknown;
  createdAt: Date;
}

export interface LeadRow {
  id: string;
  caseId: string;
  requestId: string;
  iban: string;
  bank: string;
  amount: bigint;
  currency: string;
  createdAt: Date;
}

export function createAlertsRepo(db: Db) {
  return {
    async raise(alert: { kind: string; caseId: string | null; requestId: string | null; message: string; details?: unknown }): Promise<AlertRow> {
      const { rows } = await db.query<AlertDbRow>(
        'insert into alerts (kind, case_id, request_id, message, details) values ($1, $2, $3, $4, $5) returning *',
        [alert.kind, alert.caseId, alert.requestId, alert.message, alert.details === undefined ? null : jsonParam(alert.details)],
      );
      return alertFromRow(rows[0]!);
    },

    /**
     * A page of alerts, newest first, after the alert `after` (the last of the previous page):
     * keyed on (created_at, id), so alerts raised while a client pages come before its first
     * page and never shift the pages that follow.
     */
    async page(options: { caseId?: string | null; after?: string | null; limit: number }): Promise<AlertRow[]> {
      const { rows } = await db.query<AlertDbRow>(
        `select * from alerts where ($1::uuid is null or case_id = $1)
           and ($2::uuid is null or (created_at, id) < (select created_at, id from alerts where id = $2))
         order by created_at desc, id desc limit $3`,
        [options.caseId && isUuid(options.caseId) ? options.caseId : null, options.after && isUuid(options.after) ? options.after : null, options.limit],
      );
      return rows.map(alertFromRow);
    },

    async list(options: { caseId?: string; limit?: number } = {}): Promise<AlertRow[]> {
      const { rows } = await db.query<AlertDbRow>(
        'select * from alerts where ($1::uuid is null or case_id = $1) order by created_at desc, id limit $2',
        [options.caseId && isUuid(options.caseId) ? options.caseId : null, options.limit ?? 500],
      );
      return rows.map(alertFromRow);
    },

    async addLead(lead: { caseId: string; requestId: string; iban: string; bank: string; amount: bigint; currency: string }): Promise<LeadRow> {
      const { rows } = await db.query<LeadDbRow>(
        'insert into freeze_leads (case_id, request_id, iban, bank, amount, currency) values ($1, $2, $3, $4, $5, $6) returning *',
        [lead.caseId, lead.requestId, lead.iban, lead.bank, amountParam(lead.amount), lead.currency],
      );
      return leadFromRow(rows[0]!);
    },

    async leadsForCase(caseId: string): Promise<LeadRow[]> {
      if (!isUuid(caseId)) return [];
      const { rows } = await db.query<LeadDbRow>('select * from freeze_leads where case_id = $1 order by created_at, id', [caseId]);
      return rows.map(leadFromRow);
    },
  };
}

interface AlertDbRow { id: string; kind: string; case_id: string | null; request_id: string | null; message: string; details: unknown; created_at: unknown }
function alertFromRow(row: AlertDbRow): AlertRow {
  return { id: row.id, kind: row.kind, caseId: row.case_id, requestId: row.request_id, message: row.message, details: row.details, createdAt: toDate(row.created_at) };
}

interface LeadDbRow { id: string; case_id: string; request_id: string; iban: string; bank: string; amount: unknown; currency: string; created_at: unknown }
function leadFromRow(row: LeadDbRow): LeadRow {
  return { id: row.id, caseId: row.case_id, requestId: row.request_id, iban: row.iban, bank: row.bank, amount: toBigInt(row.amount), currency: row.currency, createdAt: toDate(row.created_at) };
}
