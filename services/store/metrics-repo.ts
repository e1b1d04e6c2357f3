// Figures for /metrics read from the database, so that every process (API, workers) is
// counted whichever one scrapes: trace runs by outcome with their durations and hops,
// freeze deliveries by outcome, alerts by kind.
import type { Db } from './db';
import { toInt } from './values';

/** Upper bounds (seconds) of the trace duration histogram. */
export const TRACE_DURATION_BUCKETS = [1, 5, 15, 60, 300, 900, 3600, 14_400] as const;

export interface TraceOutcomeFigures {
  outcome: string;
  count: number;
  durationSum: number;
  /** Cumulative counts per bucket of TRACE_DURATION_BUCKETS. */
  buckets: number[];
  hops: number;
}

export function createMetricsRepo(db: Db) {
  return {
    async traceOutcomes(): Promise<TraceOutcomeFigures[]> {
      const bucketColumns = TRACE_DURATION_BUCKETS.map((b, i) => `count(*) filter (where d <= ${b}) as b${i}`).join(', ');
      const { rows } = await db.query<Record<string, unknown>>(
        `select status, count(*) as n, coalesce(sum(d), 0) as total, coalesce(sum(hops), 0) as hops, ${bucketColumns}
         from (select status, extract(epoch from finished_at - coalesce(started_at, created_at))::float8 as d,
                      coalesce((stats ->> 'hops')::numeric, 0) as hops
               from trace_runs where finished_at is not null) r
         group by status order by status`,
      );
      return rows.map((r) => ({
        outcome: String(r.status),
        count: toInt(r.n),
        durationSum: Number(r.total),
        buckets: TRACE_DURATION_BUCKETS.map((_, i) => toInt(r[`b${i}`])),
        hops: Number(r.hops),
      }));
    },

    async deliveryOutcomes(): Promise<{ outcome: string; count: number }[]> {
      const { rows } = await db.query<{ action: string; n: unknown }>(
        `select action, count(*) as n from freeze_audit where action in ('delivered', 'delivery_failed') group by action order by action`,
      );
      return rows.map((r) => ({ outcome: r.action === 'delivered' ? 'delivered' : 'failed', count: toInt(r.n) }));
    },

    async alertsByKind(): Promise<{ kind: string; count: number }[]> {
      const { rows } = await db.query<{ kind: string; n: unknown }>('select kind, count(*) as n from alerts group by kind order by kind');
      return rows.map((r) => ({ kind: r.kind, count: toInt(r.n) }));
    },
  };
}
