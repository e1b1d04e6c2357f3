import { expect } from 'chai';
import { rankTargets, scoreTarget, selectFreezeTargets, type FreezePartner } from '../../services/domain/freeze-targets';
import type { TraceReport } from '../../services/domain/report';

const NOW = 1_800_000_000;
const TOKEN = '0xdac17f958d2ee523a2206206994597c13d831ec7';

function report(partial: Partial<TraceReport>): TraceReport {
  return {
    chain: 'ethereum', model: 'fifo', seeds: [], fromBlock: 1, toBlock: 2, endpoints: [], exposure: [], holdings: [], stopped: [], hops: [],
    accounting: [{ asset: TOKEN, seeded: '1000', endpoints: '0', holdings: '0', stopped: '0', fees: '0', balanceGaps: 0 }],
    limitations: [], stats: { addresses: 0, transfers: 0, rpcCalls: 0, ms: 0, hops: 0 }, ...partial,
  };
}

const endpoint = (address: string, entity: string, amount: string, hops: number, extra: Record<string, unknown> = {}) => ({
  address, entity, category: 'exchange' as const, attribution: 'deposit-heuristic' as const, asset: TOKEN, amount, hops, paths: [['0xa']], ...extra,
});

describe('domain: freeze target scoring and ranking', () => {
  const fixtures: { what: string; a: Parameters<typeof scoreTarget>[0]; b: Parameters<typeof scoreTarget>[0] }[] = [
    { what: 'more money', a: { amount: 900n, seeded: 1000n, hops: 3, confidence: 0.8, now: NOW }, b: { amount: 100n, seeded: 1000n, hops: 3, confidence: 0.8, now: NOW } },
    { what: 'fewer hops', a: { amount: 100n, seeded: 1000n, hops: 1, confidence: 0.8, now: NOW }, b: { amount: 100n, seeded: 1000n, hops: 9, confidence: 0.8, now: NOW } },
    { what: 'surer attribution', a: { amount: 100n, seeded: 1000n, hops: 3, confidence: 0.95, now: NOW }, b: { amount: 100n, seeded: 1000n, hops: 3, confidence: 0.4, now: NOW } },
    { what: 'fresher funds', a: { amount: 100n, seeded: 1000n, hops: 3, confidence: 0.8, lastSeen: NOW - 3600, now: NOW }, b: { amount: 100n, seeded: 1000n, hops: 3, confidence: 0.8, lastSeen: NOW - 60 * 86400, now: NOW } },
  ];
  for (const f of fixtures) {
    it(`scores higher for ${f.what}`, () => {
      expect(scoreTarget(f.a)).to.be.greaterThan(scoreTarget(f.b));
    });
  }

  it('stays within 0..1 and is deterministic', () => {
    const s = scoreTarget({ amount: 10n ** 30n, seeded: 1n, hops: 0, confidence: 5, lastSeen: NOW + 100, now: NOW });
    expect(s).to.be.at.most(1).and.at.least(0);
    expect(scoreTarget({ amount: 0n, seeded: 0n, hops: 0, confidence: 0, now: NOW })).to.be.at.least(0);
  });

  it('ranks by score, then amount, then address', () => {
    const ranked = rankTargets([
      { score: 0.5, amount: 1n, address: '0xb', asset: 'x' },
      { score: 0.5, amount: 2n, address: '0xc', asset: 'x' },
      { score: 0.9, amount: 1n, address: '0xd', asset: 'x' },
      { score: 0.5, amount: 1n, address: '0xa', asset: 'x' },
    ]);
    expect(ranked.map((t) => t.address)).to.deep.equal(['0xd', '0xc', '0xa', '0xb']);
  });

  it('routes endpoints to the partner covering the entity, stablecoin holdings to the issuer partner', () => {
    const partners: FreezePartner[] = [
      { id: 'binance', kind: 'exchange', entities: ['binance'] },
      { id: 'tether', kind: 'issuer', entities: ['tether'] },
      { id: 'circle', kind: 'issuer', entities: ['circle'] },
      { id: 'okx', kind: 'exchange', entities: ['okx'] },
    ];
    const r = report({
      endpoints: [endpoint('0x1', 'Binance', '300', 4), endpoint('0x2', 'Binance', '500', 2), endpoint('0x3', 'Kraken', '100', 2), endpoint('0x4', 'Binance', '0', 1)],
      holdings: [{ address: '0x9', asset: TOKEN, amount: '200', hops: 3 }, { address: '0x8', asset: '0xother', amount: '50', hops: 3 }],
    });
    const out = selectFreezeTargets(r, partners, [{ address: TOKEN, symbol: 'USDT', decimals: 6, issuer: 'Tether' }], NOW);
    expect([...out.keys()].sort()).to.deep.equal(['binance', 'tether']);
    expect(out.get('binance')!.map((t) => t.address)).to.deep.equal(['0x2', '0x1']);
    expect(out.get('tether')!).to.have.length(1);
    expect(out.get('tether')![0]).to.include({ kind: 'holding', address: '0x9', amount: 200n, symbol: 'USDT' });
  });
});
