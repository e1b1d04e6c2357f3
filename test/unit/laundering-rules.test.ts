// The rules that hold under every taint model against the tricks launderers play on tracers
// (contract, "Taint models"), each with worked numbers.
import { expect } from 'chai';
import { propagateTaint, type LedgerSpec } from '../../services/domain/taint';
import { buildFindings } from '../../services/domain/findings';
import { computeHops } from '../../services/domain/hops';
import { traceUtxo } from '../../services/domain/utxo-taint';
import { TAINT_MODELS, transferId, type TaintModel, type Transfer } from '../../services/domain/types';
import type { Outspend, UtxoTx } from '../../services/domain/utxo';

const tx = (id: string, from: string, to: string | null, amount: bigint, block: number, asset = 'ETH'): Transfer => ({
  chain: 'test', txHash: id, blockNumber: block, blockHash: `0xb${block}`, timestamp: 1_000 + block, txIndex: 0,
  ref: to === null ? 'fee' : 'tx', seq: to === null ? 0 : 1, kind: to === null ? 'fee' : asset === 'ETH' ? 'native' : 'token',
  asset, from, to, amount,
});
const ledger = (opening: Record<string, bigint> = {}, source = false, fromBlock = 0): LedgerSpec =>
  ({ fromBlock, opening: new Map(Object.entries(opening)), source });

describe('rule: a transfer from an address to itself moves no value', () => {
  // W receives 10 tainted (a victim's payment) then 90 clean, sends 10 to itself paying a fee
  // of 1, then 90 to exchange X. Before the fix, fifo moved the tainted 10 from the head of
  // W's queue to its tail and X got 0 tainted.
  //   fifo:    queue [10T, 90C]; fee 1 from the head (1T); X 90 = 9T + 81C           → X 9, fee 1, W holds 0
  //   lifo:    fee 1 from the tail (clean); X 90 = 89C + 1T                            → X 1, fee 0, W holds 9
  //   haircut: fee ⌊1·10/100⌋ = 0; X ⌊90·10/99⌋ = 9                                    → X 9, fee 0, W holds 1
  //   poison:  W is poisoned: fee 1 and X 90 in full; W holds its 9 left               → X 90, fee 1, W holds 9
  //   tiho:    fee alone in its block takes min(1, 10) = 1; X alone takes min(90, 9)   → X 9, fee 1, W holds 0
  const expected: Record<TaintModel, { x: bigint; fee: bigint; held: bigint }> = {
    fifo: { x: 9n, fee: 1n, held: 0n },
    lifo: { x: 1n, fee: 0n, held: 9n },
    haircut: { x: 9n, fee: 0n, held: 1n },
    poison: { x: 90n, fee: 1n, held: 9n },
    tiho: { x: 9n, fee: 1n, held: 0n },
  };
  const seed = tx('s1', 'V', 'W', 10n, 1);
  const clean = tx('c1', 'C', 'W', 90n, 2);
  const self = tx('w1', 'W', 'W', 10n, 3);
  const fee = { ...tx('w1', 'W', null, 1n, 3) };
  const out = tx('x1', 'W', 'X', 90n, 4);

  for (const model of TAINT_MODELS) {
    it(`${model}: X gets ${expected[model].x} tainted, the fee ${expected[model].fee}, and the self-transfer nothing`, () => {
      const r = propagateTaint({
        model, transfers: [seed, clean, self, fee, out], ledgers: new Map([['W', ledger()]]),
        seedTransfers: new Set([transferId(seed)]), stops: new Set(['X']),
      });
      expect(r.tainted.get(transferId(out)) ?? 0n).to.equal(expected[model].x);
      expect(r.tainted.has(transferId(self))).to.equal(false);
      expect(r.sinks.get('ETH') ?? 0n).to.equal(expected[model].fee);
      expect(r.accounts.get('W|ETH')!.taintedHeld).to.equal(expected[model].held);
      expect(r.ignored).to.deep.equal({ selfTransfers: 1, zeroValue: 0, untracedAssets: 0 });
    });
  }

  it('any number of self-transfers anywhere change nothing but the ignored count (every model)', () => {
    const washes = [1, 2, 3, 4].map((b) => tx(`w${b}b`, 'W', 'W', 5n * BigInt(b), b));
    for (const model of TAINT_MODELS) {
      const base = { model, ledgers: new Map([['W', ledger({ ETH: 7n })]]), seedTransfers: new Set([transferId(seed)]), stops: new Set(['X']) };
      const plain = propagateTaint({ ...base, transfers: [seed, clean, fee, out] });
      const washed = propagateTaint({ ...base, transfers: [seed, ...washes, clean, fee, out] });
      expect([...washed.tainted]).to.deep.equal([...plain.tainted]);
      expect([...washed.accounts]).to.deep.equal([...plain.accounts]);
      expect(washed.ignored.selfTransfers).to.equal(4);
    }
  });
});

