// The nightly re-trace on a real local EVM node: funds move after the first trace and
// after freeze requests were sent; the re-trace finds the new endpoint, raises the alerts
// (urgent for a sent request's target) and drafts a supplementary request. A second
// re-trace with no new blocks raises nothing and costs a handful of RPC calls.
import { expect } from 'chai';
import { Contract, JsonRpcProvider, NonceManager, Wallet, parseEther } from 'ethers';
import { USDT } from '../../services/demo/pig-butchering';
import { contractArtifact, fundWallets, receiptOf, devAccount } from '../../services/devchain';
import type { TraceReport } from '../../services/domain/report';
import { approveFreezeRequest } from '../../services/freeze/approve';
import { draftFreezeRequests } from '../../services/freeze/draft';
import { registerPartner } from '../../services/freeze/partners';
import { sendFreezeRequest } from '../../services/freeze/send';
import { retraceCases } from '../../services/retrace/retrace-cases';
import { createWatcher } from '../../services/retrace/watch';
import { createApiApp } from '../../services/api/app';
import { startServer } from '../../services/api/server';
import { createApiKey } from '../../services/auth/api-keys';
import { caseReport, createCase, startTrace } from '../../services/tracing/cases';
import { pigButcheringWorld, type PigButcheringWorld } from '../support/tracing';

const analyst = { id: 'key-analyst', name: 'analyst' };
const supervisor = { id: 'key-supervisor', name: 'supervisor' };
const admin = { id: 'key-admin', name: 'admin' };

