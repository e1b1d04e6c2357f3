// The activity trail of a case: append-only (the database refuses anything else).
import type { Db } from './db';
import { isUuid, jsonParam, toDate } from './values';

export interface CaseActivityRow {
  id: string;
  caseId: string;
  at: Date;
  action: string;
  actor: { id: string | null; name: string | null; role: string | null };
  details: Record<string, unknown> | null;
}

export interface NewCaseActivity {
  caseId: string;
  action: string;
  actor: { id: string; name: string; role: string };
  details?: Record<string, unknown>;
}

export function createCaseActivityRepo(db: Db) {
  return {
    async record(entry: NewCaseActivity): Promise<void> {
      await db.query(
        'insert into case_activity (case_id, action, actor_id, actor_name, actor_role, details) select $1, $2, $3, $4, $5, $6 where exists (select 1 from cases where id = $1)',
        [entry.caseId, entry.action, entry.actor.id, entry.actor.name, entry.actor.role, entry.details === undefined ? null : jsonParam(entry.details)],
      );
    },

    async list(caseId: string, limit = 1000): Promise<CaseActivityRow[]> {
      if (!isUuid(caseId)) return [];
      const { rows } = await db.query<ActivityDbRow>('select * from case_activity where case_id = $1 order by id desc limit $2', [caseId, limit]);
      return rows.map((row) => ({
        id: String(row.id), caseId: row.case_id, at: toDate(row.at), action: row.action,
        actor: { id: row.actor_id, name: row.actor_name, role: row.actor_role }, details: row.details,
      }));
    },
  };
}

interface ActivityDbRow { id: unknown; case_id: string; at: unknown; action: string; actor_id: string | null; actor_name: string | null; actor_role: string | null; details: Record<string, unknown> | null }
