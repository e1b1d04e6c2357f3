// Look-ups by key stay probes of the primary key however much the shared cache holds: a read
// of a hop's keys (10,000 per statement) must not become a read of every case's rows. The
// tables are filled past the keys asked for and analysed, as the store's writes leave them
// (table-stats.ts); the plans are Postgres's own (EXPLAIN with the statement's parameters).
// And a whole hop's histories read both ways come without a pass over every row to drop repeats.
import { expect } from 'chai';
import type { Db, Store } from '../../services/store';
import { ACCOUNT_FACTS, GET_BALANCES } from '../../services/store/chain-state-repo';
import { ADD_PENDING_FEES } from '../../services/store/pending-fees-repo';
import { MARK_CHUNK, MERGE_RANGE, SCANNED_RANGES } from '../../services/store/scanned-ranges-repo';
import { historyRead, PROBES_UNDER, STORED_KEYS, transfersOfSql } from '../../services/store/transfers-repo';
import { nameAddresses } from '../../services/store/values';
import type { Transfer } from '../../services/domain/types';
import { DRIVERS, useTestStore } from '../support/db';

const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const address = (i: number) => '0x' + i.toString(16).padStart(40, '0');
const txHash = (i: number) => '0x' + (i * 2_654_435_761 % 2 ** 32).toString(16).padStart(64, 'f');
const transfer = (i: number): Transfer => ({
  chain: 'ethereum', txHash: txHash(i), ref: `log:${i % 3}`, blockNumber: 100 + Math.floor(i / 200), blockHash: '0x' + 'ab'.repeat(32), timestamp: 1_700_000_000 + i,
  txIndex: i % 200, seq: i % 3, kind: 'token', asset: USDT, from: address(i), to: address(i + 1), amount: BigInt(i + 1),
});
/** Rows in each table, and keys asked for per statement (a hop's reads are up to 10,000). */
const STORED = 40_000;
const ASKED = 5_000;

