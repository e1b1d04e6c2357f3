// The audit log is append-only for the application's own database role, enforced by
// Postgres itself: a login role that is a member of tracehold_app (migration 005) connects,
// does the app's ordinary work, and is refused every way of rewriting freeze_audit.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDb, type Db } from '../../services/store/db';
import { migrate } from '../../services/store/migrate';
import { createStore } from '../../services/store';
import { ADMIN_URL, createTestDb, type TestDb } from '../support/db';

async function refusal(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected the database to refuse');
}

describe('integration: the audit log cannot be altered through the application role', function () {
  this.timeout(60_000);
  let test: TestDb;
  let appDb: Db;
  const login = `tracehold_t_${randomBytes(4).toString('hex')}`;

  const admin = async (sql: string) => {
    const c = new Client({ connectionString: ADMIN_URL });
    await c.connect();
    try { await c.query(sql); } finally { await c.end(); }
  };

  before(async () => {
    test = await createTestDb();
    await admin(`create role ${login} login in role tracehold_app`);
    const url = new URL(test.url);
    url.username = login;
    url.password = '';
    appDb = await openDb({ url: url.toString(), poolSize: 2 });
  });

  after(async () => {
    await appDb?.close().catch(() => undefined);
    await test?.drop();
    await admin(`drop role if exists ${login}`).catch(() => undefined);
  });

  it('connects as a non-superuser member of tracehold_app', async () => {
    const { rows } = await appDb.query<{ u: string; su: string }>("select current_user as u, current_setting('is_superuser') as su");
    expect(rows[0]).to.deep.equal({ u: login, su: 'off' });
  });

  it('does the application’s work: migrate check, cases, API keys, audit inserts', async () => {
    expect(await migrate(appDb)).to.deep.equal([]);
    const store = createStore(appDb);
    const kase = await store.cases.create({
      title: 'role test', reference: null, chain: 'local', seeds: [{ address: '0x' + '11'.repeat(20) }], model: 'fifo',
      maxHops: 3, fromBlock: null, toBlock: null, assets: null, minAmount: 0n, createdBy: 'test',
    } as never);
    await store.cases.setStatus(kase.id, 'queued', { hop: 0 });
    await appDb.query("insert into freeze_audit (actor, actor_name, action) values ('test', 'test', 'created')");
    const { rows } = await appDb.query<{ n: string }>('select count(*) as n from freeze_audit');
    expect(Number(rows[0]!.n)).to.equal(1);
  });

  const attacks: [string, string][] = [
    ['UPDATE', "update freeze_audit set action = 'rewritten'"],
    ['DELETE', 'delete from freeze_audit'],
    ['TRUNCATE', 'truncate freeze_audit'],
    ['disable the trigger', 'alter table freeze_audit disable trigger freeze_audit_no_update_delete'],
    ['drop the trigger', 'drop trigger freeze_audit_no_update_delete on freeze_audit'],
    ['drop the table', 'drop table freeze_audit'],
    ['replace the trigger function', "create or replace function freeze_audit_append_only() returns trigger language plpgsql as $$ begin return new; end $$"],
    ['rewrite the migration ledger', 'delete from tracehold_migrations'],
  ];
  for (const [what, sql] of attacks) {
    it(`refuses to ${what}`, async () => {
      const error = await refusal(appDb.query(sql));
      expect(error.code, error.message).to.equal('42501'); // insufficient_privilege
      const { rows } = await test.db.query<{ n: string; a: string }>('select count(*) as n, min(action) as a from freeze_audit');
      expect(rows[0]).to.deep.equal({ n: '1', a: 'created' });
    });
  }

  it('and the default (owner) connection is still stopped by the append-only trigger', async () => {
    const error = await refusal(test.db.query("update freeze_audit set action = 'rewritten'"));
    expect(error.message).to.match(/append-only/);
    expect((await refusal(test.db.query('delete from freeze_audit'))).message).to.match(/append-only/);
  });
});
