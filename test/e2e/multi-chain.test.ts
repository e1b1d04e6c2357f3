// One case across chains: the internal-transfer case on an EVM chain ('local', anvil) and the
// Tron USDT/TRX case (the Tron-shaped node in front of a second anvil), opened as one case
// through the API and the CLI. Each chain is traced by its own jobs; the report has a section
// per chain and exposure per entity across them; freeze requests gather every chain's targets.
//
// Hand-checked, fifo (see test/e2e/internal-transfers.test.ts and test/support/tron-case.ts):
//   Binance: 25 ETH on local (share 0.25 of 100), 20,000 USDT on tron (0.4 of 50,000), 15,000 TRX on tron (0.75 of 20,000)
//   Kraken:  15 ETH on local (0.15: the self-destructed child, a Kraken deposit by the sweep heuristic)
//   Tether is asked to freeze 30,000 USDT at H on tron.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseEther } from 'ethers';
import { loadConfig } from '../../config';
import { TEST_WEBHOOK_ENV } from '../support/tracing';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createAppContext, type AppContext } from '../../services/app';
import { createApiKey } from '../../services/auth/api-keys';
import type { MultiChainReport } from '../../services/domain/multi-chain-report';
import { silentLogger } from '../../services/log';
import { apiCaller, runTracehold } from '../support/cli';
import { startAnvil, type AnvilNode } from '../support/anvil';
import { createTestDb, type TestDb } from '../support/db';
import { playInternalMoves, type InternalMovesCase } from '../support/internal-moves-case';
import { playTronCase, SUN, TRON_USDT, type TronCase } from '../support/tron-case';
import { startTronTestNode, type TronTestNode } from '../support/tron-node';


