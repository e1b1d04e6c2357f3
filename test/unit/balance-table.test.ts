// Balances kept by address, then asset and block (services/store/balance-table.ts).
import { expect } from 'chai';
import fc from 'fast-check';
import { BalanceTable, type BalanceKey } from '../../services/store/balance-table';

const A = '0x' + 'a'.repeat(40);
const B = '0x' + 'b'.repeat(40);
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';

describe('BalanceTable', () => {
  it('tells apart the balances of one address by asset and block', () => {
    const table = new BalanceTable()
      .set({ address: A, asset: USDT, blockNumber: 99 }, 7n)
      .set({ address: A, asset: 'ETH', blockNumber: 99 }, 1n)
      .set({ address: A, asset: USDT, blockNumber: 150 }, 9n)
      .set({ address: B, asset: USDT, blockNumber: 99 }, 0n);
    expect(table.size).to.equal(4);
    expect(table.get({ address: A, asset: USDT, blockNumber: 99 })).to.equal(7n);
    expect(table.get({ address: A, asset: 'ETH', blockNumber: 99 })).to.equal(1n);
    expect(table.get({ address: A, asset: USDT, blockNumber: 150 })).to.equal(9n);
    expect(table.get({ address: B, asset: USDT, blockNumber: 99 })).to.equal(0n);
    expect(table.has({ address: B, asset: USDT, blockNumber: 99 }), 'a zero balance is a balance').to.equal(true);
    expect(table.has({ address: B, asset: USDT, blockNumber: 100 })).to.equal(false);
    expect(table.has({ address: A, asset: 'ETH', blockNumber: 150 })).to.equal(false);
    expect(table.get({ address: '0x' + 'c'.repeat(40), asset: USDT, blockNumber: 99 })).to.equal(undefined);
  });

  it('a key set again keeps one balance, the later', () => {
    const key = { address: A, asset: USDT, blockNumber: 5 };
    const table = new BalanceTable().set(key, 1n).set({ address: B, asset: USDT, blockNumber: 5 }, 3n).set({ ...key }, 2n);
    expect(table.size).to.equal(2);
    expect(table.get(key)).to.equal(2n);
    expect([...table.rows()].map((r) => `${r.address.slice(0, 3)} ${r.amount}`)).to.deep.equal(['0xa 2', '0xb 3']);
  });

  it('keeps a copy of the key, not the object given (a caller may change its own)', () => {
    const key = { address: A, asset: USDT, blockNumber: 5 };
    const table = new BalanceTable().set(key, 1n);
    key.blockNumber = 6;
    expect(table.get({ address: A, asset: USDT, blockNumber: 5 })).to.equal(1n);
    expect(table.has(key)).to.equal(false);
  });

  it('answers as a map keyed by address, asset and block would, whatever the order of writes', () => {
    const key = fc.record({ address: fc.constantFrom(A, B), asset: fc.constantFrom(USDT, 'ETH'), blockNumber: fc.integer({ min: 0, max: 3 }) });
    fc.assert(fc.property(fc.array(fc.tuple(key, fc.bigInt({ min: 0n, max: 10n })), { maxLength: 40 }), fc.array(key, { maxLength: 10 }), (writes, asked) => {
      const table = new BalanceTable();
      const plain = new Map<string, bigint>();
      const k = (q: BalanceKey) => `${q.address} ${q.asset} ${q.blockNumber}`;
      for (const [q, amount] of writes) {
        table.set(q, amount);
        plain.set(k(q), amount);
      }
      expect(table.size).to.equal(plain.size);
      for (const q of [...asked, ...writes.map(([w]) => w)]) expect(table.get(q)).to.equal(plain.get(k(q)));
      expect([...table.rows()].map((r) => `${k(r)} ${r.amount}`).sort()).to.deep.equal([...plain].map(([key, amount]) => `${key} ${amount}`).sort());
    }));
  });
});
