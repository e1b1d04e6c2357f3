// Trace runs of a case and their crawl state (run_addresses), written per hop so that a
// job that crashed resumes where it stopped.
import { NotFoundError } from '../errors';
import type { Address } from '../domain/types';
import { loopTurns } from '../domain/taint/steps';
import type { Db } from './db';
import { chunks, interner, isUuid, jsonParam, lastPerKeyWithTurns, rowsPerStatement, toDate, toDateOrNull, toInt, toIntOrNull } from './values';
import { noteWrites } from './table-stats';

/**
 * The run whose crawl state, graph and endpoints stand for the run `param` names: itself, or
 * the run whose answer it took over on a quiet night (trace_runs.result_run_id, see
 * services/retrace): a subquery, evaluated once per statement.
 */
export function resultRunOf(param: string): string {
  return `(select coalesce(result_run_id, id) from trace_runs where id = ${param})`;
}

export const RUN_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** A run in one of these states takes no more steps: a late job for it does nothing. */
export const RUN_END_STATES: readonly RunStatus[] = ['done', 'failed', 'cancelled'];
export function runEnded(run: Pick<RunRow, 'status'>): boolean {
  return RUN_END_STATES.includes(run.status);
}

export const RUN_ADDRESS_STATES = [
  'source', 'crawled', 'stop', 'service-like', 'deposit', 'frontier', 'max-hops', 'min-amount', 'address-limit',
] as const;
export type RunAddressState = (typeof RUN_ADDRESS_STATES)[number];

export type RunStats = Record<string, unknown>;

export interface RunRow {
  id: string;
  caseId: string;
  status: RunStatus;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The block the run traces up to, once pinned. */
  toBlock: number | null;
  /** Hash of `toBlock` when it was the tip at pinning time (for reorg detection). */
  toBlockHash: string | null;
  error: string | null;
  stats: RunStats | null;
}

export interface RunAddressRow {
  address: Address;
  hop: number;
  /** First block of this address's history the run follows (after the taint arrived). */
  fromBlock: number | null;
  state: RunAddressState;
  /** The window its taint in run_taint was computed with (see run-taint-repo.ts); absent: not yet. Read only. */
  propagatedFrom?: number;
}

const WRITE_CHUNK = 10_000;

