// Metamorphic property tests of the engine's judgements end to end (taint, triage, deposit
// heuristic, service-like, findings): take a generated laundering graph, apply changes that
// move no value — self-transfers anywhere, zero-value and fake-token spam to and from any
// address (lookalikes of deposit addresses included), clean dust to bystanders, a sanctions
// label on a labelled exchange — and the endpoints, amounts, holdings and seeded totals stay
// the same under every model.
import { expect } from 'chai';
import fc from 'fast-check';
import { TAINT_MODELS, transferId, type Label, type TaintModel, type Transfer } from '../../services/domain/types';
import { traceOffline, type OfflineCase, type OfflineResult } from '../support/offline-trace';

const RUNS = 40; // each run traces every model, plain and changed
const FEE = 21n;
const USDT = 'usdt';
const FAKE = 'fake-usdt';
const S = 'S', V = 'V', F = 'F', H = 'H', X = 'X';
const WALLETS = ['W0', 'W1', 'W2', 'W3'];
const DEPOSITS = ['D0', 'D1'];
const SENDERS = [S, ...WALLETS];
const TARGETS = [...WALLETS, ...DEPOSITS, X];
// Lookalikes share a deposit address's first and last characters (address poisoning).
const LOOKALIKES = ['D0x', 'D1x', 'Sx'];
const BYSTANDERS = ['B0', 'B1', H, X];
const EVERYONE = [S, V, F, H, X, ...WALLETS, ...DEPOSITS, ...LOOKALIKES, 'B0', 'B1'];
const LABELS: ReadonlyMap<string, Label[]> = new Map([
  [H, [{ chain: 'test', address: H, entity: 'Binance', category: 'exchange', confidence: 50, source: 'pack' }]],
  [X, [{ chain: 'test', address: X, entity: 'Kraken', category: 'exchange', confidence: 50, source: 'pack' }]],
]);

interface Graph {
  transfers: Transfer[];
  seedTransferIds: Set<string>;
  sources: string[];
  lastBlock: number;
}

let counter = 0;
function payment(from: string, to: string, amount: bigint, block: number, txIndex: number, opts: { asset?: string; signer?: string | null } = {}): Transfer[] {
  const txHash = `0x${(++counter).toString(16)}`;
  const asset = opts.asset ?? 'ETH';
  const value: Transfer = {
    chain: 'test', txHash, blockNumber: block, blockHash: `0xb${block}`, timestamp: 1_000 + block, txIndex,
    ref: asset === 'ETH' ? 'tx' : 'log:0', seq: asset === 'ETH' ? 1 : 1_000_000, kind: asset === 'ETH' ? 'native' : 'token',
    asset, from, to, amount,
  };
  const signer = opts.signer === undefined ? from : opts.signer;
  if (signer === null) return [value];
  return [{ ...value, ref: 'fee', seq: 0, kind: 'fee', asset: 'ETH', to: null, amount: FEE, from: signer }, value];
}

const graphArb = fc.record({
  addressSeed: fc.boolean(),
  victim: fc.bigInt({ min: 10n ** 9n, max: 10n ** 20n }),
  clean: fc.option(fc.bigInt({ min: 1n, max: 10n ** 20n })),
  moves: fc.array(fc.record({ from: fc.nat(SENDERS.length - 1), to: fc.nat(TARGETS.length - 1), pct: fc.integer({ min: 5, max: 100 }) }), { minLength: 1, maxLength: 12 }),
}).map(({ addressSeed, victim, clean, moves }): Graph => {
  const balance = new Map<string, bigint>();
  const transfers: Transfer[] = [];
  const add = (ts: Transfer[]) => {
    for (const t of ts) {
      balance.set(t.from, (balance.get(t.from) ?? 0n) - t.amount);
      if (t.to) balance.set(t.to, (balance.get(t.to) ?? 0n) + t.amount);
      transfers.push(t);
    }
  };
  let block = 1;
  const seed = payment(V, S, victim, block, 0);
  add(seed);
  if (clean !== null) add(payment(F, S, clean, ++block, 0));
  for (const m of moves) {
    const from = SENDERS[m.from]!, to = TARGETS[m.to]!;
    const have = balance.get(from) ?? 0n;
    const amount = have > FEE ? ((have - FEE) * BigInt(m.pct)) / 100n : 0n;
    if (from === to || amount === 0n) continue;
    add(payment(from, to, amount, ++block, 0));
  }
  for (const d of DEPOSITS) {
    const have = balance.get(d) ?? 0n;
    if (have > FEE) add(payment(d, H, have - FEE, ++block, 0)); // the exchange sweeps it
  }
  return {
    transfers, lastBlock: block,
    seedTransferIds: addressSeed ? new Set() : new Set([transferId(seed[1]!)]),
    sources: addressSeed ? [S] : [],
  };
});

