// The report of a case on several chains, from two per-chain reports worked out by hand.
import { expect } from 'chai';
import { combineChainReports } from '../../services/domain/multi-chain-report';
import type { TraceReport } from '../../services/domain/report';

const base = { model: 'fifo' as const, fromBlock: 1, toBlock: 9, hops: [], stopped: [], accounting: [], limitations: [] };
const eth: TraceReport = {
  ...base, chain: 'ethereum', seeds: [{ txHash: '0xaa' }],
  endpoints: [{ address: '0xb1', entity: 'Binance', category: 'exchange', attribution: 'label', asset: 'ETH', amount: '3000', hops: 2, paths: [['0xaa', '0xbb']], symbol: 'ETH', decimals: 18 } as TraceReport['endpoints'][number]],
  exposure: [{ entity: 'Binance', category: 'exchange', asset: 'ETH', amount: '3000', share: 0.3 }],
  holdings: [{ address: '0xh1', asset: 'ETH', amount: '7000', hops: 1 }],
  sanctions: [{ entity: 'Garantex', source: 'ofac', asset: 'ETH', amount: '1000', share: 0.1, addresses: ['0xg1'] }],
  ignored: { zeroValue: 2, untracedAssets: 5, selfTransfers: 1 },
  limitations: ['no archive state'],
  stats: { addresses: 3, transfers: 4, rpcCalls: 10, ms: 500, hops: 2 },
};
const tron: TraceReport = {
  ...base, chain: 'tron', seeds: [{ txHash: 'cc' }],
  endpoints: [
    { address: 'TB1', entity: 'Binance', category: 'exchange', attribution: 'label', asset: 'TUSDT', amount: '20', hops: 1, paths: [['cc']], symbol: 'USDT', decimals: 6 } as TraceReport['endpoints'][number],
    { address: 'TO1', entity: 'OKX', category: 'exchange', attribution: 'deposit-heuristic', asset: 'TUSDT', amount: '30', hops: 1, paths: [['cc']] },
  ],
  exposure: [
    { entity: 'Binance', category: 'exchange', asset: 'TUSDT', amount: '20', share: 0.4 },
    { entity: 'OKX', category: 'exchange', asset: 'TUSDT', amount: '30', share: 0.6 },
  ],
  holdings: [],
  ignored: { zeroValue: 4, untracedAssets: 0, selfTransfers: 3 },
  stats: { addresses: 2, transfers: 3, rpcCalls: 7, ms: 900, hops: 1 },
};

describe('multi-chain report', () => {
  const r = combineChainReports([{ chain: 'tron', caseId: 't', report: tron }, { chain: 'ethereum', caseId: 'e', report: eth }]);

  it('has a section per chain, in chain name order', () => {
    expect(r.chain).to.equal('multi');
    expect(r.chains).to.deep.equal(['ethereum', 'tron']);
    expect(r.sections.map((s) => s.caseId)).to.deep.equal(['e', 't']);
  });

  it('tags every row with its chain', () => {
    expect(r.seeds).to.deep.equal([{ txHash: '0xaa', chain: 'ethereum' }, { txHash: 'cc', chain: 'tron' }]);
    expect(r.endpoints.map((e) => [e.chain, e.address])).to.deep.equal([['ethereum', '0xb1'], ['tron', 'TB1'], ['tron', 'TO1']]);
    expect(r.holdings).to.deep.equal([{ address: '0xh1', asset: 'ETH', amount: '7000', hops: 1, chain: 'ethereum' }]);
    expect(r.limitations).to.deep.equal(['ethereum: no archive state']);
  });

  it('gives exposure per entity across chains, with each chain\'s symbol and share', () => {
    expect(r.entities).to.deep.equal([
      { entity: 'Binance', category: 'exchange', received: [
        { chain: 'ethereum', asset: 'ETH', symbol: 'ETH', decimals: 18, amount: '3000', share: 0.3 },
        { chain: 'tron', asset: 'TUSDT', symbol: 'USDT', decimals: 6, amount: '20', share: 0.4 },
      ] },
      { entity: 'OKX', category: 'exchange', received: [{ chain: 'tron', asset: 'TUSDT', amount: '30', share: 0.6 }] },
    ]);
  });

  it('keeps each chain\'s sanctions exposure, tagged, and adds up what was ignored', () => {
    expect(r.sanctions).to.deep.equal([{ entity: 'Garantex', source: 'ofac', asset: 'ETH', amount: '1000', share: 0.1, addresses: ['0xg1'], chain: 'ethereum' }]);
    expect(r.ignored).to.deep.equal({ zeroValue: 6, untracedAssets: 5, selfTransfers: 4 });
  });

  it('adds up the work, and takes the slowest chain as the time', () => {
    expect(r.stats).to.deep.equal({ addresses: 5, transfers: 7, rpcCalls: 17, ms: 900, hops: 2 });
  });
});