export function createRunsRepo(db: Db) {
  async function get(id: string): Promise<RunRow | null> {
    if (!isUuid(id)) return null;
    const { rows } = await db.query<RunDbRow>(`select ${COLUMNS} from trace_runs where id = $1`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async function updateOne(id: string, sql: string, params: unknown[]): Promise<RunRow> {
    const { rows } = await db.query<RunDbRow>(sql, [isUuid(id) ? id : null, ...params]);
    if (!rows[0]) throw new NotFoundError(`trace run ${id} not found`);
    return fromRow(rows[0]);
  }

  return {
    /** A new queued run of the case. */
    async create(caseId: string): Promise<RunRow> {
      if (!isUuid(caseId)) throw new NotFoundError(`case ${caseId} not found`);
      const { rows } = await db.query<RunDbRow>(
        `insert into trace_runs (case_id) select id from cases where id = $1 returning ${COLUMNS}`,
        [caseId],
      );
      if (!rows[0]) throw new NotFoundError(`case ${caseId} not found`);
      return fromRow(rows[0]);
    },

    get,

    /** The newest run of the case, or the newest with this status. */
    async latestForCase(caseId: string, status?: RunStatus): Promise<RunRow | null> {
      if (!isUuid(caseId)) return null;
      const { rows } = await db.query<RunDbRow>(
        `select ${COLUMNS} from trace_runs where case_id = $1 and ($2::text is null or status = $2)
         order by seq desc limit 1`,
        [caseId, status ?? null],
      );
      return rows[0] ? fromRow(rows[0]) : null;
    },

    /**
     * Moves a run along; `running` stamps started_at the first time. A cancelled run stays
     * cancelled: a step that was already under way when it was cancelled changes nothing.
     */
    setStatus(id: string, status: RunStatus, options: { toBlock?: number } = {}): Promise<RunRow> {
      return updateOne(
        id,
        `with updated as (
           update trace_runs set status = $2,
             started_at = case when $2 = 'running' then coalesce(started_at, now()) else started_at end,
             to_block = coalesce($3, to_block)
           where id = $1 and status <> 'cancelled' returning ${COLUMNS})
         select * from updated union all select ${COLUMNS} from trace_runs where id = $1 and status = 'cancelled'`,
        [status, options.toBlock ?? null],
      );
    },

    /** The case's runs, newest first, `limit` after the run with sequence `beforeSeq`. */
    async listForCase(caseId: string, options: { limit: number; after?: string | null }): Promise<RunRow[]> {
      if (!isUuid(caseId)) return [];
      const { rows } = await db.query<RunDbRow>(
        `select ${COLUMNS} from trace_runs where case_id = $1
           and ($2::uuid is null or seq < (select seq from trace_runs where id = $2 and case_id = $1))
         order by seq desc limit $3`,
        [caseId, options.after && isUuid(options.after) ? options.after : null, options.limit],
      );
      return rows.map(fromRow);
    },

    /**
     * Cancels the case's queued or running run, if it has one, and returns it. Steps of a
     * cancelled run end at their next look at the run.
     */
    async cancelActive(caseId: string, by: string): Promise<RunRow | null> {
      if (!isUuid(caseId)) return null;
      const { rows } = await db.query<RunDbRow>(
        `update trace_runs set status = 'cancelled', finished_at = now(), error = $2
         where case_id = $1 and status in ('queued', 'running') returning ${COLUMNS}`,
        [caseId, `cancelled by ${by}`],
      );
      return rows[0] ? fromRow(rows[0]) : null;
    },

    /**
     * Pins the block range end of the run. Only the first call counts, so a step that runs
     * twice cannot move a run to a newer tip halfway through.
     */
    pinBlock(id: string, toBlock: number, toBlockHash: string | null): Promise<RunRow> {
      return updateOne(
        id,
        `update trace_runs set
           to_block_hash = case when to_block is null then $3 else to_block_hash end,
           to_block = coalesce(to_block, $2)
         where id = $1 returning ${COLUMNS}`,
        [toBlock, toBlockHash],
      );
    },

    /** Adds numeric counters into stats atomically (`{rpcCalls: 12, hops: 1}`). */
    addStats(id: string, delta: Record<string, number>): Promise<RunRow> {
      return updateOne(
        id,
        `update trace_runs set stats = coalesce(stats, '{}'::jsonb) || coalesce((
           select jsonb_object_agg(d.key, coalesce((stats ->> d.key)::numeric, 0) + d.value::numeric)
           from jsonb_each_text($2::jsonb) as d), '{}'::jsonb)
         where id = $1 returning ${COLUMNS}`,
        [jsonParam(delta)],
      );
    },

    /**
     * Stores a step's successor ('hop' or 'final') unless an earlier attempt of the same step
     * already did, and returns the stored one: a re-run step sees its own writes and would
     * otherwise decide "nothing grew" while the next hop is still queued.
     */
    async settleNextStep(id: string, step: string, next: 'hop' | 'final'): Promise<'hop' | 'final'> {
      // In `a || b` the right side wins a shared key: an existing choice is kept.
      const { rows } = await db.query<{ next: string }>(
        `update trace_runs set stats = jsonb_set(coalesce(stats, '{}'::jsonb), '{next}',
           jsonb_build_object($2::text, $3::text) || coalesce(stats -> 'next', '{}'::jsonb))
         where id = $1 returning stats -> 'next' ->> $2::text as next`,
        [isUuid(id) ? id : null, step, next],
      );
      if (!rows[0]) throw new NotFoundError(`trace run ${id} not found`);
      return rows[0].next === 'final' ? 'final' : 'hop';
    },

    /**
     * Records one step's figures under its own key (`hop-3`, `final`), replacing what an
     * earlier attempt of the same step wrote, and keeps `rpcCalls` and `hops` as sums over
     * the steps: a retried or stalled step is counted once.
     */
    async recordStepStats(id: string, step: string, rpcCalls: number, extra: Record<string, number> = {}): Promise<RunRow> {
      return updateOne(
        id,
        `update trace_runs t set stats = n.stats || jsonb_build_object(
             'rpcCalls', (select coalesce(sum((v ->> 'rpcCalls')::numeric), 0) from jsonb_each(n.stats -> 'steps') as e(k, v)),
             'hops', (select count(*) from jsonb_object_keys(n.stats -> 'steps') as k where k like 'hop-%'))
         from (select id, jsonb_set(coalesce(stats, '{}'::jsonb), '{steps}',
                 coalesce(stats -> 'steps', '{}'::jsonb) || jsonb_build_object($2::text, $4::jsonb || jsonb_build_object('rpcCalls', $3::int))) as stats
               from trace_runs where id = $1) n
         where t.id = n.id
         returning ${COLUMNS.split(', ').map((c) => `t.${c}`).join(', ')}`,
        [step, rpcCalls, jsonParam(extra)],
      );
    },

    /**
     * Ends the run. Stats, when given, replace the stored ones; otherwise they stay. A run
     * cancelled meanwhile stays cancelled.
     */
    finish(id: string, status: 'done' | 'failed', stats?: RunStats | null, error?: string): Promise<RunRow> {
      return updateOne(
        id,
        `with updated as (
           update trace_runs set status = $2, stats = coalesce($3::jsonb, stats), error = $4,
             finished_at = now(), started_at = coalesce(started_at, now())
           where id = $1 and status <> 'cancelled' returning ${COLUMNS})
         select * from updated union all select ${COLUMNS} from trace_runs where id = $1 and status = 'cancelled'`,
        [status, stats == null ? null : jsonParam(stats), error ?? null],
      );
    },

    /** Records or updates the crawl state of addresses (last row per address wins). */
    async upsertAddresses(runId: string, rows: readonly RunAddressRow[]): Promise<number> {
      let written = 0;
      for (const chunk of chunks(await lastPerKeyWithTurns(rows, (r) => r.address), WRITE_CHUNK)) {
        const { rowCount } = await db.query(UPSERT_RUN_ADDRESSES, [
          runId,
          chunk.map((r) => r.address),
          chunk.map((r) => r.hop),
          chunk.map((r) => r.fromBlock),
          chunk.map((r) => r.state),
        ]);
        written += rowCount;
      }
      await noteWrites(db, 'run_addresses', written);
      return written;
    },

    /**
     * Starts a run from an earlier run's crawl state: its addresses in `states` are copied,
     * except `except` (addresses to decide again). Returns how many were copied.
     */
    async copyAddresses(toRunId: string, fromRunId: string, states: readonly string[], except: readonly Address[]): Promise<number> {
      const { rowCount } = await db.query(
        `insert into run_addresses (run_id, address, hop, from_block, state)
         select $1, address, hop, from_block, state from run_addresses
          where run_id = ${resultRunOf('$2')} and state = any($3::text[]) and address <> all($4::text[])
         on conflict (run_id, address) do nothing`,
        [toRunId, fromRunId, [...states], [...except]],
      );
      return rowCount;
    },

    /** Records what a run's answer was computed from (`stats.inputs`): see services/retrace/reuse.ts. */
    async setInputs(id: string, inputs: string): Promise<void> {
      await db.query(`update trace_runs set stats = coalesce(stats, '{}'::jsonb) || jsonb_build_object('inputs', $2::text) where id = $1`, [isUuid(id) ? id : null, inputs]);
    },

    /**
     * The crawl state, by hop then address. On PGlite (a statement's whole result is one
     * message from its thread, see rowsPerStatement) in pages in the primary key's order, put in
     * hop order here: read and sorted in one statement, a run of the bench's 100k (95,966
     * addresses) held a step's event loop for up to 1.0 s when PGlite ran on the process's own
     * thread. PGlite's collation is C, so address
     * order within a hop is the same. The pages are statements of their own: a run's addresses
     * are written only by its steps, which run one at a time, so none changes between pages.
     */
    async addresses(runId: string): Promise<RunAddressRow[]> {
      if (!isUuid(runId)) return [];
      const page = rowsPerStatement(db);
      // 100,000 rows at the bench's 100k, read at every step: mapped with turns for the event loop.
      const turns = loopTurns();
      const state = interner();
      const toRow = (row: RunAddressDbRow): RunAddressRow => {
        const address: RunAddressRow = { address: row.address, hop: toInt(row.hop), fromBlock: toIntOrNull(row.from_block), state: state(row.state) as RunAddressState };
        if (row.propagated_from != null) address.propagatedFrom = toInt(row.propagated_from);
        return address;
      };
      if (!Number.isFinite(page)) {
        const { rows } = await db.query<RunAddressDbRow>(`select ${ADDRESS_COLUMNS} from run_addresses where run_id = ${resultRunOf('$1')} order by hop, address`, [runId]);
        const out: RunAddressRow[] = [];
        for (const row of rows) {
          if (turns.due()) await turns.give();
          out.push(toRow(row));
        }
        return out;
      }
      // Each hop's addresses in address order (the pages' order); then the hops in order.
      const byHop = new Map<number, RunAddressRow[]>();
      let after = '';
      for (;;) {
        const { rows } = await db.query<RunAddressDbRow>(
          `select ${ADDRESS_COLUMNS} from run_addresses where run_id = ${resultRunOf('$1')} and address > $2 order by address limit $3`,
          [runId, after, page],
        );
        for (const row of rows) {
          if (turns.due()) await turns.give();
          const address = toRow(row);
          const hop = byHop.get(address.hop);
          if (hop) hop.push(address);
          else byHop.set(address.hop, [address]);
        }
        if (rows.length < page) break;
        after = rows[rows.length - 1]!.address;
      }
      const out: RunAddressRow[] = [];
      for (const hop of [...byHop.keys()].sort((a, b) => a - b)) {
        for (const address of byHop.get(hop)!) {
          if (turns.due()) await turns.give();
          out.push(address);
        }
      }
      return out;
    },
  };
}

const ADDRESS_COLUMNS = 'address, hop, from_block, state, propagated_from';

interface RunAddressDbRow {
  address: string;
  hop: unknown;
  from_block: unknown;
  state: string;
  propagated_from: unknown;
}

const COLUMNS = 'id, case_id, status, created_at, started_at, finished_at, to_block, to_block_hash, error, stats';

const UPSERT_RUN_ADDRESSES = `
insert into run_addresses (run_id, address, hop, from_block, state)
select $1, * from unnest($2::text[], $3::int[], $4::bigint[], $5::text[])
on conflict (run_id, address) do update set
  hop = excluded.hop, from_block = excluded.from_block, state = excluded.state`;

interface RunDbRow {
  id: string;
  case_id: string;
  status: string;
  created_at: unknown;
  started_at: unknown;
  finished_at: unknown;
  to_block: unknown;
  to_block_hash: string | null;
  error: string | null;
  stats: RunStats | null;
}

function fromRow(row: RunDbRow): RunRow {
  return {
    id: row.id,
    caseId: row.case_id,
    status: row.status as RunStatus,
    createdAt: toDate(row.created_at),
    startedAt: toDateOrNull(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
    toBlock: toIntOrNull(row.to_block),
    toBlockHash: row.to_block_hash,
    error: row.error,
    stats: row.stats,
  };
}
