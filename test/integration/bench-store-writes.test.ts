// The bench's store-writes comparison (scripts/bench/store-writes.ts) on a throwaway database:
// both ways write every row, each way's rounds are counted (and the store's into a table holding
// half the rows already), and it leaves the store empty.
import { expect } from 'chai';
import { storeWrites, syntheticTransfers } from '../../scripts/bench/store-writes';
import { createTestDb, type TestDb } from '../support/db';

describe('bench: store writes side by side with COPY', function () {
  this.timeout(120_000);
  let t: TestDb;
  before(async () => {
    t = await createTestDb({ poolSize: 2 });
  });
  after(async () => t?.drop());

  it('times three rounds of each way on the same rows and reports medians', async () => {
    const figures = await storeWrites(t.db, 2_000);
    expect(figures.rows).to.equal(2_000);
    expect(figures.rounds.copyMs).to.have.length(3);
    expect(figures.rounds.storeMs).to.have.length(3);
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[1]!;
    expect(figures.copy).to.be.closeTo(2_000 / (median(figures.rounds.copyMs) / 1000), 1e-6);
    expect(figures.store).to.be.closeTo(2_000 / (median(figures.rounds.storeMs) / 1000), 1e-6);
    expect(figures.share).to.be.closeTo(median(figures.rounds.copyMs) / median(figures.rounds.storeMs), 1e-9);
    expect(figures.halfStored.ms).to.have.length(3);
    expect(figures.halfStored.offered).to.be.closeTo(2_000 / (median(figures.halfStored.ms) / 1000), 1e-6);
    expect(figures.halfStored.newRows, 'the half not stored yet').to.equal(1_000);
  });

  it('reads the same wallets\' whole histories from the rows written by COPY and by the store', async () => {
    const figures = await storeWrites(t.db, 2_000);
    const rows = syntheticTransfers(2_000);
    const wallets = new Set([...new Set(rows.map((r) => r.from))].slice(0, 200));
    expect(figures.historyReads.wallets).to.equal(200);
    expect(figures.historyReads.transfers).to.equal(rows.filter((r) => wallets.has(r.from) || wallets.has(r.to!)).length);
    expect(figures.historyReads.unanalysedMs).to.be.greaterThan(0);
    expect(figures.historyReads.storeMs).to.be.greaterThan(0);
  });

  it('leaves no rows and none of its tables behind', async () => {
    const { rows } = await t.db.query<{ n: string }>('select count(*) as n from transfers');
    expect(Number(rows[0]!.n)).to.equal(0);
    const tables = await t.db.query<{ relname: string }>("select relname from pg_class where relname like 'bench_%'");
    expect(tables.rows).to.deep.equal([]);
  });
});
