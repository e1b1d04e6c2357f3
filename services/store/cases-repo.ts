// Cases: what an analyst asked to trace, and where the trace stands.
import { ConflictError, NotFoundError } from '../errors';
import type { Asset, Seed, TaintModel } from '../domain/types';
import type { Db } from './db';
import { amountParam, groupBy, isUuid, jsonParam, toBigInt, toDate, toDateOrNull, toInt, toIntOrNull } from './values';

export const CASE_STATUSES = ['new', 'queued', 'tracing', 'traced', 'failed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Free-form progress of the current trace, shown to the analyst (`{hop, addresses, …}`). */
export type CaseProgress = Record<string, unknown>;

export interface NewCase {
  title: string;
  reference?: string | null;
  chain: string;
  model: TaintModel;
  maxHops: number;
  fromBlock?: number | null;
  toBlock?: number | null;
  /** Unset or null: no minimum (stored as 0). The older all-asset figure, in base units. */
  minAmount?: bigint | null;
  /** Minimum per asset, in base units. */
  minAmounts?: ReadonlyMap<Asset, bigint> | null;
  /** Unset or null: every asset. */
  assets?: Asset[] | null;
  seeds: Seed[];
  createdBy?: string | null;
  /** The multi-chain case this one traces one chain of. */
  parentId?: string | null;
}

export interface CaseRow {
  id: string;
  title: string;
  reference: string | null;
  chain: string;
  model: TaintModel;
  maxHops: number;
  fromBlock: number | null;
  toBlock: number | null;
  minAmount: bigint;
  /** Minimum per asset, in base units (empty: none of the case's own). */
  minAmounts: Map<Asset, bigint>;
  assets: Asset[] | null;
  status: CaseStatus;
  progress: CaseProgress;
  seeds: Seed[];
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  /** Set on the per-chain cases of a multi-chain case. */
  parentId: string | null;
}

/** What trace steps write; see setStatus. */
const TRACE_STEP_STATUSES: readonly CaseStatus[] = ['tracing', 'traced', 'failed'];

export interface CasePageOptions {
  search?: string | null;
  status?: CaseStatus | null;
  /** true: closed cases only; false: open only; unset: both. */
  closed?: boolean | null;
  /** Id of the last case of the previous page. */
  after?: string | null;
  limit: number;
}

export interface SetCaseStatusOptions {
  /** Change only from one of these statuses, else ConflictError (two "trace" clicks at once). */
  onlyFrom?: readonly CaseStatus[];
}

export function createCasesRepo(db: Db) {
  async function withSeeds(rows: CaseDbRow[]): Promise<CaseRow[]> {
    if (rows.length === 0) return [];
    const { rows: seedRows } = await db.query<SeedDbRow>(
      'select case_id, address, tx_hash, tx_index, tx_ref from case_seeds where case_id = any($1::uuid[]) order by case_id, position',
      [rows.map((r) => r.id)],
    );
    const seedsByCase = groupBy(rows.map((r) => r.id), seedRows, (s) => s.case_id);
    return rows.map((row) => fromRow(row, (seedsByCase.get(row.id) ?? []).map(seedFromRow)));
  }

  async function get(id: string): Promise<CaseRow | null> {
    if (!isUuid(id)) return null;
    const { rows } = await db.query<CaseDbRow>(`select ${COLUMNS} from cases where id = $1`, [id]);
    return (await withSeeds(rows))[0] ?? null;
  }

  return {
    async create(input: NewCase): Promise<CaseRow> {
      const id = await db.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: string }>(INSERT_CASE, [
          input.title,
          input.reference ?? null,
          input.chain,
          input.model,
          input.maxHops,
          input.fromBlock ?? null,
          input.toBlock ?? null,
          amountParam(input.minAmount ?? 0n),
          input.assets ?? null,
          input.createdBy ?? null,
          input.parentId ?? null,
          input.minAmounts && input.minAmounts.size
            ? jsonParam(Object.fromEntries([...input.minAmounts].map(([asset, amount]) => [asset, amount.toString()])))
            : null,
        ]);
        const caseId = (rows[0] as { id: string }).id;
        await tx.query(INSERT_SEEDS, [
          caseId,
          input.seeds.map((_, i) => i),
          input.seeds.map((s) => ('address' in s ? s.address : null)),
          input.seeds.map((s) => ('txHash' in s ? s.txHash : null)),
          input.seeds.map((s) => ('txHash' in s ? (s.index ?? null) : null)),
          input.seeds.map((s) => ('txHash' in s ? (s.ref ?? null) : null)),
        ]);
        return caseId;
      });
      return (await get(id)) as CaseRow;
    },

    get,

    /** The per-chain cases of a multi-chain case, by chain name. */
    async children(parentId: string): Promise<CaseRow[]> {
      if (!isUuid(parentId)) return [];
      const { rows } = await db.query<CaseDbRow>(`select ${COLUMNS} from cases where parent_id = $1 order by chain`, [parentId]);
      return withSeeds(rows);
    },

    /** Newest first. */
    async list(options: { status?: CaseStatus; limit?: number } = {}): Promise<CaseRow[]> {
      const { rows } = await db.query<CaseDbRow>(
        `select ${COLUMNS} from cases where $1::text is null or status = $1
         order by created_at desc, id limit $2`,
        [options.status ?? null, options.limit ?? 1000],
      );
      return withSeeds(rows);
    },

    /** Closes a case: the nightly re-trace and the live watch leave it alone from now on. */
    async close(id: string): Promise<CaseRow> {
      const { rowCount } = await db.query('update cases set closed_at = coalesce(closed_at, now()), updated_at = now() where id = $1', [isUuid(id) ? id : null]);
      if (rowCount === 0) throw new NotFoundError(`case ${id} not found`);
      return (await get(id))!;
    },

    /** Changes the taint model of a case that is not being traced (the next trace uses it). */
    async setModel(id: string, model: TaintModel): Promise<CaseRow> {
      const { rowCount } = await db.query(
        `update cases set model = $2, updated_at = now() where id = $1 and status not in ('queued', 'tracing')`,
        [isUuid(id) ? id : null, model],
      );
      const current = await get(id);
      if (!current) throw new NotFoundError(`case ${id} not found`);
      if (rowCount === 0) throw new ConflictError(`case ${id} is ${current.status}, its model cannot change now`, { details: { status: current.status } });
      return current;
    },

    /**
     * Sets the status and, when given, replaces the progress. The statuses a trace step
     * writes (tracing, traced, failed) do not apply while the case's newest run is cancelled:
     * a step that was under way when the analyst cancelled ends without moving the case.
     */
    async setStatus(
      id: string,
      status: CaseStatus,
      progress?: CaseProgress,
      options: SetCaseStatusOptions = {},
    ): Promise<void> {
      const { rows } = await db.query<{ updated: boolean; cancelled: boolean }>(
        `with latest as (
           select status = 'cancelled' as cancelled from trace_runs where case_id = $1 order by seq desc limit 1),
         updated as (
           update cases set status = $2, progress = coalesce($3::jsonb, progress), updated_at = now()
           where id = $1 and ($4::text[] is null or status = any($4::text[]))
             and not ($2 = any($5::text[]) and coalesce((select cancelled from latest), false))
           returning id)
         select exists (select 1 from updated) as updated, coalesce((select cancelled from latest), false) as cancelled`,
        [isUuid(id) ? id : null, status, progress === undefined ? null : jsonParam(progress), options.onlyFrom ?? null, [...TRACE_STEP_STATUSES]],
      );
      if (rows[0]?.updated) return;
      if (rows[0]?.cancelled && TRACE_STEP_STATUSES.includes(status)) return;
      const current = await get(id);
      if (!current) throw new NotFoundError(`case ${id} not found`);
      throw new ConflictError(`case ${id} is ${current.status}, cannot become ${status}`, {
        details: { status: current.status },
      });
    },

    /**
     * A page of cases, newest first: those matching `search` (words of the title or the
     * reference, or exactly a seed's address or transaction hash), of `status`, open or
     * closed, after the case `after` (the last one of the previous page).
     */
    async page(options: CasePageOptions): Promise<CaseRow[]> {
      const search = options.search?.trim() || null;
      const { rows } = await db.query<CaseDbRow>(
        `select ${COLUMNS} from cases c
         where ($1::text is null or c.status = $1)
           and ($2::boolean is null or (c.closed_at is not null) = $2)
           and ($3::text is null
                or c.title ilike $4 escape '\\' or c.reference ilike $4 escape '\\'
                or exists (select 1 from case_seeds s where s.case_id = c.id
                           and (lower(s.address) = lower($3) or lower(s.tx_hash) = lower($3))))
           and ($5::uuid is null or (c.created_at, c.id) < (select created_at, id from cases where id = $5))
         order by c.created_at desc, c.id desc limit $6`,
        [
          options.status ?? null,
          options.closed ?? null,
          search,
          search === null ? null : `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`,
          options.after && isUuid(options.after) ? options.after : null,
          options.limit,
        ],
      );
      return withSeeds(rows);
    },
  };
}

