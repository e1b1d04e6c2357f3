// Each ledger's spec from the run's addresses and the balances read: its window, whether it is
// a source, and its opening balances (those at the block before its window, other than zero).
import { expect } from 'chai';
import { ledgerSpecs, openingQueries, type RunAddress } from '../../services/tracing/case-graph';
import { BalanceTable } from '../../services/store/balance-table';
import { propagateTaint } from '../../services/domain/taint';

const A = '0x' + 'a'.repeat(40);
const B = '0x' + 'b'.repeat(40);
const C = '0x' + 'c'.repeat(40);
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const ledger = (address: string, fromBlock: number): RunAddress => ({ address, hop: 1, fromBlock, state: 'crawled' });

describe('ledgerSpecs', () => {
  const balances = new BalanceTable()
    .set({ address: A, asset: USDT, blockNumber: 99 }, 7n)
    .set({ address: A, asset: 'ETH', blockNumber: 99 }, 0n)
    .set({ address: A, asset: USDT, blockNumber: 150 }, 9n) // not A's opening block
    .set({ address: B, asset: USDT, blockNumber: 199 }, 0n);

  it('keeps the non-zero balances at the block before each window, and the sources', async () => {
    const specs = await ledgerSpecs([ledger(A, 100), ledger(B, 200), ledger(C, 0)], balances, new Set([B]));
    expect([...specs.keys()]).to.deep.equal([A, B, C]);
    expect(specs.get(A)).to.deep.include({ fromBlock: 100, source: false });
    expect([...specs.get(A)!.opening]).to.deep.equal([[USDT, 7n]]);
    expect(specs.get(B)).to.deep.include({ fromBlock: 200, source: true });
    expect(specs.get(B)!.opening.size).to.equal(0);
    expect(specs.get(C)!.opening.size).to.equal(0);
  });

  it('gives every ledger without an opening the same empty one, not a map each', async () => {
    const specs = await ledgerSpecs([ledger(B, 200), ledger(C, 0)], balances, new Set());
    expect(specs.get(B)!.opening).to.equal(specs.get(C)!.opening);
  });

  it('a zero opening left out propagates as a zero opening kept', () => {
    const t = { chain: 'ethereum', txHash: '0x' + '1'.repeat(64), blockNumber: 120, blockHash: '0x', timestamp: 0, txIndex: 0, ref: 'log:0', seq: 0, kind: 'token' as const, asset: USDT, from: B, to: C, amount: 5n };
    const run = (opening: ReadonlyMap<string, bigint>) => propagateTaint({
      model: 'haircut', transfers: [t], seedTransfers: new Set(), stops: new Set(), ledgers: new Map([[B, { fromBlock: 100, opening, source: true }]]),
    });
    expect(JSON.stringify(run(new Map()), (_, v) => typeof v === 'bigint' ? v.toString() : v))
      .to.equal(JSON.stringify(run(new Map([[USDT, 0n]])), (_, v) => typeof v === 'bigint' ? v.toString() : v));
  });
});

describe('openingQueries', () => {
  it('keeps each (address, asset, block) once, in the order first asked', () => {
    const wanted = openingQueries();
    const asked = [
      { address: A, asset: USDT, blockNumber: 99 },
      { address: B, asset: USDT, blockNumber: 199 },
      { address: A, asset: 'ETH', blockNumber: 99 },
      { address: A, asset: USDT, blockNumber: 149 },
      { address: A, asset: USDT, blockNumber: 99 },
      { address: B, asset: USDT, blockNumber: 199 },
      { address: A, asset: 'ETH', blockNumber: 99 },
      { address: C, asset: 'ETH', blockNumber: 0 },
    ];
    expect(asked.map((q) => wanted.add({ ...q }))).to.deep.equal([true, true, true, true, false, false, false, true]);
    expect(wanted.list).to.deep.equal([0, 1, 2, 3, 7].map((i) => asked[i]!));
  });
});