describe('rule: seeded is what the seeds put in, once', () => {
  // Seed wallet S holds 100. It sends 40 to A (followed), A sends the 40 back, S sends 100 to
  // exchange X. The seeds put in 100 (S's opening); the round trip adds nothing. X's share is
  // 100/100 = 1 (it was 100/140 before, when the 40 that came back was seeded again).
  const sa = tx('sa', 'S', 'A', 40n, 2);
  const as = tx('as', 'A', 'S', 40n, 3);
  const sx = tx('sx', 'S', 'X', 100n, 4);
  for (const model of TAINT_MODELS.filter((m) => m !== 'poison')) {
    it(`${model}: seeded 100, X 100, share 1`, () => {
      const transfers = [sa, as, sx];
      const taint = propagateTaint({
        model, transfers, ledgers: new Map([['S', ledger({ ETH: 100n }, true)], ['A', ledger()]]),
        seedTransfers: new Set(), stops: new Set(['X']),
      });
      expect(taint.accounts.get('S|ETH')!.sourced).to.equal(100n);
      const findings = buildFindings({
        transfers: new Map(transfers.map((t) => [transferId(t), t])), taint,
        hops: computeHops({ transfers, seedTransfers: new Set(), sources: new Set(['S']) }),
        nodes: new Map([['S', { state: 'source' }], ['A', { state: 'crawled' }],
          ['X', { state: 'stop', label: { chain: 'test', address: 'X', entity: 'Kraken', category: 'exchange' } }]]),
        sources: new Set(['S']), seedTransfers: new Set(), assetInfo: () => ({}),
      });
      expect(findings.accounting[0]).to.include({ asset: 'ETH', seeded: '100', endpoints: '100', holdings: '0' });
      expect(findings.exposure[0]).to.include({ entity: 'Kraken', amount: '100', share: 1 });
    });
  }

  it('a victim paying twice, the second time with money that came back to it, is seeded once per new unit', () => {
    // V (followed, opening 0) pays S 50 (seed 1); S returns 20 to V; V pays S 30 of it (seed 2).
    // Seed 2 was already tainted (V's ledger holds the returned 20 and nothing else), so the
    // seeds put in 50, not 80.
    const p1 = tx('p1', 'V', 'S', 50n, 1);
    const back = tx('bk', 'S', 'V', 20n, 2);
    const p2 = tx('p2', 'V', 'S', 20n, 3);
    const transfers = [p1, back, p2];
    const seeds = new Set([transferId(p1), transferId(p2)]);
    const taint = propagateTaint({ model: 'fifo', transfers, ledgers: new Map([['S', ledger()], ['V', ledger()]]), seedTransfers: seeds, stops: new Set() });
    const findings = buildFindings({
      transfers: new Map(transfers.map((t) => [transferId(t), t])), taint,
      hops: computeHops({ transfers, seedTransfers: seeds, sources: new Set() }),
      nodes: new Map([['S', { state: 'crawled' }], ['V', { state: 'crawled' }]]),
      sources: new Set(), seedTransfers: seeds, assetInfo: () => ({}),
    });
    expect(findings.accounting[0]).to.include({ seeded: '50', holdings: '50' });
  });

  it('bitcoin: change paid back to a seed address is not seeded again', async () => {
    // Seed address A receives 100,000 sat (f0:0). A pays 30,000 to X and 69,000 change to
    // itself with a 1,000 fee (t1). Seeded: 100,000, not 169,000; X 30,000, A holds 69,000, fee 1,000.
    const funding: UtxoTx = {
      txid: 'f0', blockHeight: 1, blockHash: 'h1', blockTime: 1, fee: 0n,
      inputs: [{ prevTxid: 'c0', prevVout: 0, address: 'V', value: 100_000n, coinbase: false }],
      outputs: [{ vout: 0, address: 'A', scriptType: 'p2wpkh', value: 100_000n }],
    };
    const spend: UtxoTx = {
      txid: 't1', blockHeight: 2, blockHash: 'h2', blockTime: 2, fee: 1_000n,
      inputs: [{ prevTxid: 'f0', prevVout: 0, address: 'A', value: 100_000n, coinbase: false }],
      outputs: [
        { vout: 0, address: 'X', scriptType: 'p2wpkh', value: 30_000n },
        { vout: 1, address: 'A', scriptType: 'p2wpkh', value: 69_000n },
      ],
    };
    const txs = new Map([[funding.txid, funding], [spend.txid, spend]]);
    const spends: Record<string, Outspend[]> = {
      f0: [{ spent: true, txid: 't1', vin: 0, blockHeight: 2 }],
      t1: [{ spent: false }, { spent: false }],
    };
    for (const model of TAINT_MODELS) {
      const r = await traceUtxo({
        seeds: [{ address: 'A' }], model, maxHops: 5,
        fetch: { getTx: async (id) => txs.get(id)!, outspends: async (id) => spends[id]!, addressTxids: async () => ['f0', 't1'] },
        isStop: (a) => a === 'X',
      });
      expect(r.seededTotal, model).to.equal(100_000n);
      if (model !== 'poison') {
        const placed = [...r.endpoints, ...r.holdings].reduce((s, o) => s + o.tainted, 0n) + r.fees.reduce((s, f) => s + f.tainted, 0n);
        expect(placed, `${model}: every seeded sat is placed once`).to.equal(100_000n);
      }
    }
  });
});
