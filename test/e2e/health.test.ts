// /healthz and /readyz look at the real dependencies: Postgres, Redis (when used) and, for
// readiness, every enabled chain. A dead chain endpoint makes the service not ready (503).
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../config';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createAppContext, type AppContext } from '../../services/app';
import { startLocalNode, type LocalNode } from '../../services/devchain';
import { silentLogger } from '../../services/log';
import { createTestDb, type TestDb } from '../support/db';
import { QUEUE_NAMES } from '../../services/queues/definitions';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('e2e: health probes', function () {
  this.timeout(60_000);
  let node: LocalNode;
  let testDb: TestDb;
  const apps: AppContext[] = [];
  const servers: RunningServer[] = [];
  const prefix = `tracehold-test-${process.pid}-${randomBytes(3).toString('hex')}`;

  before(async () => {
    node = await startLocalNode();
    testDb = await createTestDb();
  });
  after(async () => {
    for (const s of servers) await s.stop();
    for (const a of apps) {
      for (const name of QUEUE_NAMES) await a.bull?.queue(name).obliterate({ force: true }).catch(() => undefined);
      await a.close();
    }
    await testDb?.drop();
    await node?.close();
  });

  const serve = async (env: Record<string, string>) => {
    const config = loadConfig({ TRACEHOLD_LOG_LEVEL: 'silent', REDIS_URL, TRACEHOLD_QUEUE_PREFIX: prefix, ...env });
    const app = await createAppContext({ config, log: silentLogger, queue: 'bull', db: testDb.db });
    apps.push(app);
    const server = await startServer(createApiApp(app.deps), 0);
    servers.push(server);
    return async (path: string) => {
      const res = await fetch(server.url + path);
      return { status: res.status, body: (await res.json()) as { ok?: boolean; checks?: Record<string, string>; error?: { code: string; details: Record<string, string> } } };
    };
  };

  it('is healthy and ready with Postgres, Redis and a live chain', async () => {
    const get = await serve({ LOCAL_RPC_URL: node.url });
    const health = await get('/healthz');
    expect(health.status).to.equal(200);
    expect(health.body.checks).to.include({ postgres: 'ok', redis: 'ok' });
    const ready = await get('/readyz');
    expect(ready.status).to.equal(200);
    expect(ready.body.checks!['chain:local']).to.equal('ok');
  });

  it('is not ready when a chain endpoint is dead, and says which', async () => {
    const get = await serve({ LOCAL_RPC_URL: 'http://127.0.0.1:1', LOCAL_CONFIRMATIONS: '0' });
    expect((await get('/healthz')).status, 'liveness does not depend on the chains').to.equal(200);
    const ready = await get('/readyz');
    expect(ready.status).to.equal(503);
    expect(ready.body.error!.code).to.equal('unavailable');
    expect(ready.body.error!.details['chain:local']).to.not.equal('ok');
    expect(ready.body.error!.details.postgres).to.equal('ok');
  });
});
