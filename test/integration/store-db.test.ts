import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { RetryableError, shouldRetry } from '../../services/errors';
import { openDb, type Db } from '../../services/store/db';
import { postgresWasm } from '../../services/store/pglite-driver';
import { migrate } from '../../services/store/migrate';
import { LONG_ARRAY } from '../../services/store/array-literal';
import { copyOrThroughStaging } from '../../services/store/values';
import { createStore } from '../../services/store';
import { ADMIN_URL, createTestDb, DRIVERS, openTestDb, type TestDb } from '../support/db';

DRIVERS.forEach((driver) => {
  describe(`store: Db (${driver})`, () => {
    let db: Db;
    let drop: () => Promise<void>;

    before(async () => {
      ({ db, drop } = await openTestDb(driver));
      await db.exec('create table t (id int primary key, v text)');
    });

    after(async () => {
      await drop();
    });

    it('reports its driver', () => {
      expect(db.driver).to.equal(driver);
    });

    // PGlite is built without a JIT provider: nothing is ever compiled there.
    if (driver === 'pg') {
      it('runs its statements without JIT compilation', async () => {
        const { rows } = await db.query<{ jit: string }>("select current_setting('jit') as jit");
        expect(rows[0]!.jit).to.equal('off');
      });
    }

    it('commits a transaction, and rolls it back when fn throws', async () => {
      await db.transaction(async (tx) => {
        await tx.query("insert into t values (1, 'kept')");
      });
      const error = await db
        .transaction(async (tx) => {
          await tx.query("insert into t values (2, 'lost')");
          throw new Error('boom');
        })
        .catch((e: Error) => e);
      expect((error as Error).message).to.equal('boom');
      expect((await db.query('select id from t order by id')).rows).to.deep.equal([{ id: 1 }]);
    });

    it('nests with a savepoint: an inner failure keeps the outer work', async () => {
      await db.transaction(async (tx) => {
        await tx.query("insert into t values (3, 'outer')");
        await tx.transaction(async (inner) => {
          await inner.query("insert into t values (4, 'inner')");
          throw new Error('inner');
        }).catch(() => undefined);
        await tx.transaction((inner) => inner.query("insert into t values (5, 'inner ok')"));
      });
      expect((await db.query('select id from t order by id')).rows).to.deep.equal([{ id: 1 }, { id: 3 }, { id: 5 }]);
    });

    it('bulk-loads with COPY: awkward text, nulls, bigints and numerics come back as written', async () => {
      await db.exec('create table copied (id int, note text, big numeric(78,0), n bigint)');
      const awkward = 'tab\there, newline\nthere, backslash \\N, cr\r, quote " and \'';
      const huge = 2n ** 255n + 7n;
      const rows: unknown[][] = [
        [1, awkward, huge, 9_007_199_254_740_993n],
        [2, null, 0n, null],
        [3, '\\N', '42', 5],
      ];
      expect(await db.copyFrom('copied', ['id', 'note', 'big', 'n'], rows)).to.equal(3);
      const back = await db.query<{ id: number; note: string | null; big: string; n: unknown }>('select id, note, big::text as big, n::text as n from copied order by id');
      expect(back.rows).to.deep.equal([
        { id: 1, note: awkward, big: huge.toString(), n: '9007199254740993' },
        { id: 2, note: null, big: '0', n: null },
        { id: 3, note: '\\N', big: '42', n: '5' },
      ]);
      expect(await db.copyFrom('copied', ['id'], [])).to.equal(0);
    });

    it('COPY inside a transaction is rolled back with it, and a bad row fails the whole COPY', async () => {
      await db.exec('create table copied_tx (id int primary key)');
      await db.transaction(async (tx) => {
        await tx.copyFrom('copied_tx', ['id'], [[1], [2]]);
        throw new Error('undo');
      }).catch(() => undefined);
      expect((await db.query('select count(*)::int as n from copied_tx')).rows).to.deep.equal([{ n: 0 }]);
      const error = await db.copyFrom('copied_tx', ['id'], [[1], [1]]).catch((e: Error) => e);
      expect(error).to.be.instanceOf(Error);
      expect((await db.query('select count(*)::int as n from copied_tx')).rows).to.deep.equal([{ n: 0 }]);
      expect(await db.copyFrom('copied_tx; drop table t', ['id'], [[1]]).catch((e: Error) => e)).to.be.instanceOf(TypeError);
      // the connection is usable afterwards
      expect(await db.copyFrom('copied_tx', ['id'], [[7]])).to.equal(1);
    });

    it('a COPY the server fails while its text is still coming rejects with that error, copies nothing and leaves the database usable', async () => {
      // Before, on a server: the failed COPY's stream was destroyed with no connection left to
      // send CopyFail on, and its error event took the process down (a worker of the bench's
      // scale-out, on a step another worker had written).
      await db.exec('create table copied_mid (id int primary key)');
      const sent: string[] = [];
      async function* text() {
        // A key twice, then more rows: the server inserts what COPY sends 1,000 rows at a time,
        // so it fails the COPY (and says so) while the rest of the text is still coming.
        yield '1\n1\n' + Array.from({ length: 3_000 }, (_, i) => `${1_000 + i}\n`).join('');
        sent.push('first');
        for (let i = 0; i < 4; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100)); // time for the failure to arrive
          yield `${10 + i}\n`;
          sent.push(`more ${i}`);
        }
      }
      const error = await db.copyText('copied_mid', ['id'], text()).catch((e: Error) => e);
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.match(/duplicate key/);
      expect((await db.query('select count(*)::int as n from copied_mid')).rows).to.deep.equal([{ n: 0 }]);
      // In a transaction too: the failure is the transaction's, which rolls back.
      const inTx = await db.transaction(async (tx) => {
        await tx.query('insert into copied_mid values (99)');
        await tx.copyText('copied_mid', ['id'], text());
      }).catch((e: Error) => e);
      expect((inTx as Error).message).to.match(/duplicate key/);
      expect((await db.query('select count(*)::int as n from copied_mid')).rows).to.deep.equal([{ n: 0 }]);
      expect(sent.length).to.be.greaterThan(0);
      expect(await db.copyFrom('copied_mid', ['id'], [[7]])).to.equal(1);
    });

    describe('copyOrThroughStaging', () => {
      const target = { table: 'direct', staging: 'direct_staging', columns: ['id', 'v'] };
      const upsert = 'insert into direct select * from direct_staging on conflict do nothing';
      const row = (r: [number, string]) => r;
      /** The transaction's handle, recording which tables COPY wrote to. */
      const recording = (tx: Db, copiedInto: string[]): Db => ({
        ...tx,
        transaction: (fn) => tx.transaction((inner) => fn(recording(inner, copiedInto))),
        copyFrom: (table, columns, rows) => (copiedInto.push(table), tx.copyFrom(table, columns, rows)),
      });

      before(() => db.exec("create table direct (id int primary key, v text); insert into direct values (1, 'first')"));

      it('COPYs new rows straight into the table', async () => {
        const copiedInto: string[] = [];
        const written = await db.transaction((tx) => copyOrThroughStaging(recording(tx, copiedInto), target, [[2, 'b'], [3, 'c']], row, upsert));
        expect(written).to.equal(2);
        expect([...new Set(copiedInto)]).to.deep.equal(['direct']);
        expect((await db.query('select id, v from direct order by id')).rows).to.deep.equal([{ id: 1, v: 'first' }, { id: 2, v: 'b' }, { id: 3, v: 'c' }]);
      });

      it('goes through the staging table when a row is there after all, and the transaction goes on', async () => {
        const copiedInto: string[] = [];
        const written = await db.transaction(async (tx) => {
          const n = await copyOrThroughStaging(recording(tx, copiedInto), target, [[4, 'd'], [1, 'again'], [5, 'e']], row, upsert);
          await tx.query("insert into direct values (6, 'after')");
          return n;
        });
        expect(written).to.equal(2);
        expect(copiedInto[0]).to.equal('direct');
        expect(copiedInto.at(-1)).to.equal('direct_staging');
        expect((await db.query('select id, v from direct order by id')).rows).to.deep.equal([
          { id: 1, v: 'first' }, { id: 2, v: 'b' }, { id: 3, v: 'c' }, { id: 4, v: 'd' }, { id: 5, v: 'e' }, { id: 6, v: 'after' },
        ]);
      });

      it('goes through the staging table too when the table fails the COPY while its rows are still being sent', async () => {
        // The server inserts COPY's rows 1,000 at a time: a row stored already, first of 8,001
        // (COPY text of 2,000 rows a slice), fails it before the later slices are sent. Before,
        // on a server, that came back as a TypeError from the stream (no fallback) and an
        // unhandled error event that took the process down.
        const items: Array<[number, string]> = [[1, 'again'], ...Array.from({ length: 8_000 }, (_, i): [number, string] => [1_000 + i, `r${i}`])];
        const written = await db.transaction((tx) => copyOrThroughStaging(tx, target, items, row, upsert));
        expect(written).to.equal(8_000);
        expect((await db.query('select count(*)::int as n from direct where id >= 1000')).rows).to.deep.equal([{ n: 8_000 }]);
        expect((await db.query('select v from direct where id = 1')).rows).to.deep.equal([{ v: 'first' }]);
      });

      it('fails on any other error, the rows not written', async () => {
        const error = await db.transaction((tx) => copyOrThroughStaging(tx, target, [[7, 'g'], [null as unknown as number, 'no id']], row, upsert)).catch((e: Error) => e);
        expect(error).to.be.instanceOf(Error);
        expect((error as { code?: string }).code).to.equal('23502');
        expect((await db.query('select count(*)::int as n from direct where id = 7')).rows).to.deep.equal([{ n: 0 }]);
      });
    });

    it('counts written rows and selected rows the same way', async () => {
      expect((await db.query("update t set v = 'x' where id > 100")).rowCount).to.equal(0);
      expect((await db.query("update t set v = 'x' where id >= 3")).rowCount).to.equal(2);
      expect((await db.query('select * from t')).rowCount).to.equal(3);
      expect((await db.query('insert into t select * from unnest($1::int[], $2::text[]) on conflict do nothing', [[5, 6, 6], ['a', 'b', 'c']])).rowCount).to.equal(1);
    });

    it('takes array parameters with awkward text and nulls', async () => {
      const texts = ['a,b', 'c"d', null, '{x}', 'é', ''];
      const { rows } = await db.query<{ v: string | null }>('select v from unnest($1::text[]) with ordinality as u(v, n) order by n', [texts]);
      expect(rows.map((r) => r.v)).to.deep.equal(texts);
    });

    it('takes long array parameters (made into literals with turns on the server) as it takes short ones', async () => {
      const texts = Array.from({ length: LONG_ARRAY + 3 }, (_, i) => (i % 1000 === 0 ? null : i % 7 === 0 ? `a"b\\c,{${i}}` : `0x${i.toString(16).padStart(40, '0')}`));
      const numbers = Array.from({ length: LONG_ARRAY + 3 }, (_, i) => (i % 2 ? BigInt(i) * 10n ** 30n : i));
      const { rows } = await db.query<{ v: string | null; n: string }>(
        'select v, n::text from unnest($1::text[], $2::numeric[]) with ordinality as u(v, n, i) order by i', [texts, numbers],
      );
      expect(rows.map((r) => r.v)).to.deep.equal(texts);
      expect(rows.map((r) => r.n)).to.deep.equal(numbers.map(String));
      await db.transaction(async (tx) => {
        const { rows: found } = await tx.query<{ n: unknown }>('select count(*) as n from unnest($1::text[]) as u(v) where v = any($2::text[])', [texts, [texts[7], texts[8]]]);
        expect(Number(found[0]!.n)).to.equal(2);
      });
    });

    it('refuses close() on a transaction handle', async () => {
      await db.transaction(async (tx) => {
        await tx.close().then(() => expect.fail('closed'), (e: Error) => expect(e.message).to.match(/transaction/));
      });
    });

    // PGlite runs statements on this thread and settles without a turn of the event loop: a
    // timer set before a run of statements fired only after all of them.
    it('gives the event loop turns during a run of statements, in a transaction or not', async () => {
      const statementsUntilTimer = async (q: Db) => {
        let done = 0;
        let firedAfter = -1;
        setTimeout(() => (firedAfter = done), 0);
        const started = performance.now();
        while (performance.now() - started < 200) {
          await q.query('select count(*) from generate_series(1, 20000)');
          done++;
        }
        return { firedAfter, done };
      };
      for (const run of [await statementsUntilTimer(db), await db.transaction(statementsUntilTimer)]) {
        expect(run.firedAfter, `timer fired after ${run.firedAfter} of ${run.done} statements`).to.be.within(0, run.done - 2);
      }
    });
  });
});

