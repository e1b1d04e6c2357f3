// Freeze requests end to end on a real local EVM node, real Postgres and real Redis: trace
// the pig-butchering case through the API, register partners, draft, approve with a second
// person, deliver to two signed-webhook receivers on loopback through a BullMQ worker, the
// partners answer, a bank follow-up is drafted, and the negative paths of each step.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createAppContext, type AppContext } from '../../services/app';
import { createApiKey } from '../../services/auth/api-keys';
import { loadFreezeDocument } from '../../services/freeze/document';
import { freezeNoticePdf } from '../../services/freeze/pdf';
import { silentLogger } from '../../services/log';
import { startBullWorkers, type BullWorkers } from '../../services/queues/bullmq';
import { verifyTraceholdSignature } from '../../services/webhooks/verify-tracehold-signature';
import { createJobProcessor } from '../../workers/processors';
import { pigButcheringWorld, testConfig, type PigButcheringWorld } from '../support/tracing';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { pdfText } from '../support/pdf-text';
import { QUEUE_NAMES } from '../../services/queues/definitions';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const USDT = (n: number) => (BigInt(n) * 1_000_000n).toString();

describe('e2e: freeze requests through the API, BullMQ delivery to signed webhooks', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let app: AppContext;
  let workers: BullWorkers;
  let server: RunningServer;
  let binanceHook: WebhookReceiver;
  let okxHook: WebhookReceiver;
  let tmp: string;
  const keys: Record<string, string> = {};
  const partners: Record<string, { id: string; apiKey: string }> = {};
  const requests: Record<string, string> = {};
  let caseId: string;
  const prefix = `tracehold-test-freeze-${process.pid}-${randomBytes(3).toString('hex')}`;
  const BINANCE_SECRET = 'binance-webhook-secret-' + randomBytes(8).toString('hex');
  const OKX_SECRET = 'okx-webhook-secret-' + randomBytes(8).toString('hex');

  before(async () => {
    world = await pigButcheringWorld();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tracehold-freeze-'));
    const chainsFile = path.join(tmp, 'chains.json');
    fs.writeFileSync(chainsFile, JSON.stringify({ local: { tokens: [{ address: world.scenario.token, symbol: 'USDT', decimals: 6, issuer: 'Tether' }] } }));
    const config = testConfig(world.node, {
      REDIS_URL, TRACEHOLD_QUEUE_PREFIX: prefix, TRACEHOLD_CHAINS_FILE: chainsFile,
      TRACEHOLD_DELIVERY_ATTEMPTS: '3', TRACEHOLD_DELIVERY_BACKOFF_MS: '50', TRACEHOLD_DELIVERY_TIMEOUT_MS: '5000',
    });
    app = await createAppContext({ config, log: silentLogger, queue: 'bull', db: world.testDb.db });
    workers = startBullWorkers({ redisUrl: REDIS_URL, prefix, processor: createJobProcessor(app.deps), log: silentLogger });
    server = await startServer(createApiApp(app.deps), 0);
    for (const [name, role] of [['alice', 'analyst'], ['alice-sup', 'supervisor'], ['bob', 'supervisor'], ['root', 'admin']] as const) {
      keys[name] = (await createApiKey(app.deps.store, { role, name: name === 'alice-sup' ? 'alice' : name })).key;
    }
    binanceHook = await startWebhookReceiver(BINANCE_SECRET);
    // OKX's receiver starts with a secret that does not match: its deliveries fail until fixed.
    okxHook = await startWebhookReceiver('a-different-secret-than-registered');
  });

  after(async () => {
    await server?.stop();
    await workers?.close();
    if (app) {
      for (const q of QUEUE_NAMES) await app.bull?.queue(q).obliterate({ force: true });
      await app.close();
    }
    await binanceHook?.close();
    await okxHook?.close();
    await world?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const call = async (method: string, url: string, key: string | null, body?: unknown) => {
    const res = await fetch(server.url + url, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try { parsed = text ? JSON.parse(text) : null; } catch { /* CSV, PDF */ }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };

  const waitFor = async (id: string, statuses: string[]) => {
    for (let i = 0; i < 300; i++) {
      const got = await call('GET', `/v1/freeze-requests/${id}`, keys.alice!);
      if (statuses.includes(got.body.status)) return got.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`freeze request ${id} never reached ${statuses.join('|')}`);
  };

  const draftBody = {
    requestingAuthority: 'Financial Intelligence Unit, Cyber Fraud Team',
    legalBasis: 'Art. 12 Anti-Money-Laundering Act; prosecutor order 2026/117',
    action: 'freeze', durationDays: 90, urgency: 'immediate',
    contact: { name: 'Det. Insp. Alice Martin', email: 'alice.martin@fiu.example', phone: '+49 30 1234567' },
  };

  it('registers partners (admin only), with a partner key and no secret in the response', async () => {
    const reg = async (body: Record<string, unknown>) => call('POST', '/v1/partners', keys.root!, body);
    const binance = await reg({ name: 'Binance', kind: 'exchange', entities: ['Binance'], webhookUrl: binanceHook.url, webhookSecret: BINANCE_SECRET, contactEmail: 'lawenforcement@binance.example', jurisdiction: 'KY' });
    expect(binance.status, JSON.stringify(binance.body)).to.equal(201);
    expect(binance.body).to.include.keys(['id', 'apiKey']);
    expect(binance.text).not.to.contain(BINANCE_SECRET);
    partners.binance = binance.body;
    partners.okx = (await reg({ name: 'OKX', kind: 'exchange', entities: ['OKX'], webhookUrl: okxHook.url, webhookSecret: OKX_SECRET })).body;
    partners.tether = (await reg({ name: 'Tether', kind: 'issuer', entities: ['Tether'], contactEmail: 'compliance@tether.example' })).body;
    partners.bank = (await reg({ name: 'Sparkasse Test', kind: 'bank', entities: ['Sparkasse Test'], jurisdiction: 'DE' })).body;
    expect((await call('POST', '/v1/partners', keys.alice!, { name: 'X', kind: 'bank', entities: ['X'] })).status).to.equal(403);
    const before = (await app.deps.store.partners.list()).length;
    for (const [bad, status] of [
      [{ name: 'X', kind: 'casino', entities: ['X'] }, 422],
      [{ name: 'X', kind: 'bank', entities: [] }, 422],
      [{ name: 'X', kind: 'bank', entities: 'X' }, 400],
      [{ name: 'X', kind: 'bank', entities: ['X'], webhookUrl: 'http://127.0.0.1:1/x' }, 422],
      [{ name: 'X', kind: 'bank', entities: ['X'], webhookUrl: 'ftp://x', webhookSecret: 'x'.repeat(20) }, 422],
      [{ name: 'X', kind: 'bank', entities: ['X'], contactEmail: 'nope' }, 422],
    ] as const) {
      const res = await reg(bad as unknown as Record<string, unknown>);
      expect(res.status, JSON.stringify(bad)).to.equal(status);
    }
    expect((await app.deps.store.partners.list()).length).to.equal(before);
    const listed = await call('GET', '/v1/partners', keys.root!);
    expect(listed.text).not.to.contain(BINANCE_SECRET);
  });

  it('drafts one request per partner the case reached, targets ranked, with fund-flow evidence', async () => {
    const created = await call('POST', '/v1/cases', keys.alice!, { title: 'Pig-butchering ring', reference: 'FIU-2026-0042', chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })) });
    caseId = created.body.id;
    expect((await call('POST', `/v1/cases/${caseId}/freeze-requests`, keys.alice!, draftBody)).status).to.equal(409); // not traced yet
    expect((await call('POST', `/v1/cases/${caseId}/trace`, keys.alice!)).status).to.equal(202);
    for (let i = 0; i < 600; i++) {
      const got = await call('GET', `/v1/cases/${caseId}`, keys.alice!);
      if (got.body.status === 'traced') break;
      if (got.body.status === 'failed') throw new Error(JSON.stringify(got.body.progress));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await call('POST', `/v1/cases/${caseId}/freeze-requests`, keys.alice!, { ...draftBody, legalBasis: 42 })).status).to.equal(400);
    expect((await call('POST', `/v1/cases/${caseId}/freeze-requests`, keys.alice!, { ...draftBody, deadline: '2001-01-01T00:00:00Z' })).status).to.equal(422);
    expect((await call('POST', `/v1/cases/${caseId}/freeze-requests`, keys.alice!, { ...draftBody, action: 'seize' })).status).to.equal(422);
    expect((await app.deps.store.freezeRequests.listForCase(caseId)).length).to.equal(0);
    expect((await call('POST', `/v1/cases/${caseId}/freeze-requests`, partners.binance!.apiKey, draftBody)).status).to.equal(403);

    const drafted = await call('POST', `/v1/cases/${caseId}/freeze-requests`, keys.alice!, draftBody);
    expect(drafted.status, JSON.stringify(drafted.body)).to.equal(201);
    const byPartner = new Map(drafted.body.map((r: any) => [r.partnerId, r]));
    expect([...byPartner.keys()].sort()).to.deep.equal([partners.binance!.id, partners.okx!.id, partners.tether!.id].sort());
    for (const r of drafted.body) expect(r.status).to.equal('draft');
    const w = world.scenario.wallets;
    const binance: any = byPartner.get(partners.binance!.id);
    requests.binance = binance.id;
    requests.okx = (byPartner.get(partners.okx!.id) as any).id;
    requests.tether = (byPartner.get(partners.tether!.id) as any).id;
    expect(binance).to.include({ caseReference: 'FIU-2026-0042', action: 'freeze', urgency: 'immediate', durationDays: 90 });
    expect(binance.requestingAuthority).to.contain('Financial Intelligence Unit');
    expect(binance.evidenceSha256).to.match(/^[0-9a-f]{64}$/);
    // fifo: D1 received 10,000 tainted USDT (C held 20,000 clean first), the hot wallet 5,000 directly from B.
    const d1 = binance.targets.find((t: any) => t.address === w.d1);
    expect(d1).to.include({ kind: 'deposit', amount: USDT(10_000), attribution: 'deposit-heuristic' });
    expect(binance.targets.find((t: any) => t.address === w.binanceHot)).to.include({ kind: 'wallet', amount: USDT(5_000) });
    const scores = binance.targets.map((t: any) => t.score);
    expect(scores).to.deep.equal([...scores].sort((a: number, b: number) => b - a));
    expect(binance.targets.map((t: any) => t.rank)).to.deep.equal(binance.targets.map((_t: any, i: number) => i + 1));
    const chain = d1.evidence.paths[0];
    expect(world.scenario.seedTxs).to.include(chain[0]);
    expect(chain.length).to.be.greaterThan(3);
    const tether: any = byPartner.get(partners.tether!.id);
    expect(tether.targets[0]).to.include({ kind: 'holding', address: w.h, amount: USDT(30_000), symbol: 'USDT' });

    const again = await call('POST', `/v1/cases/${caseId}/freeze-requests`, keys.alice!, draftBody);
    expect(again.status).to.equal(409);
  });

  it('four eyes: the drafter cannot approve, an unapproved request cannot be sent', async () => {
    const id = requests.binance!;
    expect((await call('POST', `/v1/freeze-requests/${id}/send`, keys.alice!)).status).to.equal(409);
    expect((await call('POST', `/v1/freeze-requests/${id}/approve`, keys.alice!)).status).to.equal(403); // analyst role
    const self = await call('POST', `/v1/freeze-requests/${id}/approve`, keys['alice-sup']!); // the drafter's own supervisor key
    expect(self.status).to.equal(403);
    expect(self.body.error.message).to.contain('four eyes');
    expect((await call('GET', `/v1/freeze-requests/${id}`, keys.alice!)).body.status).to.equal('draft');
    const ok = await call('POST', `/v1/freeze-requests/${id}/approve`, keys.bob!);
    expect(ok.status).to.equal(200);
    expect(ok.body).to.include({ status: 'approved', approvedBy: ok.body.approvedBy });
    expect((await call('POST', `/v1/freeze-requests/${id}/approve`, keys.bob!)).status).to.equal(409);
    expect((await call('POST', `/v1/freeze-requests/00000000-0000-4000-8000-000000000000/approve`, keys.bob!)).status).to.equal(404);
    expect((await call('POST', `/v1/freeze-requests/${requests.okx}/approve`, keys.bob!)).status).to.equal(200);
  });

  it('partners see nothing before it is sent', async () => {
    const list = await call('GET', '/v1/partner/freeze-requests', partners.binance!.apiKey);
    expect(list.status).to.equal(200);
    expect(list.body).to.deep.equal([]);
    expect((await call('GET', `/v1/partner/freeze-requests/${requests.binance}`, partners.binance!.apiKey)).status).to.equal(404);
  });

  it('delivers through the BullMQ queue with a valid HMAC signature and idempotency key', async () => {
    const sent = await call('POST', `/v1/freeze-requests/${requests.binance}/send`, keys.alice!);
    expect(sent.status).to.equal(202);
    expect(sent.body.status).to.equal('sending');
    const done = await waitFor(requests.binance!, ['sent']);
    expect(done.sentAt).to.be.a('string');
    const accepted = binanceHook.received.filter((d) => d.accepted);
    expect(accepted).to.have.length(1);
    expect(accepted[0]!.idempotencyKey).to.equal(`${requests.binance}:1`);
    expect(accepted[0]!.signature).to.match(/^t=\d+,v1=[0-9a-f]{64}$/);
    const body = JSON.parse(accepted[0]!.rawBody);
    expect(body).to.include({ id: requests.binance, revision: 1, evidenceSha256: done.evidenceSha256, caseReference: 'FIU-2026-0042' });
    expect(accepted[0]!.rawBody).not.to.contain(BINANCE_SECRET);
    // Sent once; it cannot be sent again.
    expect((await call('POST', `/v1/freeze-requests/${requests.binance}/send`, keys.alice!)).status).to.equal(409);
  });

  it('the reference verifier rejects a tampered body, a replayed old signature and a wrong secret', async () => {
    const good = binanceHook.received.find((d) => d.accepted)!;
    expect(verifyTraceholdSignature(good.rawBody, good.signature, BINANCE_SECRET).ok).to.equal(true);
    expect(verifyTraceholdSignature(good.rawBody.replace('"freeze"', '"preserve"'), good.signature, BINANCE_SECRET)).to.deep.equal({ ok: false, reason: 'mismatch' });
    expect(verifyTraceholdSignature(good.rawBody, good.signature, 'wrong-secret-xxxxxxxx')).to.deep.equal({ ok: false, reason: 'mismatch' });
    const t = Number(/t=(\d+)/.exec(good.signature)![1]);
    expect(verifyTraceholdSignature(good.rawBody, good.signature, BINANCE_SECRET, { now: t + 3600 })).to.deep.equal({ ok: false, reason: 'expired' });
    expect(verifyTraceholdSignature(good.rawBody, good.signature.replace(/t=\d+/, `t=${t + 1}`), BINANCE_SECRET).ok).to.equal(false);
    expect(verifyTraceholdSignature(good.rawBody, 'garbage', BINANCE_SECRET)).to.deep.equal({ ok: false, reason: 'malformed' });
    // And the receiver itself turns a replay with a tampered body away.
    const res = await fetch(binanceHook.url, { method: 'POST', body: good.rawBody.replace('"freeze"', '"preserve"'), headers: { 'tracehold-signature': good.signature, 'idempotency-key': good.idempotencyKey } });
    expect(res.status).to.equal(401);
  });

  it('retries with backoff, then delivery_failed and an alert; a re-send of the same revision is counted once', async () => {
    expect((await call('POST', `/v1/freeze-requests/${requests.okx}/send`, keys.bob!)).status).to.equal(202);
    const failed = await waitFor(requests.okx!, ['delivery_failed']);
    expect(okxHook.received).to.have.length(3);
    expect(okxHook.received.every((d) => !d.accepted && d.reason === 'mismatch')).to.equal(true);
    expect(failed.delivery).to.include({ attempts: 3, lastError: 'HTTP 401' });
    const alerts = await call('GET', `/v1/alerts?caseId=${caseId}`, keys.alice!);
    expect(alerts.body.some((a: any) => a.kind === 'delivery_failed' && a.requestId === requests.okx)).to.equal(true);
    // The partner fixes its receiver; the analyst sends again.
    okxHook.secret = OKX_SECRET;
    expect((await call('POST', `/v1/freeze-requests/${requests.okx}/send`, keys.alice!)).status).to.equal(202);
    await waitFor(requests.okx!, ['sent']);
    const keysSeen = new Set(okxHook.received.map((d) => d.idempotencyKey));
    expect([...keysSeen]).to.deep.equal([`${requests.okx}:1`]);
    expect([...okxHook.processed]).to.deep.equal([`${requests.okx}:1`]);
  });

  it('partner isolation: a partner lists only its own requests and gets 404 for another partner\'s', async () => {
    const mine = await call('GET', '/v1/partner/freeze-requests', partners.binance!.apiKey);
    expect(mine.body.map((r: any) => r.id)).to.deep.equal([requests.binance]);
    expect(mine.text).not.to.contain('draftedBy');
    const okxKey = partners.okx!.apiKey;
    const other = await call('GET', `/v1/partner/freeze-requests/${requests.binance}`, okxKey);
    const absent = await call('GET', '/v1/partner/freeze-requests/00000000-0000-4000-8000-000000000000', okxKey);
    expect(other.status).to.equal(404);
    expect(absent.status).to.equal(404);
    expect(other.body.error.code).to.equal(absent.body.error.code);
    expect((await call('POST', `/v1/partner/freeze-requests/${requests.binance}/responses`, okxKey, { status: 'received' })).status).to.equal(404);
    expect((await call('GET', `/v1/partner/freeze-requests/${requests.binance}/targets.csv`, okxKey)).status).to.equal(404);
    expect((await call('GET', `/v1/freeze-requests/${requests.binance}`, okxKey)).status).to.equal(403);
    expect((await call('GET', '/v1/partner/freeze-requests', keys.alice!)).status).to.equal(403);
  });

  it('partners answer: received, partially frozen, funds moved to a bank; a bank follow-up and a lead', async () => {
    const key = partners.binance!.apiKey;
    const url = `/v1/partner/freeze-requests/${requests.binance}/responses`;
    const w = world.scenario.wallets;
    const before = await call('GET', `/v1/freeze-requests/${requests.binance}`, keys.alice!);
    for (const [bad, status] of [
      [{ status: 'melted' }, 422],
      [{ status: 'declined' }, 422],
      [{ status: 'partially_frozen' }, 422],
      [{ status: 'frozen', targets: [{ address: w.h, asset: world.scenario.token, frozenAmount: '1' }] }, 422],
      [{ status: 'frozen', targets: [{ address: w.d1, asset: world.scenario.token, frozenAmount: 5 }] }, 400],
      [{ status: 'funds_moved', fiatWithdrawals: [{ iban: 'DE00370400440532013000', bank: 'Sparkasse Test', amount: '100', currency: 'EUR' }] }, 422],
    ] as const) {
      const res = await call('POST', url, key, bad);
      expect(res.status, JSON.stringify(bad)).to.equal(status);
    }
    const unchanged = await call('GET', `/v1/freeze-requests/${requests.binance}`, keys.alice!);
    expect(unchanged.body.history).to.deep.equal(before.body.history);

    expect((await call('POST', url, key, { status: 'received' })).status).to.equal(201);
    const partial = await call('POST', url, key, { status: 'partially_frozen', targets: [{ address: w.d1.toLowerCase(), asset: world.scenario.token, frozenAmount: USDT(20_000) }], note: 'customer account frozen' });
    expect(partial.status, JSON.stringify(partial.body)).to.equal(201);
    expect(partial.body.status).to.equal('partially_frozen');
    expect((await call('POST', url, key, { status: 'received' })).status).to.equal(409);

    const moved = await call('POST', url, key, {
      status: 'funds_moved', note: '10,000 USDT sold and withdrawn to bank accounts before the freeze',
      fiatWithdrawals: [
        { iban: 'DE89 3704 0044 0532 0130 00', bank: 'Sparkasse Test', amount: '812345', currency: 'EUR' },
        { iban: 'GB82WEST12345698765432', bank: 'Unknown Bank Ltd', amount: '100000', currency: 'GBP' },
      ],
    });
    expect(moved.status, JSON.stringify(moved.body)).to.equal(201);
    expect(moved.body.followUps).to.have.length(1);
    expect(moved.body.leads).to.equal(1);

    const followUp = await call('GET', `/v1/freeze-requests/${moved.body.followUps[0].id}`, keys.alice!);
    expect(followUp.body).to.include({ status: 'draft', partnerId: partners.bank!.id, parentId: requests.binance, caseReference: 'FIU-2026-0042' });
    expect(followUp.body.targets[0]).to.include({ kind: 'bank-account', address: 'DE89370400440532013000', asset: 'EUR', amount: '812345', bank: 'Sparkasse Test' });
    expect(followUp.body.targets[0].evidence.paths.length).to.be.greaterThan(0);
    const leads = await call('GET', `/v1/cases/${caseId}/leads`, keys.alice!);
    expect(leads.body).to.have.length(1);
    expect(leads.body[0]).to.include({ iban: 'GB82WEST12345698765432', bank: 'Unknown Bank Ltd', amount: '100000', currency: 'GBP' });

    const full = await call('GET', `/v1/freeze-requests/${requests.binance}`, keys.alice!);
    expect(full.body.status).to.equal('funds_moved');
    expect(full.body.targets.find((t: any) => t.address === w.d1)).to.include({ frozenAmount: USDT(20_000), frozenSource: 'partner' });
    expect(full.body.responses.map((r: any) => r.status)).to.deep.equal(['received', 'partially_frozen', 'funds_moved']);
    const actions = full.body.history.map((h: any) => h.action);
    expect(actions).to.deep.equal(['drafted', 'approved', 'send', 'delivered', 'response:partner', 'response:partner', 'response:partner']);
    const approved = full.body.history[1];
    expect(approved).to.deep.include({ before: { status: 'draft' }, after: { status: 'approved' } });
    expect(approved.actor.name).to.equal('bob');
    expect(full.body.history[0].actor.name).to.equal('alice');
  });

  it('detects a USDT issuer freeze on-chain after the token owner blacklists the holding address', async () => {
    const id = requests.tether!;
    expect((await call('POST', `/v1/freeze-requests/${id}/approve`, keys.bob!)).status).to.equal(200);
    const sent = await call('POST', `/v1/freeze-requests/${id}/send`, keys.alice!); // manual export partner: sent at once
    expect(sent.status).to.equal(200);
    expect(sent.body.status).to.equal('sent');
    const before = await call('POST', `/v1/freeze-requests/${id}/verify-onchain`, keys.alice!);
    expect(before.body).to.include({ frozen: 0, status: 'sent' });
    const holdings = before.body.request.targets.map((t: any) => t.address);
    const { tokenContract, provider, wallets } = world.scenario;
    const blacklist = async (address: string) => {
      const tx = await tokenContract.getFunction('addBlackList')(address);
      await provider.waitForTransaction(tx.hash);
    };
    await blacklist(wallets.h);
    const partial = await call('POST', `/v1/freeze-requests/${id}/verify-onchain`, keys.alice!);
    expect(partial.body).to.include({ frozen: 1, status: holdings.length > 1 ? 'partially_frozen' : 'frozen' });
    expect(partial.body.request.targets.find((t: any) => t.address === wallets.h)).to.include({ frozenAmount: USDT(30_000), frozenSource: 'onchain' });
    for (const address of holdings.filter((a: string) => a !== wallets.h)) await blacklist(address);
    const all = await call('POST', `/v1/freeze-requests/${id}/verify-onchain`, keys.alice!);
    expect(all.body).to.include({ frozen: holdings.length, status: 'frozen' });
    expect(all.body.request.responses.every((r: any) => r.source === 'onchain')).to.equal(true);
    const again = await call('POST', `/v1/freeze-requests/${id}/verify-onchain`, keys.alice!);
    expect(again.body.request.responses).to.have.length(all.body.request.responses.length);
  });

  it('the audit log is append-only: the database refuses UPDATE and DELETE', async () => {
    const db = world.testDb.db;
    const err = async (sql: string) => db.query(sql).then(() => null, (e: Error) => e);
    expect((await err('update freeze_audit set actor = \'mallory\''))?.message).to.match(/append-only/);
    expect((await err('delete from freeze_audit'))?.message).to.match(/append-only/);
    expect((await err('truncate freeze_audit'))?.message).to.match(/append-only/);
    const { rows } = await db.query<{ n: string }>('select count(*)::text as n from freeze_audit where actor = \'mallory\'');
    expect(rows[0]!.n).to.equal('0');
  });

  it('renders the targets as CSV with the evidence hash, for staff and for the partner', async () => {
    const doc = await call('GET', `/v1/freeze-requests/${requests.binance}`, keys.alice!);
    const csv = await call('GET', `/v1/freeze-requests/${requests.binance}/targets.csv`, keys.alice!);
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.match(/text\/csv/);
    expect(csv.text).to.contain(`# evidence sha256 ${doc.body.evidenceSha256}`);
    expect(csv.text).to.match(new RegExp(`\\n\\d,deposit,${world.scenario.wallets.d1},`));
    const forPartner = await call('GET', `/v1/partner/freeze-requests/${requests.binance}/targets.csv`, partners.binance!.apiKey);
    expect(forPartner.text).to.equal(csv.text);
  });

  it('renders a PDF notice carrying the same content and evidence hash', async () => {
    const doc = await call('GET', `/v1/freeze-requests/${requests.binance}`, keys.alice!);
    const res = await fetch(`${server.url}/v1/freeze-requests/${requests.binance}/notice.pdf`, { headers: { authorization: `Bearer ${keys.alice}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/application\/pdf/);
    expect(res.headers.get('x-evidence-sha256')).to.equal(doc.body.evidenceSha256);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).to.equal('%PDF-');
    const request = (await app.deps.store.freezeRequests.get(requests.binance!))!;
    const text = pdfText(await freezeNoticePdf(await loadFreezeDocument(app.deps.store, request)));
    expect(text).to.contain(doc.body.evidenceSha256);
    expect(text).to.contain('FIU-2026-0042');
    expect(text).to.contain(world.scenario.wallets.d1);
    const forPartner = await fetch(`${server.url}/v1/partner/freeze-requests/${requests.binance}/notice.pdf`, { headers: { authorization: `Bearer ${partners.okx!.apiKey}` } });
    expect(forPartner.status).to.equal(404);
  });
});
