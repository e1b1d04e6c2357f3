// Two histories in the store's chain order merged as one read of both would give them.
import { expect } from 'chai';
import fc from 'fast-check';
import { mergeInStoreOrder } from '../../services/tracing/case-graph';
import { transferId, type Transfer } from '../../services/domain/types';

/** A transfer at (block, tx index, seq) of transaction `tx`, told apart by `tag` (which read it came from). */
function transfer(block: number, txIndex: number, seq: number, tx: number, tag: string): Transfer {
  return {
    chain: 'ethereum', txHash: `0x${tx.toString(16).padStart(64, '0')}`, blockNumber: block, blockHash: '0x', timestamp: 0, txIndex, ref: `log:${seq}`,
    seq, kind: 'token', asset: tag, from: '0xa', to: '0xb', amount: 1n,
  };
}
const key = (t: Transfer) => [t.blockNumber, t.txIndex, t.seq, t.txHash, t.ref] as const;
const byKey = (x: Transfer, y: Transfer) => {
  const [a, b] = [key(x), key(y)];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
};
/** In store order, keyed by id; one transaction per block and index, as on a chain. */
const history = (items: Array<[number, number, number]>, tag: string) =>
  new Map([...new Map(items.map(([block, index, seq]) => [`${block}:${index}:${seq}`, transfer(block, index, seq, block * 100 + index, tag)])).values()]
    .sort(byKey).map((t) => [transferId(t), t] as const));
const point = fc.tuple(fc.nat(20), fc.nat(3), fc.nat(3));

describe('mergeInStoreOrder', () => {
  it('gives both histories in store order, a transfer in both taken from the second', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(point, { maxLength: 40 }), fc.array(point, { maxLength: 40 }), async (xs, ys) => {
        const a = history(xs, 'a');
        const b = history(ys, 'b');
        const merged = await mergeInStoreOrder(a, b);
        const expected = new Map([...a, ...b]);
        expect([...merged.keys()]).to.deep.equal([...expected.values()].sort(byKey).map(transferId));
        for (const [id, t] of merged) expect(t).to.equal(b.get(id) ?? a.get(id));
      }),
    );
  });

  it('sorts when a history is not in store order', async () => {
    const a = history([[5, 0, 0], [1, 0, 0]], 'a');
    const reversed = new Map([...a].reverse());
    const b = history([[3, 0, 0]], 'b');
    expect([...(await mergeInStoreOrder(reversed, b)).values()].map((t) => t.blockNumber)).to.deep.equal([1, 3, 5]);
  });
});
