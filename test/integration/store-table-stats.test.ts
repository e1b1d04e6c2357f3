// Planner statistics kept up with the store's bulk writes (services/store/table-stats.ts): a
// young database's tables are analysed as the store fills them, before autovacuum would (and
// PGlite has none), so lookups by address keep their index plans.
import { expect } from 'chai';
import type { Db, Store } from '../../services/store';
import type { RunTaintRow } from '../../services/store/run-taint-repo';
import { ANALYZE_MIN_ROWS, GROWTH, noteWrites, type AnalyzedTable } from '../../services/store/table-stats';
import type { Transfer } from '../../services/domain/types';
import { DRIVERS, useTestStore } from '../support/db';

const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const address = (i: number) => '0x' + i.toString(16).padStart(40, '0');
const hash = (i: number) => '0x' + i.toString(16).padStart(64, '0');

/** The planner's row count: -1 or 0 until the table is first analysed. */
async function plannerRows(db: Db, table: AnalyzedTable): Promise<number> {
  const { rows } = await db.query<{ n: unknown }>('select reltuples::float8 as n from pg_class where oid = to_regclass($1)', [table]);
  return Number(rows[0]!.n);
}

const transfer = (i: number): Transfer => ({
  chain: 'ethereum', txHash: hash(i), blockNumber: 100 + (i % 50), blockHash: hash(1_000_000 + (i % 50)), timestamp: 1_700_000_000, txIndex: 0,
  ref: 'log:0', seq: 1_000_000, kind: 'token', asset: USDT, from: address(i), to: address(i + 1), amount: BigInt(i + 1),
});

DRIVERS.forEach((driver) => {
  describe(`store: planner statistics after bulk writes (${driver})`, () => {
    let store: Store;
    useTestStore(driver, (s) => (store = s));

    async function newRun() {
      const kase = await store.cases.create({ title: 't', chain: 'ethereum', model: 'fifo', maxHops: 6, seeds: [{ address: address(0) }] });
      return (await store.runs.create(kase.id)).id;
    }

    const n = ANALYZE_MIN_ROWS;
    const writers: Array<[AnalyzedTable, (count: number, offset: number) => Promise<unknown>]> = [
      ['transfers', (count, offset) => store.chainData.insertTransfers(Array.from({ length: count }, (_, i) => transfer(offset + i)))],
      ['scanned_ranges', (count, offset) => store.chainData.markScanned('ethereum', Array.from({ length: count }, (_, i) => address(offset + i)), { fromBlock: 100, toBlock: 200 })],
      ['balances', (count, offset) => store.chainData.putBalances('ethereum', Array.from({ length: count }, (_, i) => ({ address: address(offset + i), asset: USDT, blockNumber: 200, amount: 1n })))],
      ['run_addresses', async (count, offset) => store.runs.upsertAddresses(await newRun(), Array.from({ length: count }, (_, i) => ({ address: address(offset + i), hop: 1, fromBlock: 100, state: 'crawled' as const })))],
      ['run_taint', async (count, offset) => {
        const rows = Array.from({ length: count }, (_, i): RunTaintRow => ({ txHash: hash(offset + i), ref: 'log:0', from: address(0), to: address(offset + i), asset: USDT, blockNumber: 150, tainted: 1n, hop: 1 }));
        await store.runTaint.replaceFrom(await newRun(), new Set([address(0)]), new Map(), rows);
      }],
    ];

    for (const [table, write] of writers) {
      it(`analyses ${table} once a process has written ${ANALYZE_MIN_ROWS} rows to it, not before`, async () => {
        await write(n - 1, 0);
        expect(await plannerRows(store.db, table)).to.be.at.most(0);
        await write(1, n - 1);
        expect(await plannerRows(store.db, table)).to.equal(n);
      });
    }

    it('analyses again when the rows written since reach GROWTH times the rows the table had then', async () => {
      const { db } = store;
      await db.exec('create table stats_probe (i int)');
      const grow = (rows: number) => db.query('insert into stats_probe select generate_series(1, $1::int)', [rows]);
      // noteWrites names its tables by type; the probe stands in for one here.
      const probe = 'stats_probe' as AnalyzedTable;
      await grow(30);
      await noteWrites(db, probe, 30, 20);
      expect(await plannerRows(db, probe)).to.equal(30);
      const due = GROWTH * 30;
      await grow(due - 1);
      await noteWrites(db, probe, due - 1, 20); // written since: one short of GROWTH × 30
      expect(await plannerRows(db, probe)).to.equal(30);
      await grow(1);
      await noteWrites(db, probe, 1, 20);
      expect(await plannerRows(db, probe)).to.equal(30 + due);
    });
  });
});
