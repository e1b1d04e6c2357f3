// The Tron case end to end, against the Tron-shaped test node in front of anvil: through the
// API (base58 in and out, a USDT freeze target for Tether confirmed by reading the token's
// blacklist) and through the command line. Figures: test/support/tron-case.ts.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../config';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createAppContext, type AppContext } from '../../services/app';
import { createApiKey } from '../../services/auth/api-keys';
import type { TraceReport } from '../../services/domain/report';
import { silentLogger } from '../../services/log';
import { apiCaller, runTracehold } from '../support/cli';
import { startAnvil, type AnvilNode } from '../support/anvil';
import { createTestDb, type TestDb } from '../support/db';
import { playTronCase, SUN, TRON_USDT, type TronCase } from '../support/tron-case';
import { startTronTestNode, type TronTestNode } from '../support/tron-node';

const TRON_ADDRESS = /^T[1-9A-HJ-NP-Za-km-z]{33}$/;

describe('e2e: a Tron USDT and TRX case through the API and the CLI', function () {
  this.timeout(300_000);
  let node: AnvilNode;
  let tron: TronTestNode;
  let scenario: TronCase;
  let testDb: TestDb;
  let app: AppContext;
  let server: RunningServer;
  let tmp: string;
  const keys: Record<string, string> = {};

  before(async () => {
    node = await startAnvil({ chainId: 728126428, zeroFees: true });
    scenario = await playTronCase(node);
    tron = await startTronTestNode(node.url);
    testDb = await createTestDb();
    app = await createAppContext({ config: loadConfig({ TRON_RPC_URL: tron.url, TRACEHOLD_LOG_LEVEL: 'silent' }), log: silentLogger, queue: 'inline', db: testDb.db });
    server = await startServer(createApiApp(app.deps), 0);
    for (const role of ['analyst', 'supervisor', 'admin'] as const) keys[role] = (await createApiKey(app.deps.store, { role, name: role })).key;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tracehold-tron-'));
    fs.writeFileSync(path.join(tmp, 'labels.csv'), scenario.labelsCsv);
  });
  after(async () => {
    await server?.stop();
    await app?.close();
    await testDb?.drop();
    await tron?.close();
    await node?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const call = apiCaller(() => server.url);

  const checkReport = (r: TraceReport) => {
    const w = scenario.wallets;
    expect(r.chain).to.equal('tron');
    const find = (rows: Array<{ address: string; asset: string; amount: string }>, address: string, asset: string) => rows.find((x) => x.address === address && x.asset === asset);
    expect(find(r.endpoints, w.d, TRON_USDT)).to.include({ entity: 'Binance', amount: SUN(20_000).toString(), symbol: 'USDT', decimals: 6 });
    expect(find(r.endpoints, w.d, 'TRX')).to.include({ entity: 'Binance', amount: SUN(15_000).toString(), symbol: 'TRX', decimals: 6 });
    expect(find(r.holdings, w.h, TRON_USDT)).to.include({ amount: SUN(30_000).toString() });
    expect(find(r.holdings, w.s, 'TRX')).to.include({ amount: SUN(5_000).toString() });
    for (const row of [...r.endpoints, ...r.holdings]) expect(row.address).to.match(TRON_ADDRESS);
    for (const e of r.endpoints) for (const p of e.paths) for (const tx of p) expect(tx).to.match(/^[0-9a-f]{64}$/);
    expect(r.exposure.find((e) => e.asset === TRON_USDT)).to.include({ entity: 'Binance', share: 0.4 });
    expect(r.exposure.find((e) => e.asset === 'TRX')).to.include({ entity: 'Binance', share: 0.75 });
    expect(r.limitations.join(' ')).to.match(/TRX moved by contracts/);
  };

  it('refuses a bad tron address with a clear 422, and a 0x transaction id', async () => {
    const bad = await call('POST', '/v1/cases', keys.analyst!, { title: 'x', chain: 'tron', seeds: [{ address: `${scenario.wallets.s.slice(0, -1)}x` }] });
    expect(bad.status).to.equal(422);
    const hex = await call('POST', '/v1/cases', keys.analyst!, { title: 'x', chain: 'tron', seeds: [{ txHash: `0x${scenario.seeds[0]}` }] });
    expect(hex.status).to.equal(422);
  });

  it('traces through the API; drafts a Tether freeze for the USDT holding and confirms it by the blacklist read', async () => {
    expect((await call('POST', '/v1/labels', keys.analyst!, scenario.labelsCsv, 'text/csv')).status).to.equal(200);
    for (const body of [
      { name: 'Binance', kind: 'exchange', entities: ['Binance'], contactEmail: 'le@binance.example' },
      { name: 'Tether', kind: 'issuer', entities: ['Tether'], contactEmail: 'compliance@tether.example' },
    ]) expect((await call('POST', '/v1/partners', keys.admin!, body)).status).to.equal(201);
    const created = await call('POST', '/v1/cases', keys.analyst!, { title: 'Tron pig-butchering', chain: 'tron', seeds: scenario.seeds.map((txHash) => ({ txHash })) });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.id;
    expect((await call('POST', `/v1/cases/${id}/trace`, keys.analyst!)).status).to.equal(202);
    await app.drain(); // the in-process queue: the same processors the workers run
    const status = await call('GET', `/v1/cases/${id}`, keys.analyst!);
    expect(status.body.status, JSON.stringify(status.body.progress)).to.equal('traced');
    const report = await call('GET', `/v1/cases/${id}/report`, keys.analyst!);
    checkReport(report.body);

    const drafted = await call('POST', `/v1/cases/${id}/freeze-requests`, keys.analyst!, {
      requestingAuthority: 'FIU', legalBasis: 'AML Act art. 12', action: 'freeze', durationDays: 90, urgency: 'immediate',
      contact: { name: 'A. Martin', email: 'a.martin@fiu.example' },
    });
    expect(drafted.status, JSON.stringify(drafted.body)).to.equal(201);
    const tether = drafted.body.find((r: any) => r.targets.some((t: any) => t.asset === TRON_USDT && t.kind === 'holding'));
    expect(tether, JSON.stringify(drafted.body)).to.not.equal(undefined);
    const target = tether.targets.find((t: any) => t.address === scenario.wallets.h);
    expect(target).to.include({ asset: TRON_USDT, amount: SUN(30_000).toString() });
    expect((await call('POST', `/v1/freeze-requests/${tether.id}/approve`, keys.supervisor!)).status).to.equal(200);
    expect((await call('POST', `/v1/freeze-requests/${tether.id}/send`, keys.analyst!)).status).to.equal(200);
    await app.drain();
    const before = await call('POST', `/v1/freeze-requests/${tether.id}/verify-onchain`, keys.analyst!);
    expect(before.body).to.include({ frozen: 0 });
    await scenario.blacklist(scenario.wallets.h);
    const after = await call('POST', `/v1/freeze-requests/${tether.id}/verify-onchain`, keys.analyst!);
    expect(after.body.frozen).to.equal(1);
    expect(after.body.request.targets.find((t: any) => t.address === scenario.wallets.h)).to.include({ frozenAmount: SUN(30_000).toString(), frozenSource: 'onchain' });
    expect(tron.wallet).to.include('/wallet/triggerconstantcontract');
  });

  it('asked the node only what java-tron serves, within its limits', () => {
    expect(tron.refused).to.deep.equal([]);
    expect(tron.calls.some((c) => c.method === 'eth_getLogs')).to.equal(true);
    expect(tron.wallet).to.include('/wallet/getnowblock');
  });

  it('the test node holds to java-tron: no trace_*, eth_getLogs within 5,000 blocks, eth_getBalance only at latest', async () => {
    const rpc = async (method: string, params: unknown[]) => (await (await fetch(`${tron.url}/jsonrpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })).json()) as { error?: { message: string } };
    expect((await rpc('trace_filter', [{}])).error?.message).to.match(/does not exist/);
    expect((await rpc('eth_getTransactionCount', [scenario.wallets.s, 'latest'])).error?.message).to.match(/does not exist/);
    expect((await rpc('eth_getLogs', [{ fromBlock: '0x0', toBlock: '0x1388' }])).error?.message).to.match(/max block range: 5000/);
    expect((await rpc('eth_getBalance', ['0x' + '11'.repeat(20), '0x1'])).error?.message).to.match(/only|not supported/);
    tron.refused.length = 0;
  });

  it('past balances come from the balance now and the transfers since', async () => {
    const source = app.deps.chains.get('tron');
    const seedBlock = (await source.transaction(scenario.seeds[0]!)).blockNumber;
    const { s, h } = scenario.wallets;
    const queries = [{ address: s, asset: 'TRX' }, { address: s, asset: TRON_USDT }, { address: h, asset: TRON_USDT }];
    expect(await source.balances(queries, seedBlock - 1)).to.deep.equal([0n, 0n, 0n]);
    expect(await source.balances(queries, seedBlock)).to.deep.equal([0n, SUN(50_000), 0n]);
    const tip = (await source.tip()).number;
    expect(await source.balances(queries, tip)).to.deep.equal([SUN(5_000), 0n, SUN(30_000)]);
  });

  it('traces through the command line, base58 in and out', async () => {
    const env = { TRACEHOLD_DATA_DIR: path.join(tmp, 'pgdata') };
    const run = await runTracehold(['trace', '--chain', 'tron', '--rpc', tron.url, ...scenario.seeds.flatMap((s) => ['--seed', s]), '--labels', path.join(tmp, 'labels.csv'), '--json'], env);
    expect(run.code, run.stderr).to.equal(0);
    checkReport(JSON.parse(run.stdout));
    const bad = await runTracehold(['trace', '--chain', 'tron', '--rpc', tron.url, '--seed', 'TNotAnAddress', '--json'], env);
    const bySeedAddress = `${bad.code} ${bad.stderr}`;
    expect(bySeedAddress).to.match(/^2 .*tron address/);
  });
});
