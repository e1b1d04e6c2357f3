// A tiny migration runner: numbered plain SQL files, a ledger table, an advisory lock.
//
// Each file runs in its own transaction that first takes a transaction-level advisory lock
// and re-reads the ledger, so two processes starting at once serialise: the second waits,
// then finds the version applied and skips it. The lock being per transaction (not per
// session) lets it work through a pool without pinning a connection.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TraceholdError } from '../errors';
import type { Db } from './db';

/** The checkout's migrations folder, from the TypeScript source or from the build in dist/. */
export const DEFAULT_MIGRATIONS_DIR = [resolve(__dirname, '../../migrations'), resolve(__dirname, '../../../migrations')]
  .find((dir) => existsSync(dir)) ?? resolve(__dirname, '../../migrations');

/** Arbitrary constant shared by every tracehold process: "the migration lock". */
const MIGRATION_LOCK_KEY = 7_265_431_001;

const FILE_PATTERN = /^(\d+)_([a-z0-9_]+)\.sql$/;

export interface MigrationFile {
  version: number;
  name: string;
  checksum: string;
  sql: string;
}

export interface MigrateOptions {
  dir?: string;
}

/** The database and the code disagree about migrations; a human has to look. */
export class MigrationError extends TraceholdError {
  override readonly code: string = 'migration_mismatch';
}

/** Applies pending migrations in order and returns the versions it applied. */
export async function migrate(db: Db, options: MigrateOptions = {}): Promise<number[]> {
  const files = readMigrations(options.dir ?? DEFAULT_MIGRATIONS_DIR);
  const applied: number[] = [];
  await db.transaction(async (tx) => {
    await lock(tx);
    // Only when missing: the application role (005) may read the ledger but not create tables.
    const { rows } = await tx.query<{ t: string | null }>("select to_regclass('tracehold_migrations')::text as t");
    if (!rows[0]?.t) await tx.exec(LEDGER_DDL);
    checkLedger(files, await readLedger(tx));
  });
  for (const file of files) {
    const didApply = await db.transaction(async (tx) => {
      await lock(tx);
      const ledger = await readLedger(tx);
      checkLedger(files, ledger);
      if (ledger.has(file.version)) return false;
      await tx.exec(file.sql);
      await tx.query(
        'insert into tracehold_migrations (version, name, checksum, applied_at) values ($1, $2, $3, now())',
        [file.version, file.name, file.checksum],
      );
      return true;
    });
    if (didApply) applied.push(file.version);
  }
  return applied;
}

/** Reads and checks `NNN_name.sql` files, ordered by version. */
export function readMigrations(dir: string): MigrationFile[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .map((fileName) => {
      const match = FILE_PATTERN.exec(fileName);
      if (!match) throw new MigrationError(`migration file name must look like 001_name.sql: ${fileName}`);
      // CRLF from a Windows checkout must not read as an edited file.
      const sql = readFileSync(join(dir, fileName), 'utf8').replace(/\r\n/g, '\n');
      return {
        version: Number(match[1]),
        name: match[2] as string,
        checksum: createHash('sha256').update(sql).digest('hex'),
        sql,
      };
    })
    .sort((a, b) => a.version - b.version);
  files.forEach((file, i) => {
    if (i > 0 && files[i - 1]?.version === file.version) {
      throw new MigrationError(`two migration files have version ${file.version}`);
    }
  });
  return files;
}

interface LedgerRow {
  version: number;
  name: string;
  checksum: string;
}

const LEDGER_DDL = `
create table if not exists tracehold_migrations (
  version    int         primary key,
  name       text        not null,
  checksum   text        not null,
  applied_at timestamptz not null default now()
)`;

async function lock(tx: Db): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
}

async function readLedger(tx: Db): Promise<Map<number, LedgerRow>> {
  const { rows } = await tx.query<{ version: number; name: string; checksum: string }>(
    'select version, name, checksum from tracehold_migrations order by version',
  );
  return new Map(rows.map((row) => [Number(row.version), { ...row, version: Number(row.version) }]));
}

function checkLedger(files: MigrationFile[], ledger: Map<number, LedgerRow>): void {
  const known = new Map(files.map((file) => [file.version, file]));
  for (const row of ledger.values()) {
    const file = known.get(row.version);
    if (!file) {
      throw new MigrationError(
        `database has migration ${row.version} (${row.name}) that this code does not know; ` +
          'it was migrated by a newer tracehold: upgrade the code or restore the database',
        { details: { version: row.version, name: row.name } },
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${row.version} (${row.name}) was changed after it was applied; ` +
          'applied migrations are append-only: revert the edit and add a new migration',
        { details: { version: row.version, applied: row.checksum, file: file.checksum } },
      );
    }
  }
}
