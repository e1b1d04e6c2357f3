// Freeze-request delivery without Redis: the in-process runner calls the same processor.
import { expect } from 'chai';
import { ConflictError } from '../../services/errors';
import { approveFreezeRequest } from '../../services/freeze/approve';
import { draftFreezeRequests } from '../../services/freeze/draft';
import { registerPartner } from '../../services/freeze/partners';
import { sendFreezeRequest } from '../../services/freeze/send';
import { pigButcheringWorld, traceInline, type PigButcheringWorld } from '../support/tracing';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

describe('e2e: freeze-request delivery on the in-process queue (no Redis)', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let hook: WebhookReceiver;
  const SECRET = 'okx-inline-secret-0123456789';
  const alice = { id: 'key-alice', name: 'alice' };
  const bob = { id: 'key-bob', name: 'bob' };

  before(async () => {
    world = await pigButcheringWorld();
    hook = await startWebhookReceiver(SECRET);
  });
  after(async () => {
    await hook?.close();
    await world?.close();
  });

  it('drafts, approves, sends and delivers through app.drain()', async () => {
    const deps = world.app.deps;
    const { partner } = await registerPartner(deps, { name: 'OKX', kind: 'exchange', entities: ['OKX'], webhookUrl: hook.url, webhookSecret: SECRET }, alice);
    await traceInline(world.app, { chain: 'local', reference: 'INLINE-1', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })) });
    const [kase] = await deps.store.cases.list();
    const drafted = await draftFreezeRequests(deps, kase!.id, {
      requestingAuthority: 'FIU', legalBasis: 'AML Act s. 12', contact: { name: 'Alice', email: 'alice@fiu.example' },
    }, alice);
    expect(drafted.map((d) => d.request.partnerId)).to.deep.equal([partner.id]);
    const id = drafted[0]!.request.id;
    await approveFreezeRequest(deps, id, bob);
    expect((await sendFreezeRequest(deps, id, alice)).status).to.equal('sending');
    await world.app.drain();
    expect((await deps.store.freezeRequests.get(id))!.status).to.equal('sent');
    expect(hook.received.map((d) => [d.accepted, d.idempotencyKey])).to.deep.equal([[true, `${id}:1`]]);
  });

  it('of two drafting calls at once on one case, one drafts and the other gets a conflict', async () => {
    const deps = world.app.deps;
    await traceInline(world.app, { chain: 'local', reference: 'INLINE-2', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })) });
    const kase = (await deps.store.cases.list()).find((c) => c.reference === 'INLINE-2')!;
    const body = { requestingAuthority: 'FIU', legalBasis: 'AML Act s. 12', contact: { name: 'Alice', email: 'alice@fiu.example' } };
    const results = await Promise.allSettled([draftFreezeRequests(deps, kase.id, body, alice), draftFreezeRequests(deps, kase.id, body, alice)]);
    expect(results.map((r) => r.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(rejected.reason).to.be.instanceOf(ConflictError);
    expect(await deps.store.freezeRequests.listForCase(kase.id)).to.have.length(1);
  });
});
