// Busy wallets judged once: with a counterparty limit of 2, wallets of the pig-butchering
// case that deal with more than two others are services. The verdict is counted in the
// database, recorded with its evidence, and a later case whose window contains it neither
// fetches nor counts that wallet's history again, with the same report.
import { expect } from 'chai';
import { createAppContext, type AppContext } from '../../services/app';
import { playPigButchering, type PigButcheringCase } from '../../services/demo/pig-butchering';
import { startLocalNode, type LocalNode } from '../../services/devchain';
import { silentLogger } from '../../services/log';
import { judgeHistory } from '../../services/tracing/classify';
import { createTestDb, type TestDb } from '../support/db';
import { stableReport, testConfig, traceInline } from '../support/tracing';

describe('e2e: service-like verdicts recorded once, with their evidence', function () {
  this.timeout(300_000);
  let node: LocalNode;
  let scenario: PigButcheringCase;
  let testDb: TestDb;
  let app: AppContext;
  const LIMIT = 2;
  const body = () => ({ chain: 'local', seeds: scenario.seedTxs.map((txHash) => ({ txHash })), model: 'fifo' });
  const scanned = async (addresses: string[]) =>
    (await app.db.query<{ address: string }>('select distinct address from scanned_ranges where chain = $1 and address = any($2::text[])', ['local', addresses])).rows.map((r) => r.address);

  before(async () => {
    node = await startLocalNode();
    scenario = await playPigButchering(node);
    testDb = await createTestDb();
    app = await createAppContext({ config: testConfig(node, { TRACEHOLD_SERVICE_LIKE_COUNTERPARTIES: String(LIMIT) }), log: silentLogger, queue: 'inline', db: testDb.db });
    await app.deps.store.labels.upsert(scenario.labels);
  });
  after(async () => {
    await app?.close();
    await testDb?.drop();
    scenario?.provider.destroy();
    await node?.close();
  });

  it('records each service-like verdict with a window whose history proves it, and reuses it without fetching', async () => {
    const first = await traceInline(app, body());
    const rows = (await app.db.query<{ address: string; counterparties: number; judged_from_block: string; judged_to_block: string; judged_assets: string[] | null }>(
      'select address, counterparties, judged_from_block::text, judged_to_block::text, judged_assets from addresses where chain = $1 and service_like order by address', ['local'],
    )).rows;
    expect(rows.length, 'service-like wallets in the case at a limit of 2').to.be.greaterThan(0);
    for (const row of rows) {
      // Counted over the case's traced assets only (spam tokens make nobody a counterparty).
      expect(row.judged_assets).to.be.an('array').that.includes('ETH');
      expect(row.counterparties).to.be.greaterThan(LIMIT);
      // The same rule over the stored history of that window, counted in memory, agrees.
      const window = { fromBlock: Number(row.judged_from_block), toBlock: Number(row.judged_to_block) };
      const history = await app.deps.store.chainData.transfersOf('local', [row.address], window, 'both');
      const verdict = judgeHistory(row.address, history, () => undefined, { serviceLikeCounterparties: LIMIT, maxDelayBlocks: 1, minForwardShareBps: 10_000 }, new Set(row.judged_assets));
      expect(verdict.state, row.address).to.equal('service-like');
    }
    const busy = rows.map((r) => r.address);

    // Forget what is stored of their histories: a case that judged them again would fetch it.
    await app.db.query('delete from scanned_ranges where chain = $1 and address = any($2::text[])', ['local', busy]);
    const second = await traceInline(app, body());
    expect(stableReport(second)).to.deep.equal(stableReport(first));
    expect(await scanned(busy), 'histories fetched again').to.deep.equal([]);

    // Asked to judge again: the next case fetches and counts, and comes to the same answers.
    expect(await app.deps.store.chainData.forgetServiceLike('local', busy)).to.equal(busy.length);
    const third = await traceInline(app, body());
    expect(stableReport(third)).to.deep.equal(stableReport(first));
    expect((await scanned(busy)).sort()).to.deep.equal([...busy].sort());
    expect((await app.deps.store.chainData.serviceLikeEvidence('local', busy)).map((e) => e.address).sort()).to.deep.equal([...busy].sort());
  });
});
