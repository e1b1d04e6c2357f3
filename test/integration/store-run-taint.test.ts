// A run's taint between hop steps (services/store/run-taint-repo.ts): a step replaces what
// the wallets it recomputed sent, all or nothing, and marks them computed with their window;
// a resumed re-trace carries over only what still holds.
import { expect } from 'chai';
import type { Store } from '../../services/store';
import type { RunTaintRow } from '../../services/store/run-taint-repo';
import { DRIVERS, useTestStore } from '../support/db';

const [S, A, B, C, X] = ['5', 'a', 'b', 'c', 'e'].map((c) => '0x' + c.repeat(40)) as [string, string, string, string, string];
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const row = (n: number, from: string, to: string, tainted: bigint, hop: number): RunTaintRow => ({
  txHash: `0x${n.toString(16).padStart(64, '0')}`, ref: 'log:0', from, to, asset: USDT, blockNumber: 100 + n, tainted, hop,
});

DRIVERS.forEach((driver) => {
  describe(`store: a run's taint between steps (${driver})`, () => {
    let store: Store;
    useTestStore(driver, (s) => (store = s));

    /** The marks as a step reads them: with the crawl state. */
    async function propagated(runId: string): Promise<Map<string, number>> {
      return new Map((await store.runs.addresses(runId)).flatMap((a) => (a.propagatedFrom == null ? [] : [[a.address, a.propagatedFrom] as const])));
    }

    async function newRun(addresses: { address: string; state: 'source' | 'crawled' | 'max-hops'; fromBlock: number }[]) {
      const kase = await store.cases.create({ title: 't', chain: 'ethereum', model: 'fifo', maxHops: 6, seeds: [{ address: S }] });
      const run = await store.runs.create(kase.id);
      await store.runs.upsertAddresses(run.id, addresses.map((a, hop) => ({ ...a, hop })));
      return run.id;
    }

    it('replaces what the recomputed senders sent and marks them; a failed write leaves the last state', async () => {
      const runId = await newRun([{ address: S, state: 'source', fromBlock: 100 }, { address: A, state: 'crawled', fromBlock: 101 }]);
      await store.runTaint.replaceFrom(runId, new Set([S]), new Map([[S, 100]]), [row(1, S, A, 10n, 1)]);
      await store.runTaint.replaceFrom(runId, new Set([A]), new Map([[A, 101]]), [row(2, A, B, 7n, 2), row(3, A, X, 3n, 2)]);
      expect([...(await propagated(runId))].sort()).to.deep.equal([[S, 100], [A, 101]].sort());
      // A again, now sending less: its old rows go, S's stay.
      await store.runTaint.replaceFrom(runId, new Set([A]), new Map([[A, 101]]), [row(2, A, B, 10n, 2)]);
      const into = async (to: string[]) => (await store.runTaint.taintInto(runId, to)).map((r) => [r.from, r.to, r.tainted, r.hop]);
      expect(await into([A, B, X])).to.have.deep.members([[S, A, 10n, 1], [A, B, 10n, 2]]);
      expect((await store.runTaint.recipients(runId)).sort()).to.deep.equal([A, B].sort());
      await store.runTaint.replaceFrom(runId, new Set([C]), new Map(), [row(5, C, B, 4n, 5)]);
      const received = (await store.runTaint.receivedBy(runId, [A, B, X])).map((r) => [r.address, r.asset, r.tainted, r.firstBlock, r.hop]);
      expect(received).to.have.deep.members([[A, USDT, 10n, 101, 1], [B, USDT, 14n, 102, 2]]);
      // Leaving out what some senders sent (a step replacing their rows), many of them at once:
      // more than a statement names (they go in parts), C in the last part, and named twice.
      const others = Array.from({ length: 20_000 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, 'e')}`);
      const without = async (except: string[]) => (await store.runTaint.receivedBy(runId, [A, B, X], except)).map((r) => [r.address, r.tainted, r.firstBlock, r.hop]);
      expect(await without([...others, C])).to.have.deep.members([[A, 10n, 101, 1], [B, 10n, 102, 2]]);
      expect(await without([A, S, A])).to.have.deep.members([[B, 4n, 105, 5]]);
      await store.runTaint.replaceFrom(runId, new Set([C]), new Map(), []);
      // A write that fails (a row twice) changes nothing: rows and marks stay as they were.
      let failed = false;
      await store.runTaint.replaceFrom(runId, new Set([A, B]), new Map([[A, 90], [B, 102]]), [row(4, A, C, 1n, 2), row(4, A, C, 1n, 2)]).catch(() => (failed = true));
      expect(failed).to.equal(true);
      expect(await into([A, B, C])).to.have.deep.members([[S, A, 10n, 1], [A, B, 10n, 2]]);
      expect((await propagated(runId)).get(A)).to.equal(101);
    });

    // A step names its senders and ledgers 10,000 a statement (2,500 on PGlite: rowsPerStatement).
    it('writes a step of more rows and marks than one statement takes', async () => {
      const wallets = Array.from({ length: 12_000 }, (_, i) => '0x' + (i + 1).toString(16).padStart(40, '0'));
      const runId = await newRun(wallets.map((address, i) => ({ address, state: 'crawled' as const, fromBlock: 1_000 + i })));
      const rows = wallets.map((w, i) => row(i, w, i + 1 < wallets.length ? wallets[i + 1]! : X, BigInt(i + 1), 2));
      await store.runTaint.replaceFrom(runId, new Set(wallets), new Map(wallets.map((w, i) => [w, 1_000 + i])), rows);
      const into = await store.runTaint.taintInto(runId, [...wallets.slice(1), X]);
      expect(into).to.have.length(12_000);
      expect(into.reduce((sum, r) => sum + r.tainted, 0n)).to.equal((12_000n * 12_001n) / 2n);
      // What they received, read a page at a time; and without what most of them sent, named in parts.
      const total = (rows: { tainted: bigint }[]) => rows.reduce((sum, r) => sum + r.tainted, 0n);
      const received = await store.runTaint.receivedBy(runId, [...wallets.slice(1), X]);
      expect([received.length, total(received)]).to.deep.equal([12_000, (12_000n * 12_001n) / 2n]);
      const fromTheLast = await store.runTaint.receivedBy(runId, [...wallets.slice(1), X], wallets.slice(0, 11_000));
      expect([fromTheLast.length, total(fromTheLast)]).to.deep.equal([1_000, (12_000n * 12_001n) / 2n - (11_000n * 11_001n) / 2n]);
      const marks = await propagated(runId);
      expect(marks.size).to.equal(12_000);
      expect(marks.get(wallets[11_999]!)).to.equal(12_999);
      // Written again, every sender's old rows go, the last senders' included.
      await store.runTaint.replaceFrom(runId, new Set(wallets), new Map(wallets.map((w, i) => [w, 1_000 + i])), rows.slice(0, 100));
      expect(await store.runTaint.taintInto(runId, [...wallets.slice(1), X])).to.have.length(100);
    });

    it('the same step written twice at once (a lapsed job lock) ends as written once', async () => {
      const runId = await newRun([{ address: S, state: 'source', fromBlock: 100 }]);
      const write = () => store.runTaint.replaceFrom(runId, new Set([S]), new Map([[S, 100]]), [row(1, S, A, 10n, 1), row(2, S, B, 5n, 1)]);
      await Promise.all([write(), write(), write()]);
      expect((await store.runTaint.taintInto(runId, [A, B])).map((r) => r.tainted).sort((a, b) => (a < b ? -1 : 1))).to.deep.equal([5n, 10n]);
    });

    it('a resumed run carries over the wallets without news, but not those that moved or that a wallet decided again paid', async () => {
      const wallets = [
        { address: S, state: 'source' as const, fromBlock: 100 }, { address: A, state: 'crawled' as const, fromBlock: 101 },
        { address: B, state: 'crawled' as const, fromBlock: 102 }, { address: C, state: 'crawled' as const, fromBlock: 103 },
      ];
      const last = await newRun(wallets);
      await store.runTaint.replaceFrom(last, new Set([S, A, B, C]), new Map(wallets.map((w) => [w.address, w.fromBlock])), [
        row(1, S, A, 10n, 1), row(2, A, B, 10n, 2), row(3, B, C, 10n, 3), row(4, C, X, 10n, 4),
      ]);
      // B is decided again (it moved); C moved too but stays followed; A is untouched.
      const next = await newRun(wallets.filter((w) => w.address !== B));
      await store.runTaint.carryOver(next, last, [B, C], [B]);
      expect([...(await propagated(next))].sort()).to.deep.equal([[S, 100], [A, 101]].sort());
      const rows = await store.runTaint.taintInto(next, [A, B, C, X]);
      expect(rows.map((r) => r.from).sort()).to.deep.equal([S, A].sort());
    });
  });
});
