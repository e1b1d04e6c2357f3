// A case fetches only what it traces: asked for USDT, it reads USDT logs and no native ETH
// (no receipts for fees, no block scans); a later case on the same database that traces
// every asset fetches the rest, and finds exactly what it finds on an empty database.
import { expect } from 'chai';
import { createAppContext, type AppContext } from '../../services/app';
import type { TraceReport } from '../../services/domain/report';
import { silentLogger } from '../../services/log';
import { caseReport, createCase, startTrace } from '../../services/tracing/cases';
import { createTestDb, type TestDb } from '../support/db';
import { pigButcheringWorld, stableReport, type PigButcheringWorld } from '../support/tracing';

describe('e2e: a case fetches only the assets it traces', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let second: { testDb: TestDb; app: AppContext } | undefined;

  const trace = async (app: AppContext, assets?: string[]) => {
    const kase = await createCase(app.deps, { title: 'scope case', chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })), ...(assets ? { assets } : {}) }, 'analyst');
    const source = app.deps.chains.get('local') as unknown as { stats(): { byMethod: Record<string, number> } };
    const before = { ...source.stats().byMethod };
    await startTrace(app.deps, kase.id);
    await app.drain();
    const after = source.stats().byMethod;
    const calls = Object.fromEntries(Object.keys(after).map((m) => [m, (after[m] ?? 0) - (before[m] ?? 0)]).filter(([, n]) => (n as number) > 0));
    return { report: await caseReport(app.deps, kase.id), calls: calls as Record<string, number> };
  };

  before(async () => {
    world = await pigButcheringWorld();
  });
  after(async () => {
    await second?.app.close();
    await second?.testDb.drop();
    await world?.close();
  });

  it('USDT only: no receipts beyond the seed transactions, no ETH anywhere; then every asset finds what an empty database finds', async () => {
    // On the world's database: every asset, from empty.
    const everything = await trace(world.app);
    expect(everything.report.assets).to.include('ETH');
    expect(everything.calls.eth_getTransactionReceipt ?? 0, 'fees of ETH need receipts on this node').to.be.above(world.scenario.seedTxs.length);

    // A second database on the same node: USDT first, then every asset.
    const testDb = await createTestDb();
    const app = await createAppContext({ config: world.config, log: silentLogger, queue: 'inline', db: testDb.db });
    second = { testDb, app };
    await app.deps.store.labels.upsert(world.scenario.labels);
    const usdt = await trace(app, [world.scenario.token]);
    expect(usdt.report.assets).to.deep.equal([world.scenario.token]);
    expect(usdt.report.endpoints.length).to.be.above(0);
    // The seed transactions are read with their receipts (2 per seed at most); nothing else.
    expect(usdt.calls.eth_getTransactionReceipt ?? 0).to.be.at.most(world.scenario.seedTxs.length);
    const ranges = (await testDb.db.query<{ assets: string }>('select distinct assets from scanned_ranges')).rows.map((r) => r.assets);
    expect(ranges).to.deep.equal([world.scenario.token]);

    const all = await trace(app);
    expect(all.calls.eth_getTransactionReceipt ?? 0, 'the ETH the USDT case did not fetch').to.be.above(0);
    const answer = (r: TraceReport) => {
      const { toBlockHash: _h, ...rest } = stableReport(r) as TraceReport;
      return rest;
    };
    expect(all.report.toBlock).to.equal(everything.report.toBlock);
    expect(answer(all.report)).to.deep.equal(answer(everything.report));
  });
});