describe('e2e: one case across chains (EVM and Tron), through the API and the CLI', function () {
  this.timeout(300_000);
  let evmNode: AnvilNode;
  let tronAnvil: AnvilNode;
  let tron: TronTestNode;
  let evm: InternalMovesCase;
  let tronCase: TronCase;
  let testDb: TestDb;
  let app: AppContext;
  let server: RunningServer;
  let tmp: string;
  let labelsCsv: string;
  const keys: Record<string, string> = {};

  before(async () => {
    evmNode = await startAnvil();
    evm = await playInternalMoves(evmNode);
    tronAnvil = await startAnvil({ chainId: 728126428, zeroFees: true });
    tronCase = await playTronCase(tronAnvil);
    tron = await startTronTestNode(tronAnvil.url);
    testDb = await createTestDb();
    const config = loadConfig({ LOCAL_RPC_URL: evmNode.url, TRON_RPC_URL: tron.url, TRACEHOLD_LOG_LEVEL: 'silent', ...TEST_WEBHOOK_ENV });
    app = await createAppContext({ config, log: silentLogger, queue: 'inline', db: testDb.db });
    server = await startServer(createApiApp(app.deps), 0);
    for (const role of ['analyst', 'supervisor', 'admin'] as const) keys[role] = (await createApiKey(app.deps.store, { role, name: role })).key;
    labelsCsv = `${tronCase.labelsCsv}${evm.labels.map((l) => `${l.chain},${l.address},${l.entity},${l.category}`).join('\n')}\n`;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tracehold-multi-'));
    fs.writeFileSync(path.join(tmp, 'labels.csv'), labelsCsv);
  });
  after(async () => {
    await server?.stop();
    await app?.close();
    await testDb?.drop();
    await tron?.close();
    evm?.provider.destroy();
    await tronAnvil?.close();
    await evmNode?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const call = apiCaller(() => server.url);
  const seeds = () => [{ chain: 'local', txHash: evm.seedTx }, ...tronCase.seeds.map((txHash) => ({ chain: 'tron', txHash }))];

  const checkCombined = (r: MultiChainReport) => {
    expect(r.chain).to.equal('multi');
    expect(r.chains).to.deep.equal(['local', 'tron']);
    expect(r.sections.map((s) => [s.chain, s.report.chain])).to.deep.equal([['local', 'local'], ['tron', 'tron']]);
    const received = (entity: string) => r.entities.find((e) => e.entity === entity)!.received.map((x) => [x.chain, x.asset, x.amount, x.share]);
    expect(received('Binance')).to.have.deep.members([
      ['local', 'ETH', parseEther('25').toString(), 0.25],
      ['tron', TRON_USDT, SUN(20_000).toString(), 0.4],
      ['tron', 'TRX', SUN(15_000).toString(), 0.75],
    ]);
    expect(received('Kraken')).to.deep.equal([['local', 'ETH', parseEther('15').toString(), 0.15]]);
    expect(r.holdings.find((h) => h.chain === 'tron' && h.address === tronCase.wallets.h && h.asset === TRON_USDT)!.amount).to.equal(SUN(30_000).toString());
    expect(r.holdings.find((h) => h.chain === 'local' && h.address.toLowerCase() === evm.wallets.a)!.amount).to.equal(parseEther('35').toString());
    for (const e of r.endpoints.filter((x) => x.chain === 'tron')) expect(e.address).to.match(/^T/);
  };

  it('refuses a case on several chains with a seed that names no chain, or a block range', async () => {
    const noChain = await call('POST', '/v1/cases', keys.analyst!, { title: 'x', chain: 'multi', seeds: [{ txHash: evm.seedTx }, { chain: 'tron', txHash: tronCase.seeds[0] }] });
    expect(noChain.status).to.equal(422);
    const range = await call('POST', '/v1/cases', keys.analyst!, { title: 'x', chain: 'multi', seeds: seeds(), fromBlock: 1 });
    expect(range.status).to.equal(422);
    const badTron = await call('POST', '/v1/cases', keys.analyst!, { title: 'x', chain: 'multi', seeds: [{ chain: 'local', txHash: evm.seedTx }, { chain: 'tron', address: '0x' + '11'.repeat(20) }] });
    expect(badTron.status).to.equal(422);
    expect((await app.deps.store.cases.list()).length).to.equal(0);
    // Every seed on one chain, named: an ordinary case on that chain.
    const one = await call('POST', '/v1/cases', keys.analyst!, { title: 'one chain', seeds: tronCase.seeds.map((txHash) => ({ chain: 'tron', txHash })) });
    expect(one.status, JSON.stringify(one.body)).to.equal(201);
    expect(one.body.chain).to.equal('tron');
    await app.deps.store.db.query('delete from cases');
  });

  it('traces each chain by its own jobs and reports a section per chain, exposure per entity across chains', async () => {
    expect((await call('POST', '/v1/labels', keys.analyst!, labelsCsv, 'text/csv')).status).to.equal(200);
    // No case-level chain: the seeds name theirs.
    // the case calls back once per chain whose run ends, naming the chain's own case
    const hook = await startWebhookReceiver('a secret of sixteen+ characters');
    const created = await call('POST', '/v1/cases', keys.analyst!, { title: 'Victims on Ethereum and Tron', seeds: seeds(), callbackUrl: hook.url, callbackSecret: hook.secret });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.chain).to.equal('multi');
    const id = created.body.id;
    expect((await call('POST', `/v1/cases/${id}/trace`, keys.analyst!)).status).to.equal(202);
    const queued = await call('GET', `/v1/cases/${id}`, keys.analyst!);
    expect(Object.keys(queued.body.progress.chains)).to.deep.equal(['local', 'tron']);
    expect(queued.body.status).to.equal('queued');
    // Two chains, two runs, each with its own jobs.
    const childIds = Object.values(queued.body.progress.chains).map((c: any) => c.caseId);
    for (const childId of childIds) expect((await app.deps.store.runs.latestForCase(childId))?.status).to.match(/queued|running/);
    await app.drain();
    const traced = await call('GET', `/v1/cases/${id}`, keys.analyst!);
    expect(traced.body.status).to.equal('traced');
    const report = await call('GET', `/v1/cases/${id}/report`, keys.analyst!);
    expect(report.status).to.equal(200);
    checkCombined(report.body);
    const notices = hook.received.map((d) => { expect(d.accepted).to.equal(true); return JSON.parse(d.rawBody); });
    await hook.close();
    expect(notices.map((n) => [n.event, n.caseId]).sort()).to.deep.equal([['trace.finished', id], ['trace.finished', id]]);
    expect(notices.map((n) => n.chainCaseId).sort()).to.deep.equal([...childIds].sort());
    const deliveries = (await call('GET', `/v1/cases/${id}/callback`, keys.analyst!)).body.deliveries as { status: string }[];
    expect(deliveries.map((d) => d.status)).to.deep.equal(['delivered', 'delivered']);

    // Pages across the chains: endpoints and holdings (tagged with their chain), nodes and flows,
    // each once and in the order of the whole answer; each chain's run pinned by the cursor.
    const walk = async (url: string, lists: [string, string]) => {
      const out: [unknown[], unknown[]] = [[], []];
      let page = await call('GET', `${url}?limit=2`, keys.analyst!);
      for (;;) {
        expect(page.status, JSON.stringify(page.body).slice(0, 200)).to.equal(200);
        out[0].push(...page.body[lists[0]]);
        out[1].push(...page.body[lists[1]]);
        if (page.body.nextCursor === null) return { out, last: page.body };
        page = await call('GET', `${url}?limit=2&cursor=${page.body.nextCursor}`, keys.analyst!);
      }
    };
    const reportPages = await walk(`/v1/cases/${id}/report`, ['endpoints', 'holdings']);
    expect(reportPages.out).to.deep.equal([report.body.endpoints, report.body.holdings]);
    expect(reportPages.last.entities).to.deep.equal(report.body.entities);
    expect(reportPages.last.sections.map((s: any) => [s.chain, s.report.endpoints.length]), 'sections leave their lists to the top').to.deep.equal([['local', 0], ['tron', 0]]);
    const graph = await call('GET', `/v1/cases/${id}/graph`, keys.analyst!);
    const graphPages = await walk(`/v1/cases/${id}/graph`, ['nodes', 'edges']);
    expect(graphPages.out).to.deep.equal([graph.body.nodes, graph.body.edges]);
    expect(new Set(graph.body.nodes.map((n: any) => n.chain))).to.deep.equal(new Set(['local', 'tron']));
  });

  it('drafts one freeze request per partner with the targets of every chain; Tether\'s is confirmed by the Tron blacklist read', async () => {
    for (const body of [
      { name: 'Binance', kind: 'exchange', entities: ['Binance'], contactEmail: 'le@binance.example' },
      { name: 'Kraken', kind: 'exchange', entities: ['Kraken'], contactEmail: 'le@kraken.example' },
      { name: 'Tether', kind: 'issuer', entities: ['Tether'], contactEmail: 'compliance@tether.example' },
    ]) expect((await call('POST', '/v1/partners', keys.admin!, body)).status).to.equal(201);
    const id = (await app.deps.store.cases.list()).find((c) => c.chain === 'multi')!.id;
    const drafted = await call('POST', `/v1/cases/${id}/freeze-requests`, keys.analyst!, {
      requestingAuthority: 'FIU', legalBasis: 'AML Act art. 12', action: 'freeze', durationDays: 90, urgency: 'immediate',
      contact: { name: 'A. Martin', email: 'a.martin@fiu.example' },
    });
    expect(drafted.status, JSON.stringify(drafted.body)).to.equal(201);
    const partners = new Map((await app.deps.store.partners.list()).map((p) => [p.id, p.name]));
    const byName = new Map(drafted.body.map((r: any) => [partners.get(r.partnerId), r]));
    expect([...byName.keys()].sort()).to.deep.equal(['Binance', 'Kraken', 'Tether']);
    const binance: any = byName.get('Binance');
    expect(new Set(binance.targets.map((t: any) => t.chain))).to.deep.equal(new Set(['local', 'tron']));
    expect(binance.targets.find((t: any) => t.chain === 'tron' && t.asset === TRON_USDT)).to.include({ address: tronCase.wallets.d, amount: SUN(20_000).toString() });
    expect(binance.targets.find((t: any) => t.chain === 'local' && t.asset === 'ETH').amount).to.equal(parseEther('25').toString());
    const tether: any = byName.get('Tether');
    expect(tether.targets.find((t: any) => t.address === tronCase.wallets.h)).to.include({ chain: 'tron', asset: TRON_USDT, amount: SUN(30_000).toString() });

    expect((await call('POST', `/v1/freeze-requests/${tether.id}/approve`, keys.supervisor!)).status).to.equal(200);
    expect((await call('POST', `/v1/freeze-requests/${tether.id}/send`, keys.analyst!)).status).to.equal(200);
    await app.drain();
    await tronCase.blacklist(tronCase.wallets.h);
    const checked = await call('POST', `/v1/freeze-requests/${tether.id}/verify-onchain`, keys.analyst!);
    expect(checked.body.frozen).to.equal(1);
  });

  it('runs the same case from the command line: --seed <chain>=<seed>, one report', async () => {
    const args = ['trace', ...seeds().flatMap((s) => ['--seed', `${s.chain}=${s.txHash}`]),
      '--endpoint', `local=${evmNode.url}`, '--endpoint', `tron=${tron.url}`, '--labels', path.join(tmp, 'labels.csv'), '--json'];
    const run = await runTracehold(args, { TRACEHOLD_DATA_DIR: path.join(tmp, 'pgdata') });
    expect(run.code, run.stderr).to.equal(0);
    checkCombined(JSON.parse(run.stdout));
  });
});
