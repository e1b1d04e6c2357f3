import { expect } from 'chai';
import fc from 'fast-check';
import type { Transfer } from '../../services/domain/types';
import { createStore, mergeRanges, type Db, type Store } from '../../services/store';
import { DRIVERS, openTestDb, useTestStore } from '../support/db';

const CHAIN = 'ethereum';
const A = '0x' + 'a'.repeat(40);
const B = '0x' + 'b'.repeat(40);
const C = '0x' + 'c'.repeat(40);
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const MAX_UINT256 = 2n ** 256n - 1n;

function transfer(overrides: Partial<Transfer> & { txHash: string }): Transfer {
  return {
    chain: CHAIN,
    blockNumber: 100,
    blockHash: '0x' + 'f'.repeat(64),
    timestamp: 1_700_000_000,
    txIndex: 0,
    ref: 'tx',
    seq: 1,
    kind: 'native',
    asset: 'ETH',
    from: A,
    to: B,
    amount: 1n,
    ...overrides,
  };
}

DRIVERS.forEach((driver) => {
  describe(`store: chain data (${driver})`, () => {
    let store: Store;
    useTestStore(driver, (s) => (store = s));

    describe('transfers', () => {
      const big = [
        transfer({ txHash: '0x01', amount: 2n ** 200n }),
        transfer({ txHash: '0x01', ref: 'fee', seq: 0, kind: 'fee', to: null, amount: 2n ** 200n + 12345n }),
        transfer({ txHash: '0x02', blockNumber: 2 ** 40, txIndex: 7, amount: MAX_UINT256 }),
        transfer({ txHash: '0x03', ref: 'log:4', seq: 1_000_004, kind: 'token', asset: USDT, amount: 0n }),
      ];

      it('round-trips amounts up to 2^256 - 1 exactly, as bigint', async () => {
        expect(await store.chainData.insertTransfers(big)).to.equal(4);
        const back = await store.chainData.transfersOf(CHAIN, [A], { fromBlock: 0, toBlock: 2 ** 41 }, 'out');
        const byId = new Map(back.map((t) => [`${t.txHash}#${t.ref}`, t]));
        for (const t of big) expect(byId.get(`${t.txHash}#${t.ref}`)).to.deep.equal(t);
        expect(typeof back[0]?.amount).to.equal('bigint');
        expect(typeof back[0]?.blockNumber).to.equal('number');
      });

      it('ignores transfers already stored and counts only new ones', async () => {
        expect(await store.chainData.insertTransfers(big)).to.equal(0);
        const more = [...big, transfer({ txHash: '0x04' }), transfer({ txHash: '0x04' })];
        expect(await store.chainData.insertTransfers(more)).to.equal(1);
        expect(await store.chainData.insertTransfers([])).to.equal(0);
      });

      it('knows a stored transfer whose key holds a comma', async () => {
        const odd = [transfer({ txHash: '0x05', ref: 'call:0,1' }), transfer({ txHash: '0x05', ref: 'call:0' })];
        expect(await store.chainData.insertTransfers(odd)).to.equal(2);
        expect(await store.chainData.insertTransfers([...odd, transfer({ txHash: '0x05', ref: 'call:1' })])).to.equal(1);
      });

      it('returns transfers in chain order: block, transaction index, seq', async () => {
        const rows = [
          transfer({ txHash: '0x12', from: C, to: A, blockNumber: 500, txIndex: 2, seq: 1 }),
          transfer({ txHash: '0x11', from: C, to: A, blockNumber: 500, txIndex: 1, ref: 'log:9', seq: 1_000_009 }),
          transfer({ txHash: '0x11', from: C, to: A, blockNumber: 500, txIndex: 1, ref: 'call:0', seq: 2 }),
          transfer({ txHash: '0x10', from: C, to: A, blockNumber: 499, txIndex: 9, seq: 1 }),
        ];
        await store.chainData.insertTransfers(rows);
        const back = await store.chainData.transfersOf(CHAIN, [C], { fromBlock: 400, toBlock: 600 }, 'out');
        expect(back.map((t) => `${t.txHash}#${t.ref}`)).to.deep.equal(['0x10#tx', '0x11#call:0', '0x11#log:9', '0x12#tx']);
      });

      it('filters by direction, block range and asset; a transfer between two asked addresses comes once', async () => {
        await store.chainData.insertTransfers([
          transfer({ txHash: '0x20', from: A, to: C, blockNumber: 1000 }),
          transfer({ txHash: '0x21', from: C, to: A, blockNumber: 1001 }),
          transfer({ txHash: '0x22', from: C, to: A, blockNumber: 1002, ref: 'log:1', kind: 'token', asset: USDT, seq: 1_000_001 }),
          transfer({ txHash: '0x23', from: B, to: C, blockNumber: 1003 }),
        ]);
        const range = { fromBlock: 1000, toBlock: 1003 };
        const ids = (ts: Transfer[]) => ts.map((t) => t.txHash);
        expect(ids(await store.chainData.transfersOf(CHAIN, [A], range, 'out'))).to.deep.equal(['0x20']);
        expect(ids(await store.chainData.transfersOf(CHAIN, [A], range, 'in'))).to.deep.equal(['0x21', '0x22']);
        expect(ids(await store.chainData.transfersOf(CHAIN, [A, C], range, 'both'))).to.deep.equal(['0x20', '0x21', '0x22', '0x23']);
        expect(ids(await store.chainData.transfersOf(CHAIN, [A], { ...range, assets: [USDT] }, 'both'))).to.deep.equal(['0x22']);
        expect(ids(await store.chainData.transfersOf(CHAIN, [A], { fromBlock: 1001, toBlock: 1001 }, 'both'))).to.deep.equal(['0x21']);
        expect(await store.chainData.transfersOf('bsc', [A], range, 'both')).to.deep.equal([]);
        expect(await store.chainData.transfersOf(CHAIN, [], range, 'both')).to.deep.equal([]);
      });

      it('reads the same transfers in the same order page by page, through a cursor', async () => {
        const range = { fromBlock: 0, toBlock: 2 ** 41 };
        for (const direction of ['in', 'out', 'both'] as const) {
          const whole = await store.chainData.transfersOf(CHAIN, [A, B, C], range, direction);
          expect(whole.length).to.be.greaterThan(3);
          for (const pageRows of [1, 2, 1_000]) {
            const paged: Transfer[] = [];
            await store.chainData.eachTransferOf(CHAIN, [A, B, C], range, direction, (t) => paged.push(t), pageRows);
            expect(paged, `${direction}, ${pageRows} a page`).to.deep.equal(whole);
          }
        }
        let visited = 0;
        await store.chainData.eachTransferOf(CHAIN, [], range, 'both', () => visited++);
        await store.chainData.eachTransferOf('bsc', [A], range, 'both', () => visited++);
        expect(visited).to.equal(0);
      });

      // On PGlite more addresses than one statement takes (rowsPerStatement: 2,500) are read a
      // part at a time and sorted in the process; on a server, more than 10,000 are named in a
      // table in parts and read through one cursor.
      it('reads the histories of more addresses than a statement takes in the same order, each transfer once', async () => {
        const wallets = Array.from({ length: 12_000 }, (_, i) => '0x' + (0xe0000 + i).toString(16).padStart(40, '0'));
        const rows: Transfer[] = [];
        for (let i = 0; i < wallets.length; i++) {
          // to the next wallet (a part's last pays the next part's first), and across the parts
          rows.push(transfer({ txHash: `0xe${i}`, from: wallets[i]!, to: wallets[(i + 1) % wallets.length]!, blockNumber: 900_000 + (i % 37), txIndex: i % 5, seq: i }));
          rows.push(transfer({ txHash: `0xf${i}`, from: wallets[i]!, to: wallets[(i * 7919) % wallets.length]!, blockNumber: 900_000 + (i % 11), txIndex: i % 3, ref: 'log:1', kind: 'token', asset: USDT, seq: 1_000_001 }));
        }
        rows.push(transfer({ txHash: '0xeout', from: wallets[4_321]!, to: C, blockNumber: 900_005 }));
        await store.chainData.insertTransfers(rows);
        const asked = [...wallets.slice(6_000), ...wallets.slice(0, 6_000), wallets[10]!]; // one asked twice
        const range = { fromBlock: 900_000, toBlock: 900_036 };
        for (const direction of ['in', 'out', 'both'] as const) {
          const whole = await store.chainData.transfersOf(CHAIN, asked, range, direction);
          const each: Transfer[] = [];
          await store.chainData.eachTransferOf(CHAIN, asked, range, direction, (t) => each.push(t));
          expect(each.length, direction).to.equal(direction === 'in' ? 24_000 : 24_001);
          expect(each, direction).to.deep.equal(whole);
        }
      });

      it('gives the event loop turns within a page of the cursor', async () => {
        const D = '0x' + 'd'.repeat(40);
        await store.chainData.insertTransfers(Array.from({ length: 300 }, (_, i) => transfer({ txHash: '0x9' + i.toString(16).padStart(4, '0'), from: D, blockNumber: 500 + i })));
        let turnAt = -1;
        let visited = 0;
        // One page of all 300 rows, each visit taking ~0.5 ms: a turn comes after ~25 ms of them.
        await store.chainData.eachTransferOf(CHAIN, [D], { fromBlock: 500, toBlock: 799 }, 'out', () => {
          if (visited === 0) setImmediate(() => (turnAt = visited));
          const until = performance.now() + 0.5;
          while (performance.now() < until);
          visited++;
        }, 1_000);
        expect(visited).to.equal(300);
        expect(turnAt, 'visits done when the event loop got its turn').to.be.within(1, 299);
      });

      it('reads every transfer of one transaction', async () => {
        const back = await store.chainData.transfersOfTx(CHAIN, '0x01');
        expect(back.map((t) => t.ref)).to.deep.equal(['fee', 'tx']);
        expect(back[0]?.to).to.equal(null);
      });

      it('inserts more rows than one chunk in one call', async () => {
        const many = Array.from({ length: 25_000 }, (_, i) =>
          transfer({ txHash: `0xbulk${i}`, from: '0xbulk', blockNumber: 10_000 + i, amount: BigInt(i) * 10n ** 30n }),
        );
        expect(await store.chainData.insertTransfers(many)).to.equal(25_000);
        const back = await store.chainData.transfersOf(CHAIN, ['0xbulk'], { fromBlock: 0, toBlock: 10 ** 9 }, 'out');
        expect(back).to.have.length(25_000);
        expect(back[24_999]?.amount).to.equal(24_999n * 10n ** 30n);
      });

      // On PGlite a call is written in statements of a few thousand rows (rowsPerStatement).
      it('a call of several statements counts rows already stored or repeated once, and is all or nothing', async () => {
        const part = (i: number) => transfer({ txHash: `0xpart${i}`, from: '0xpart', blockNumber: 20_000 + i });
        // Stored already: 1,000 within the first 10,000 keys one look-up statement takes, 1,000 past them.
        const before = [...Array.from({ length: 1_000 }, (_, i) => part(2_000 + i)), ...Array.from({ length: 1_000 }, (_, i) => part(10_500 + i))];
        expect(await store.chainData.insertTransfers(before)).to.equal(2_000);
        const batch = [...Array.from({ length: 12_000 }, (_, i) => part(i)), part(100), part(11_999)];
        expect(await store.chainData.insertTransfers(batch)).to.equal(10_000);
        const broken = [...Array.from({ length: 11_000 }, (_, i) => part(20_000 + i)), transfer({ txHash: '0xpartneg', from: '0xpart', amount: -1n })];
        const error = await store.chainData.insertTransfers(broken).then(() => undefined, (e: { code?: string }) => e);
        expect(error?.code).to.equal('23514');
        expect(await store.chainData.transfersOf(CHAIN, ['0xpart'], { fromBlock: 0, toBlock: 10 ** 9 }, 'out')).to.have.length(12_000);
      });

      it('rejects a negative amount (check constraint) and a non-bigint amount', async () => {
        let error: unknown;
        await store.chainData.insertTransfers([transfer({ txHash: '0xneg', amount: -1n })]).catch((e) => (error = e));
        expect((error as { code?: string }).code).to.equal('23514');
        const notBig = transfer({ txHash: '0xnum', amount: 1 as unknown as bigint });
        await store.chainData.insertTransfers([notBig]).then(
          () => expect.fail('accepted a number amount'),
          (e: Error) => expect(e).to.be.instanceOf(TypeError),
        );
      });
    });

    describe('scanned ranges', () => {
      it('marks the wallets of a 100k-transfer case at once (more advisory locks than Postgres\'s lock table holds in one transaction)', async () => {
        const many = Array.from({ length: 20_000 }, (_, i) => '0x' + i.toString(16).padStart(40, '0'));
        await store.chainData.markScanned(CHAIN, many, { fromBlock: 5, toBlock: 9 }, [USDT]);
        const ranges = await store.chainData.scannedRanges(CHAIN, many, [USDT]);
        expect([...ranges.values()].filter((r) => r.length === 1 && r[0]!.fromBlock === 5 && r[0]!.toBlock === 9)).to.have.length(20_000);
      });

      it('merges adjacent and overlapping ranges and reports the gaps', async () => {
        await store.chainData.markScanned(CHAIN, [A, B], { fromBlock: 10, toBlock: 20 });
        await store.chainData.markScanned(CHAIN, [A], { fromBlock: 21, toBlock: 30 });
        await store.chainData.markScanned(CHAIN, [A], { fromBlock: 50, toBlock: 60 });
        await store.chainData.markScanned(CHAIN, [B], { fromBlock: 15, toBlock: 40 });
        const ranges = await store.chainData.scannedRanges(CHAIN, [A, B, C]);
        expect(ranges.get(A)).to.deep.equal([{ fromBlock: 10, toBlock: 30 }, { fromBlock: 50, toBlock: 60 }]);
        expect(ranges.get(B)).to.deep.equal([{ fromBlock: 10, toBlock: 40 }]);
        expect(ranges.get(C)).to.deep.equal([]);

        const missing = await store.chainData.missingRanges(CHAIN, [A, B, C], { fromBlock: 0, toBlock: 70 });
        expect(missing.get(A)).to.deep.equal([
          { fromBlock: 0, toBlock: 9 }, { fromBlock: 31, toBlock: 49 }, { fromBlock: 61, toBlock: 70 },
        ]);
        expect(missing.get(B)).to.deep.equal([{ fromBlock: 0, toBlock: 9 }, { fromBlock: 41, toBlock: 70 }]);
        expect(missing.get(C)).to.deep.equal([{ fromBlock: 0, toBlock: 70 }]);

        await store.chainData.markScanned(CHAIN, [A], { fromBlock: 31, toBlock: 49 });
        expect((await store.chainData.scannedRanges(CHAIN, [A])).get(A)).to.deep.equal([{ fromBlock: 10, toBlock: 60 }]);
      });

      it('keeps a range that starts where an absorbed one started', async () => {
        await store.chainData.markScanned(CHAIN, ['0xsame'], { fromBlock: 10, toBlock: 20 });
        await store.chainData.markScanned(CHAIN, ['0xsame'], { fromBlock: 10, toBlock: 15 });
        await store.chainData.markScanned(CHAIN, ['0xsame', '0xsame'], { fromBlock: 5, toBlock: 12 });
        expect((await store.chainData.scannedRanges(CHAIN, ['0xsame'])).get('0xsame')).to.deep.equal([{ fromBlock: 5, toBlock: 20 }]);
      });

      it('stays merged under concurrent callers on overlapping addresses', async () => {
        const addresses = ['0xc1', '0xc2', '0xc3'];
        let seed = 7;
        const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
        const calls = Array.from({ length: 40 }, () => {
          const fromBlock = rand(500);
          return { addresses: addresses.filter(() => rand(2) === 0), range: { fromBlock, toBlock: fromBlock + rand(40) } };
        });
        await Promise.all(calls.map((c) => store.chainData.markScanned(CHAIN, c.addresses, c.range)));
        const stored = await store.chainData.scannedRanges(CHAIN, addresses);
        for (const address of addresses) {
          const expected = mergeRanges(calls.filter((c) => c.addresses.includes(address)).map((c) => c.range));
          expect(stored.get(address), address).to.deep.equal(expected);
        }
      });
    });

    describe('balances, blocks, addresses', () => {
      it('keeps the last value of a key repeated in a later statement of one write (10,001 balances)', async () => {
        const rows = Array.from({ length: 10_000 }, (_, i) => ({ address: A, asset: USDT, blockNumber: 1_000 + i, amount: BigInt(i) }));
        rows.push({ address: A, asset: USDT, blockNumber: 1_000, amount: 77n });
        await store.chainData.putBalances(CHAIN, rows);
        // Read back over two statements (10,000 keys each on a server), each answer under the
        // key it was asked by: 1,000 and 10,500 are the second statement's.
        const blocks = [...Array.from({ length: 9_999 }, (_, i) => 1_001 + i), 20_000, 1_000, 10_500];
        const got = await store.chainData.getBalances(CHAIN, blocks.map((blockNumber) => ({ address: A, asset: USDT, blockNumber })));
        expect(got.size).to.equal(10_000);
        expect(got.get({ address: A, asset: USDT, blockNumber: 1_000 })).to.equal(77n);
        expect(got.get({ address: A, asset: USDT, blockNumber: 10_999 })).to.equal(9_999n);
        expect(got.has({ address: A, asset: USDT, blockNumber: 20_000 })).to.equal(false);
        expect([...got.rows()].every((r) => r.amount === (r.blockNumber === 1_000 ? 77n : BigInt(r.blockNumber - 1_000)))).to.equal(true);
      });

      it('stores and reads historical balances keyed by address, asset and block', async () => {
        await store.chainData.putBalances(CHAIN, [
          { address: A, asset: 'ETH', blockNumber: 100, amount: MAX_UINT256 },
          { address: A, asset: USDT, blockNumber: 100, amount: 5n },
          { address: A, asset: USDT, blockNumber: 100, amount: 6n },
        ]);
        const got = await store.chainData.getBalances(CHAIN, [
          { address: A, asset: 'ETH', blockNumber: 100 },
          { address: A, asset: USDT, blockNumber: 100 },
          { address: A, asset: 'ETH', blockNumber: 101 },
        ]);
        expect(got.size).to.equal(2);
        expect(got.get({ address: A, asset: 'ETH', blockNumber: 100 })).to.equal(MAX_UINT256);
        expect(got.get({ address: A, asset: USDT, blockNumber: 100 })).to.equal(6n);
        expect(got.has({ address: A, asset: 'ETH', blockNumber: 101 })).to.equal(false);
      });

      it('writes a balance stored already over (a reorg), and refuses a negative one, writing nothing of its chunk', async () => {
        const at = (blockNumber: number) => ({ address: B, asset: USDT, blockNumber });
        await store.chainData.putBalances(CHAIN, [{ ...at(300), amount: 1n }, { ...at(301), amount: 2n }]);
        // One stored, one new: the new one and the new value of the stored one are written.
        expect(await store.chainData.putBalances(CHAIN, [{ ...at(301), amount: 20n }, { ...at(302), amount: 3n }])).to.equal(2);
        const got = await store.chainData.getBalances(CHAIN, [at(300), at(301), at(302)]);
        expect([got.get(at(300)), got.get(at(301)), got.get(at(302))]).to.deep.equal([1n, 20n, 3n]);
        let error: unknown;
        await store.chainData.putBalances(CHAIN, [{ ...at(303), amount: 4n }, { ...at(304), amount: -1n }]).catch((e) => (error = e));
        expect(String(error)).to.match(/check constraint|violates/);
        expect((await store.chainData.getBalances(CHAIN, [at(303), at(304)])).size).to.equal(0);
      });

      it('stores blocks; a reorged hash replaces the old one', async () => {
        await store.chainData.putBlocks(CHAIN, [{ number: 7, hash: '0xold', timestamp: 1 }, { number: 8, hash: '0x8', timestamp: 2 }]);
        await store.chainData.putBlocks(CHAIN, [{ number: 7, hash: '0xnew', timestamp: 1 }]);
        expect(await store.chainData.getBlocks(CHAIN, [7, 8, 9])).to.deep.equal([
          { number: 7, hash: '0xnew', timestamp: 1 },
          { number: 8, hash: '0x8', timestamp: 2 },
        ]);
      });

      it('counts distinct counterparties per window in the database, capped, and keeps service-like evidence until forgotten', async () => {
        const D = '0x' + 'd'.repeat(40), E = '0x' + 'e'.repeat(40), F = '0x' + 'f'.repeat(40);
        const chain = 'counting';
        const t = (n: number, block: number, from: string, to: string | null) =>
          transfer({ chain, txHash: '0x' + n.toString(16).padStart(64, '0'), blockNumber: block, from, to, kind: to ? 'native' : 'fee', ref: to ? 'tx' : 'fee' });
        await store.chainData.insertTransfers([
          t(1, 10, A, B), t(2, 11, C, A), t(3, 12, A, A), t(4, 13, A, null), t(5, 20, D, A), t(6, 21, A, E), t(7, 22, F, A), t(8, 23, A, B),
          // Spam: a zero-value transfer and a fake token's event make nobody a counterparty.
          { ...t(9, 24, A, '0x' + '9'.repeat(40)), amount: 0n },
          { ...t(10, 25, '0x' + '8'.repeat(40), A), kind: 'token', asset: '0x' + '7'.repeat(40), ref: 'log:1' },
        ]);
        const counts = await store.chainData.counterpartyCounts(chain, [{ address: A, fromBlock: 0 }, { address: B, fromBlock: 0 }, { address: C, fromBlock: 12 }], 100, 10, ['ETH']);
        // A: B, C, D, E, F (itself, the fee sink and the spam are nobody); B: A; C: nothing from block 12 on.
        expect(Object.fromEntries(counts)).to.deep.equal({ [A]: 5, [B]: 1, [C]: 0 });
        expect((await store.chainData.counterpartyCounts(chain, [{ address: A, fromBlock: 20 }], 21, 10, ['ETH'])).get(A)).to.equal(2);
        expect((await store.chainData.counterpartyCounts(chain, [{ address: A, fromBlock: 0 }], 100, 3, ['ETH'])).get(A)).to.equal(3);
        expect((await store.chainData.counterpartyCounts(chain, [{ address: A, fromBlock: 0 }], 100, 10, ['ETH', '0x' + '7'.repeat(40)])).get(A)).to.equal(6);
        // Transfers a history load would read: A's ten (its self-transfer on both sides), B's two, C's none from block 12; capped.
        const loads = await store.chainData.transferCounts(chain, [{ address: A, fromBlock: 0 }, { address: B, fromBlock: 0 }, { address: C, fromBlock: 12 }], 100, 100);
        expect(Object.fromEntries(loads)).to.deep.equal({ [A]: 11, [B]: 2, [C]: 0 });
        expect((await store.chainData.transferCounts(chain, [{ address: A, fromBlock: 20 }], 22, 100)).get(A)).to.equal(3);
        expect((await store.chainData.transferCounts(chain, [{ address: A, fromBlock: 0 }], 100, 4)).get(A)).to.equal(4);

        // What A sent minus what it received after a block (ETH; its self-transfer nets out; amounts are all 1).
        expect(await store.chainData.netSentAfter(chain, [
          { address: A, asset: 'ETH', afterBlock: 0 }, { address: A, asset: 'ETH', afterBlock: 20 }, { address: B, asset: 'ETH', afterBlock: 0 }, { address: A, asset: USDT, afterBlock: 0 },
        ], 100)).to.deep.equal([5n - 4n, 2n - 1n, -2n, 0n]);
        expect(await store.chainData.netSentAfter(chain, [{ address: A, asset: 'ETH', afterBlock: 0 }], 12)).to.deep.equal([2n - 2n]);
        await store.chainData.recordServiceLike(chain, [{ address: A, counterparties: 5, fromBlock: 0, toBlock: 100, assets: null }, { address: B, counterparties: 4, fromBlock: 3, toBlock: 9, assets: [USDT, 'ETH'] }]);
        expect(await store.chainData.serviceLikeEvidence(chain, [A, B, C])).to.deep.equal([
          { address: A, counterparties: 5, fromBlock: 0, toBlock: 100, assets: null },
          { address: B, counterparties: 4, fromBlock: 3, toBlock: 9, assets: [USDT, 'ETH'] },
        ]);
        // Asked about more addresses than a statement names: read in parts, still by address.
        const others = Array.from({ length: 12_000 }, (_, i) => '0x' + (i + 1).toString(16).padStart(40, '9'));
        expect((await store.chainData.serviceLikeEvidence(chain, [B, ...others, A])).map((e) => e.address)).to.deep.equal([A, B]);
        expect(await store.chainData.forgetServiceLike(chain, [A, C])).to.equal(1);
        expect((await store.chainData.serviceLikeEvidence(chain, [A, B])).map((e) => e.address)).to.deep.equal([B]);
      });

      it('lists the exchange-labelled addresses each address paid in its window: fees, zero values, what it received and other recipients left out', async () => {
        const D = '0x' + 'd'.repeat(40), E = '0x' + 'e'.repeat(40);
        const chain = 'paying';
        const t = (n: number, block: number, from: string, to: string | null, amount = 1n) =>
          transfer({ chain, txHash: '0x' + n.toString(16).padStart(64, '0'), blockNumber: block, from, to, amount, kind: to ? 'native' : 'fee', ref: to ? 'tx' : 'fee' });
        await store.chainData.insertTransfers([
          t(1, 10, A, B), t(2, 11, A, B), t(3, 12, A, null), t(4, 13, A, D, 0n), t(5, 14, C, A), t(6, 20, A, E),
          { ...t(7, 21, A, C), kind: 'token', asset: USDT, ref: 'log:1' }, t(8, 30, B, C), t(9, 31, D, null), t(10, 32, E, D, 0n),
        ]);
        // B and C exchanges (C sanctioned too: still returned, the caller resolves its labels),
        // D an exchange only ever paid nothing, E a plain service; A an exchange on another chain.
        await store.labels.upsert([
          { chain, address: B, entity: 'Binance', category: 'exchange' },
          { chain, address: C, entity: 'OKX', category: 'exchange' }, { chain, address: C, entity: 'OFAC', category: 'sanctioned' },
          { chain, address: D, entity: 'Kraken', category: 'exchange' }, { chain, address: E, entity: 'Shop', category: 'service' },
          { chain: CHAIN, address: A, entity: 'Elsewhere', category: 'exchange' },
        ]);
        const windows = (from: number) => [A, B, C, D, E].map((address) => ({ address, fromBlock: from }));
        const sorted = (m: Map<string, string[]>) => Object.fromEntries([...m].map(([a, list]) => [a, [...list].sort()]));
        // A paid B (twice: once listed), C (a token) and E (no exchange), D nothing (zero); B paid
        // C only after block 25; C paid A, an exchange on another chain only; D a fee, E zero.
        expect(sorted(await store.chainData.exchangeLabelledRecipients(chain, windows(0), 25))).to.deep.equal({ [A]: [B, C].sort() });
        // Each window from its own block: A from block 15 paid C; B paid C at block 30.
        expect(sorted(await store.chainData.exchangeLabelledRecipients(chain, [{ address: A, fromBlock: 15 }, { address: B, fromBlock: 0 }], 100))).to.deep.equal({ [A]: [C], [B]: [C] });
        expect((await store.chainData.exchangeLabelledRecipients(chain, [], 100)).size).to.equal(0);
      });

      it('counts counterparties over the whole window where its sample cannot decide (many transfers, few counterparties)', async () => {
        const chain = 'sampled';
        const D = '0x' + 'd'.repeat(40), E = '0x' + 'e'.repeat(40), F = '0x' + 'f'.repeat(40);
        const t = (n: number, block: number, from: string, to: string) => transfer({ chain, txHash: '0x' + n.toString(16).padStart(64, '0'), blockNumber: block, from, to });
        // A pays B 30 times, then D, E and F once each; C pays A 30 times. With cap 3 the
        // sample is 12 transfers each way: it may see B and C only; the whole window has five.
        await store.chainData.insertTransfers([
          ...Array.from({ length: 30 }, (_, i) => t(i + 1, i + 1, A, B)), t(31, 40, A, D), t(32, 41, A, E), t(33, 42, A, F),
          ...Array.from({ length: 30 }, (_, i) => t(100 + i, i + 1, C, A)),
        ]);
        expect((await store.chainData.counterpartyCounts(chain, [{ address: A, fromBlock: 0 }], 100, 3, ['ETH'])).get(A)).to.equal(3);
        expect((await store.chainData.counterpartyCounts(chain, [{ address: A, fromBlock: 0 }], 100, 9, ['ETH'])).get(A)).to.equal(5);
        expect((await store.chainData.counterpartyCounts(chain, [{ address: A, fromBlock: 35 }, { address: B, fromBlock: 0 }, { address: C, fromBlock: 0 }], 100, 9, ['ETH'])))
          .to.deep.equal(new Map([[A, 3], [B, 1], [C, 1]]));
      });

      it('counts counterparties as a count over every transfer would, on random histories and caps', async () => {
        const wallets = Array.from({ length: 6 }, (_, i) => '0x' + String(i + 1).repeat(40));
        let run = 0;
        await fc.assert(fc.asyncProperty(
          fc.array(fc.record({ from: fc.nat(5), to: fc.nat(5), block: fc.integer({ min: 1, max: 30 }), spam: fc.boolean() }), { maxLength: 60 }),
          fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 30 }),
          async (rows, cap, fromBlock) => {
            const chain = `sampled-${run++}`;
            await store.chainData.insertTransfers(rows.map((r, i) => ({
              ...transfer({ chain, txHash: '0x' + (i + 1).toString(16).padStart(64, '0'), blockNumber: r.block, from: wallets[r.from]!, to: wallets[r.to]! }),
              amount: r.spam ? 0n : 1n,
            })));
            const expected = new Map(wallets.map((w) => {
              const cps = new Set<string>();
              for (const r of rows) {
                if (r.spam || r.block < fromBlock) continue;
                if (wallets[r.from] === w && r.to !== r.from) cps.add(wallets[r.to]!);
                if (wallets[r.to] === w && r.to !== r.from) cps.add(wallets[r.from]!);
              }
              return [w, Math.min(cap, cps.size)];
            }));
            expect(await store.chainData.counterpartyCounts(chain, wallets.map((address) => ({ address, fromBlock })), 100, cap, ['ETH'])).to.deep.equal(expected);
          },
        ), { numRuns: driver === 'pglite' ? 15 : 40 });
      });

      it('keeps sent transactions and code size with a verdict, and account facts per window (migration 050)', async () => {
        const chain = 'facts';
        await store.chainData.recordServiceLike(chain, [
          { address: A, counterparties: 2, fromBlock: 5, toBlock: 50, assets: ['ETH'], sentTxs: 1_200, codeSize: 0 },
          { address: B, counterparties: 7, fromBlock: 5, toBlock: 50, assets: ['ETH'] },
        ]);
        expect(await store.chainData.serviceLikeEvidence(chain, [A, B])).to.deep.equal([
          { address: A, counterparties: 2, fromBlock: 5, toBlock: 50, assets: ['ETH'], sentTxs: 1_200, codeSize: 0 },
          { address: B, counterparties: 7, fromBlock: 5, toBlock: 50, assets: ['ETH'] },
        ]);
        await store.chainData.recordAccountFacts(chain, [
          { address: A, fromBlock: 5, toBlock: 50, sentTxs: 1_200, codeSize: 0, delegated: false },
          { address: C, fromBlock: 5, toBlock: 50, sentTxs: 63, codeSize: 1_800, delegated: false },
          { address: C, fromBlock: 5, toBlock: 60, sentTxs: 64, codeSize: 23, delegated: true },
        ]);
        // Only the windows asked for: same start, same end.
        expect(await store.chainData.accountFacts(chain, [{ address: A, fromBlock: 5 }, { address: C, fromBlock: 5 }, { address: B, fromBlock: 5 }], 50)).to.deep.equal([
          { address: A, fromBlock: 5, toBlock: 50, sentTxs: 1_200, codeSize: 0, delegated: false },
          { address: C, fromBlock: 5, toBlock: 50, sentTxs: 63, codeSize: 1_800, delegated: false },
        ]);
        expect(await store.chainData.accountFacts(chain, [{ address: C, fromBlock: 6 }], 60)).to.deep.equal([]);
        expect((await store.chainData.accountFacts(chain, [{ address: C, fromBlock: 5 }], 60))[0]).to.include({ sentTxs: 64, delegated: true });
      });

      it('upserts address facts: unset fields keep their value, first-seen only moves earlier', async () => {
        await store.chainData.upsertAddresses(CHAIN, [{ address: A, firstSeenBlock: 500, serviceLike: false, counterparties: 3 }]);
        await store.chainData.upsertAddresses(CHAIN, [{ address: A, firstSeenBlock: 900, counterparties: 4000 }, { address: B }]);
        const rows = await store.chainData.getAddresses(CHAIN, [A, B]);
        expect(rows.map(({ updatedAt, ...r }) => (expect(updatedAt).to.be.instanceOf(Date), r))).to.deep.equal([
          { address: A, firstSeenBlock: 500, serviceLike: false, counterparties: 4000 },
          { address: B, firstSeenBlock: null, serviceLike: null, counterparties: null },
        ]);
      });
    });
  });
});

describe('store: transfers written by two workers at once (pg)', () => {
  let db: Db;
  let drop: () => Promise<void>;
  before(async () => ({ db, drop } = await openTestDb('pg')));
  after(() => drop());

  it('a transfer another transaction writes meanwhile is stored once and not counted again', async () => {
    const store = createStore(db);
    const shared = transfer({ txHash: '0x91' });
    const own = transfer({ txHash: '0x92' });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let written: Promise<number> | undefined;
    // The other worker has written `shared` and not committed: the look-up does not see it,
    // the COPY waits on it, fails once it commits, and the rows go through staging instead.
    await db.transaction(async (tx) => {
      await createStore(tx).chainData.insertTransfers([shared]);
      written = store.chainData.insertTransfers([shared, own]);
      setTimeout(release, 300);
      await held;
    });
    expect(await written).to.equal(1);
    const { rows } = await db.query<{ tx_hash: string; n: number }>('select tx_hash, count(*)::int as n from transfers group by tx_hash order by tx_hash');
    expect(rows).to.deep.equal([{ tx_hash: '0x91', n: 1 }, { tx_hash: '0x92', n: 1 }]);
  });
});