describe('e2e: re-tracing open cases', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let caseId: string;
  let d3: string;
  const requests: Record<string, string> = {};

  before(async () => {
    world = await pigButcheringWorld();
    const { app, scenario } = world;
    const kase = await createCase(app.deps, { title: 'retrace case', reference: 'FIU-7', chain: 'local', seeds: scenario.seedTxs.map((txHash) => ({ txHash })) }, analyst.id);
    caseId = kase.id;
    await startTrace(app.deps, caseId);
    await app.drain();
    await registerPartner(app.deps, { name: 'Binance', kind: 'exchange', entities: ['Binance'], contactEmail: 'le@binance.example' }, admin);
    await registerPartner(app.deps, { name: 'Tether', kind: 'issuer', entities: [scenario.token], contactEmail: 'le@tether.example' }, admin);
    const drafted = await draftFreezeRequests(app.deps, caseId, {
      requestingAuthority: 'FIU Testland', legalBasis: 'Art. 12 AML Act', contact: { name: 'A. Analyst', email: 'a@fiu.example' },
    }, analyst);
    for (const { request } of drafted) {
      const partner = (await app.deps.store.partners.list()).find((p) => p.id === request.partnerId)!;
      requests[partner.name] = request.id;
      await approveFreezeRequest(app.deps, request.id, supervisor);
      await sendFreezeRequest(app.deps, request.id, analyst);
    }

    // After the requests went out: H moves its 30,000 USDT to D3, a new Binance deposit
    // address, which Binance tops up with gas and sweeps.
    const provider = new JsonRpcProvider(world.node.url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 10 });
    const signer = (key: { privateKey: string }) => new NonceManager(new Wallet(key.privateKey, provider));
    const d3Key = devAccount(5000);
    d3 = d3Key.address;
    await fundWallets(world.node.url, world.node.accounts[0]!, [scenario.wallets.h], parseEther('0.1'));
    const token = (s: NonceManager) => new Contract(scenario.token, contractArtifact('TestUSDT').abi, s);
    const wait = async (p: Promise<{ hash: string }>) => receiptOf(provider, (await p).hash);
    await wait(token(signer(scenario.keys.h)).getFunction('transfer')(d3, USDT(30_000)));
    await wait(signer(scenario.keys.binanceHot).sendTransaction({ to: d3, value: parseEther('0.01') }));
    await wait(token(signer(d3Key)).getFunction('transfer')(scenario.wallets.binanceHot, USDT(30_000)));
    provider.destroy();
  });
  after(async () => {
    await world?.close();
  });

  it('finds the new endpoint, raises the alerts and drafts a supplementary request', async () => {
    const { app, scenario } = world;
    const result = await retraceCases(app.deps, { trigger: 'manual' });
    expect(result.queued.map((q) => q.caseId)).to.deep.equal([caseId]);
    await app.drain();
    const report: TraceReport = await caseReport(app.deps, caseId);
    const endpoint = report.endpoints.find((e) => e.address === d3)!;
    expect(endpoint).to.include({ entity: 'Binance', attribution: 'deposit-heuristic', asset: scenario.token, amount: USDT(30_000).toString() });
    expect(report.holdings.find((h) => h.address === scenario.wallets.h && h.asset === scenario.token)).to.equal(undefined);

    const alerts = await app.deps.store.alerts.list({ caseId });
    const byKind = (kind: string) => alerts.filter((a) => a.kind === kind);
    expect(byKind('funds_moved_before_freeze')).to.have.length(1);
    const urgent = byKind('funds_moved_before_freeze')[0]!;
    expect(urgent.requestId).to.equal(requests.Tether);
    expect(urgent.details).to.include({ address: scenario.wallets.h, amount: USDT(30_000).toString(), urgent: true });
    expect(byKind('new_endpoint').map((a) => (a.details as { address: string }).address)).to.deep.equal([d3]);
    expect(byKind('new_movement')).to.have.length(0);

    const all = await app.deps.store.freezeRequests.listForCase(caseId);
    const supplementary = all.filter((r) => r.parentId === requests.Binance);
    expect(supplementary).to.have.length(1);
    expect(supplementary[0]!.status).to.equal('draft');
    const targets = await app.deps.store.freezeRequests.targets(supplementary[0]!.id);
    expect(targets.map((t) => [t.address, t.amount])).to.deep.equal([[d3, USDT(30_000)]]);

    const batch = (await app.deps.store.retrace.get(result.retraceRunId))!;
    expect(batch).to.include({ status: 'done', cases: 1, alertsRaised: 2 });
  });

  it('a quiet re-trace (no new blocks) raises nothing, drafts nothing and costs a few RPC calls', async () => {
    const { app } = world;
    const alertsBefore = (await app.deps.store.alerts.list({ caseId })).length;
    const requestsBefore = (await app.deps.store.freezeRequests.listForCase(caseId)).length;
    const result = await retraceCases(app.deps, { trigger: 'manual' });
    await app.drain();
    expect((await app.deps.store.alerts.list({ caseId })).length).to.equal(alertsBefore);
    expect((await app.deps.store.freezeRequests.listForCase(caseId)).length).to.equal(requestsBefore);
    const run = (await app.deps.store.runs.latestForCase(caseId, 'done'))!;
    const report = (await app.deps.store.runs.report(run.id)) as TraceReport;
    expect(result.rpcCalls, 'prefetch: the tip only').to.be.at.most(2);
    expect(report.stats.rpcCalls, 'the re-trace run itself').to.be.at.most(10);
  });

  it('the live watch sees funds leave a held wallet and re-traces at once', async () => {
    const { app, scenario } = world;
    const watcher = createWatcher(app.deps);
    expect((await watcher.tick()).moved, 'nothing moved since the last trace').to.deep.equal([]);
    // side1 (5,000 USDT, a Tether target) pays D4, which OKX sweeps.
    const provider = new JsonRpcProvider(world.node.url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 10 });
    const d4Key = devAccount(5001);
    await fundWallets(world.node.url, world.node.accounts[0]!, [scenario.wallets.side1, d4Key.address], parseEther('0.1'));
    const token = (key: { privateKey: string }) => new Contract(scenario.token, contractArtifact('TestUSDT').abi, new NonceManager(new Wallet(key.privateKey, provider)));
    await receiptOf(provider, (await token(scenario.keys.side1).getFunction('transfer')(d4Key.address, USDT(5_000))).hash);
    await receiptOf(provider, (await token(d4Key).getFunction('transfer')(scenario.wallets.okxHot, USDT(5_000))).hash);
    provider.destroy();
    const tick = await watcher.tick();
    expect(tick.moved).to.deep.equal([caseId]);
    await app.drain();
    const alerts = await app.deps.store.alerts.list({ caseId });
    const d4 = alerts.find((a) => a.kind === 'new_endpoint' && (a.details as { address: string }).address === d4Key.address);
    expect(d4?.details).to.include({ amount: USDT(5_000).toString(), entity: 'OKX' });
    expect(alerts.some((a) => a.kind === 'funds_moved_before_freeze' && (a.details as { address: string }).address === scenario.wallets.side1)).to.equal(true);
    expect((await watcher.tick()).moved, 'the same blocks are not looked at twice').to.deep.equal([]);
    await watcher.stop();
  });

  it('POST /v1/retrace (admin) queues a re-trace; GET /v1/retrace-runs lists them', async () => {
    const { app } = world;
    const server = await startServer(createApiApp(app.deps), 0);
    try {
      const adminKey = (await createApiKey(app.deps.store, { role: 'admin', name: 'admin' })).key;
      const analystKey = (await createApiKey(app.deps.store, { role: 'analyst', name: 'analyst2' })).key;
      const post = (key: string, body: unknown) => fetch(`${server.url}/v1/retrace`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post(analystKey, {})).status).to.equal(403);
      expect((await post(adminKey, { caseId: 'nope' })).status).to.equal(400);
      expect((await post(adminKey, { caseId: '00000000-0000-4000-8000-000000000000' })).status).to.equal(404);
      const before = (await app.deps.store.retrace.list()).length;
      expect((await post(adminKey, { caseId })).status).to.equal(202);
      await app.drain();
      const runs = await (await fetch(`${server.url}/v1/retrace-runs`, { headers: { authorization: `Bearer ${analystKey}` } })).json() as { trigger: string; status: string }[];
      expect(runs.length).to.equal(before + 1);
      expect(runs[0]).to.include({ trigger: 'manual', status: 'done' });
    } finally {
      await server.stop();
    }
  });

  it('leaves closed cases alone', async () => {
    const { app } = world;
    await app.deps.store.cases.close(caseId);
    const result = await retraceCases(app.deps, { trigger: 'manual' });
    expect(result.queued).to.have.length(0);
  });
});