/** Every node of the plan of `sql` with `params`, as Postgres would run it. */
async function planNodes(db: Db, sql: string, params: unknown[]): Promise<PlanNode[]> {
  const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${sql}`, params);
  const raw = rows[0]!['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
  const out: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    out.push(node);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan[0]!.Plan);
  return out;
}
interface PlanNode { 'Node Type': string; 'Relation Name'?: string; Plans?: PlanNode[] }

/** How the plan reads `table` (its scans; the insert or delete into it aside). */
const scansOf = (nodes: PlanNode[], table: string) => nodes.filter((n) => n['Relation Name'] === table && n['Node Type'].endsWith('Scan')).map((n) => n['Node Type']);
/** Whether `table` is read beneath the node: a pass over its rows, not over the keys asked. */
const reads = (node: PlanNode, table: string): boolean => node['Relation Name'] === table || (node.Plans ?? []).some((child) => reads(child, table));

DRIVERS.forEach((driver) => {
  describe(`store: look-ups by key probe the index (${driver})`, function () {
    this.timeout(120_000);
    let store: Store;
    useTestStore(driver, (s) => (store = s));

    it(`balances: ${ASKED.toLocaleString('en')} keys against ${(2 * STORED).toLocaleString('en')} cached balances, an index probe each, the same answer`, async () => {
      for (const blockNumber of [100, 200]) {
        await store.chainData.putBalances('ethereum', Array.from({ length: STORED }, (_, i) => ({ address: address(i), asset: USDT, blockNumber, amount: BigInt(i) })));
      }
      await store.db.exec('analyze balances');
      const keys = Array.from({ length: ASKED }, (_, i) => ({ address: address(i * 7), asset: USDT, blockNumber: 200 }));
      const nodes = await planNodes(store.db, GET_BALANCES, ['ethereum', keys.map((k) => k.address), keys.map((k) => k.asset), keys.map((k) => k.blockNumber)]);
      expect(scansOf(nodes, 'balances')).to.deep.equal(['Index Scan']);
      // A key not cached is absent; the others are found.
      const found = await store.chainData.getBalances('ethereum', [...keys, { address: address(STORED + 1), asset: USDT, blockNumber: 200 }]);
      expect(found.size).to.equal(ASKED);
      expect(found.get({ address: address(7), asset: USDT, blockNumber: 200 })).to.equal(7n);
    });

    it(`stored transfers: ${ASKED.toLocaleString('en')} keys against ${STORED.toLocaleString('en')} stored, an index probe each, the same answer`, async () => {
      const stored = Array.from({ length: STORED }, (_, i) => transfer(i));
      expect(await store.chainData.insertTransfers(stored)).to.equal(STORED);
      await store.db.exec('analyze transfers');
      // Every other key stored: a read slice holds what the case read already and what is new.
      const asked = Array.from({ length: ASKED }, (_, i) => (i % 2 === 0 ? stored[i * 7]! : transfer(STORED + i)));
      const columns = [asked.map((t) => t.chain), asked.map((t) => t.txHash), asked.map((t) => t.ref)];
      for (const plain of [true, false]) {
        const nodes = await planNodes(store.db, STORED_KEYS(plain), plain ? columns.map((c) => c.join(',')) : columns);
        expect(scansOf(nodes, 'transfers').join(', '), plain ? 'keys as text' : 'keys as arrays').to.match(/^Index (Only )?Scan$/);
      }
      // The new ones are written, the stored ones left as they are.
      expect(await store.chainData.insertTransfers(asked)).to.equal(ASKED / 2);
      expect(Number((await store.db.query<{ n: string }>('select count(*) as n from transfers')).rows[0]!.n)).to.equal(STORED + ASKED / 2);
    });

    it(`pending fees: ${ASKED.toLocaleString('en')} fees against ${(2 * STORED).toLocaleString('en')} stored transfers, an index probe each, those stored left out`, async () => {
      // Transfers and the fees of their transactions.
      const stored = Array.from({ length: STORED }, (_, i) => transfer(i));
      await store.chainData.insertTransfers([...stored, ...stored.map((t) => ({ ...t, ref: 'fee', seq: -1, kind: 'fee' as const, asset: 'ETH', to: null }))]);
      await store.db.exec('analyze transfers');
      // Every other one's fee is stored.
      const fees = Array.from({ length: ASKED }, (_, i) => (i % 2 === 0 ? stored[i * 7]! : transfer(STORED + i))).map((t) => ({ txHash: t.txHash, blockNumber: t.blockNumber, txIndex: t.txIndex, sender: t.from }));
      const params = ['ethereum', fees.map((f) => f.txHash), fees.map((f) => f.blockNumber), fees.map((f) => f.txIndex), fees.map((f) => f.sender)];
      const nodes = await planNodes(store.db, ADD_PENDING_FEES, params);
      expect(scansOf(nodes, 'transfers').join(', ')).to.match(/^Index (Only )?Scan$/);
      await store.chainData.addPendingFees('ethereum', fees);
      const pending = await store.chainData.pendingFeesOf('ethereum', fees.map((f) => ({ address: f.sender, fromBlock: 0 })), 10 ** 9);
      expect(pending.map((p) => p.txHash).sort()).to.deep.equal(fees.filter((_, i) => i % 2 === 1).map((f) => f.txHash).sort());
    });

    it('histories both ways: each transfer read once, without a pass over every row read to drop repeats', async () => {
      const stored = Array.from({ length: STORED }, (_, i) => transfer(i));
      await store.chainData.insertTransfers(stored);
      await store.db.exec('analyze transfers');
      // Wallets that pay each other: address(i) pays address(i + 1).
      const wallets = Array.from({ length: ASKED }, (_, i) => address(i));
      const nodes = await planNodes(store.db, transfersOfSql('both'), ['ethereum', wallets, 0, 10 ** 9, [USDT]]);
      expect(nodes.filter((n) => ['Unique', 'Aggregate', 'SetOp'].includes(n['Node Type']) && reads(n, 'transfers')).map((n) => n['Node Type'])).to.deep.equal([]);
      const read = await store.chainData.transfersOf('ethereum', wallets, { fromBlock: 0, toBlock: 10 ** 9, assets: [USDT] }, 'both');
      // The token (the tests share the database: others stored fees): each sent by one of
      // them, all but the last to another of them, each once.
      expect(read.length).to.equal(ASKED);
      expect(new Set(read.map((t) => t.txHash)).size).to.equal(ASKED);
    });

    it(`histories of ${ASKED.toLocaleString('en')} wallets against ${STORED.toLocaleString('en')} stored transfers: an index probe per wallet, each way`, async () => {
      const stored = Array.from({ length: STORED }, (_, i) => transfer(i));
      await store.chainData.insertTransfers(stored);
      await store.db.exec('analyze transfers');
      // Every seventh sender: a hop's wallets among other cases' (here: each other's) transfers.
      const wallets = Array.from({ length: ASKED }, (_, i) => address(i * 7));
      for (const [direction, readSenders] of [['out', false], ['in', false], ['both', false], ['both', true]] as const) {
        // The senders read: a temporary table of them, as eachTransferOf makes (one connection).
        const nodes = await store.db.transaction(async (tx) => {
          if (readSenders) await tx.query('create temp table transfers_read (address text primary key) on commit drop');
          return planNodes(tx, transfersOfSql(direction, readSenders), ['ethereum', wallets, 0, 10 ** 9, [USDT]]);
        });
        const scans = scansOf(nodes, 'transfers');
        const label = `${direction}${readSenders ? ' (senders read)' : ''}`;
        expect(scans, label).to.not.be.empty;
        expect(scans.filter((scan) => scan !== 'Index Scan'), label).to.deep.equal([]);
      }
      // Read through the table instead (addresses a large share of its rows), the same rows in the same order.
      for (const direction of ['out', 'in', 'both'] as const) {
        const params = ['ethereum', wallets, 0, 10 ** 9, [USDT]];
        const keys = async (how: 'probes' | 'scan') => (await store.db.query<{ tx_hash: string; ref: string }>(transfersOfSql(direction, false, how), params)).rows.map((r) => `${r.tx_hash}:${r.ref}`);
        expect(await keys('scan'), direction).to.deep.equal(await keys('probes'));
      }
      // Named in a table of the transaction's own (eachTransferOf's way past 10,000 addresses on a
      // server): still a probe per wallet, and the same rows in the same order, either way of reading.
      for (const direction of ['out', 'in', 'both'] as const) {
        const key = (r: { tx_hash: string; ref: string }) => `${r.tx_hash}:${r.ref}`;
        const listed = (await store.db.query<{ tx_hash: string; ref: string }>(transfersOfSql(direction, false, 'probes'), ['ethereum', wallets, 0, 10 ** 9, [USDT]])).rows.map(key);
        expect(listed, direction).to.not.be.empty;
        await store.db.transaction(async (tx) => {
          await nameAddresses(tx, 'transfers_read', [wallets]);
          const nodes = await planNodes(tx, transfersOfSql(direction, false, 'probes', true), ['ethereum', 0, 10 ** 9, [USDT]]);
          expect(scansOf(nodes, 'transfers').filter((scan) => scan !== 'Index Scan'), direction).to.deep.equal([]);
          for (const how of ['probes', 'scan'] as const) {
            const rows = (await tx.query<{ tx_hash: string; ref: string }>(transfersOfSql(direction, false, how, true), ['ethereum', 0, 10 ** 9, [USDT]])).rows.map(key);
            expect(rows, `${direction}, named, ${how}`).to.deep.equal(listed);
          }
        });
      }
      // Probes while the addresses are few against the table's rows, else through the table.
      expect(await historyRead(store.db, Math.floor(STORED / PROBES_UNDER) - 1)).to.equal('probes');
      expect(await historyRead(store.db, 10 * STORED / PROBES_UNDER)).to.equal('scan');
      // What each way reads: wallet 7i sent to 7i + 1 and received from 7i - 1 (wallet 0 from none).
      const filter = { fromBlock: 0, toBlock: 10 ** 9, assets: [USDT] };
      const out = await store.chainData.transfersOf('ethereum', [...wallets, wallets[1]!], filter, 'out');
      expect(out.map((t) => t.from)).to.deep.equal(wallets);
      const into = await store.chainData.transfersOf('ethereum', wallets, filter, 'in');
      expect(into.map((t) => t.to)).to.deep.equal(wallets.slice(1));
      expect((await store.chainData.transfersOf('ethereum', wallets, filter, 'both')).length).to.equal(2 * ASKED - 1);
    });

    it(`scanned ranges: ${ASKED.toLocaleString('en')} addresses against ${STORED.toLocaleString('en')} stored, an index probe each, the same answer`, async () => {
      await store.chainData.markScanned('ethereum', Array.from({ length: STORED }, (_, i) => address(i)), { fromBlock: 100, toBlock: 200 });
      await store.db.exec('analyze scanned_ranges');
      const asked = Array.from({ length: ASKED }, (_, i) => address(i * 7));
      const nodes = await planNodes(store.db, SCANNED_RANGES, ['ethereum', asked]);
      expect(scansOf(nodes, 'scanned_ranges')).to.deep.equal(['Index Scan']);
      // Asked twice, an address's ranges come once; one never scanned has none.
      const missing = await store.chainData.missingRanges('ethereum', [address(7), address(7), address(STORED + 1)], { fromBlock: 50, toBlock: 250 });
      expect(Object.fromEntries(missing)).to.deep.equal({
        [address(7)]: [{ fromBlock: 50, toBlock: 99 }, { fromBlock: 201, toBlock: 250 }],
        [address(STORED + 1)]: [{ fromBlock: 50, toBlock: 250 }],
      });
    });

    it(`a scanned range merged: ${MARK_CHUNK.toLocaleString('en')} addresses of an asset set the statistics call rare, against ${STORED.toLocaleString('en')} stored ranges, an index probe each`, async () => {
      // Other cases' ranges, every asset; then a case's of the token alone, a chunk at a time.
      await store.chainData.markScanned('ethereum', Array.from({ length: STORED }, (_, i) => address(i)), { fromBlock: 100, toBlock: 200 });
      await store.db.exec('analyze scanned_ranges');
      const wallets = Array.from({ length: ASKED }, (_, i) => address(STORED + i));
      await store.chainData.markScanned('ethereum', wallets, { fromBlock: 100, toBlock: 200 }, [USDT]);
      const chunk = wallets.slice(0, MARK_CHUNK);
      const nodes = await store.db.transaction((tx) => planNodes(tx, MERGE_RANGE, ['ethereum', chunk, 201, 300, USDT]));
      expect(scansOf(nodes, 'scanned_ranges').sort()).to.deep.equal(['Index Scan', 'Tid Scan']);
      // The next range touches the stored one: merged into one range, of the token only.
      await store.chainData.markScanned('ethereum', chunk, { fromBlock: 201, toBlock: 300 }, [USDT]);
      const missing = await store.chainData.missingRanges('ethereum', [chunk[0]!, wallets[MARK_CHUNK]!], { fromBlock: 100, toBlock: 300 }, [USDT]);
      expect(Object.fromEntries(missing)).to.deep.equal({ [chunk[0]!]: [], [wallets[MARK_CHUNK]!]: [{ fromBlock: 201, toBlock: 300 }] });
      const rows = await store.db.query<{ n: string }>(`select count(*) as n from scanned_ranges where address = $1`, [chunk[0]]);
      expect(Number(rows.rows[0]!.n)).to.equal(1);
    });

    it(`account facts: ${ASKED.toLocaleString('en')} windows against ${STORED.toLocaleString('en')} stored facts, an index probe each, the same answer`, async () => {
      await store.chainData.recordAccountFacts('ethereum', Array.from({ length: STORED }, (_, i) => ({ address: address(i), fromBlock: 100, toBlock: 200, sentTxs: i, codeSize: 0, delegated: false })));
      await store.db.exec('analyze account_facts');
      const windows = Array.from({ length: ASKED }, (_, i) => ({ address: address(i * 7), fromBlock: 100 }));
      const nodes = await planNodes(store.db, ACCOUNT_FACTS, ['ethereum', windows.map((w) => w.address), windows.map((w) => w.fromBlock), 200]);
      expect(scansOf(nodes, 'account_facts')).to.deep.equal(['Index Scan']);
      // An unknown wallet, a window of another first block, or one ending elsewhere, has none.
      const facts = await store.chainData.accountFacts('ethereum', [...windows.slice(0, 2), { address: address(STORED + 1), fromBlock: 100 }, { address: address(1), fromBlock: 99 }], 200);
      expect(facts.map((f) => [f.address, f.sentTxs])).to.deep.equal([[address(0), 0], [address(7), 7]]);
      expect(await store.chainData.accountFacts('ethereum', windows.slice(0, 2), 300)).to.deep.equal([]);
    });
  });
});
