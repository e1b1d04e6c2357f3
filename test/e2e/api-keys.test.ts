// Key management: admins list, create (with an expiry) and revoke keys over the API and the
// CLI; a revoked or expired key gets 401; the last working admin key cannot be revoked.
import { expect } from 'chai';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { authenticate, createApiKey } from '../../services/auth/api-keys';
import { main } from '../../services/cli/main';
import { pigButcheringWorld, type PigButcheringWorld } from '../support/tracing';

describe('e2e: API key management (API and CLI)', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let server: RunningServer;
  let admin: { id: string; key: string };

  before(async () => {
    world = await pigButcheringWorld();
    server = await startServer(createApiApp(world.app.deps), 0);
    admin = await createApiKey(world.app.deps.store, { role: 'admin', name: 'root' });
  });

  after(async () => {
    await server?.stop();
    await world?.close();
  });

  const call = async (method: string, path: string, key: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  it('an admin creates a key with an expiry; it works until it is revoked, then gets 401', async () => {
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const created = await call('POST', '/v1/keys', admin.key, { role: 'analyst', name: 'alice', expiresAt });
    expect(created.status).to.equal(201);
    expect(created.json).to.include({ role: 'analyst', name: 'alice', active: true, revokedAt: null });
    expect(new Date(created.json.expiresAt).toISOString()).to.equal(expiresAt);
    expect(created.json.key).to.match(/^th_analyst_/);
    expect((await call('GET', '/v1/cases', created.json.key)).status).to.equal(200);

    const listed = await call('GET', '/v1/keys?role=analyst', admin.key);
    expect(listed.json.items.map((k: any) => k.id)).to.include(created.json.id);
    expect(JSON.stringify(listed.json), 'the list never shows a key').to.not.include(created.json.key);

    const revoked = await call('POST', `/v1/keys/${created.json.id}/revoke`, admin.key);
    expect(revoked.status).to.equal(200);
    expect(revoked.json).to.include({ active: false });
    const after = await call('GET', '/v1/cases', created.json.key);
    expect(after.status).to.equal(401);
    expect(after.json.error.code).to.equal('unauthorized');
    expect((await call('POST', `/v1/keys/${created.json.id}/revoke`, admin.key)).status, 'twice').to.equal(409);
    expect((await call('GET', '/v1/keys?active=false', admin.key)).json.items.map((k: any) => k.id)).to.include(created.json.id);
  });

  it('an expired key gets 401', async () => {
    const { id, key } = await createApiKey(world.app.deps.store, { role: 'supervisor', name: 'bob', expiresAt: new Date(Date.now() + 3_600_000) });
    expect((await call('GET', '/v1/cases', key)).status).to.equal(200);
    // the clock moves past the expiry: set it in the past rather than wait
    await world.app.deps.store.db.query("update api_keys set expires_at = now() - interval '1 second' where id = $1", [id]);
    expect((await call('GET', '/v1/cases', key)).status).to.equal(401);
    const listed = await call('GET', '/v1/keys?role=supervisor', admin.key);
    expect(listed.json.items.find((k: any) => k.id === id)).to.include({ active: false, revokedAt: null });
  });

  it('refuses an expiry in the past, partner keys, non-admins, and revoking the last admin key', async () => {
    expect((await call('POST', '/v1/keys', admin.key, { role: 'analyst', name: 'x', expiresAt: '2001-01-01T00:00:00Z' })).status).to.equal(422);
    expect((await call('POST', '/v1/keys', admin.key, { role: 'partner', name: 'x' })).status).to.equal(422);
    expect((await call('POST', '/v1/keys', admin.key, { role: 'analyst' })).status).to.equal(400);
    const analyst = await createApiKey(world.app.deps.store, { role: 'analyst', name: 'carol' });
    expect((await call('GET', '/v1/keys', analyst.key)).status).to.equal(403);
    expect((await call('POST', '/v1/keys', analyst.key, { role: 'admin', name: 'me' })).status).to.equal(403);
    const last = await call('POST', `/v1/keys/${admin.id}/revoke`, admin.key);
    expect(last.status).to.equal(409);
    expect((await call('GET', '/v1/keys', admin.key)).status, 'still works').to.equal(200);
  });

  it('pages through keys newest first', async () => {
    for (let i = 0; i < 5; i++) await createApiKey(world.app.deps.store, { role: 'analyst', name: `page-${i}` });
    const all = (await call('GET', '/v1/keys?limit=200', admin.key)).json.items.map((k: any) => k.id);
    const paged: string[] = [];
    for (let cursor = ''; ;) {
      const page = await call('GET', `/v1/keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`, admin.key);
      paged.push(...page.json.items.map((k: any) => k.id));
      if (!page.json.nextCursor) break;
      cursor = page.json.nextCursor;
    }
    expect(paged).to.deep.equal(all);
  });

  it('the CLI lists, creates with an expiry, and revokes', async () => {
    const run = async (...argv: string[]) => {
      let out = '';
      let err = '';
      const code = await main(['keys', ...argv], { out: (t) => (out += t), err: (t) => (err += t), env: { DATABASE_URL: world.testDb.url, TRACEHOLD_LOG_LEVEL: 'silent' } });
      return { code, out, err };
    };
    const created = await run('create', '--role', 'supervisor', '--name', 'dave', '--expires', '30d');
    expect(created.code, created.err).to.equal(0);
    const key = created.out.trim();
    expect(created.err).to.match(/expires \d{4}-/);
    const principal = await authenticate(world.app.deps.store, key);
    expect(principal).to.include({ role: 'supervisor', name: 'dave' });
    const listed = await run('list', '--json');
    const row = JSON.parse(listed.out).find((k: any) => k.id === principal!.keyId);
    expect(row).to.include({ active: true, role: 'supervisor' });
    expect(listed.out).to.not.include(key);
    const revoked = await run('revoke', principal!.keyId);
    expect(revoked.code, revoked.err).to.equal(0);
    expect(await authenticate(world.app.deps.store, key)).to.equal(null);
    expect((await run('list')).out).to.not.include(principal!.keyId);
    expect((await run('list', '--all')).out).to.include(principal!.keyId);
    expect((await run('create', '--role', 'analyst', '--name', 'x', '--expires', 'soon')).code).to.equal(2);
    expect((await run('revoke')).code).to.equal(2);
  });
});
