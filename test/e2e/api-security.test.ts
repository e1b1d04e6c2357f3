// Access control and hostile input, over a real socket: every route tried with every role,
// partner isolation (IDOR) on every partner route, rate limits, security headers, secrets
// kept out of logs, and a fuzz run of thousands of malformed and hostile requests that must
// each get a JSON 4xx and write nothing.
import { expect } from 'chai';
import fc from 'fast-check';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createAppContext, type AppContext } from '../../services/app';
import { createApiKey, hashKey } from '../../services/auth/api-keys';
import { createLogger } from '../../services/log';
import { approveFreezeRequest } from '../../services/freeze/approve';
import { draftFreezeRequests } from '../../services/freeze/draft';
import { registerPartner } from '../../services/freeze/partners';
import { sendFreezeRequest } from '../../services/freeze/send';
import { createCase, startTrace } from '../../services/tracing/cases';
import { mountCandidates, servedRoutes } from '../support/routes';
import { pigButcheringWorld, testConfig, type PigButcheringWorld } from '../support/tracing';

const UUID0 = '00000000-0000-4000-8000-000000000000';
type Role = 'admin' | 'analyst' | 'supervisor' | 'partner' | 'none';
const ROLES: Role[] = ['admin', 'analyst', 'supervisor', 'partner', 'none'];

/** Who may call what. A route the app serves that is missing here fails the test. */
const ACCESS: Record<string, Role[]> = {
  'POST /v1/cases': ['analyst'],
  'GET /v1/cases': ['analyst', 'supervisor'],
  'POST /v1/cases/:id/cancel': ['analyst', 'supervisor'],
  'GET /v1/cases/:id/runs': ['analyst', 'supervisor'],
  'GET /v1/cases/:id/runs/:runId': ['analyst', 'supervisor'],
  'GET /v1/cases/:id/runs/:runId/report': ['analyst', 'supervisor'],
  'POST /v1/cases/:id/trace': ['analyst'],
  'GET /v1/cases/:id': ['analyst', 'supervisor'],
  'GET /v1/cases/:id/report': ['analyst', 'supervisor'],
  'GET /v1/cases/:id/graph': ['analyst', 'supervisor'],
  'POST /v1/cases/:id/freeze-requests': ['analyst', 'supervisor'],
  'GET /v1/cases/:id/freeze-requests': ['analyst', 'supervisor'],
  'GET /v1/cases/:id/leads': ['analyst', 'supervisor'],
  'POST /v1/labels': ['admin', 'analyst'],
  'POST /v1/partners': ['admin'],
  'GET /v1/partners': ['admin', 'analyst', 'supervisor'],
  'GET /v1/partner/freeze-requests': ['partner'],
  'GET /v1/partner/freeze-requests/:id': ['partner'],
  'GET /v1/partner/freeze-requests/:id/targets.csv': ['partner'],
  'GET /v1/partner/freeze-requests/:id/notice.pdf': ['partner'],
  'POST /v1/partner/freeze-requests/:id/responses': ['partner'],
  'GET /v1/freeze-requests/:id': ['analyst', 'supervisor'],
  'POST /v1/freeze-requests/:id/approve': ['supervisor'],
  'POST /v1/freeze-requests/:id/send': ['analyst', 'supervisor'],
  'POST /v1/freeze-requests/:id/verify-onchain': ['analyst', 'supervisor'],
  'GET /v1/freeze-requests/:id/targets.csv': ['analyst', 'supervisor'],
  'GET /v1/freeze-requests/:id/notice.pdf': ['analyst', 'supervisor'],
  'GET /v1/alerts': ['analyst', 'supervisor'],
  'POST /v1/cases/:id/close': ['analyst', 'supervisor'],
  'POST /v1/retrace': ['admin'],
  'GET /v1/retrace-runs': ['admin', 'analyst', 'supervisor'],
  'GET /v1/keys': ['admin'],
  'POST /v1/keys': ['admin'],
  'POST /v1/keys/:id/revoke': ['admin'],
  // the workbench's (issue 11)
  'GET /v1/session': ['admin', 'analyst', 'supervisor', 'partner'],
  'GET /v1/chains': ['admin', 'analyst', 'supervisor', 'partner'],
  'GET /v1/cases/:id/graph.graphml': ['analyst', 'supervisor'],
  'GET /v1/cases/:id/flows.csv': ['analyst', 'supervisor'],
  'GET /v1/cases/:id/report.pdf': ['analyst', 'supervisor'],
  'GET /v1/cases/:id/notes': ['analyst', 'supervisor'],
  'PUT /v1/cases/:id/notes/:address': ['analyst', 'supervisor'],
  'GET /v1/cases/:id/models': ['analyst', 'supervisor'],
  'PUT /v1/cases/:id/model': ['analyst'],
  'GET /v1/cases/:id/activity': ['analyst', 'supervisor'],
  'POST /v1/freeze-requests/:id/targets/order': ['analyst', 'supervisor'],
  // issue 12: label look-up, a case's callback
  'GET /v1/labels/:chain/:address': ['analyst', 'supervisor'],
  'GET /v1/cases/:id/callback': ['analyst', 'supervisor'],
};

