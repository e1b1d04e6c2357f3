// One small database handle over two drivers: node-postgres for a server (DATABASE_URL) and
// PGlite (Postgres compiled to WASM) for a local data folder. Repositories only see `Db`.
import { openPgDb } from './pg-driver';
import { openPgliteDb } from './pglite-driver';

export type DbDriver = 'pg' | 'pglite';

export interface QueryResult<R> {
  rows: R[];
  /** Rows returned by a SELECT, or rows written by INSERT / UPDATE / DELETE. */
  rowCount: number;
}

export interface Db {
  readonly driver: DbDriver;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /**
   * Runs one or more statements without parameters (migration files). Needed because
   * PGlite, unlike node-postgres, refuses several statements in one `query`.
   */
  exec(sql: string): Promise<void>;
  /**
   * Runs fn in one transaction on one connection (BEGIN/COMMIT/ROLLBACK). Calling it on a
   * transaction's `tx` nests with a savepoint.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Bulk-loads rows with COPY (pg-copy-streams on a server, PGlite's `/dev/blob` device when
   * embedded); returns the rows copied. Each row lists values in `columns` order; null is
   * NULL, anything else is written as its text (bigint as decimal).
   */
  copyFrom(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<number>;
  /**
   * COPY of text already in COPY text format (copy-text.ts), written piece by piece as it
   * comes: one row whose field is too large to build at once (a 100k case's report).
   */
  copyText(table: string, columns: readonly string[], text: AsyncIterable<string> | Iterable<string>): Promise<number>;
  /** Closes the pool or the embedded database. Rejects when called on a transaction's `tx`. */
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** postgres:// connection string. Unset: embedded PGlite at `dataDir`. */
  url?: string;
  /** Folder of the embedded database (created if missing), or `memory://` for tests. */
  dataDir?: string;
  /** Maximum pool connections (pg only). Default 10. */
  poolSize?: number;
  /** Called when an idle pooled connection fails (server restart); default logs to stderr. */
  onIdleError?: (error: Error) => void;
}

export async function openDb(opts: OpenDbOptions): Promise<Db> {
  if (opts.url) {
    return openPgDb(opts.url, opts);
  }
  if (opts.dataDir) {
    return openPgliteDb(opts.dataDir);
  }
  throw new TypeError('openDb needs either url or dataDir');
}
