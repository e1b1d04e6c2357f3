// Holdings never exceed the chain: worked numbers.
import { expect } from 'chai';
import fc from 'fast-check';
import { capHoldings } from '../../services/domain/holdings-cap';

describe('holdings capped at the real balance', () => {
  const holdings = [
    { address: 'A', asset: 'usdt', amount: '700', hops: 1 },
    { address: 'B', asset: 'usdt', amount: '300', hops: 2 },
    { address: 'C', asset: 'ETH', amount: '50', hops: 1 },
  ];
  const accounting = [
    { asset: 'ETH', seeded: '50', endpoints: '0', holdings: '50', stopped: '0', fees: '0', balanceGaps: 0 },
    { asset: 'usdt', seeded: '1000', endpoints: '0', holdings: '1000', stopped: '0', fees: '0', balanceGaps: 0 },
  ];

  it('caps a holding above the balance, drops one at a zero balance, keeps the rest, and says so per address', async () => {
    // A holds 250 USDT on chain (the model said 700 tainted): capped at 250, 450 missed.
    // B holds 0 (emptied by an outflow the trace never saw): dropped, 300 missed. C is fine.
    const balances: Record<string, bigint> = { 'A|usdt': 250n, 'B|usdt': 0n, 'C|ETH': 80n };
    const r = await capHoldings(holdings, accounting, (a, asset) => balances[`${a}|${asset}`]);
    expect(r.holdings).to.deep.equal([{ address: 'A', asset: 'usdt', amount: '250', hops: 1 }, { address: 'C', asset: 'ETH', amount: '50', hops: 1 }]);
    expect(r.capped).to.deep.equal([
      { address: 'A', asset: 'usdt', tainted: 700n, balance: 250n },
      { address: 'B', asset: 'usdt', tainted: 300n, balance: 0n },
    ]);
    // seeded 1000 = holdings 250 + missedOutflows 750.
    expect(r.accounting[1]).to.include({ holdings: '250', missedOutflows: '750' });
    expect(r.accounting[0]).to.deep.equal(accounting[0]);
    expect(r.limitations).to.have.length(2);
    expect(r.limitations[0]).to.include('at A').and.include('700').and.include('250').and.include('450 left');
  });

  it('changes nothing when every balance covers its holding, or a balance is unknown', async () => {
    const r = await capHoldings(holdings, accounting, (a) => (a === 'B' ? undefined : 10n ** 9n));
    expect(r.holdings).to.deep.equal(holdings);
    expect(r.accounting).to.deep.equal(accounting);
    expect(r.limitations).to.deep.equal([]);
  });

  it('orders holdings largest first, then by address, input order on ties; amounts past 2^53 that one double cannot tell apart', async () => {
    const big = 2n ** 200n;
    const amount = fc.oneof(fc.bigInt({ min: 0n, max: 1_000n }), fc.bigInt({ min: big, max: big + 4n }), fc.constantFrom(2n ** 53n, 2n ** 53n + 1n));
    const holding = fc.record({ address: fc.constantFrom('0xa', '0xb', '0xc'), asset: fc.constantFrom('usdt', 'ETH'), amount, hops: fc.nat(5) });
    await fc.assert(fc.asyncProperty(fc.array(holding, { maxLength: 60 }), async (list) => {
      const input = list.map((h) => ({ ...h, amount: h.amount.toString() }));
      const expected = input
        .map((h, i) => ({ h, i }))
        .sort((x, y) => {
          const a = BigInt(x.h.amount), b = BigInt(y.h.amount);
          return (b > a ? 1 : b < a ? -1 : 0) || (x.h.address < y.h.address ? -1 : x.h.address > y.h.address ? 1 : 0) || x.i - y.i;
        })
        .map(({ h }) => h);
      const r = await capHoldings(input, [], () => undefined);
      expect(r.holdings).to.deep.equal(expected);
    }));
  });
});