/** Every route the Express app serves under /v1, read from its router stack. */
function enumerateRoutes(app: ReturnType<typeof createApiApp>): string[] {
  const mounts = mountCandidates(Object.keys(ACCESS).map((r) => r.split(' ')[1]!));
  return servedRoutes(app, mounts).filter((r) => r.includes('/v1/'));
}

describe('e2e: access control and hostile input', function () {
  this.timeout(600_000);
  let world: PigButcheringWorld;
  let app: AppContext;
  let server: RunningServer;
  const logLines: string[] = [];
  const keys = {} as Record<Exclude<Role, 'none'> | 'partnerB' | 'supervisor2', string>;
  let caseId: string;
  let requestA: string; // sent to partner A
  let requestB: string; // sent to partner B
  
  const figures = { routes: 0, roleChecks: 0, idorChecks: 0, fuzzed: 0, harmless2xx: 0, statuses: {} as Record<number, number> };

  before(async () => {
    world = await pigButcheringWorld();
    const config = testConfig(world.node, { TRACEHOLD_RATE_LIMIT_PER_MINUTE: '1000000', TRACEHOLD_LOG_LEVEL: 'debug' });
    const log = createLogger('debug', {}, (l) => logLines.push(l));
    app = await createAppContext({ config, log, queue: 'inline', db: world.testDb.db });
    server = await startServer(createApiApp(app.deps), 0);
    keys.admin = (await createApiKey(app.deps.store, { role: 'admin', name: 'root' })).key;
    keys.analyst = (await createApiKey(app.deps.store, { role: 'analyst', name: 'alice' })).key;
    keys.supervisor = (await createApiKey(app.deps.store, { role: 'supervisor', name: 'bob' })).key;
    keys.supervisor2 = (await createApiKey(app.deps.store, { role: 'supervisor', name: 'carol' })).key;

    const kase = await createCase(app.deps, { title: 'security', chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })) }, 'test');
    caseId = kase.id;
    await startTrace(app.deps, caseId);
    await app.drain();
    const actor = { id: 'admin', name: 'root' } as never;
    // manual partners: sending marks the request sent, no delivery traffic leaves the test
    const a = await registerPartner(app.deps, { name: 'Binance', kind: 'exchange', entities: ['Binance'] }, actor);
    const b = await registerPartner(app.deps, { name: 'OKX', kind: 'exchange', entities: ['OKX'] }, actor);
    keys.partner = a.apiKey;
    keys.partnerB = b.apiKey;
    const drafted = await draftFreezeRequests(app.deps, caseId, {
      requestingAuthority: 'FIU', legalBasis: 'AML Act s. 12', action: 'freeze', durationDays: 90, urgency: 'immediate',
      contact: { name: 'A. Martin', email: 'a.martin@fiu.example' },
    }, { id: 'analyst-1', name: 'alice', role: 'analyst' } as never);
    const sup = { id: 'sup-1', name: 'bob', role: 'supervisor' } as never;
    for (const { request } of drafted) {
      await approveFreezeRequest(app.deps, request.id, sup);
      await sendFreezeRequest(app.deps, request.id, sup);
      if (request.partnerId === a.partner.id) requestA = request.id;
      if (request.partnerId === b.partner.id) requestB = request.id;
    }
    expect(requestA, 'a request for partner A').to.be.a('string');
    expect(requestB, 'a request for partner B').to.be.a('string');
  });

  after(async () => {
    await server?.stop();
    await app?.close();
    await world?.close();
    process.stderr.write(`      figures: ${JSON.stringify(figures)}\n`);
  });

  const call = async (method: string, url: string, key: string | null, body?: string | Buffer, headers: Record<string, string> = {}) => {
    const res = await fetch(server.url + url, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body,
    });
    const buf = Buffer.from(await res.arrayBuffer());
    let json: any = null;
    try { json = JSON.parse(buf.toString('utf8')); } catch { /* not JSON */ }
    return { status: res.status, json, type: res.headers.get('content-type') ?? '', headers: res.headers };
  };
  const keyOf = (role: Role) => (role === 'none' ? null : keys[role]);

  async function tableCounts(): Promise<Record<string, number>> {
    const { rows } = await app.deps.store.db.query<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public' order by 1");
    const out: Record<string, number> = {};
    for (const { tablename } of rows) out[tablename] = Number((await app.deps.store.db.query<{ n: string }>(`select count(*) as n from "${tablename}"`)).rows[0]!.n);
    return out;
  }

  it('keys are stored only as SHA-256 hashes', async () => {
    const { rows } = await app.deps.store.db.query<Record<string, unknown>>('select * from api_keys');
    const dump = JSON.stringify(rows);
    for (const key of Object.values(keys)) {
      expect(dump).not.to.include(key);
      expect(rows.some((r) => r.key_hash === hashKey(key))).to.equal(true);
    }
  });

  it('every route the app serves has an access rule, and each role gets exactly what the rule says', async () => {
    const routes = enumerateRoutes(createApiApp(app.deps));
    expect(routes, 'routes without an access rule').to.have.members(Object.keys(ACCESS));
    figures.routes = routes.length;
    for (const route of routes) {
      const [method, pattern] = route.split(' ') as [string, string];
      // an id nobody owns: an allowed role gets past the role check and finds nothing
      const url = pattern.replace(':id', UUID0).replace(':runId', UUID0);
      for (const role of ROLES) {
        // POST /v1/retrace with an empty body would re-trace everything: aim it at nobody's case
        const body = method === 'POST' ? (route === 'POST /v1/retrace' ? JSON.stringify({ caseId: UUID0 }) : '{}') : undefined;
        const res = await call(method, url, keyOf(role), body);
        figures.roleChecks++;
        const allowed = ACCESS[route]!.includes(role);
        expect(res.status, `${role} ${route}`).to.be.below(500);
        expect(res.type, `${role} ${route}`).to.match(/json/);
        if (role === 'none') expect(res.status, `${role} ${route}`).to.equal(401);
        else if (!allowed) expect(res.status, `${role} ${route}`).to.equal(403);
        else expect(res.status, `${role} ${route}`).to.not.be.oneOf([401, 403]);
      }
    }
  });

  it('partner isolation: a partner never sees or answers another partner’s request (404, never 403)', async () => {
    const partnerRoutes = Object.keys(ACCESS).filter((r) => r.includes('/v1/partner/') && r.includes(':id'));
    expect(partnerRoutes.length).to.be.at.least(4);
    for (const route of partnerRoutes) {
      const [method, pattern] = route.split(' ') as [string, string];
      const body = method === 'POST' ? JSON.stringify({ status: 'frozen', note: 'not mine' }) : undefined;
      const own = await call(method === 'POST' ? 'GET' : method, pattern.replace(':id', requestA).replace('/responses', ''), keys.partner);
      expect(own.status, `A reads its own: ${route}`).to.equal(200);
      for (const [who, id] of [[keys.partner, requestB], [keys.partnerB, requestA]] as const) {
        const res = await call(method, pattern.replace(':id', id), who, body);
        figures.idorChecks++;
        expect(res.status, `${route} across partners`).to.equal(404);
        expect(res.json?.error?.code).to.equal('not_found');
      }
    }
    const listA = await call('GET', '/v1/partner/freeze-requests', keys.partner);
    const listB = await call('GET', '/v1/partner/freeze-requests', keys.partnerB);
    expect(listA.json.map((r: { id: string }) => r.id)).to.deep.equal([requestA]);
    expect(listB.json.map((r: { id: string }) => r.id)).to.deep.equal([requestB]);
    // nothing was answered across partners
    const history = await call('GET', `/v1/freeze-requests/${requestA}`, keys.analyst);
    expect(JSON.stringify(history.json)).not.to.include('not mine');
  });

  it('security headers on every response, errors included', async () => {
    for (const [method, url, key] of [['GET', '/healthz', null], ['GET', '/v1/cases', null], ['GET', '/nope', null], ['GET', `/v1/cases/${caseId}`, keys.analyst]] as const) {
      const res = await call(method, url, key);
      expect(res.headers.get('x-content-type-options'), url).to.equal('nosniff');
      expect(res.headers.get('x-frame-options'), url).to.equal('DENY');
      expect(res.headers.get('content-security-policy'), url).to.include("default-src 'none'");
      expect(res.headers.get('cache-control'), url).to.equal('no-store');
      expect(res.headers.get('x-powered-by'), url).to.equal(null);
    }
  });

  it('rate limits per address before auth and per key after it, with a JSON 429 and Retry-After', async () => {
    const limited = await startServer(createApiApp({ ...app.deps, config: { ...app.deps.config, api: { ...app.deps.config.api, rateLimitPerMinute: 5 } } }), 0);
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 8; i++) {
        last = await fetch(`${limited.url}/v1/alerts`, { headers: { authorization: `Bearer ${keys.analyst}` } });
        statuses.push(last.status);
        await last.arrayBuffer();
      }
      expect(statuses.slice(0, 5)).to.deep.equal([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).to.deep.equal([429, 429, 429]);
      const res = await fetch(`${limited.url}/v1/alerts`, { headers: { authorization: `Bearer ${keys.analyst}` } });
      expect(res.headers.get('retry-after')).to.equal('60');
      expect(((await res.json()) as any).error.code).to.equal('rate_limited');
    } finally {
      await limited.stop();
    }
  });

  it('request size limits: 413 for a JSON or CSV body over the limit, JSON error each time', async () => {
    const big = Buffer.alloc(app.deps.config.api.bodyLimitBytes + 1024, 'a');
    const j = await call('POST', '/v1/cases', keys.analyst, Buffer.concat([Buffer.from('{"title":"'), big, Buffer.from('"}')]));
    expect(j.status).to.equal(413);
    expect(j.json.error.code).to.equal('payload_too_large');
    const c = await call('POST', '/v1/labels', keys.analyst, big, { 'content-type': 'text/csv' });
    expect(c.status).to.equal(413);
  });

  it('fuzz: thousands of malformed and hostile requests to every endpoint: zero 5xx, a JSON error each time, nothing written', async () => {
    const before = await tableCounts();
    const requests = hostileRequests({ caseId, requestA, requestB }, 3000);
    let next = 0;
    const failures: string[] = [];
    const worker = async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        const key = r.role === 'none' ? null : r.role === 'bogus' ? 'th_analyst_' + 'x'.repeat(32) : keys[r.role];
        const res = await call(r.method, r.url, key, r.body, r.headers);
        figures.fuzzed++;
        figures.statuses[res.status] = (figures.statuses[res.status] ?? 0) + 1;
        // A 2xx is tolerated only where the request was harmless (a TagPack whose tags are all
        // skipped, a list read, a draft call that drafts nothing): the table counts below prove
        // nothing was written. Everything else must be a JSON 4xx error.
        const ok = res.status < 300
          ? /json/.test(res.type)
          : res.status >= 400 && res.status < 500 && /json/.test(res.type) && typeof res.json?.error?.code === 'string' && typeof res.json?.error?.message === 'string';
        if (res.status < 300) figures.harmless2xx = (figures.harmless2xx ?? 0) + 1;
        if (res.status === 201 && process.env.FUZZ_DEBUG) process.stderr.write(`201: ${r.method} ${r.url} ${String(r.body).slice(0, 300)}\n`);
        if (!ok && failures.length < 10) failures.push(`${r.method} ${r.url.slice(0, 120)} (${r.what}) → ${res.status} ${JSON.stringify(res.json)?.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(failures, failures.join('\n')).to.deep.equal([]);
    expect(await tableCounts()).to.deep.equal(before);
    expect(figures.fuzzed).to.be.at.least(3000);
  });

  it('no API key, webhook secret or authorization header ever reaches a log line', () => {
    const all = logLines.join('\n');
    expect(logLines.length).to.be.greaterThan(0);
    for (const key of Object.values(keys)) expect(all).not.to.include(key);
    expect(all.toLowerCase()).not.to.include('bearer ');
  });
});

// ---------------------------------------------------------------------------------------
// The hostile request generator. Every request it makes must be refused (each mutation makes
// the body invalid for the field it targets), so "nothing written" is a sound check.

interface Hostile {
  what: string;
  method: string;
  url: string;
  role: 'admin' | 'analyst' | 'supervisor' | 'partner' | 'partnerB' | 'none' | 'bogus';
  body?: string | Buffer;
  headers?: Record<string, string>;
}

const NASTY_STRINGS = [
  "' or '1'='1", "'; drop table cases; --", '1; select pg_sleep(10)', '../../../../etc/passwd', '..%2F..%2Fetc%2Fpasswd',
  '%00', '\u0000', 'null', 'undefined', 'NaN', '-1', '1e309', '0x', '0x' + 'f'.repeat(1000), '\u202e0x45F7', 'ｅｔｈｅｒｅｕｍ',
  'ethereum\u200b', 'LOCAL', '{{7*7}}', '${jndi:ldap://127.0.0.1/x}', '<script>alert(1)</script>', '😀'.repeat(50),
  'a'.repeat(10_000), '__proto__', 'constructor', '\ud800', 'Ω≈ç√∫', '0x45F735934ea64ab7e23f8146a16d97d9af607396',
];

const nasty = fc.constantFrom(...NASTY_STRINGS);
// null is a valid "absent" for optional fields, so it is not a wrong type here
const wrongType = fc.oneof(
  fc.boolean(), fc.integer(), fc.double(), fc.constant([]), fc.constant({}),
  fc.array(fc.integer(), { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);
const badAmount = fc.oneof(
  fc.constant('-1'), fc.constant('-0.5'), fc.constant('1e18'), fc.constant('9'.repeat(200)), fc.constant('0x10'), fc.constant(' 5'),
  fc.constant(-1), fc.constant(1.5), fc.constant(Number.MAX_VALUE), fc.constant(1e300), fc.constant('١٢٣'), nasty,
);
const safeEncode = (s: string) => { try { return encodeURIComponent(s); } catch { return '%ED%A0%80'; } };
const badId = fc.oneof(nasty.map(safeEncode), fc.constantFrom('1%27%20or%201%3D1', '%2e%2e%2f%2e%2e%2f', '00000000-0000-0000-0000-00000000000g', '%F0%9F%98%80', 'a'.repeat(300)));

function hostileRequests(ids: { caseId: string; requestA: string; requestB: string }, count: number): Hostile[] {
  const caseBase = { title: 'fuzz', chain: 'local', seeds: [{ txHash: '0x' + 'ab'.repeat(32) }] };
  const caseMutations = fc.oneof(
    fc.tuple(fc.constant('title'), fc.oneof(wrongType, fc.constant(''), fc.constant('a'.repeat(201)), fc.constant('x\u0000y'))).map(([k, v]) => [k, { [k]: v }]),
    fc.tuple(fc.constant('chain'), fc.oneof(nasty, wrongType, fc.constantFrom('dogechain', 'bitcoin'))).map(([k, v]) => [k, { [k]: v }]),
    fc.tuple(fc.constant('seeds'), fc.oneof(
      wrongType.filter((v) => !Array.isArray(v) || v.length === 0 || v.some((x: unknown) => typeof x !== 'object')),
      fc.constant([]),
      fc.constant(Array.from({ length: 5000 }, () => ({ txHash: '0x' + '11'.repeat(32) }))),
      nasty.map((s) => [{ address: s }]),
      nasty.map((s) => [{ txHash: s }]),
      fc.constant([{ address: '0x45F735934ea64ab7e23f8146a16d97d9af607396' }]), // bad checksum
      fc.constant([{ address: '0x' + '11'.repeat(20), txHash: '0x' + '11'.repeat(32) }]),
      fc.constant([{ txHash: '0x' + '11'.repeat(32), index: -1 }]),
      fc.constant([{ __proto__: { admin: true } }]),
    )).map(([k, v]) => [k, { [k]: v }]),
    fc.tuple(fc.constant('minAmount'), badAmount).map(([k, v]) => [k, { [k]: v }]),
    fc.tuple(fc.constantFrom('fromBlock', 'toBlock', 'maxHops'), fc.oneof(fc.constant(-1), fc.constant(1.5), fc.constant(1e300), fc.constant(Number.MAX_SAFE_INTEGER + 2), nasty)).map(([k, v]) => [k, { [k]: v }]),
    fc.tuple(fc.constant('model'), fc.oneof(nasty, wrongType)).map(([k, v]) => [k, { [k]: v }]),
    fc.tuple(fc.constant('assets'), fc.oneof(nasty, fc.constant(Array.from({ length: 101 }, () => 'ETH')), nasty.map((s) => [s]))).map(([k, v]) => [k, { [k]: v }]),
  ) as unknown as fc.Arbitrary<[string, Record<string, unknown>]>;
  const partnerBase = { name: 'Fuzz Exchange', kind: 'exchange', entities: ['Fuzz'] };
  const partnerMutations = fc.oneof(
    fc.oneof(nasty, wrongType).map((v) => ({ kind: v })),
    fc.oneof(wrongType.filter((v) => !Array.isArray(v) || v.length === 0 || v.some((x: unknown) => typeof x !== 'string')), fc.constant([])).map((v) => ({ entities: v })),
    fc.oneof(nasty.filter((s) => !/^https:/.test(s)), fc.constantFrom('http://127.0.0.1:1/x', 'file:///etc/passwd', 'javascript:alert(1)', 'http://169.254.169.254/latest')).map((v) => ({ webhookUrl: v, webhookSecret: 'short' })),
    fc.oneof(nasty.filter((s) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s)), wrongType).map((v) => ({ contactEmail: v })),
  );
  const draftMutations = fc.oneof(
    fc.oneof(nasty, wrongType).map((v) => ({ action: v })),
    fc.oneof(fc.constant(-5), fc.constant(1e12), nasty).map((v) => ({ durationDays: v })),
    fc.oneof(wrongType, nasty).map((v) => ({ contact: v })),
  );
  const responseMutations = fc.oneof(
    fc.oneof(nasty, wrongType).map((v) => ({ status: v })),
    fc.record({ status: fc.constant('frozen'), targets: fc.oneof(nasty.map((s) => [{ address: s, asset: s, frozenAmount: '1' }]), fc.constant([{ address: '0x' + '11'.repeat(20), asset: 'ETH', frozenAmount: '-1' }]), wrongType.filter((v) => !Array.isArray(v))) }),
    fc.record({ status: fc.constant('frozen'), fiatWithdrawals: fc.oneof(nasty.map((s) => [{ iban: s, bank: s, amount: '-1', currency: s }]), wrongType.filter((v) => !Array.isArray(v))) }),
  );
  const rawBodies = fc.oneof(
    fc.constantFrom('{"title": ', '{', '[', 'null', '"just a string"', '42', 'true', '{"a":1,}', "{'a':1}", '{"a":NaN}', '\u0000', '\ufeff{}', '[]', '[{}]'),
    fc.constant('['.repeat(5000) + ']'.repeat(5000)),
    fc.constant('{"a":'.repeat(3000) + '1' + '}'.repeat(3000)),
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1')),
  );
  const rolesFor = (allowed: Hostile['role'][]) => fc.constantFrom<Hostile['role']>(...allowed, 'none', 'bogus');
  const staff = ['analyst', 'supervisor', 'admin'] as Hostile['role'][];

  const gen: fc.Arbitrary<Hostile> = fc.oneof(
    fc.tuple(caseMutations, rolesFor(['analyst'])).map(([[what, patch], role]) => ({ what: `case ${what}`, method: 'POST', url: '/v1/cases', role, body: JSON.stringify({ ...caseBase, ...patch }) })),
    fc.tuple(rawBodies, fc.constantFrom('/v1/cases', '/v1/partners', `/v1/cases/${ids.caseId}/freeze-requests`, `/v1/partner/freeze-requests/${ids.requestA}/responses`), rolesFor(['analyst', 'admin', 'partner'])).map(([body, url, role]) => ({ what: 'raw body', method: 'POST', url, role, body })),
    fc.tuple(partnerMutations, rolesFor(['admin'])).map(([patch, role]) => ({ what: 'partner', method: 'POST', url: '/v1/partners', role, body: JSON.stringify({ ...partnerBase, ...patch }) })),
    fc.tuple(draftMutations, rolesFor(['analyst', 'supervisor'])).map(([patch, role]) => ({
      what: 'draft', method: 'POST', url: `/v1/cases/${ids.caseId}/freeze-requests`, role,
      body: JSON.stringify({ requestingAuthority: 'FIU', legalBasis: 'x', action: 'freeze', durationDays: 90, urgency: 'immediate', contact: { name: 'A', email: 'a@fiu.example' }, ...patch }),
    })),
    fc.tuple(responseMutations, fc.constantFrom<Hostile['role']>('partner', 'partnerB', 'none', 'bogus', 'analyst')).map(([body, role]) => ({ what: 'response', method: 'POST', url: `/v1/partner/freeze-requests/${ids.requestA}/responses`, role, body: JSON.stringify(body) })),
    fc.tuple(fc.oneof(nasty, fc.string({ maxLength: 300 })), rolesFor(['analyst', 'admin']), fc.constantFrom('text/csv', 'application/yaml')).map(([text, role, type]) => ({
      what: 'labels', method: 'POST', url: '/v1/labels', role, headers: { 'content-type': type },
      body: type === 'text/csv' ? `chain,address,entity,category\nlocal,${text.replace(/[\r\n,]/g, '')}x,Evil,exchange\n` : `tags:\n  - address: "${text.replace(/["\\\r\n]/g, '')}x"\n    label: Evil\n    category: exchange\n    currency: local\n`,
    })),
    fc.tuple(badId, fc.constantFrom('GET /v1/cases/:id', 'GET /v1/cases/:id/report', 'GET /v1/cases/:id/graph', 'POST /v1/cases/:id/trace', 'GET /v1/freeze-requests/:id', 'POST /v1/freeze-requests/:id/approve', 'POST /v1/freeze-requests/:id/send', 'GET /v1/freeze-requests/:id/notice.pdf', 'GET /v1/partner/freeze-requests/:id', 'POST /v1/partner/freeze-requests/:id/responses'), fc.constantFrom<Hostile['role']>(...staff, 'partner')).map(([id, route, role]) => {
      const [method, pattern] = route.split(' ') as [string, string];
      return { what: 'bad id', method, url: pattern.replace(':id', id), role, ...(method === 'POST' ? { body: '{"status":"frozen"}' } : {}) };
    }),
    fc.tuple(fc.constantFrom('application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-7', 'application/json; charset=latin9'), rolesFor(['analyst'])).map(([type, role]) => ({ what: `content-type ${type}`, method: 'POST', url: '/v1/cases', role, headers: { 'content-type': type }, body: 'title=x&chain=local' })),
    fc.tuple(fc.constantFrom('/v1/cases', '/v1/../etc/passwd', '/v1/cases/%2e%2e/%2e%2e', '/v1/admin', '/v1/cases?id[$ne]=1', '/v1/alerts?caseId=' + encodeURIComponent("' or 1=1 --"), '/v1/alerts?caseId[]=a&caseId[]=b', '/v1/partners/' + encodeURIComponent('../../')), fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH'), rolesFor([...staff, 'partner'])).map(([url, method, role]) => ({ what: 'odd path', method, url, role })),
  );
  return fc.sample(gen, { numRuns: count, seed: 4711 });
}
