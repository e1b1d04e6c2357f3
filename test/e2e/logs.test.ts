// Logs: pino-http writes one JSON line per request with its id (the client's X-Request-Id or
// ours); the jobs a request queues log under the same id; secrets are redacted by path while
// look-alike fields (an asset `token`) stay.
import { expect } from 'chai';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createApiKey } from '../../services/auth/api-keys';
import { createLogger } from '../../services/log';
import { pigButcheringWorld, type PigButcheringWorld } from '../support/tracing';

describe('e2e: request logs and their ids', function () {
  this.timeout(120_000);
  let world: PigButcheringWorld;
  let server: RunningServer;
  const lines: any[] = [];
  let analyst: string;

  before(async () => {
    world = await pigButcheringWorld();
    const log = createLogger('debug', {}, (line) => lines.push(JSON.parse(line)));
    (world.app.deps as { log: unknown }).log = log;
    server = await startServer(createApiApp(world.app.deps), 0);
    analyst = (await createApiKey(world.app.deps.store, { role: 'analyst', name: 'alice' })).key;
  });

  after(async () => {
    await server?.stop();
    await world?.close();
  });

  it('one line per request with its id, carried into the jobs it queued', async () => {
    const created = await fetch(`${server.url}/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json', 'x-request-id': 'req-create-1' },
      body: JSON.stringify({ title: 'logs', chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })) }),
    });
    expect(created.headers.get('x-request-id')).to.equal('req-create-1');
    const { id } = (await created.json()) as { id: string };
    const traced = await fetch(`${server.url}/v1/cases/${id}/trace`, { method: 'POST', headers: { authorization: `Bearer ${analyst}` } });
    const traceRequestId = traced.headers.get('x-request-id')!;
    expect(traceRequestId).to.match(/^[0-9a-f-]{36}$/);
    await world.app.drain();

    const requestLines = lines.filter((l) => l.msg === 'request completed');
    expect(requestLines.map((l) => l.req.id)).to.deep.equal(['req-create-1', traceRequestId]);
    expect(requestLines[0]).to.deep.include({ level: 'info', route: '/v1/cases' });
    expect(requestLines[0].res.statusCode).to.equal(201);
    expect(requestLines[0].req.headers.authorization).to.equal('[redacted]');
    expect(JSON.stringify(lines)).to.not.include(analyst);

    const jobLines = lines.filter((l) => l.msg === 'job finished');
    expect(jobLines.length, 'trace steps ran').to.be.greaterThan(1);
    expect(jobLines.every((l) => l.requestId === traceRequestId), JSON.stringify(jobLines)).to.equal(true);
  });

  it('redacts secrets by path, not by a name pattern', () => {
    const out: any[] = [];
    const log = createLogger('info', {}, (line) => out.push(JSON.parse(line)));
    log.info('partner', { token: '0xdac17f958d2ee523a2206206994597c13d831ec7', tokenSymbol: 'USDT', webhookSecret: 'whsec_1', partner: { webhookSecret: 'whsec_2', apiKey: 'th_partner_x' }, amount: 5n });
    expect(out[0]).to.deep.include({ token: '0xdac17f958d2ee523a2206206994597c13d831ec7', tokenSymbol: 'USDT', webhookSecret: '[redacted]', amount: '5' });
    expect(out[0].partner).to.deep.equal({ webhookSecret: '[redacted]', apiKey: '[redacted]' });
  });
});
