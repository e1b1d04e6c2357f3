// The report's sanctions: endpoints and holdings at sanctioned addresses, per entity and asset.
import { expect } from 'chai';
import fc from 'fast-check';
import { sanctionsOf } from '../../services/domain/findings';
import type { ReportLabel } from '../../services/domain/report';

const ofac = (entity: string, source = 'ofac'): ReportLabel => ({ entity, category: 'sanctioned', source });

describe('sanctions of a report', () => {
  it('sums each sanctioned entity per asset, counts an address once per entity, and skips other labels', () => {
    const seeded = new Map([['usdt', 1_000n], ['ETH', 10n]]);
    const sanctions = sanctionsOf([
      { address: 'a', asset: 'usdt', amount: '300', labels: [ofac('Garantex'), ofac('Garantex', 'tether-freeze')] },
      { address: 'b', asset: 'usdt', amount: '200', labels: [{ entity: 'Binance', category: 'exchange' }, ofac('Garantex')] },
      { address: 'c', asset: 'ETH', amount: '4', labels: [ofac('Garantex')] },
      { address: 'd', asset: 'usdt', amount: '500', labels: [{ entity: 'Binance', category: 'exchange' }] },
      { address: 'e', asset: 'usdt', amount: '900' },
      { address: 'f', asset: 'usdt', amount: '100', labels: [ofac('Lazarus')] },
    ], seeded);
    expect(sanctions).to.deep.equal([
      { entity: 'Garantex', source: 'ofac', asset: 'usdt', amount: '500', share: 0.5, addresses: ['a', 'b'] },
      { entity: 'Lazarus', source: 'ofac', asset: 'usdt', amount: '100', share: 0.1, addresses: ['f'] },
      { entity: 'Garantex', source: 'ofac', asset: 'ETH', amount: '4', share: 0.4, addresses: ['c'] },
    ]);
  });

  it('places without a sanctioned label change nothing, wherever they are', () => {
    const place = fc.record({
      address: fc.constantFrom('a', 'b', 'c', 'd'),
      asset: fc.constantFrom('usdt', 'ETH'),
      amount: fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
      labels: fc.option(fc.array(fc.oneof(
        fc.constantFrom('Garantex', 'Lazarus').map((e) => ofac(e)),
        fc.constant<ReportLabel>({ entity: 'Binance', category: 'exchange' }),
      ), { maxLength: 3 }), { nil: undefined }),
    });
    fc.assert(fc.property(fc.array(place, { maxLength: 20 }), fc.array(place, { maxLength: 20 }), (places, others) => {
      const unsanctioned = others.map((p) => ({ ...p, labels: p.labels?.filter((l) => l.category !== 'sanctioned') }));
      const mixed = [...places, ...unsanctioned].sort((x, y) => x.amount.length - y.amount.length);
      const seeded = new Map([['usdt', 10n ** 30n]]);
      expect(sanctionsOf(mixed, seeded)).to.deep.equal(sanctionsOf(places, seeded));
    }));
  });
});
