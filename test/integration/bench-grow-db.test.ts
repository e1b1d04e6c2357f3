// The bench's grown database (scripts/bench/grow-db.ts): other cases' chain data and an
// earlier run, in the blocks and of the token given, none of it of the case's wallets.
import { expect } from 'chai';
import { growDatabase } from '../../scripts/bench/grow-db';
import type { Store } from '../../services/store';
import { DRIVERS, useTestStore } from '../support/db';

const TOKEN = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
const blocks = [100, 101, 102].map((number) => ({ number, hash: '0x' + number.toString(16).padStart(64, 'b'), time: 1_700_000_000 + number }));

DRIVERS.forEach((driver) => {
  describe(`bench: a grown database (${driver})`, function () {
    this.timeout(120_000);
    let store: Store;
    useTestStore(driver, (s) => (store = s));

    it('stores other wallets\' transfers in the blocks given, with their hashes, and an earlier run of as many taint rows', async () => {
      const figures = await growDatabase(store.db, { chain: 'local', token: TOKEN, blocks, transfers: 1_000 });
      expect(figures.wallets).to.equal(100);
      expect(figures.tables).to.include({ transfers: 1_000, run_taint: 1_000, case_flows: 1_000, scanned_ranges: 100, balances: 200, run_addresses: 100, case_nodes: 100 });
      const { rows } = await store.db.query<{ block_number: string; block_hash: string; n: string }>(
        `select block_number, block_hash, count(*) as n from transfers where chain = 'local' and asset = $1 group by 1, 2 order by 1`, [TOKEN]);
      expect(rows.map((r) => [Number(r.block_number), r.block_hash])).to.deep.equal(blocks.map((b) => [b.number, b.hash]));
      expect(rows.reduce((n, r) => n + Number(r.n), 0)).to.equal(1_000);
      // A wallet of the pool: about ten transfers each way, stored as read (its range scanned).
      const wallet = (await store.db.query<{ from_address: string }>('select from_address from transfers limit 1')).rows[0]!.from_address;
      expect(wallet).to.match(/^0x[0-9a-f]{40}$/);
      const history = await store.chainData.transfersOf('local', [wallet], { fromBlock: 100, toBlock: 102 }, 'both');
      expect(history.length).to.be.within(10, 30);
      expect(await store.chainData.missingRanges('local', [wallet], { fromBlock: 100, toBlock: 102 })).to.deep.equal(new Map([[wallet, []]]));
      // The earlier case's run is done; it is no case's run in progress.
      const runs = await store.db.query<{ status: string }>('select status from trace_runs');
      expect(runs.rows.map((r) => r.status)).to.deep.equal(['done']);
    });
  });
});
