// The scanned-range cache records which assets a range covers: a range fetched for USDT
// only does not stand for ETH or every asset, a range of every asset stands for any, and
// ranges merge only with ranges of the same assets. The news query of the re-trace reads
// the last block each wallet moved in.
import { expect } from 'chai';
import type { Transfer } from '../../services/domain/types';
import type { Store } from '../../services/store';
import { DRIVERS, useTestStore } from '../support/db';

const CHAIN = 'ethereum';
const A = '0x' + 'a'.repeat(40);
const B = '0x' + 'b'.repeat(40);
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';

DRIVERS.forEach((driver) => {
  describe(`store: scanned ranges by asset (${driver})`, () => {
    let store: Store;
    useTestStore(driver, (s) => (store = s));

    it('a USDT range covers USDT only; every asset covers any set; more assets need the rest', async () => {
      await store.chainData.markScanned(CHAIN, [A], { fromBlock: 10, toBlock: 20 }, [USDT]);
      expect((await store.chainData.missingRanges(CHAIN, [A], { fromBlock: 10, toBlock: 20 }, [USDT])).get(A)).to.deep.equal([]);
      expect((await store.chainData.missingRanges(CHAIN, [A], { fromBlock: 10, toBlock: 20 }, [USDT, 'ETH'])).get(A)).to.deep.equal([{ fromBlock: 10, toBlock: 20 }]);
      expect((await store.chainData.missingRanges(CHAIN, [A], { fromBlock: 10, toBlock: 20 })).get(A)).to.deep.equal([{ fromBlock: 10, toBlock: 20 }]);
      // Every asset from 15: covers USDT+ETH there, so only 10..14 is missing for that set.
      await store.chainData.markScanned(CHAIN, [A], { fromBlock: 15, toBlock: 30 });
      expect((await store.chainData.missingRanges(CHAIN, [A], { fromBlock: 10, toBlock: 30 }, ['ETH', USDT])).get(A)).to.deep.equal([{ fromBlock: 10, toBlock: 14 }]);
      // USDT alone: its own range and the every-asset one together cover 10..30.
      expect((await store.chainData.missingRanges(CHAIN, [A], { fromBlock: 10, toBlock: 30 }, [USDT])).get(A)).to.deep.equal([]);
      // A two-token range stands for either token and for both, in any order.
      await store.chainData.markScanned(CHAIN, [B], { fromBlock: 1, toBlock: 5 }, [USDT, USDC]);
      expect((await store.chainData.missingRanges(CHAIN, [B], { fromBlock: 1, toBlock: 5 }, [USDC])).get(B)).to.deep.equal([]);
      expect((await store.chainData.missingRanges(CHAIN, [B], { fromBlock: 1, toBlock: 5 }, [USDC, USDT])).get(B)).to.deep.equal([]);
      expect((await store.chainData.missingRanges(CHAIN, [B], { fromBlock: 1, toBlock: 5 }, [USDC, 'ETH'])).get(B)).to.deep.equal([{ fromBlock: 1, toBlock: 5 }]);
    });

    it('ranges of the same assets merge; of other assets they stay apart', async () => {
      const E = '0x' + 'e'.repeat(40);
      await store.chainData.markScanned(CHAIN, [E], { fromBlock: 10, toBlock: 20 }, [USDT]);
      await store.chainData.markScanned(CHAIN, [E], { fromBlock: 21, toBlock: 30 }, [USDT]);
      await store.chainData.markScanned(CHAIN, [E], { fromBlock: 25, toBlock: 40 }, [USDC]);
      const rows = (await store.db.query<{ assets: string; from_block: unknown; to_block: unknown }>(
        'select assets, from_block, to_block from scanned_ranges where chain = $1 and address = $2 order by assets, from_block', [CHAIN, E],
      )).rows.map((r) => [r.assets, Number(r.from_block), Number(r.to_block)]);
      expect(rows).to.deep.equal([[USDC, 25, 40], [USDT, 10, 30]]);
    });

    it('lastActivity: the last block each wallet moved in after a block, one query for all', async () => {
      const t = (txHash: string, blockNumber: number, from: string, to: string): Transfer => ({
        chain: CHAIN, blockNumber, blockHash: '0x' + 'f'.repeat(64), timestamp: 1_700_000_000, txIndex: 0, ref: 'log:0', seq: 1,
        kind: 'token', asset: USDT, from, to, amount: 5n, txHash,
      });
      const C = '0x' + 'c'.repeat(40);
      await store.chainData.insertTransfers([t('0x01', 10, A, B), t('0x02', 12, C, A), t('0x03', 30, B, C)]);
      const last = await store.chainData.lastActivity(CHAIN, [A, B, '0x' + 'd'.repeat(40)], 10, 20);
      expect([...last].sort()).to.deep.equal([[A, 12]]);
      expect([...(await store.chainData.lastActivity(CHAIN, [A, B], 9, 40))].sort()).to.deep.equal([[A, 12], [B, 30]]);
    });

    it('lastActivity: any number of wallets, in parts; a wallet in the last part and one named twice are found', async () => {
      const t = (txHash: string, blockNumber: number, from: string, to: string): Transfer => ({
        chain: CHAIN, blockNumber, blockHash: '0x' + 'f'.repeat(64), timestamp: 1_700_000_000, txIndex: 0, ref: 'log:0', seq: 1,
        kind: 'token', asset: USDT, from, to, amount: 5n, txHash,
      });
      const idle = Array.from({ length: 23_000 }, (_, i) => '0x' + (i + 1).toString(16).padStart(40, '0'));
      // Wallets of their own (the store is the describe's): D sends, E receives.
      const D = '0x' + '1d'.repeat(20);
      const E = '0x' + '1e'.repeat(20);
      await store.chainData.insertTransfers([t('0x11', 15, D, A), t('0x12', 25, B, E)]);
      // D is past the first 20,000 (the third part on a server, the tenth on PGlite); E is named in the first part and the last.
      const last = await store.chainData.lastActivity(CHAIN, [E, ...idle, D, E], 10, 29);
      expect([...last].sort()).to.deep.equal([[D, 15], [E, 25]]);
    });
  });
});
