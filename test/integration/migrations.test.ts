import { expect } from 'chai';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../services/store/db';
import { DEFAULT_MIGRATIONS_DIR, migrate, MigrationError, readMigrations } from '../../services/store/migrate';
import { createTestDb, type TestDb } from '../support/db';

const ALL_VERSIONS = readMigrations(DEFAULT_MIGRATIONS_DIR).map((m) => m.version);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('migrations (postgres server)', () => {
  let test: TestDb;
  let dir: string;

  beforeEach(async () => {
    test = await createTestDb({ migrate: false });
    dir = mkdtempSync(join(tmpdir(), 'tracehold-migrations-'));
    cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  });

  afterEach(async () => {
    await test.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every file is numbered and starts with a purpose comment', () => {
    expect(ALL_VERSIONS.length).to.be.at.least(3);
    for (const file of readMigrations(DEFAULT_MIGRATIONS_DIR)) {
      expect(file.sql.startsWith('-- '), `${file.version}_${file.name}`).to.equal(true);
    }
  });

  it('applies every file once and records it in the ledger', async () => {
    expect(await migrate(test.db)).to.deep.equal(ALL_VERSIONS);
    const { rows } = await test.db.query<{ version: number; name: string; checksum: string }>(
      'select version, name, checksum from tracehold_migrations order by version',
    );
    expect(rows.map((r) => r.version)).to.deep.equal(ALL_VERSIONS);
    expect(rows[0]?.name).to.equal('chain_data');
    expect(rows[0]?.checksum).to.match(/^[0-9a-f]{64}$/);
  });

  it('is idempotent: a second run applies nothing', async () => {
    await migrate(test.db);
    expect(await migrate(test.db)).to.deep.equal([]);
  });

  it('applies a new file on top of an applied set', async () => {
    await migrate(test.db, { dir });
    writeFileSync(join(dir, '999_extra.sql'), '-- test: one more table\ncreate table extra (id int);\n');
    expect(await migrate(test.db, { dir })).to.deep.equal([999]);
  });

  it('lets only one of two concurrent processes apply each file', async () => {
    const other = await openDb({ url: test.url, poolSize: 2 });
    try {
      const [a, b] = await Promise.all([migrate(test.db), migrate(other)]);
      expect([...a, ...b].sort((x, y) => x - y)).to.deep.equal(ALL_VERSIONS);
      const { rows } = await test.db.query<{ n: string }>('select count(*) as n from tracehold_migrations');
      expect(Number(rows[0]?.n)).to.equal(ALL_VERSIONS.length);
    } finally {
      await other.close();
    }
  });

  it('serialises many concurrent runners, each with its own pool', async () => {
    const others: Db[] = await Promise.all([1, 2, 3, 4].map(() => openDb({ url: test.url, poolSize: 1 })));
    try {
      const results = await Promise.all([test.db, ...others].map((db) => migrate(db)));
      expect(results.flat().sort((x, y) => x - y)).to.deep.equal(ALL_VERSIONS);
    } finally {
      await Promise.all(others.map((db) => db.close()));
    }
  });

  it('refuses a database migrated by newer code', async () => {
    await migrate(test.db);
    await test.db.query("insert into tracehold_migrations values (999, 'from_the_future', 'x', now())");
    const error = await rejection(migrate(test.db));
    expect(error).to.be.instanceOf(MigrationError);
    expect(error.message).to.match(/999 \(from_the_future\).*does not know/);
  });

  it('refuses when an applied file was edited', async () => {
    await migrate(test.db, { dir });
    const first = readdirSync(dir).sort()[0] as string;
    appendFileSync(join(dir, first), '\n-- an innocent-looking edit\n');
    const error = await rejection(migrate(test.db, { dir }));
    expect(error).to.be.instanceOf(MigrationError);
    expect(error.message).to.match(/was changed after it was applied/);
  });

  it('does not count CRLF line endings as an edit', async () => {
    await migrate(test.db, { dir });
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      writeFileSync(path, readFileSync(path, 'utf8').replace(/\n/g, '\r\n'));
    }
    expect(await migrate(test.db, { dir })).to.deep.equal([]);
  });

  it('rolls back a failing file and records nothing for it', async () => {
    writeFileSync(join(dir, '998_broken.sql'), '-- test: fails halfway\ncreate table half (id int);\nselect no_such_function();\n');
    const error = await rejection(migrate(test.db, { dir }));
    expect(error.message).to.match(/no_such_function/);
    const { rows } = await test.db.query<{ version: number }>('select version from tracehold_migrations order by version');
    expect(rows.map((r) => r.version)).to.deep.equal(ALL_VERSIONS);
    const half = await test.db.query("select 1 from pg_tables where tablename = 'half'");
    expect(half.rowCount).to.equal(0);
  });

  it('rejects a badly named file', () => {
    writeFileSync(join(dir, 'add-things.sql'), 'select 1;');
    expect(() => readMigrations(dir)).to.throw(MigrationError, /001_name\.sql/);
  });

  it('rejects two files with the same version', () => {
    writeFileSync(join(dir, '001_again.sql'), '-- duplicate\nselect 1;');
    expect(() => readMigrations(dir)).to.throw(MigrationError, /two migration files have version 1/);
  });
});

describe('migrations (embedded PGlite)', () => {
  let db: Db;

  before(async () => {
    db = await openDb({ dataDir: 'memory://' });
  });

  after(async () => {
    await db.close();
  });

  it('applies every file, then nothing on a second run', async () => {
    expect(await migrate(db)).to.deep.equal(ALL_VERSIONS);
    expect(await migrate(db)).to.deep.equal([]);
  });

  it('refuses an unknown newer version there too', async () => {
    await db.query("insert into tracehold_migrations values (999, 'from_the_future', 'x', now())");
    const error = await rejection(migrate(db));
    expect(error).to.be.instanceOf(MigrationError);
    await db.query('delete from tracehold_migrations where version = 999');
  });
});
