// Planner statistics that keep up with the store's own bulk writes.
//
// A young database (the first cases of a deployment, the demo, a bench) fills its chain-data
// tables from empty within a minute, long before autovacuum analyses them, and embedded
// PGlite has no autovacuum at all. Without statistics the planner takes `chain = $1` for a
// rare value and reads a lookup by address as a scan of the chain's rows in the block range:
// reading 200 wallets' histories from 300,000 stored transfers took 350 ms unanalysed, 19 ms
// analysed, and the unanalysed cost grows with everything stored, not with what is read. On
// the bench's 100k case the scanned-range merges and balance look-ups were of that kind. So
// the store counts the rows it writes to the tables it looks up by key and analyses a table
// once they reach ANALYZE_MIN_ROWS, then each time they reach GROWTH times the rows it had
// when last analysed: the planner scales the statistics' proportions to the table's current
// size by itself, so what a table needs is statistics at all, renewed as it grows by
// multiples. A few ANALYZEs while a table grows from empty (each a sample of at most 30,000
// rows), none once it is large (autovacuum's own threshold, a tenth of the table, comes first).
import type { Db } from './db';

/** The tables the store analyses after its writes (all read by key in bulk). */
export type AnalyzedTable = 'transfers' | 'balances' | 'scanned_ranges' | 'run_taint' | 'run_addresses';

/** Rows a process writes to a table before it analyses it, at the least. */
export const ANALYZE_MIN_ROWS = 5_000;
/** Rows written since the last analysis, as a multiple of the table's rows then, that call for another. */
export const GROWTH = 3;

interface TableState {
  /** Rows written through this Db since the table was last analysed (by this process). */
  written: number;
  /** Rows the table had when last analysed (pg_class.reltuples); unknown until first asked. */
  rows?: number;
  analyzing?: Promise<void>;
}

const states = new WeakMap<Db, Map<AnalyzedTable, TableState>>();

/**
 * Counts `rows` just written to `table` through `db` (the store's Db, not a transaction's:
 * call it after the transaction) and analyses the table once the count reaches `minRows` and
 * GROWTH times the table's rows at its last analysis. Statistics are an optimisation: a
 * failed ANALYZE leaves the plans as they were and the count stands, so a later write tries
 * again.
 */
export async function noteWrites(db: Db, table: AnalyzedTable, rows: number, minRows = ANALYZE_MIN_ROWS): Promise<void> {
  if (rows <= 0) return;
  let tables = states.get(db);
  if (!tables) states.set(db, (tables = new Map()));
  let state = tables.get(table);
  if (!state) tables.set(table, (state = { written: 0 }));
  state.written += rows;
  if (!state.analyzing) {
    const current = state;
    current.analyzing = analyzeIfDue(db, table, current, minRows).finally(() => (current.analyzing = undefined));
  }
  return state.analyzing;
}

async function analyzeIfDue(db: Db, table: AnalyzedTable, state: TableState, minRows: number): Promise<void> {
  try {
    if (state.written < minRows) return; // no query for the small writes most callers make
    state.rows ??= await tableRows(db, table);
    const written = state.written;
    if (written < Math.max(minRows, GROWTH * state.rows)) return;
    await db.query(`analyze ${table}`);
    state.written -= written; // rows written while it ran count toward the next
    state.rows = await tableRows(db, table);
  } catch {
    // see noteWrites: the plans stay as they were
  }
}

/** The planner's row count of a table (pg_class.reltuples): 0 before its first analysis (PostgreSQL 14+ says -1). */
export async function tableRows(db: Db, table: AnalyzedTable): Promise<number> {
  const { rows } = await db.query<{ n: unknown }>('select reltuples::float8 as n from pg_class where oid = to_regclass($1)', [table]);
  return Math.max(0, Number(rows[0]?.n ?? 0));
}
