// The traced assets of a whole case graph, picked out with event-loop turns, are those
// tracedAssets finds in all of it (traced-assets.ts).
import { expect } from 'chai';
import fc from 'fast-check';
import { loopTurns } from '../../services/domain/taint/steps';
import { transferId, type Transfer, type TransferKind } from '../../services/domain/types';
import { tracedAssets, tracedAssetsOfGraph } from '../../services/tracing/traced-assets';

const ADDRESSES = ['0xa1', '0xa2', '0xb1', '0xb2', '0xc1'];
const ASSETS = ['ETH', '0xusdt', '0xfake', '0xother'];

/** Transactions of a signer each: a fee from the signer, then value moved by anyone (a fake contract's events name anyone). */
const transaction = fc.record({
  signer: fc.constantFrom(...ADDRESSES),
  paysFee: fc.boolean(),
  moves: fc.array(fc.record({
    from: fc.constantFrom(...ADDRESSES), to: fc.constantFrom(...ADDRESSES), asset: fc.constantFrom(...ASSETS),
    kind: fc.constantFrom<TransferKind>('native', 'internal', 'token'), amount: fc.bigInt({ min: 0n, max: 5n }),
  }), { maxLength: 4 }),
});

type Tx = typeof transaction extends fc.Arbitrary<infer T> ? T : never;

function transfersOf(txs: Tx[]): Transfer[] {
  const out: Transfer[] = [];
  txs.forEach((tx, i) => {
    const base = { chain: 'local', txHash: `0x${i.toString(16).padStart(64, '0')}`, blockNumber: i, blockHash: `0xb${i}`, timestamp: i, txIndex: 0 };
    if (tx.paysFee) out.push({ ...base, ref: 'fee', seq: 0, kind: 'fee', asset: 'ETH', from: tx.signer, to: null, amount: 1n });
    tx.moves.forEach((m, k) => out.push({ ...base, ref: `log:${k}`, seq: 1_000_000 + k, kind: m.kind, asset: m.asset, from: m.from, to: m.to, amount: m.amount }));
  });
  return out;
}

describe('traced assets of a whole case graph', () => {
  it('are what tracedAssets finds in every transfer, whoever signed, paid or received', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(transaction, { maxLength: 8 }), fc.subarray(ADDRESSES), fc.array(fc.nat(), { maxLength: 3 }), fc.option(fc.subarray(ASSETS), { nil: null }),
      async (txs, sources, seedPicks, requested) => {
        const transfers = transfersOf(txs);
        const seedTransferIds = new Set(transfers.length ? seedPicks.map((n) => transferId(transfers[n % transfers.length]!)) : []);
        const input = { requested, nativeAsset: 'ETH', listedTokens: ['0xusdt'], seedTransferIds, sources: new Set(sources), transfers };
        expect(await tracedAssetsOfGraph(input, loopTurns(0))).to.deep.equal(tracedAssets(input));
      },
    ), { numRuns: 300 });
  });
});
