// Re-trace batches (nightly, manual, or triggered by the live watch) and the two facts a
// trace run needs for them: which batch queued it, and whether its alerts were raised.
import type { Db } from './db';
import { isUuid, toDate, toDateOrNull, toInt } from './values';

export type RetraceTrigger = 'schedule' | 'manual' | 'watch';

export interface RetraceRunRow {
  id: string;
  trigger: RetraceTrigger;
  status: 'running' | 'done' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  cases: number;
  addresses: number;
  rpcCalls: number;
  alertsRaised: number;
  error: string | null;
}

export function createRetraceRepo(db: Db) {
  return {
    async start(trigger: RetraceTrigger): Promise<RetraceRunRow> {
      const { rows } = await db.query<DbRow>('insert into retrace_runs (trigger) values ($1) returning *', [trigger]);
      return fromRow(rows[0]!);
    },

    async finish(id: string, figures: { status: 'done' | 'failed'; cases: number; addresses: number; rpcCalls: number; error?: string }): Promise<void> {
      await db.query(
        `update retrace_runs set status = $2, cases = $3, addresses = $4, rpc_calls = rpc_calls + $5, error = $6, finished_at = now() where id = $1`,
        [id, figures.status, figures.cases, figures.addresses, figures.rpcCalls, figures.error ?? null],
      );
    },

    async get(id: string): Promise<RetraceRunRow | null> {
      if (!isUuid(id)) return null;
      const { rows } = await db.query<DbRow>('select * from retrace_runs where id = $1', [id]);
      return rows[0] ? fromRow(rows[0]) : null;
    },

    /** A page of batches, newest first, after the batch `after`. */
    async page(options: { after?: string | null; limit: number }): Promise<RetraceRunRow[]> {
      const { rows } = await db.query<DbRow>(
        `select * from retrace_runs
         where $1::uuid is null or (started_at, id) < (select started_at, id from retrace_runs where id = $1)
         order by started_at desc, id desc limit $2`,
        [options.after && isUuid(options.after) ? options.after : null, options.limit],
      );
      return rows.map(fromRow);
    },

    async list(limit = 100): Promise<RetraceRunRow[]> {
      const { rows } = await db.query<DbRow>('select * from retrace_runs order by started_at desc, id limit $1', [limit]);
      return rows.map(fromRow);
    },

    /** Remember which batch queued a trace run. */
    async link(traceRunId: string, retraceRunId: string): Promise<void> {
      await db.query('update trace_runs set retrace_run_id = $2 where id = $1', [traceRunId, retraceRunId]);
    },

    /**
     * Claim the right to raise a finished run's alerts: true once per run, however often
     * its last job runs. Also counts the alerts into the run's batch.
     */
    async claimAlerts(traceRunId: string): Promise<{ claimed: boolean; retraceRunId: string | null }> {
      const { rows } = await db.query<{ retrace_run_id: string | null }>(
        `update trace_runs set alerts_raised_at = now() where id = $1 and status = 'done' and alerts_raised_at is null returning retrace_run_id`,
        [isUuid(traceRunId) ? traceRunId : null],
      );
      return rows[0] ? { claimed: true, retraceRunId: rows[0].retrace_run_id } : { claimed: false, retraceRunId: null };
    },

    async countAlerts(retraceRunId: string, n: number): Promise<void> {
      if (n > 0) await db.query('update retrace_runs set alerts_raised = alerts_raised + $2 where id = $1', [retraceRunId, n]);
    },

    /** The finished run of the case just before this one: what the alerts compare against. */
    async previousDoneRun(caseId: string, traceRunId: string): Promise<string | null> {
      const { rows } = await db.query<{ id: string }>(
        `select id from trace_runs where case_id = $1 and status = 'done'
           and seq < (select seq from trace_runs where id = $2) order by seq desc limit 1`,
        [caseId, traceRunId],
      );
      return rows[0]?.id ?? null;
    },
  };
}

interface DbRow {
  id: string; trigger: string; status: string; started_at: unknown; finished_at: unknown; cases: unknown;
  addresses: unknown; rpc_calls: unknown; alerts_raised: unknown; error: string | null;
}

function fromRow(row: DbRow): RetraceRunRow {
  return {
    id: row.id, trigger: row.trigger as RetraceTrigger, status: row.status as RetraceRunRow['status'],
    startedAt: toDate(row.started_at), finishedAt: toDateOrNull(row.finished_at), cases: toInt(row.cases),
    addresses: toInt(row.addresses), rpcCalls: toInt(row.rpc_calls), alertsRaised: toInt(row.alerts_raised), error: row.error,
  };
}
