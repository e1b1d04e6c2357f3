// Case callbacks: the URL and sealed signing secret a case registered, and one delivery row per
// run and event (what was sent, how often, how it ended).
import type { Db } from './db';
import { isUuid, toDate, toDateOrNull, toInt } from './values';

export const CALLBACK_EVENTS = ['trace.finished', 'trace.failed'] as const;
export type CallbackEvent = (typeof CALLBACK_EVENTS)[number];

export interface CaseCallbackRow {
  caseId: string;
  url: string;
  /** Sealed (secret-box); only delivery opens it. */
  sealedSecret: string;
  createdAt: Date;
}

export interface CallbackDeliveryRow {
  runId: string;
  event: CallbackEvent;
  caseId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export function createCallbacksRepo(db: Db) {
  return {
    async register(caseId: string, url: string, sealedSecret: string): Promise<void> {
      await db.query('insert into case_callbacks (case_id, url, secret) values ($1, $2, $3)', [caseId, url, sealedSecret]);
    },

    /** The callback of the case, or of the multi-chain case it belongs to. */
    async forCase(caseId: string): Promise<CaseCallbackRow | null> {
      if (!isUuid(caseId)) return null;
      const { rows } = await db.query<{ case_id: string; url: string; secret: string; created_at: unknown }>(
        `select cb.case_id, cb.url, cb.secret, cb.created_at from cases c
           join case_callbacks cb on cb.case_id = c.id or cb.case_id = c.parent_id
         where c.id = $1 order by (cb.case_id = c.id) desc limit 1`,
        [caseId],
      );
      const row = rows[0];
      return row ? { caseId: row.case_id, url: row.url, sealedSecret: row.secret, createdAt: toDate(row.created_at) } : null;
    },

    /** Records that a run's event is to be delivered: true the first time only. */
    async open(runId: string, event: CallbackEvent, caseId: string): Promise<boolean> {
      const { rowCount } = await db.query(
        'insert into case_callback_deliveries (run_id, event, case_id) values ($1, $2, $3) on conflict do nothing',
        [runId, event, caseId],
      );
      return rowCount === 1;
    },

    async delivery(runId: string, event: CallbackEvent): Promise<CallbackDeliveryRow | null> {
      if (!isUuid(runId)) return null;
      const { rows } = await db.query<DeliveryDbRow>('select * from case_callback_deliveries where run_id = $1 and event = $2', [runId, event]);
      return rows[0] ? deliveryFromRow(rows[0]) : null;
    },

    async deliveries(caseId: string): Promise<CallbackDeliveryRow[]> {
      if (!isUuid(caseId)) return [];
      const { rows } = await db.query<DeliveryDbRow>('select * from case_callback_deliveries where case_id = $1 order by created_at, run_id, event', [caseId]);
      return rows.map(deliveryFromRow);
    },

    /** One try's outcome: `delivered`, still `pending` (error, to retry) or `failed` for good. */
    async attempted(runId: string, event: CallbackEvent, outcome: { status: 'pending' | 'delivered' | 'failed'; error: string | null }): Promise<void> {
      await db.query(
        `update case_callback_deliveries set attempts = attempts + 1, status = $3, last_error = $4,
           delivered_at = case when $3 = 'delivered' then now() else delivered_at end
         where run_id = $1 and event = $2 and status = 'pending'`,
        [runId, event, outcome.status, outcome.error],
      );
    },

    /** The re-trace batch that queued the run, if any. */
    async retraceRunOf(runId: string): Promise<string | null> {
      const { rows } = await db.query<{ retrace_run_id: string | null }>('select retrace_run_id from trace_runs where id = $1', [runId]);
      return rows[0]?.retrace_run_id ?? null;
    },

    /** Every stored secret, for re-sealing under a new key. */
    async storedSecrets(): Promise<{ caseId: string; stored: string }[]> {
      const { rows } = await db.query<{ case_id: string; secret: string }>('select case_id, secret from case_callbacks order by case_id');
      return rows.map((r) => ({ caseId: r.case_id, stored: r.secret }));
    },

    async replaceSecret(caseId: string, expected: string, stored: string): Promise<boolean> {
      const { rowCount } = await db.query('update case_callbacks set secret = $3 where case_id = $1 and secret = $2', [caseId, expected, stored]);
      return rowCount === 1;
    },
  };
}

interface DeliveryDbRow {
  run_id: string; event: string; case_id: string; status: string; attempts: unknown; last_error: string | null; created_at: unknown; delivered_at: unknown;
}

function deliveryFromRow(row: DeliveryDbRow): CallbackDeliveryRow {
  return {
    runId: row.run_id, event: row.event as CallbackEvent, caseId: row.case_id, status: row.status as CallbackDeliveryRow['status'],
    attempts: toInt(row.attempts), lastError: row.last_error, createdAt: toDate(row.created_at), deliveredAt: toDateOrNull(row.delivered_at),
  };
}