// Changes that move no value, placed anywhere in the graph's blocks.
const anywhere = (g: Graph) => fc.integer({ min: 0, max: g.lastBlock + 1 });
const changeArb = (g: Graph) => fc.record({
  selfTransfers: fc.array(fc.record({ who: fc.constantFrom(...EVERYONE), amount: fc.bigInt({ min: 1n, max: 10n ** 21n }), block: anywhere(g) }), { maxLength: 6 }),
  zeroValue: fc.array(fc.record({ from: fc.constantFrom(...EVERYONE), to: fc.constantFrom(...EVERYONE), asset: fc.constantFrom('ETH', USDT), block: anywhere(g) }), { maxLength: 8 }),
  fakeToken: fc.array(fc.record({ from: fc.constantFrom(...EVERYONE), to: fc.constantFrom(...EVERYONE), amount: fc.bigInt({ min: 1n, max: 10n ** 24n }), block: anywhere(g) }), { maxLength: 8 }),
  dust: fc.array(fc.record({ to: fc.constantFrom(...BYSTANDERS), amount: fc.bigInt({ min: 1n, max: 1000n }), block: anywhere(g) }), { maxLength: 4 }),
  sanction: fc.option(fc.constantFrom(H, X)),
});

interface Changed {
  transfers: Transfer[];
  labels: Map<string, Label[]>;
}

type Change = ReturnType<typeof changeArb> extends fc.Arbitrary<infer T> ? T : never;

function applyChanges(g: Graph, c: Change): Changed {
  const extra: Transfer[] = [];
  let i = 100;
  // A self-transfer's fee would be a real payment; the change inserts none (value-preserving).
  for (const s of c.selfTransfers) extra.push(...payment(s.who, s.who, s.amount, s.block, i++, { signer: null }));
  // Spam is signed and paid for by the spammer, whoever the events name.
  for (const z of c.zeroValue) extra.push(...payment(z.from, z.to, 0n, z.block, i++, { asset: z.asset, signer: 'spammer' }));
  for (const f of c.fakeToken) extra.push(...payment(f.from, f.to, f.amount, f.block, i++, { asset: FAKE, signer: 'spammer' }));
  for (const d of c.dust) extra.push(...payment('duster', d.to, d.amount, d.block, i++));
  const labels = new Map([...LABELS].map(([a, ls]) => [a, [...ls]]));
  if (c.sanction !== null) {
    labels.get(c.sanction)!.push({ chain: 'test', address: c.sanction, entity: 'OFAC SDN list', category: 'sanctioned', confidence: 60, source: 'ofac' });
  }
  return { transfers: [...g.transfers, ...extra], labels };
}

function run(g: Graph, model: TaintModel, changed?: Changed): OfflineResult {
  const base: OfflineCase = {
    model, transfers: changed?.transfers ?? g.transfers, labels: changed?.labels ?? LABELS,
    sources: g.sources, seedTransferIds: g.seedTransferIds, listedTokens: [USDT],
    // Low, so that counting spam as counterparties would turn a wallet service-like.
    serviceLikeCounterparties: 6,
  };
  return traceOffline(base);
}

/** What must not move: endpoints (labels aside), holdings, what was not followed, and the accounting. */
function figures(r: OfflineResult) {
  return {
    endpoints: r.endpoints.map(({ labels: _labels, ...e }) => e),
    exposure: r.exposure,
    holdings: r.holdings.map(({ labels: _labels, ...h }) => h),
    stopped: r.stopped,
    accounting: r.accounting,
  };
}

describe('engine: metamorphic properties against laundering tricks', () => {
  it('the generated graphs reach exchanges, directly and through deposit addresses', () => {
    // A fixed graph: S pays half to D0, the rest to X; D0 is swept to H.
    const g = fc.sample(graphArb, { numRuns: 1, seed: 7 })[0]!;
    for (const model of TAINT_MODELS) {
      const r = run(g, model);
      expect(r.accounting.find((a) => a.asset === 'ETH'), model).to.not.equal(undefined);
    }
    const withDeposit = fc.sample(graphArb.filter((x) => x.transfers.some((t) => t.from === 'D0' && t.to === H)), { numRuns: 1, seed: 3 })[0]!;
    const r = run(withDeposit, 'fifo');
    if (process.env.DBG) console.log(withDeposit.transfers.map((t) => `${t.blockNumber} ${t.from}->${t.to} ${t.amount}`).join('\n'), r.states);
    expect(r.states.get('D0')).to.equal('deposit');
    expect(r.endpoints.some((e) => e.address === 'D0' && e.attribution === 'deposit-heuristic' && e.entity === 'Binance')).to.equal(true);
  });

  it('self-transfers, spam, zero values, dust to bystanders and a sanctions label change no figure (every model)', () => {
    const arb = graphArb.chain((g) => fc.tuple(fc.constant(g), changeArb(g)));
    fc.assert(fc.property(arb, ([g, c]) => {
      const changed = applyChanges(g, c);
      for (const model of TAINT_MODELS) {
        const plain = run(g, model);
        const after = run(g, model, changed);
        expect(figures(after), model).to.deep.equal(figures(plain));
        expect(after.ignored.selfTransfers, 'self-transfers counted').to.be.at.least(plain.ignored.selfTransfers);
        if (c.sanction !== null) {
          // The sanctioned exchange stays an exchange endpoint and shows in sanctions too.
          const reached = after.endpoints.filter((e) => e.address === c.sanction);
          for (const e of reached) expect(e.labels!.map((l) => l.category)).to.deep.equal(['exchange', 'sanctioned']);
          const sanctioned = reached.reduce((s, e) => s + BigInt(e.amount), 0n);
          const reported = after.sanctions.reduce((s, x) => s + BigInt(x.amount), 0n);
          expect(reported, 'sanctions exposure').to.equal(sanctioned);
        }
      }
    }), { numRuns: RUNS });
  });
});
