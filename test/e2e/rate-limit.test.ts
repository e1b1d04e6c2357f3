// Rate limits shared through Redis: two API processes (two apps, each with its own Redis
// connection and limiter) count against one limit; without Redis each counts alone. Behind
// a trusted proxy each client address has its own bucket; untrusted, X-Forwarded-For is ignored.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createAppContext, type AppContext } from '../../services/app';
import { createApiKey } from '../../services/auth/api-keys';
import { silentLogger } from '../../services/log';
import { createTestDb, type TestDb } from '../support/db';
import { loadConfig } from '../../config';
import { startApiProcess, type ApiProcess } from '../support/api-process';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('e2e: shared rate limits and trusted proxies', function () {
  this.timeout(60_000);
  const prefix = `th-test-rl-${randomBytes(4).toString('hex')}`;
  let testDb: TestDb;
  let ctx: AppContext;
  const servers: RunningServer[] = [];
  const clients: Redis[] = [];
  let key: string;

  const configFor = (env: Record<string, string>) => loadConfig({ TRACEHOLD_LOG_LEVEL: 'silent', TRACEHOLD_QUEUE_PREFIX: prefix, TRACEHOLD_RATE_LIMIT_PER_MINUTE: '5', ...env });

  before(async () => {
    testDb = await createTestDb();
    ctx = await createAppContext({ config: configFor({}), log: silentLogger, queue: 'inline', db: testDb.db });
    key = (await createApiKey(ctx.deps.store, { role: 'analyst', name: 'alice' })).key;
  });

  after(async () => {
    for (const s of servers) await s.stop();
    const cleanup = new Redis(REDIS_URL);
    const keys = await cleanup.keys(`${prefix}*`);
    if (keys.length) await cleanup.del(...keys);
    await cleanup.quit();
    for (const c of clients) await c.quit();
    await ctx?.close();
    await testDb?.drop();
  });

  /** One "API process": its own app, limiter and (optionally) Redis connection. */
  async function apiProcess(options: { redis: boolean; env?: Record<string, string> }): Promise<RunningServer> {
    const redis = options.redis ? new Redis(REDIS_URL) : undefined;
    if (redis) clients.push(redis);
    const deps = { ...ctx.deps, config: configFor(options.env ?? {}) };
    const server = await startServer(createApiApp(deps, redis ? { redis } : {}), 0);
    servers.push(server);
    return server;
  }

  const get = (server: RunningServer, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/v1/cases`, { headers: { authorization: `Bearer ${key}`, ...headers } }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.text() }));

  it('two API processes with Redis share one limit per key', async () => {
    const a = await apiProcess({ redis: true });
    const b = await apiProcess({ redis: true });
    const statuses: number[] = [];
    for (const server of [a, b, a, b, a, b, a]) statuses.push((await get(server)).status);
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429, 429]);
    const limited = await get(b);
    expect(limited.status).to.equal(429);
    expect(JSON.parse(limited.body).error.code).to.equal('rate_limited');
    expect(limited.retryAfter).to.not.equal(null);
  });

  it('two real API processes (services/main.ts api, separate OS processes) on one Redis share one budget', async () => {
    const processKey = (await createApiKey(ctx.deps.store, { role: 'analyst', name: 'carol' })).key;
    const env = {
      // a prefix of its own: the address buckets the tests above emptied are not this test's
      DATABASE_URL: testDb.url, REDIS_URL, TRACEHOLD_QUEUE_PREFIX: `${prefix}-proc`, TRACEHOLD_RATE_LIMIT_PER_MINUTE: '6',
    };
    const processes: ApiProcess[] = [];
    try {
      processes.push(await startApiProcess(env), await startApiProcess(env));
      const [a, b] = processes as [ApiProcess, ApiProcess];
      expect(a.pid).to.not.equal(b.pid);
      expect(a.url).to.not.equal(b.url);
      const call = (p: ApiProcess) => fetch(`${p.url}/v1/cases`, { headers: { authorization: `Bearer ${processKey}` } }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
      const statuses: number[] = [];
      // 6 a minute for the key in all: 3 answered by each process, then both refuse.
      for (const p of [a, b, a, b, a, b, a, b]) statuses.push(await call(p));
      expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 200, 429, 429]);
      // The budget lives in Redis under the deployment's prefix, not in either process.
      const redis = new Redis(REDIS_URL);
      clients.push(redis);
      expect((await redis.keys(`${prefix}-proc:rate-limit:key:*`)).length).to.be.greaterThan(0);
    } finally {
      for (const p of processes) expect(await p.stop(), p.output()).to.equal(0);
    }
  });

  it('without Redis each process counts alone (what Redis fixes)', async () => {
    key = (await createApiKey(ctx.deps.store, { role: 'analyst', name: 'bob' })).key;
    const a = await apiProcess({ redis: false });
    const b = await apiProcess({ redis: false });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(a)).status, (await get(b)).status);
    expect(statuses.every((s) => s === 200)).to.equal(true);
    expect((await get(a)).status).to.equal(429);
  });

  it('behind a trusted proxy each client address has its own pre-auth bucket; untrusted, the header is ignored', async () => {
    const anonymous = (server: RunningServer, ip: string) =>
      fetch(`${server.url}/v1/cases`, { headers: { 'x-forwarded-for': ip } }).then((r) => r.status);
    const trusted = await apiProcess({ redis: true, env: { TRACEHOLD_TRUST_PROXY: 'loopback' } });
    for (let i = 0; i < 5; i++) expect(await anonymous(trusted, '203.0.113.7')).to.equal(401);
    expect(await anonymous(trusted, '203.0.113.7')).to.equal(429);
    expect(await anonymous(trusted, '198.51.100.9'), 'another client behind the proxy').to.equal(401);

    const untrusted = await apiProcess({ redis: false });
    for (let i = 0; i < 5; i++) expect(await anonymous(untrusted, `203.0.113.${i}`)).to.equal(401);
    expect(await anonymous(untrusted, '198.51.100.200'), 'all share the proxy address').to.equal(429);
  });
});
