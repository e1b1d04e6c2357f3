// A throwaway database per test run on the shared Postgres server: created with a unique
// name, migrated, and dropped afterwards, so parallel runs (CI, other engineers) never meet.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDb, type Db } from '../../services/store/db';
import { createStore, type Store } from '../../services/store';
import { migrate } from '../../services/store/migrate';

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDb {
  db: Db;
  url: string;
  name: string;
  drop(): Promise<void>;
}

export interface TestDbOptions {
  /** Run the migrations (default true). */
  migrate?: boolean;
  poolSize?: number;
}

export async function createTestDb(options: TestDbOptions = {}): Promise<TestDb> {
  const name = `tracehold_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin((admin) => admin.query(`create database ${name}`));
  const url = databaseUrl(name);
  let db: Db | undefined;
  try {
    db = await openDb({ url, poolSize: options.poolSize ?? 5 });
    if (options.migrate !== false) await migrate(db);
  } catch (error) {
    await db?.close();
    await dropDatabase(name);
    throw error;
  }
  const opened = db;
  let dropped = false;
  return {
    db: opened,
    url,
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await opened.close().catch(() => undefined);
      await dropDatabase(name);
    },
  };
}

/** The admin URL pointed at another database of the same server. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(name: string): Promise<void> {
  await withAdmin(async (admin) => {
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    await admin.query(`drop database if exists ${name}`);
  });
}

async function withAdmin<T>(fn: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: ADMIN_URL, application_name: 'tracehold-tests' });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

export const DRIVERS = ['pg', 'pglite'] as const;

/**
 * A migrated, empty database of either driver: a throwaway server database, or an
 * in-memory PGlite. Lets one suite prove both paths return the same values.
 */
export async function openTestDb(driver: (typeof DRIVERS)[number]): Promise<{ db: Db; drop(): Promise<void> }> {
  if (driver === 'pg') return createTestDb();
  const db = await openDb({ dataDir: 'memory://' });
  await migrate(db);
  return { db, drop: () => db.close() };
}

/**
 * Registers before/after hooks that give the enclosing describe block a store on its own
 * migrated database (`driver`) and drop it afterwards; `use` receives the store.
 */
export function useTestStore(driver: (typeof DRIVERS)[number], use: (store: Store) => void): void {
  let drop: (() => Promise<void>) | undefined;
  before(async () => {
    const opened = await openTestDb(driver);
    use(createStore(opened.db));
    drop = opened.drop;
  });
  after(async () => {
    await drop?.();
  });
}
