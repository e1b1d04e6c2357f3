// A case's callback URL, end to end through the API and BullMQ workers on real Redis: a trace
// that finishes, one that fails and a re-trace each POST one notice, signed like partner
// webhooks and checked here with the verifier we ship; a receiver that is down is retried
// until it answers; a private or loopback URL is refused at registration (nothing written)
// and again at delivery, on the address the connection would use.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createAppContext, type AppContext } from '../../services/app';
import { createApiKey } from '../../services/auth/api-keys';
import { deliverCaseCallback } from '../../services/callbacks/deliver';
import { openCase, prepareCallback } from '../../services/callbacks/register';
import { silentLogger } from '../../services/log';
import { traceFailureHook } from '../../services/main';
import { startBullWorkers, type BullWorkers } from '../../services/queues/bullmq';
import { QUEUE_NAMES } from '../../services/queues/definitions';
import { startTrace } from '../../services/tracing/cases';
import { verifyTraceholdSignature } from '../../services/webhooks/verify-tracehold-signature';
import { createJobProcessor } from '../../workers/processors';
import { pigButcheringWorld, testConfig, type PigButcheringWorld } from '../support/tracing';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('e2e: per-case callback URL, signed, retried, guarded', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  const stacks: { app: AppContext; workers: BullWorkers }[] = [];
  let server: RunningServer;
  let analyst: string;
  let admin: string;
  const receivers: WebhookReceiver[] = [];
  let brokenRpc: http.Server;

  /** An app on its own queue prefix with BullMQ workers running every processor. */
  async function stack(env: Record<string, string>) {
    const prefix = `th-test-cb-${randomBytes(4).toString('hex')}`;
    const config = testConfig(world.node, { REDIS_URL, TRACEHOLD_QUEUE_PREFIX: prefix, TRACEHOLD_DELIVERY_ATTEMPTS: '4', TRACEHOLD_DELIVERY_BACKOFF_MS: '50', ...env });
    const app = await createAppContext({ config, log: silentLogger, queue: 'bull', db: world.testDb.db });
    const workers = startBullWorkers({ redisUrl: REDIS_URL, prefix, processor: createJobProcessor(app.deps), log: silentLogger, onFailed: traceFailureHook(app.deps, silentLogger) });
    stacks.push({ app, workers });
    return app;
  }

  const call = async (method: string, url: string, key: string, body?: unknown) => {
    const res = await fetch(server.url + url, { method, headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const caseBody = (extra: Record<string, unknown>) => ({ title: 'callback case', chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })), ...extra });
  const receiver = async (secret: string, failFirst = 0) => {
    const r = await startWebhookReceiver(secret, { failFirst });
    receivers.push(r);
    return r;
  };
  const accepted = (r: WebhookReceiver) => r.received.filter((d) => d.accepted);

  before(async () => {
    world = await pigButcheringWorld();
    const app = await stack({});
    server = await startServer(createApiApp(app.deps), 0);
    analyst = (await createApiKey(app.deps.store, { role: 'analyst', name: 'alice' })).key;
    admin = (await createApiKey(app.deps.store, { role: 'admin', name: 'root' })).key;
    // a JSON-RPC endpoint that answers every call with a 400 page: a trace step fails for good
    brokenRpc = http.createServer((_req, res) => void res.writeHead(400, { 'content-type': 'text/html' }).end('<h1>no</h1>'));
    await new Promise<void>((resolve) => brokenRpc.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await server?.stop();
    for (const s of stacks) {
      await s.workers.close();
      for (const name of QUEUE_NAMES) await s.app.bull?.queue(name).obliterate({ force: true }).catch(() => undefined);
      await s.app.close();
    }
    for (const r of receivers) await r.close();
    brokenRpc?.close();
    await world?.close();
  });

  it('a finished trace: one POST signed with the secret shown once (sealed in the database), naming the run and its report', async () => {
    const hook = await receiver('not yet known');
    const created = await call('POST', '/v1/cases', analyst, caseBody({ callbackUrl: hook.url }));
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.callback.url).to.equal(hook.url);
    const secret = created.body.callback.secret as string;
    expect(secret).to.match(/^thcb_[A-Za-z0-9_-]{43}$/);
    hook.secret = secret;
    const stored = await world.testDb.db.query<{ secret: string }>('select secret from case_callbacks where case_id = $1', [created.body.id]);
    expect(stored.rows[0]!.secret).to.match(/^enc:v1:/);
    expect(stored.rows[0]!.secret).to.not.include(secret);
    expect((await call('GET', `/v1/cases/${created.body.id}`, analyst)).body).to.not.have.property('callback');

    const queued = await call('POST', `/v1/cases/${created.body.id}/trace`, analyst);
    expect(queued.status).to.equal(202);
    const delivery = await until('the callback', async () => accepted(hook)[0]);
    expect(delivery.idempotencyKey).to.equal(`${queued.body.runId}:trace.finished`);
    expect(delivery.event).to.equal('trace.finished');
    expect(verifyTraceholdSignature(delivery.rawBody, delivery.signature, secret).ok).to.equal(true);
    expect(verifyTraceholdSignature(delivery.rawBody, delivery.signature, 'another secret, 16+ chars').ok).to.equal(false);
    const notice = JSON.parse(delivery.rawBody);
    expect(notice).to.deep.include({ event: 'trace.finished', caseId: created.body.id, trigger: 'trace', retraceRunId: null });
    expect(notice.run).to.include({ id: queued.body.runId, status: 'done' });
    expect(notice.links.report).to.equal(`/v1/cases/${created.body.id}/runs/${queued.body.runId}/report`);
    expect((await call('GET', notice.links.report, analyst)).status).to.equal(200);
    // the notice is what the OpenAPI document's `callbacks` of POST /v1/cases describes
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as any;
    const documented = doc.paths['/v1/cases'].post.callbacks.traceEnded['{$request.body#/callbackUrl}'].post;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(documented.requestBody.content['application/json'].schema);
    expect(validate(notice), JSON.stringify(validate.errors)).to.equal(true);
    expect(documented.parameters.map((p: { name: string }) => p.name)).to.deep.equal(['Tracehold-Signature', 'Tracehold-Event', 'Idempotency-Key']);
    const listed = await until('the delivery row', async () => {
      const got = await call('GET', `/v1/cases/${created.body.id}/callback`, analyst);
      return got.body.deliveries?.[0]?.status === 'delivered' ? got.body : null;
    });
    expect(listed).to.not.have.property('secret');
    expect(listed.deliveries).to.have.length(1);
    expect(listed.deliveries[0]).to.include({ runId: queued.body.runId, event: 'trace.finished', attempts: 1, lastError: null });
    expect(hook.received, 'exactly one POST').to.have.length(1);

    // a re-trace of the case notifies too, as a re-trace
    expect((await call('POST', '/v1/retrace', admin, { caseId: created.body.id })).status).to.equal(202);
    const again = await until('the re-trace callback', async () => accepted(hook)[1]);
    const retraced = JSON.parse(again.rawBody);
    expect(retraced.event).to.equal('trace.finished');
    expect(retraced.run.id).to.not.equal(queued.body.runId);
    expect(retraced.trigger).to.equal('retrace');
    expect(retraced.retraceRunId).to.be.a('string');
    expect(verifyTraceholdSignature(again.rawBody, again.signature, secret).ok).to.equal(true);
  });

  it('a receiver that is down is retried with backoff, same Idempotency-Key, until it answers 2xx', async () => {
    const secret = 'an integrator-chosen secret';
    const hook = await receiver(secret, 2);
    const created = await call('POST', '/v1/cases', analyst, caseBody({ callbackUrl: hook.url, callbackSecret: secret }));
    expect(created.status).to.equal(201);
    expect(created.body.callback, 'a secret the caller chose is not echoed').to.deep.equal({ url: hook.url });
    const { runId } = (await call('POST', `/v1/cases/${created.body.id}/trace`, analyst)).body;
    await until('the third try', async () => accepted(hook)[0]);
    expect(hook.received.map((d) => d.reason ?? 'ok')).to.deep.equal(['receiver down (500)', 'receiver down (500)', 'ok']);
    expect(new Set(hook.received.map((d) => d.idempotencyKey))).to.deep.equal(new Set([`${runId}:trace.finished`]));
    for (const d of hook.received) expect(verifyTraceholdSignature(d.rawBody, d.signature, secret).ok, 'every try signed').to.equal(true);
    const listed = await until('delivered', async () => {
      const got = (await call('GET', `/v1/cases/${created.body.id}/callback`, analyst)).body;
      return got.deliveries[0]?.status === 'delivered' ? got : null;
    });
    expect(listed.deliveries[0]).to.include({ attempts: 3, lastError: null });
  });

  it('a receiver down for good: the last try records the failure and raises an alert', async () => {
    const secret = 'an integrator-chosen secret';
    const hook = await receiver(secret, 1000);
    const created = await call('POST', '/v1/cases', analyst, caseBody({ callbackUrl: hook.url, callbackSecret: secret }));
    await call('POST', `/v1/cases/${created.body.id}/trace`, analyst);
    const listed = await until('failed for good', async () => {
      const got = (await call('GET', `/v1/cases/${created.body.id}/callback`, analyst)).body;
      return got.deliveries[0]?.status === 'failed' ? got : null;
    });
    expect(listed.deliveries[0]).to.include({ attempts: 4, lastError: 'HTTP 500' });
    expect(hook.received).to.have.length(4);
    const alerts = (await call('GET', `/v1/alerts?caseId=${created.body.id}`, analyst)).body as { kind: string }[];
    expect(alerts.map((a) => a.kind)).to.include('callback_failed');
  });

  it('a failed trace: trace.failed with the run\'s error', async () => {
    const secret = 'an integrator-chosen secret';
    const hook = await receiver(secret);
    const created = await call('POST', '/v1/cases', analyst, caseBody({ callbackUrl: hook.url, callbackSecret: secret }));
    // this stack's workers reach the chain through an endpoint that answers nothing useful
    const broken = await stack({ LOCAL_RPC_URL: `http://127.0.0.1:${(brokenRpc.address() as AddressInfo).port}` });
    const { runId } = await startTrace(broken.deps, created.body.id);
    const delivery = await until('the failure callback', async () => accepted(hook)[0]);
    expect(delivery.idempotencyKey).to.equal(`${runId}:trace.failed`);
    const notice = JSON.parse(delivery.rawBody);
    expect(notice).to.deep.include({ event: 'trace.failed', caseId: created.body.id });
    expect(notice.run).to.include({ id: runId, status: 'failed' });
    expect(notice.run.error).to.be.a('string').and.not.equal('');
    expect(notice.links).to.not.have.property('report');
    expect((await call('GET', `/v1/cases/${created.body.id}`, analyst)).body.status).to.equal('failed');
  });

  it('refused at registration: loopback, private, link-local/metadata, IPv6 loopback, non-https, a URL with credentials — 422 and no case written', async () => {
    const count = async () => Number((await world.testDb.db.query<{ n: string }>('select count(*) as n from cases')).rows[0]!.n);
    const before = await count();
    for (const callbackUrl of ['http://127.0.0.2:8080/hook', 'https://10.1.2.3/hook', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/hook', 'https://[::ffff:192.168.0.1]/hook', 'https://metadata.google.internal/x', 'ftp://example.com/x', 'https://user:pw@example.com/x', 'not a url']) {
      const res = await call('POST', '/v1/cases', analyst, caseBody({ callbackUrl }));
      expect(res.status, callbackUrl).to.equal(422);
      expect(res.body.error.message, callbackUrl).to.match(/callbackUrl/);
    }
    expect((await call('POST', '/v1/cases', analyst, caseBody({ callbackUrl: 'https://example.com/x', callbackSecret: 'short' }))).status).to.equal(422);
    // no TRACEHOLD_SECRET_KEY: no place to keep the secret, so no callback (and no case)
    const keyless = { config: testConfig(world.node, { TRACEHOLD_SECRET_KEY: '' }) };
    await prepareCallback(keyless, { callbackUrl: 'https://example.com/x' }).then(() => expect.fail('accepted'), (e: Error) => expect(e.message).to.match(/TRACEHOLD_SECRET_KEY/));
    expect(await count(), 'nothing written').to.equal(before);
  });

  it('written with the case in one transaction: a callback that cannot be stored leaves no case behind', async () => {
    const app = stacks[0]!.app;
    const count = async () => Number((await world.testDb.db.query<{ n: string }>('select count(*) as n from cases')).rows[0]!.n);
    const before = await count();
    // The callback row is written through the transaction's store: make its table refuse it.
    await world.testDb.db.exec("alter table case_callbacks add constraint test_refuse check (url <> 'http://127.0.0.1:9/refused')");
    try {
      const error = await openCase(app.deps, caseBody({}), { callbackUrl: 'http://127.0.0.1:9/refused', callbackSecret: 'an integrator-chosen secret' }, 'test')
        .then(() => null, (e: unknown) => e);
      expect(String(error)).to.match(/test_refuse/);
      expect(await count(), 'no case without its callback').to.equal(before);
    } finally {
      await world.testDb.db.exec('alter table case_callbacks drop constraint test_refuse');
    }
  });

  it('checked again at delivery: a deployment that no longer allows the address refuses to connect', async () => {
    const secret = 'an integrator-chosen secret';
    const hook = await receiver(secret);
    const created = await call('POST', '/v1/cases', analyst, caseBody({ callbackUrl: hook.url, callbackSecret: secret }));
    const runId = (await world.app.deps.store.runs.create(created.body.id)).id;
    await world.app.deps.store.runs.finish(runId, 'failed', null, 'made up for this test');
    await world.app.deps.store.callbacks.open(runId, 'trace.failed', created.body.id);
    // the default policy: https only, public addresses only
    const strict = { ...world.app.deps, config: testConfig(world.node, { TRACEHOLD_WEBHOOK_ALLOW_HOSTS: '', TRACEHOLD_WEBHOOK_ALLOW_HTTP: 'true' }) };
    const outcome = await deliverCaseCallback(strict, { caseId: created.body.id, runId, event: 'trace.failed' }, { number: 1, last: true });
    expect(outcome).to.equal('failed');
    expect(hook.received, 'no connection made').to.have.length(0);
    const row = await world.app.deps.store.callbacks.delivery(runId, 'trace.failed');
    expect(row).to.include({ status: 'failed', attempts: 1 });
    expect(row!.lastError).to.match(/^refused: .*loopback/);
  });
});