const COLUMNS = `id, title, reference, chain, model, max_hops, from_block, to_block, min_amount, assets,
  status, progress, created_by, created_at, updated_at, closed_at, parent_id, min_amounts`;

const INSERT_CASE = `
insert into cases (title, reference, chain, model, max_hops, from_block, to_block, min_amount, assets, created_by, parent_id, min_amounts)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
returning id`;

const INSERT_SEEDS = `
insert into case_seeds (case_id, position, address, tx_hash, tx_index, tx_ref)
select $1, * from unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::text[])`;

interface CaseDbRow {
  id: string;
  title: string;
  reference: string | null;
  chain: string;
  model: string;
  max_hops: unknown;
  from_block: unknown;
  to_block: unknown;
  min_amount: unknown;
  min_amounts: Record<string, string> | null;
  assets: string[] | null;
  status: string;
  progress: CaseProgress | null;
  created_by: string | null;
  created_at: unknown;
  updated_at: unknown;
  closed_at: unknown;
  parent_id: string | null;
}

interface SeedDbRow {
  case_id: string;
  address: string | null;
  tx_hash: string | null;
  tx_index: unknown;
  tx_ref: string | null;
}

function seedFromRow(row: SeedDbRow): Seed {
  if (row.address !== null) return { address: row.address };
  const index = toIntOrNull(row.tx_index);
  if (row.tx_ref !== null) return { txHash: row.tx_hash as string, ref: row.tx_ref };
  return index === null ? { txHash: row.tx_hash as string } : { txHash: row.tx_hash as string, index };
}

function fromRow(row: CaseDbRow, seeds: Seed[]): CaseRow {
  return {
    id: row.id,
    title: row.title,
    reference: row.reference,
    chain: row.chain,
    model: row.model as TaintModel,
    maxHops: toInt(row.max_hops),
    fromBlock: toIntOrNull(row.from_block),
    toBlock: toIntOrNull(row.to_block),
    minAmount: toBigInt(row.min_amount),
    minAmounts: new Map(Object.entries(row.min_amounts ?? {}).map(([asset, amount]) => [asset, BigInt(amount)])),
    assets: row.assets,
    status: row.status as CaseStatus,
    progress: row.progress ?? {},
    seeds,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    closedAt: toDateOrNull(row.closed_at),
    parentId: row.parent_id ?? null,
  };
}
