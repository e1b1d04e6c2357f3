import { expect } from 'chai';
import fc from 'fast-check';
import {
  DEFAULT_STOP_CATEGORIES, addressKey, compareLabels, entityFromName, isStopCategory, resolveLabel, sameEntity,
} from '../../services/domain/attribution';
import { LABEL_CATEGORIES, type Label } from '../../services/domain/types';

const ADDRESS = '0x28c6c06298d514db089934071355e5743bf21d60';
const label = (over: Partial<Label>): Label => ({ chain: 'ethereum', address: ADDRESS, entity: 'Binance', category: 'exchange', ...over });

describe('attribution', () => {
  describe('resolveLabel', () => {
    it('returns undefined for no labels', () => {
      expect(resolveLabel([])).to.equal(undefined);
    });

    it('takes the most confident label', () => {
      const best = label({ entity: 'Binance', confidence: 90 });
      expect(resolveLabel([label({ entity: 'Huobi', confidence: 40 }), best, label({ entity: 'OKX', confidence: 60 })])).to.equal(best);
    });

    it('prefers any specific category over `other`, whatever the confidence', () => {
      const exchange = label({ category: 'exchange', confidence: 20 });
      expect(resolveLabel([label({ entity: 'airdrop hunter', category: 'other', confidence: 100 }), exchange])).to.equal(exchange);
    });

    it('breaks confidence ties towards the more actionable category (exchange before mixer)', () => {
      const exchange = label({ category: 'exchange', confidence: 50 });
      const mixer = label({ entity: 'Mixer', category: 'mixer', confidence: 50 });
      expect(resolveLabel([mixer, exchange])).to.equal(exchange);
      expect(resolveLabel([exchange, mixer])).to.equal(exchange);
    });

    it('treats a missing confidence as 50', () => {
      const sure = label({ entity: 'B', confidence: 51 });
      expect(resolveLabel([label({ entity: 'A' }), sure])).to.equal(sure);
      expect(resolveLabel([label({ entity: 'B', confidence: 49 }), label({ entity: 'A' })])?.entity).to.equal('A');
    });

    it('does not depend on the order of the labels', () => {
      const labelArb = fc.record({
        chain: fc.constant('ethereum'),
        address: fc.constantFrom(ADDRESS, ADDRESS.toUpperCase().replace('0X', '0x')),
        entity: fc.constantFrom('Binance', 'Huobi', 'OKX', 'x'),
        category: fc.constantFrom(...LABEL_CATEGORIES),
        confidence: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
        source: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
      }) as fc.Arbitrary<Label>;
      fc.assert(
        fc.property(fc.array(labelArb, { minLength: 1, maxLength: 8 }), (labels) => {
          const best = resolveLabel(labels)!;
          const reversed = resolveLabel([...labels].reverse())!;
          expect(compareLabels(best, reversed)).to.equal(0);
          expect(labels.every((l) => compareLabels(best, l) <= 0)).to.equal(true);
        }),
      );
    });
  });

  describe('stop categories', () => {
    it('stops at the contract default list', () => {
      expect([...DEFAULT_STOP_CATEGORIES].sort()).to.deep.equal(['bridge', 'dex', 'exchange', 'gambling', 'issuer', 'mixer', 'otc', 'service']);
      expect(isStopCategory('exchange')).to.equal(true);
      expect(isStopCategory('scam')).to.equal(false);
      expect(isStopCategory('other')).to.equal(false);
      expect(isStopCategory(undefined)).to.equal(false);
    });

    it('takes a custom stop list', () => {
      expect(isStopCategory('exchange', ['mixer'])).to.equal(false);
      expect(isStopCategory('sanctioned', ['sanctioned'])).to.equal(true);
    });
  });

  describe('entity names', () => {
    const cases: Array<[string, string]> = [
      ['Binance 14', 'Binance'],
      ['Upbit: Cold Wallet', 'Upbit'],
      ['Tornado.Cash: 10,000 DAI 2', 'Tornado.Cash'],
      ['OFAC SDN: 0x19a...dff', 'OFAC SDN'],
      ['  Kraken   7 ', 'Kraken'],
      ['Balancer: DAI/YFFI 98/2 #3', 'Balancer'],
      ['1inch', '1inch'],
      ['120cycle', '120cycle'],
      ['https://example.org', 'https://example.org'],
      ['binance reserve wallets ETH', 'binance reserve wallets ETH'],
    ];
    cases.forEach(([name, entity]) => {
      it(`${JSON.stringify(name)} → ${JSON.stringify(entity)}`, () => expect(entityFromName(name)).to.equal(entity));
    });

    it('compares entities and addresses the way the chains do', () => {
      expect(sameEntity(' binance', 'Binance ')).to.equal(true);
      expect(sameEntity('Binance', 'Binance US')).to.equal(false);
      expect(addressKey('0x28C6c06298d514Db089934071355E5743bf21d60')).to.equal(ADDRESS);
      expect(addressKey('BC1QM34LSC65ZPW79LXES69ZKQMK6EE3EWF0J77S3H')).to.equal('bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h');
      expect(addressKey('34xp4vRoCGJym3xR7yCVPFHoCNxv4Twseo')).to.equal('34xp4vRoCGJym3xR7yCVPFHoCNxv4Twseo');
    });
  });
});
