// The bench's quiet-night figure for one large case (scripts/bench/takeover-cost.ts) on a
// throwaway database, small: three nights each way, the store's writing no row of the case.
import { expect } from 'chai';
import { takeoverCost } from '../../scripts/bench/takeover-cost';
import { createTestDb, type TestDb } from '../support/db';

describe('bench: quiet nights of one large case', function () {
  this.timeout(120_000);
  let t: TestDb;
  before(async () => {
    t = await createTestDb({ poolSize: 2 });
  });
  after(async () => t?.drop());

  it('times three nights each way; the store copies nothing, the way before copies every row and the report', async () => {
    const figures = await takeoverCost(t.db, 300);
    expect(figures.addresses).to.equal(300);
    expect(figures.named).to.have.length(3);
    expect(figures.copied).to.have.length(3);
    expect(figures.namedRows).to.equal(0);
    expect(figures.reportBytes).to.be.above(300 * 100);
    // The way before wrote 300 addresses, nodes and flows and a report per night.
    const { rows } = await t.db.query<{ n: number }>("select count(*)::int as n from trace_runs where result_run_id is null and status = 'done'");
    expect(rows[0]!.n, 'the computing run and three copies').to.equal(4);
    const copies = await t.db.query<{ n: number }>('select count(*)::int as n from case_nodes');
    expect(copies.rows[0]!.n).to.equal(4 * 300);
    // The store's way: a run per night that names the computing run's result, no rows of its own.
    const named = await t.db.query<{ n: number }>("select count(*)::int as n from trace_runs where result_run_id is not null and status = 'done'");
    expect(named.rows[0]!.n, 'three nights taken over').to.equal(3);
  });
});