describe('store: Db on the server', () => {
  let test: TestDb;

  before(async () => {
    test = await createTestDb();
  });

  after(async () => {
    await test.drop();
  });

  it('survives the server killing an idle pooled connection', async () => {
    const seen: Error[] = [];
    const db = await openDb({ url: test.url, poolSize: 2, onIdleError: (e) => seen.push(e) });
    try {
      // the pool's only connection, idle once the query is done
      const { rows } = await db.query<{ pid: number }>('select pg_backend_pid() as pid');
      const admin = new Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      await admin.end();
      for (let i = 0; i < 50 && seen.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
      expect(seen.length).to.be.at.least(1);
      expect((await db.query<{ one: number }>('select 1 as one')).rows).to.deep.equal([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('survives the server killing a connection in the middle of a transaction: the transaction fails retryably, nothing goes uncaught', async () => {
    const db = await openDb({ url: test.url, poolSize: 2 });
    try {
      const failed = await db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
        const admin = new Client({ connectionString: ADMIN_URL });
        await admin.connect();
        await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
        await admin.end();
        // The cut reaches the client between queries: it emits 'error' while checked out.
        await new Promise((r) => setTimeout(r, 200));
        await tx.query('select 1');
      }).then(() => null, (e: unknown) => e);
      expect(failed).to.be.instanceOf(Error);
      expect(shouldRetry(failed)).to.equal(true);
      expect((await db.query<{ one: number }>('select 1 as one')).rows).to.deep.equal([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('turns a deadlock into a RetryableError', async () => {
    await test.db.exec('create table dl (id int primary key); insert into dl values (1), (2);');
    let release!: () => void;
    const bothLocked = new Promise<void>((resolve) => (release = resolve));
    let locked = 0;
    const lockThen = (first: number, second: number) =>
      test.db.transaction(async (tx) => {
        await tx.query('select * from dl where id = $1 for update', [first]);
        locked += 1;
        if (locked === 2) release();
        await bothLocked;
        await tx.query('select * from dl where id = $1 for update', [second]);
      });
    const results = await Promise.allSettled([lockThen(1, 2), lockThen(2, 1)]);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failures).to.have.length(1);
    expect(failures[0]!.reason).to.be.instanceOf(RetryableError);
    expect(shouldRetry(failures[0]!.reason)).to.equal(true);
  });

  it('fails fast on a server that is not there', async () => {
    const error = await openDb({ url: 'postgres://postgres@127.0.0.1:1/none' }).catch((e: unknown) => e);
    expect(shouldRetry(error)).to.equal(true);
  });
});

describe('store: PGlite in a data folder', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracehold-pglite-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the folder, and keeps data across a restart', async () => {
    const dataDir = join(dir, 'nested', 'db');
    let db = await openDb({ dataDir });
    await migrate(db);
    await createStore(db).labels.upsert([{ chain: 'ethereum', address: '0xa', entity: 'Kept', category: 'exchange' }]);
    await db.close();

    db = await openDb({ dataDir });
    try {
      expect(await migrate(db)).to.deep.equal([]);
      const labels = await createStore(db).labels.lookup('ethereum', ['0xa']);
      expect(labels.get('0xa')?.map((l) => l.entity)).to.deep.equal(['Kept']);
    } finally {
      await db.close();
    }
  });
});

describe('store: PGlite on its own thread', () => {
  let db: Db;

  before(async () => {
    db = await openDb({ dataDir: 'memory://' });
  });

  after(async () => {
    await db.close().catch(() => undefined);
  });

  it("runs a statement without holding the caller's event loop", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      await db.query('select pg_sleep(0.3)');
    } finally {
      clearInterval(timer);
    }
    // On the caller's thread a statement is one block: the timer would not fire until it ended.
    expect(ticks, 'timer ticks while the statement ran').to.be.at.least(10);
  });

  it("hands Postgres' error fields across the thread", async () => {
    await db.exec('create table u (id int constraint u_pkey primary key)');
    await db.query('insert into u values (1)');
    const error = (await db.query('insert into u values (1)').catch((e: unknown) => e)) as { code?: string; constraint?: string; message?: string };
    expect(error).to.be.instanceOf(Error);
    expect(error.code).to.equal('23505');
    expect(error.constraint).to.equal('u_pkey');
    const retry = await db.query('select 1/0').catch((e: unknown) => e);
    expect((retry as { code?: string }).code).to.equal('22012');
  });

  it('answers every call after close() with an error', async () => {
    const other = await openDb({ dataDir: 'memory://' });
    await other.close();
    const error = await other.query('select 1').catch((e: Error) => e);
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(/embedded database is closed/);
  });
});

describe('store: the embedded database\'s Postgres WASM', () => {
  it('is compiled once a process: every embedded database opened after gets the same module, and each works on its own', async () => {
    const module = await postgresWasm();
    expect(module).to.be.instanceOf((globalThis as unknown as { WebAssembly: { Module: new () => object } }).WebAssembly.Module);
    const [a, b] = await Promise.all([openDb({ dataDir: 'memory://' }), openDb({ dataDir: 'memory://' })]);
    try {
      expect(await postgresWasm()).to.equal(module);
      await a.exec('create table t (n int)');
      await a.query('insert into t values (1), (2)');
      await b.exec('create table t (n int)');
      expect((await a.query<{ n: number }>('select count(*) as n from t')).rows[0]!.n).to.equal(2);
      expect((await b.query<{ n: number }>('select count(*) as n from t')).rows[0]!.n).to.equal(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
