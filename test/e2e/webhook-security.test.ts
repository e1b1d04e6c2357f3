// Webhook security over real sockets and real name resolution: registration refuses
// forbidden destinations, delivery checks the addresses it connects to after DNS (a name
// that resolves to loopback is refused), redirects are not followed, and the webhook secret
// is sealed in the database (AES-256-GCM) and survives a key rotation.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createApiKey } from '../../services/auth/api-keys';
import { main } from '../../services/cli/main';
import { createSecretBox } from '../../services/security/secret-box';
import { checkUrlAtRegistration, isPublicAddress } from '../../services/security/url-guard';
import { postGuarded } from '../../services/webhooks/post';
import { pigButcheringWorld, TEST_SECRET_KEY, type PigButcheringWorld } from '../support/tracing';

interface Sink { url: string; port: number; hits: number; close(): Promise<void> }

async function sink(handler: (res: http.ServerResponse) => void): Promise<Sink> {
  const s = { hits: 0 } as Sink;
  const server = http.createServer((req, res) => {
    s.hits++;
    req.resume();
    req.on('end', () => handler(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.port = (server.address() as AddressInfo).port;
  s.url = `http://127.0.0.1:${s.port}/hook`;
  s.close = () => new Promise((r) => server.close(() => r()));
  return s;
}

describe('e2e: webhook destinations and secrets', function () {
  this.timeout(120_000);
  let world: PigButcheringWorld;
  let server: RunningServer;
  let admin: string;
  let ok: Sink;

  before(async () => {
    world = await pigButcheringWorld();
    server = await startServer(createApiApp(world.app.deps), 0);
    admin = (await createApiKey(world.app.deps.store, { role: 'admin', name: 'root' })).key;
    ok = await sink((res) => res.writeHead(204).end());
  });

  after(async () => {
    await ok?.close();
    await server?.stop();
    await world?.close();
  });

  const register = async (body: Record<string, unknown>) => {
    const res = await fetch(`${server.url}/v1/partners`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  it('registration refuses loopback, private and metadata destinations, v4 and v6', async () => {
    for (const url of ['https://169.254.169.254/latest/meta-data', 'https://[::1]/x', 'https://[::ffff:10.0.0.1]/x', 'https://192.168.0.10/x', 'https://localhost/x', 'https://[fd00:ec2::254]/']) {
      const res = await register({ name: `P ${url}`, kind: 'exchange', entities: ['X'], webhookUrl: url, webhookSecret: 'a'.repeat(24) });
      expect(res.status, url).to.equal(422);
      expect(res.json.error.message, url).to.match(/webhookUrl/);
    }
    expect(await world.app.deps.store.partners.list()).to.have.length(0);
  });

  it('a DNS name that resolves to loopback is refused at registration and at delivery', async function () {
    const name = hostname().toLowerCase();
    const resolved = await lookup(name).catch(() => null);
    if (!resolved || isPublicAddress(resolved.address)) this.skip(); // this machine's name must resolve locally for the case to exist
    const policy = { allowHttp: true, allowHosts: [] };
    let refused: unknown;
    await checkUrlAtRegistration(`http://${name}:${ok.port}/hook`, policy, 'webhookUrl').catch((e) => (refused = e));
    expect((refused as Error)?.message).to.match(/loopback|private/);
    const before = ok.hits;
    const result = await postGuarded(`http://${name}:${ok.port}/hook`, '{}', {}, { timeoutMs: 5000, policy, what: 'test hook' });
    expect(result).to.match(/^refused: .*(loopback|private)/);
    expect(ok.hits, 'nothing reached the listener').to.equal(before);
    // the same listener, allowed by address, is reached
    expect(await postGuarded(ok.url, '{}', {}, { timeoutMs: 5000, policy: { allowHttp: true, allowHosts: ['127.0.0.1'] }, what: 'test hook' })).to.equal(null);
    expect(ok.hits).to.equal(before + 1);
  });

  it('delivery checks again: a loopback URL is refused when the allow-list no longer covers it', async () => {
    const before = ok.hits;
    expect(await postGuarded(ok.url, '{}', {}, { timeoutMs: 5000, policy: { allowHttp: true, allowHosts: [] }, what: 'hook' })).to.match(/^refused/);
    expect(await postGuarded(ok.url, '{}', {}, { timeoutMs: 5000, policy: { allowHttp: false, allowHosts: ['127.0.0.1'] }, what: 'hook' })).to.match(/^refused: .*https/);
    expect(ok.hits).to.equal(before);
  });

  it('a redirect is a failed delivery and is not followed', async () => {
    const target = await sink((res) => res.writeHead(204).end());
    const redirect = await sink((res) => res.writeHead(302, { location: `http://localhost:${target.port}/metadata` }).end());
    try {
      const result = await postGuarded(redirect.url, '{}', {}, { timeoutMs: 5000, policy: { allowHttp: true, allowHosts: ['127.0.0.1'] }, what: 'hook' });
      expect(result).to.equal('HTTP 302 (redirects are not followed)');
      expect(redirect.hits).to.equal(1);
      expect(target.hits).to.equal(0);
    } finally {
      await target.close();
      await redirect.close();
    }
  });

  it('the webhook secret is not readable in the database, and survives a key rotation', async () => {
    const secret = `whsec_${randomBytes(16).toString('hex')}`;
    const res = await register({ name: 'OKX', kind: 'exchange', entities: ['OKX'], webhookUrl: ok.url, webhookSecret: secret });
    expect(res.status).to.equal(201);
    const { rows } = await world.app.deps.store.db.query<Record<string, unknown>>('select * from partners');
    const dump = JSON.stringify(rows);
    expect(dump).to.not.include(secret);
    expect(dump).to.not.include(Buffer.from(secret).toString('base64'));
    const stored = (await world.app.deps.store.partners.webhookSecret(res.json.id))!;
    expect(stored).to.match(/^enc:v1:[0-9a-f]{12}:/);
    expect(createSecretBox([TEST_SECRET_KEY]).open(stored)).to.equal(secret);
    expect(() => createSecretBox([randomBytes(32).toString('hex')]).open(stored)).to.throw(/neither/);

    // rotate: new key current, the old one previous; the CLI re-seals, the old key alone no longer opens it
    const newKey = randomBytes(32).toString('base64');
    let out = '';
    const code = await main(['secrets', 'rotate'], {
      out: (t) => (out += t), err: () => undefined,
      env: { DATABASE_URL: world.testDb.url, TRACEHOLD_LOG_LEVEL: 'silent', TRACEHOLD_SECRET_KEY: newKey, TRACEHOLD_SECRET_KEY_PREVIOUS: TEST_SECRET_KEY },
    });
    expect(code).to.equal(0);
    expect(JSON.parse(out)).to.deep.equal({ checked: 1, resealed: 1 });
    const rotated = (await world.app.deps.store.partners.webhookSecret(res.json.id))!;
    expect(rotated).to.not.equal(stored);
    expect(createSecretBox([newKey]).open(rotated)).to.equal(secret);
    expect(() => createSecretBox([TEST_SECRET_KEY]).open(rotated)).to.throw();
  });
});
