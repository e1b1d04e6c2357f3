// `Db` over PGlite, the embedded Postgres used when no DATABASE_URL is configured.
import { existsSync, mkdirSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { copyStatement, copyTextSlices } from './copy-text';
import type { Db, QueryResult } from './db';
import { translateDbError, withSavepoint } from './driver-support';

// An embedded database serves one process: Postgres' default 128 MB of shared buffers is
// mostly WASM memory that never shrinks, and a case's working set fits in far less.
const OPTIONS = { postgresqlconf: ['shared_buffers = 16MB', 'maintenance_work_mem = 16MB'] };

export async function openPgliteDb(dataDir: string): Promise<Db> {
  const onDisk = !dataDir.includes('://');
  if (onDisk) mkdirSync(dataDir, { recursive: true });
  // Creating a database runs initdb, whose WASM memory (~700 MB of RSS) a process keeps for
  // its life: a new folder is created by a short-lived child process, then opened here (~200 MB).
  if (onDisk && !existsSync(join(dataDir, 'PG_VERSION'))) await createInChild(dataDir);
  const pg = await PGlite.create(dataDir, OPTIONS);
  const turns = queryTurns();
  return {
    driver: 'pglite',
    query: (sql, params) => turns.after(runQuery(pg, sql, params)),
    exec: (sql) => turns.after(runExec(pg, sql)),
    // PGlite has a single connection; its transaction() holds a mutex so that queries from
    // outside the callback wait instead of joining the transaction.
    transaction: (fn) =>
      pg.transaction((raw) => fn(wrapTransaction(raw, turns))).catch((error: unknown) => {
        throw translateDbError(error);
      }),
    copyFrom: (table, columns, rows) => turns.after(runCopy(pg, table, columns, copyTextSlices(rows))),
    copyText: (table, columns, text) => turns.after(runCopy(pg, table, columns, text)),
    close: () => pg.close(),
  };
}

/**
 * PGlite runs a statement on this thread, in WASM, and settles its promise without a turn of
 * the event loop: a run of statements (a step's reads and writes) held the loop for their sum,
 * ~1 s at the bench's 10k. After a statement, once TURN_MS have passed since the last turn,
 * the caller resumes on a turn of its own, so timers, sockets and a job's lock renewal run.
 */
const TURN_MS = 20;

function queryTurns(): { after<T>(work: Promise<T>): Promise<T> } {
  let last = performance.now();
  return {
    async after(work) {
      try {
        return await work;
      } finally {
        if (performance.now() - last >= TURN_MS) {
          await nextTurn();
          last = performance.now();
        }
      }
    },
  };
}

/** COPY from PGlite's `/dev/blob` device: the COPY text handed over as one Blob. */
async function runCopy(target: Queryable, table: string, columns: readonly string[], text: AsyncIterable<string> | Iterable<string>): Promise<number> {
  const slices: string[] = [];
  for await (const slice of text) slices.push(slice);
  if (slices.length === 0) return 0;
  try {
    const result = await target.query(copyStatement(table, columns, `'/dev/blob'`), [], { blob: new Blob(slices) });
    return result.affectedRows ?? 0;
  } catch (error) {
    throw translateDbError(error);
  }
}

async function createInChild(dataDir: string): Promise<void> {
  const pglite = pathToFileURL(require.resolve('@electric-sql/pglite')).href;
  const script = `const { PGlite } = await import(${JSON.stringify(pglite)});
    const pg = await PGlite.create(process.env.TRACEHOLD_PGLITE_DIR, JSON.parse(process.env.TRACEHOLD_PGLITE_OPTIONS));
    await pg.close();`;
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, TRACEHOLD_PGLITE_DIR: dataDir, TRACEHOLD_PGLITE_OPTIONS: JSON.stringify(OPTIONS) },
  });
}

type Queryable = Pick<Transaction, 'query' | 'exec'>;

async function runQuery<R>(target: Queryable, sql: string, params?: unknown[]): Promise<QueryResult<R>> {
  try {
    const result = await target.query<R>(sql, params);
    // PGlite reports written rows in affectedRows and leaves it 0 for a SELECT.
    return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
  } catch (error) {
    throw translateDbError(error);
  }
}

async function runExec(target: Queryable, sql: string): Promise<void> {
  try {
    await target.exec(sql);
  } catch (error) {
    throw translateDbError(error);
  }
}

function wrapTransaction(raw: Transaction, turns: ReturnType<typeof queryTurns>): Db {
  const tx: Db = {
    driver: 'pglite',
    query: (sql, params) => turns.after(runQuery(raw, sql, params)),
    exec: (sql) => turns.after(runExec(raw, sql)),
    transaction: (inner) => withSavepoint(tx, inner),
    copyFrom: (table, columns, rows) => turns.after(runCopy(raw, table, columns, copyTextSlices(rows))),
    copyText: (table, columns, text) => turns.after(runCopy(raw, table, columns, text)),
    close: () => Promise.reject(new Error('close() called on a transaction')),
  };
  return tx;
}
