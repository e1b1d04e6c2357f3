// Pure decisions of the tracer: which tainted addresses to follow, hop distances in time
// order, and how findings account for every seeded unit.
import { expect } from 'chai';
import { buildFindings, type NodeInfo } from '../../services/domain/findings';
import { computeHops } from '../../services/domain/hops';
import { propagateTaint } from '../../services/domain/taint';
import { transferId, type Transfer } from '../../services/domain/types';
import { judgeHistory, triage, triageSliced, ZERO_ADDRESS, type Candidate } from '../../services/tracing/classify';

const A = '0x' + 'a'.repeat(40);
const B = '0x' + 'b'.repeat(40);
const C = '0x' + 'c'.repeat(40);
const X = '0x' + 'e'.repeat(40);
const V = '0x' + '1'.repeat(40);
const TOKEN = '0x' + 'd'.repeat(40);

let n = 0;
function tx(from: string, to: string | null, amount: bigint, block: number, asset = TOKEN): Transfer {
  n++;
  return {
    chain: 'local', txHash: '0x' + n.toString(16).padStart(64, '0'), blockNumber: block, blockHash: '0x', timestamp: block * 10,
    txIndex: 0, ref: 'log:0', seq: 1_000_000, kind: 'token', asset, from, to, amount,
  };
}

const candidate = (address: string, hop: number, amount: bigint): Candidate => ({ address, hop, received: new Map([[TOKEN, amount]]), firstTaintedBlock: 5 });
const params = { maxHops: 5, minAmount: (): bigint => 100n, stopCategories: ['exchange'] as const, budget: 10 };

