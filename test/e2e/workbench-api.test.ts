// The workbench's side of the API over a real socket and a real Postgres: the built page at
// `/` without shadowing the API or the operator paths, notes, the activity trail (append-only
// in the database), model changes, the models side by side, and the exports' edge cases.
import { expect } from 'chai';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createAppContext, type AppContext } from '../../services/app';
import { createApiKey } from '../../services/auth/api-keys';
import { loadConfig } from '../../config';
import { silentLogger } from '../../services/log';
import { formatUnits } from '../../services/format';
import { writeBigCase } from '../support/big-case';
import { ensureWorkbenchBuilt } from '../support/browser';
import { parseCsv } from '../support/csv';
import { createTestDb, type TestDb } from '../support/db';

describe('e2e: the workbench API and static serving', function () {
  this.timeout(120_000);
  let db: TestDb;
  let app: AppContext;
  let server: RunningServer;
  let analyst: string;
  let supervisor: string;
  let partner: string;
  let caseId: string;
  const token = '0x' + 'cd'.repeat(20);

  before(async () => {
    ensureWorkbenchBuilt();
    db = await createTestDb();
    app = await createAppContext({ config: loadConfig({ TRACEHOLD_LOG_LEVEL: 'silent' }), log: silentLogger, queue: 'inline', db: db.db });
    server = await startServer(createApiApp(app.deps), 0);
    analyst = (await createApiKey(app.deps.store, { role: 'analyst', name: 'ana' })).key;
    supervisor = (await createApiKey(app.deps.store, { role: 'supervisor', name: 'sup' })).key;
    const registered = await app.deps.store.partners.create({ name: 'P', kind: 'exchange', entities: ['p'], webhookUrl: null, webhookSecret: null, contactEmail: null, jurisdiction: null });
    partner = (await createApiKey(app.deps.store, { role: 'partner', name: 'p', partnerId: registered.id })).key;
    caseId = (await writeBigCase(app.deps.store, { wallets: 150, token })).caseId;
  });
  after(async () => {
    await server?.stop();
    await app?.close();
    await db?.drop();
  });

  const call = async (method: string, url: string, key: string | null, body?: unknown, accept?: string) => {
    const res = await fetch(server.url + url, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(accept ? { accept } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, text, json, headers: res.headers };
  };

  it('serves the page at / and at deep links to a browser, with its own CSP; API clients and reserved paths get JSON 404s', async () => {
    for (const path of ['/', '/cases', `/cases/${caseId}/graph`, '/partner/requests/x']) {
      const page = await call('GET', path, null, undefined, 'text/html,application/xhtml+xml');
      expect(page.status, path).to.equal(200);
      expect(page.text).to.contain('<div id="root">');
      expect(page.headers.get('content-security-policy')).to.contain("script-src 'self'").and.not.to.contain('unsafe-eval');
      expect(page.headers.get('x-frame-options')).to.equal('DENY');
    }
    const script = /src="(\/assets\/[^"]+\.js)"/.exec((await call('GET', '/', null, undefined, 'text/html')).text)![1]!;
    const asset = await call('GET', script, null);
    expect(asset.status).to.equal(200);
    expect(asset.headers.get('content-type')).to.match(/javascript/);
    // Operator paths answer as their own routes do (or 404 where none is mounted), never with the page.
    for (const path of ['/v1/nope', '/openapi.json', '/docs', '/metrics', '/admin', '/admin/queues', '/assets/missing.js', '/healthz']) {
      const res = await call('GET', path, null, undefined, 'text/html');
      expect(res.text, path).not.to.contain('<div id="root">');
    }
    expect((await call('GET', '/v1/nope', null, undefined, 'text/html')).status).to.equal(401);
    expect((await call('GET', '/assets/missing.js', null, undefined, 'text/html')).status).to.equal(404);
    const apiClient = await call('GET', '/cases', null);
    expect(apiClient.status).to.equal(404);
    expect(apiClient.json.error.code).to.equal('not_found');
  });

  it('says who the key is and how each chain shows amounts and links', async () => {
    expect((await call('GET', '/v1/session', partner)).json).to.include({ role: 'partner', name: 'p' });
    const chains = (await call('GET', '/v1/chains', analyst)).json as { name: string; explorer: { tx: string } | null; nativeDecimals: number }[];
    const ethereum = chains.find((c) => c.name === 'ethereum')!;
    expect(ethereum.explorer!.tx).to.equal('https://etherscan.io/tx/{tx}');
    expect(chains.find((c) => c.name === 'bitcoin')!.nativeDecimals).to.equal(8);
    expect(JSON.stringify(chains)).not.to.match(/rpcUrl|esploraUrl/);
    expect((await call('GET', '/v1/session', null)).status).to.equal(401);
  });

  it('saves, replaces and deletes notes per wallet; bad input changes nothing', async () => {
    const address = '0x' + '0'.repeat(39) + '5';
    const saved = await call('PUT', `/v1/cases/${caseId}/notes/${address.toUpperCase().replace('0X', '0x')}`, analyst, { text: '  first look  ' });
    expect(saved.status).to.equal(200);
    expect(saved.json).to.include({ address, text: 'first look', author: 'ana' });
    await call('PUT', `/v1/cases/${caseId}/notes/${address}`, supervisor, { text: 'checked' });
    let notes = (await call('GET', `/v1/cases/${caseId}/notes`, analyst)).json;
    expect(notes.map((n: { text: string; author: string }) => [n.text, n.author])).to.deep.equal([['checked', 'sup']]);
    for (const [body, status] of [[{ text: 5 }, 400], [{ text: 'x'.repeat(4001) }, 422], [[], 400]] as const) {
      expect((await call('PUT', `/v1/cases/${caseId}/notes/${address}`, analyst, body)).status).to.equal(status);
    }
    expect((await call('PUT', `/v1/cases/${caseId}/notes/${'x'.repeat(200)}`, analyst, { text: 'a' })).status).to.equal(422);
    expect((await call('PUT', `/v1/cases/00000000-0000-4000-8000-000000000000/notes/${address}`, analyst, { text: 'a' })).status).to.equal(404);
    expect((await call('PUT', `/v1/cases/${caseId}/notes/${address}`, partner, { text: 'a' })).status).to.equal(403);
    expect((await call('PUT', `/v1/cases/${caseId}/notes/${address}`, analyst, { text: '' })).status).to.equal(204);
    notes = (await call('GET', `/v1/cases/${caseId}/notes`, analyst)).json;
    expect(notes).to.deep.equal([]);
  });

  it('changes the model only to a known one and not while a trace runs; the models view lists all five', async () => {
    expect((await call('PUT', `/v1/cases/${caseId}/model`, analyst, { model: 'magic' })).status).to.equal(422);
    expect((await call('PUT', `/v1/cases/${caseId}/model`, supervisor, { model: 'lifo' })).status).to.equal(403);
    const changed = await call('PUT', `/v1/cases/${caseId}/model`, analyst, { model: 'lifo' });
    expect(changed.status).to.equal(200);
    expect(changed.json.model).to.equal('lifo');
    const models = (await call('GET', `/v1/cases/${caseId}/models`, analyst)).json;
    expect(models.current).to.equal('lifo');
    expect(models.models.map((m: { model: string }) => m.model)).to.deep.equal(['fifo', 'lifo', 'haircut', 'poison', 'tiho']);
    expect(models.models.filter((m: { runId: string | null }) => m.runId).map((m: { model: string }) => m.model)).to.deep.equal(['fifo']);
    await app.deps.store.cases.setStatus(caseId, 'tracing', { hop: 1 });
    expect((await call('PUT', `/v1/cases/${caseId}/model`, analyst, { model: 'poison' })).status).to.equal(409);
    await app.deps.store.cases.setStatus(caseId, 'traced', { hop: 4, done: true });
  });

  it('exports flows as CSV in display units and records every export and change in an append-only trail', async () => {
    const csv = await call('GET', `/v1/cases/${caseId}/flows.csv`, supervisor);
    const rows = parseCsv(csv.text);
    const graph = (await call('GET', `/v1/cases/${caseId}/graph`, analyst)).json;
    expect(rows.length).to.equal(graph.edges.length);
    // The token is not in config: its symbol and decimals come from the report (USDT, 6).
    for (const r of rows) {
      expect(r.symbol).to.equal('USDT');
      expect(r.tainted).to.equal(formatUnits(r.tainted_base_units!, 6));
    }
    const activity = (await call('GET', `/v1/cases/${caseId}/activity`, analyst)).json as { action: string; actor: { name: string }; details: Record<string, unknown> }[];
    expect(activity.map((a) => a.action)).to.include.members(['note.saved', 'note.deleted', 'case.model_changed', 'export']);
    expect(activity.find((a) => a.action === 'case.model_changed')!.details).to.deep.equal({ from: 'fifo', to: 'lifo' });
    expect(activity.find((a) => a.action === 'export')!.actor.name).to.equal('sup');
    let refused = '';
    try { await db.db.query('update case_activity set action = $1', ['tampered']); } catch (e) { refused = (e as Error).message; }
    expect(refused).to.contain('append-only');
    try { await db.db.query('delete from case_activity'); refused = ''; } catch (e) { refused = (e as Error).message; }
    expect(refused).to.contain('append-only');
  });
});
