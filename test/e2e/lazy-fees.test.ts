// Fees read only where they can matter (migrations/070_pending_fees.sql): a trace that reads
// histories with their fees pending gives the report a trace reading every fee gives, while
// reading the receipts of far fewer blocks. On anvil, on a small bench case (scripts/bench):
// USDT through three layers of wallets, some ETH along, deposit addresses, exchanges and an
// unlabelled busy hot wallet whose payout blocks are the heaviest receipts of the chain.
import { expect } from 'chai';
import { loadConfig } from '../../config';
import { createAppContext, type AppContext } from '../../services/app';
import { silentLogger } from '../../services/log';
import type { TraceReport } from '../../services/domain/report';
import { buildBenchCase, type BenchCase } from '../../scripts/bench/build-case';
import { startAnvil, type AnvilNode } from '../support/anvil';
import { createTestDb, type TestDb } from '../support/db';
import { startCountingProxy, type CountingProxy } from '../../scripts/bench/counting-proxy';
import { traceInline } from '../support/tracing';

describe('e2e: fees read only where the native coin may carry taint', function () {
  this.timeout(600_000);
  let node: AnvilNode;
  let kase: BenchCase;
  const worlds: Array<{ app: AppContext; db: TestDb; proxy: CountingProxy }> = [];

  /** A world of its own (database, proxy to the node); `eager`: its source reads every fee with the history. */
  const open = async (eager: boolean) => {
    const db = await createTestDb();
    const proxy = await startCountingProxy(node.url, { latencyMs: 0 });
    const config = loadConfig({ LOCAL_RPC_URL: proxy.url, TRACEHOLD_LOG_LEVEL: 'silent' });
    const app = await createAppContext({ config, log: silentLogger, queue: 'inline', db: db.db });
    await app.deps.store.labels.upsert(kase.labels);
    // Without `histories` the shared chain data reads through `transfers`, fees and all.
    if (eager) delete (app.deps.chains.get('local') as { histories?: unknown }).histories;
    const world = { app, db, proxy };
    worlds.push(world);
    return world;
  };

  before(async () => {
    node = await startAnvil({ accounts: 20 });
    kase = await buildBenchCase(node, { transfers: 1_000, txsPerBlock: 20, busyTransfers: 1_000 });
  });
  after(async () => {
    for (const w of worlds) {
      await w.app.close();
      await w.db.drop();
      await w.proxy.close();
    }
    await node?.close();
  });

  for (const model of ['poison', 'haircut', 'fifo']) {
    it(`${model}: the same report as reading every fee, with fewer receipts read`, async () => {
      const lazy = await open(false);
      const eager = await open(true);
      const trace = (w: typeof lazy) => traceInline(w.app, { chain: 'local', seeds: kase.seedTxs.map((txHash) => ({ txHash })), model });
      const [a, b] = [await trace(lazy), await trace(eager)];
      // Every amount, endpoint, holding and hop figure is the same. What may differ: the
      // transfers examined (fees not read) and the balance gaps they made in wallets whose
      // ETH opening is not read because it can carry no taint.
      const money = (r: TraceReport) => ({ ...r, stats: undefined, accounting: r.accounting.map(({ balanceGaps: _gaps, ...rest }) => rest) });
      expect(money(a)).to.deep.equal(money(b));
      expect(a.endpoints.some((e) => e.asset === 'ETH')).to.equal(true);
      expect(a.stats.transfers).to.be.below(b.stats.transfers);
      const receipts = (w: typeof lazy) => w.proxy.counts().byMethod.eth_getBlockReceipts ?? 0;
      expect(receipts(lazy)).to.be.greaterThan(0);
      expect(receipts(lazy)).to.be.below(receipts(eager));

      // Fees still pending are of wallets whose ETH carries no taint in the report.
      const pending = await lazy.app.db.query<{ sender: string }>('select distinct sender from pending_fees');
      expect(pending.rows.length).to.be.greaterThan(0);
      const ethTainted = new Set([...a.holdings, ...a.endpoints].filter((x) => x.asset === 'ETH').map((x) => x.address.toLowerCase()));
      for (const { sender } of pending.rows) expect(ethTainted.has(sender), sender).to.equal(false);
    });
  }
});
