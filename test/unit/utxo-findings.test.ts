// Bitcoin figures through the shared findings module: the same meanings as on account
// chains. A worked example (fifo), amounts in satoshi:
//   F (block 1) pays V 1,000 — V is the seed address.
//   P (2): V's 1,000 → S 600, back to V 390 (change to a seed address), fee 10.
//   M (3): S's 600 → E 300 (an exchange), back to S 290 (change: a self-transfer), fee 10.
//   N (4): S's 290 → X 280, fee 10. X holds it.
// Seeded 1,000 (the change back to V is not seeded again) = E 300 + held 390 at V + 280 at X
// + fees 30. Per hop an address counts once, at its first hop, with what arrived from
// elsewhere: V 1,000 (hop 0), S 600 (hop 1, its change not again), E 300 (hop 2), X 280 (hop 3).
// Of V's 1,000, what went on to the exchange: 600 × 300/600 = 300 (the change stays at V).
import { expect } from 'chai';
import { buildFindings } from '../../services/domain/findings';
import type { Label } from '../../services/domain/types';
import { utxoFindingsInput } from '../../services/domain/utxo-findings';
import { traceUtxo } from '../../services/domain/utxo-taint';
import { Chain } from '../support/utxo-chain';

describe('utxo findings: bitcoin through the shared findings module', () => {
  it('counts seeds once, change as no movement, addresses at their first hop', async () => {
    const chain = new Chain();
    const F = chain.add('F', 1, [], [['V', 1_000n]]);
    const P = chain.add('P', 2, [[F.txid, 0]], [['S', 600n], ['V', 390n]]);
    const M = chain.add('M', 3, [[P.txid, 0]], [['E', 300n], ['S', 290n]]);
    const N = chain.add('N', 4, [[M.txid, 1]], [['X', 280n]]);
    const result = await traceUtxo({
      seeds: [{ address: 'V' }], model: 'fifo', maxHops: 5, isStop: (a) => a === 'E',
      fetch: Object.assign(chain, { addressTxids: async (a: string) => [...chain.txs.values()].filter((t) => t.outputs.some((o) => o.address === a)).map((t) => t.txid) }),
    });
    const exchange: Label = { chain: 'bitcoin', address: 'E', entity: 'Exch', category: 'exchange', confidence: 80, source: 'test' };
    const findings = buildFindings({
      ...utxoFindingsInput(result, {
        chain: 'bitcoin',
        attributionOf: (a) => (a === 'E' ? { label: exchange, attribution: 'label', viaChange: false, labelledAddress: 'E' } : undefined),
        labelsOf: (a) => (a === 'E' ? [exchange] : []),
      }),
      assetInfo: () => ({ symbol: 'BTC', decimals: 8 }),
    });
    expect(findings.endpoints.map((e) => [e.address, e.amount, e.hops, e.attribution, e.paths])).to.deep.equal([['E', '300', 2, 'label', [[F.txid, P.txid, M.txid]]]]);
    expect(findings.holdings.map((h) => [h.address, h.amount, h.hops])).to.deep.equal([['V', '390', 0], ['X', '280', 3]]);
    expect(findings.accounting).to.deep.equal([{ asset: 'BTC', seeded: '1000', endpoints: '300', holdings: '670', stopped: '0', fees: '30', balanceGaps: 0 }]);
    expect(findings.hops.map((h) => [h.hop, h.addresses, h.tainted, h.toExchanges])).to.deep.equal([
      [0, 1, '1000', '300'], [1, 1, '600', '300'], [2, 1, '300', '300'], [3, 1, '280', '0'],
    ]);
    expect(findings.exposure).to.deep.equal([{ entity: 'Exch', category: 'exchange', asset: 'BTC', amount: '300', share: 0.3 }]);
    expect(N.txid).to.be.a('string');
  });

  it('reports outputs not followed per output and why, under the address\'s hop', async () => {
    const chain = new Chain();
    const F = chain.add('F2', 1, [], [['A', 5_000n]]);
    const P = chain.add('P2', 2, [[F.txid, 0]], [['B', 4_000n], ['B', 900n]]);
    const Q = chain.add('Q2', 3, [[P.txid, 0]], [['B', 3_990n]]);
    chain.add('S2', 4, [[Q.txid, 0]], [['C', 3_980n]]);
    chain.add('R2', 3, [[P.txid, 1]], [['D', 890n]]);
    const result = await traceUtxo({ seeds: [{ txid: F.txid, vout: 0 }], model: 'fifo', maxHops: 2, minAmount: 1_000n, fetch: chain });
    const findings = buildFindings({ ...utxoFindingsInput(result, { chain: 'bitcoin', attributionOf: () => undefined, labelsOf: () => [] }), assetInfo: () => ({}) });
    // B's 900 output is under the minimum (hop 1); its 3,990 change (hop 2) is at max hops:
    // two rows for one address, each under B's hop.
    expect(findings.stopped.map((s) => [s.address, s.amount, s.hops, s.reason])).to.deep.equal([['B', '3990', 1, 'max-hops'], ['B', '900', 1, 'min-amount']]);
    expect(findings.accounting[0]).to.include({ seeded: '5000', stopped: '4890', fees: '110', holdings: '0' });
  });
});