describe('tracing decisions', () => {
  describe('triage', () => {
    const cases: { description: string; candidate: Candidate; labels?: Record<string, { category: 'exchange' | 'scam' }>; budget?: number; state: string }[] = [
      { description: 'a labelled exchange is a stop', candidate: candidate(A, 1, 1000n), labels: { [A]: { category: 'exchange' } }, state: 'stop' },
      { description: 'a scam label is followed, not a stop', candidate: candidate(A, 1, 1000n), labels: { [A]: { category: 'scam' } }, state: 'crawl' },
      { description: 'the hop limit', candidate: candidate(A, 5, 1000n), state: 'max-hops' },
      { description: 'dust below the minimum', candidate: candidate(A, 1, 99n), state: 'min-amount' },
      { description: 'exactly the minimum is followed', candidate: candidate(A, 1, 100n), state: 'crawl' },
      { description: 'the address budget', candidate: candidate(A, 1, 1000n), budget: 0, state: 'address-limit' },
      { description: 'the zero address is nobody', candidate: candidate(ZERO_ADDRESS, 1, 1000n), state: 'service-like' },
    ];
    for (const c of cases) {
      it(c.description, () => {
        const labels = new Map(Object.entries(c.labels ?? {}).map(([address, l]) => [address, [{ chain: 'local', address, entity: 'E', category: l.category, confidence: 80 }]]));
        const [decision] = triage([c.candidate], labels, { ...params, budget: c.budget ?? params.budget });
        expect(decision!.state).to.equal(c.state);
      });
    }

    it('spends the address budget by hop, then by address, however the candidates come (thousands: sorted in steps)', async () => {
      const addressOf = (i: number) => '0x' + (i + 1).toString(16).padStart(40, '0'); // not the zero address
      // 5,000 candidates over hops 1..3, in a shuffled order (a fixed permutation).
      const all = Array.from({ length: 5000 }, (_, i) => candidate(addressOf(i), 1 + (i % 3), 1000n));
      const shuffled = all.map((_, i) => all[(i * 2_917) % all.length]!);
      expect(new Set(shuffled).size).to.equal(all.length);
      const budget = 2_500;
      const expected = [...all].sort((a, b) => a.hop - b.hop || (a.address < b.address ? -1 : 1));
      for (const decisions of [triage(shuffled, new Map(), { ...params, budget }), await triageSliced(shuffled, new Map(), { ...params, budget })]) {
        expect(decisions.map((d) => d.address)).to.deep.equal(expected.map((c) => c.address));
        expect(decisions.slice(0, budget).every((d) => d.state === 'crawl')).to.equal(true);
        expect(decisions.slice(budget).every((d) => d.state === 'address-limit')).to.equal(true);
        expect(decisions.filter((d) => d.state === 'crawl').every((d) => d.hop <= 2)).to.equal(true);
      }
    });
  });

  describe('judgeHistory', () => {
    const judge = (history: Transfer[]) =>
      judgeHistory(A, history, (a) => (a === X ? { chain: 'local', address: X, entity: 'Binance', category: 'exchange', confidence: 90 } : undefined),
        { serviceLikeCounterparties: 5, maxDelayBlocks: 100, minForwardShareBps: 9000 });

    it('treats a wallet with more counterparties than the limit as a service', () => {
      const history = Array.from({ length: 6 }, (_, i) => tx('0x' + String(i + 2).repeat(40), A, 10n, i + 1));
      expect(judge(history)).to.include({ state: 'service-like', counterparties: 6 });
    });
    it('recognises a deposit address that sweeps to an exchange', () => {
      const verdict = judge([tx(B, A, 1000n, 1), tx(A, X, 1000n, 3)]);
      expect(verdict.state).to.equal('deposit');
      expect(verdict.deposit!.entity).to.equal('Binance');
    });
    it('follows an ordinary wallet', () => {
      expect(judge([tx(B, A, 1000n, 1), tx(A, C, 1000n, 3)]).state).to.equal('crawled');
    });
  });

  describe('hops', () => {
    it('counts hops per asset and in time order', () => {
      const seed = tx(V, A, 100n, 1);
      const ab = tx(A, B, 100n, 2);
      const bc = tx(B, C, 100n, 3);
      const shortcut = tx(A, C, 1n, 4); // reaches C later by a shorter route
      const eth = tx(A, C, 5n, 1, 'ETH');
      const hops = computeHops({ transfers: [bc, shortcut, ab, seed, eth], seedTransfers: new Set([transferId(seed)]), sources: new Set() });
      expect(hops.transferHop.get(transferId(bc))).to.equal(3);
      expect(hops.accountHop.get(`${C}|${TOKEN}`)).to.equal(2);
      expect(hops.transferHop.get(transferId(eth))).to.equal(undefined); // A had no ETH taint
    });
  });

  describe('findings', () => {
    it('accounts for every seeded unit and reports endpoints, holdings and what was not followed', () => {
      // V pays A 1000 (seed); A sends 600 to exchange X, 300 to B (followed, keeps it), 100 to C (dust).
      const seed = tx(V, A, 1000n, 1);
      const toX = tx(A, X, 600n, 2);
      const toB = tx(A, B, 300n, 3);
      const toC = tx(A, C, 100n, 4);
      const transfers = [seed, toX, toB, toC];
      const ledgers = new Map([A, B].map((a) => [a, { fromBlock: 1, opening: new Map<string, bigint>(), source: false }]));
      const taint = propagateTaint({ model: 'fifo', transfers, ledgers, seedTransfers: new Set([transferId(seed)]), stops: new Set([X, C]) });
      const hops = computeHops({ transfers, seedTransfers: new Set([transferId(seed)]), sources: new Set() });
      const nodes = new Map<string, NodeInfo>([
        [A, { state: 'crawled' }], [B, { state: 'crawled' }], [C, { state: 'min-amount' }],
        [X, { state: 'stop', label: { chain: 'local', address: X, entity: 'Binance', category: 'exchange', confidence: 90 } }],
      ]);
      const f = buildFindings({
        transfers: new Map(transfers.map((t) => [transferId(t), t])), taint, hops, nodes, sources: new Set(), seedTransfers: new Set([transferId(seed)]), assetInfo: () => ({}),
      });
      expect(f.endpoints).to.have.length(1);
      expect(f.endpoints[0]).to.include({ address: X, entity: 'Binance', amount: '600', hops: 2, attribution: 'label' });
      expect(f.endpoints[0]!.paths).to.deep.equal([[seed.txHash, toX.txHash]]);
      expect(f.holdings).to.deep.equal([{ address: B, asset: TOKEN, amount: '300', hops: 2, lastSeen: 30 }]);
      expect(f.stopped).to.deep.equal([{ address: C, asset: TOKEN, amount: '100', hops: 2, reason: 'min-amount' }]);
      expect(f.exposure).to.deep.equal([{ entity: 'Binance', category: 'exchange', asset: TOKEN, amount: '600', share: 0.6 }]);
      expect(f.accounting).to.deep.equal([{ asset: TOKEN, seeded: '1000', endpoints: '600', holdings: '300', stopped: '100', fees: '0', balanceGaps: 0 }]);
      // Hop 1 (A) passed 1000, of which 600 went on to the exchange.
      expect(f.hops.find((h) => h.hop === 1)).to.include({ tainted: '1000', toExchanges: '600' });
    });
  });
});
