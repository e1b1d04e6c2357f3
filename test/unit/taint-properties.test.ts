// Property tests for the taint engine on random small graphs: 2–8 addresses, random ledgers,
// sources and stops, 1–40 transfers over a few blocks, amounts from 0 to beyond 2^80.
import { expect } from 'chai';
import fc from 'fast-check';
import { compareChainOrder, TAINT_MODELS, type TaintModel, type Transfer } from '../../services/domain/types';
import { propagateTaint, type LedgerSpec, type TaintInput, type TaintResult } from '../../services/domain/taint';
import { isPayment } from '../../services/domain/payments';
import { AccountMap } from '../../services/domain/taint/account-map';
import { ColumnMap } from '../../services/domain/taint/column-map';

const RUNS = 300; // each run checks every model
const ASSETS = ['ETH', 'usdt'] as const;
const CONSERVING = TAINT_MODELS.filter((m) => m !== 'poison');

const amount = fc.oneof(
  { arbitrary: fc.constant(0n), weight: 1 },
  { arbitrary: fc.bigInt({ min: 1n, max: 100n }), weight: 6 },
  { arbitrary: fc.bigInt({ min: 2n ** 80n, max: 2n ** 82n }), weight: 2 },
);

const opening = fc.bigInt({ min: 100n, max: 1000n });

const address = fc.record({
  ledger: fc.integer({ min: 0, max: 3 }).map((n) => n > 0), // most addresses pass taint on
  stop: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
  fromBlock: fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 1 }),
  // Mostly enough to cover small outflows, so commingled balances are common, not only gaps.
  opening: fc.record({ ETH: fc.oneof(amount, opening), usdt: fc.oneof(amount, opening) }, { requiredKeys: [] }),
});

const scenario = fc.integer({ min: 2, max: 8 }).chain((n) =>
  fc.record({
    addresses: fc.array(address, { minLength: n, maxLength: n }),
    sourceOdds: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }),
    transfers: fc.array(
      fc.record({
        from: fc.nat(n - 1),
        to: fc.option(fc.nat(n - 1), { freq: 6 }),
        asset: fc.constantFrom(...ASSETS),
        amount,
        block: fc.integer({ min: 0, max: 5 }),
        tx: fc.integer({ min: 0, max: 3 }),
        seq: fc.integer({ min: 0, max: 2 }),
        seed: fc.integer({ min: 0, max: 3 }).map((k) => k === 0),
      }),
      { minLength: 1, maxLength: 40 },
    ),
  }),
).map(({ addresses, sourceOdds, transfers }): Omit<TaintInput, 'model'> => {
  const name = (i: number): string => `a${i}`;
  const ts: Transfer[] = transfers.map((t, i) => ({
    chain: 'test', txHash: `t${i}`, blockNumber: t.block, blockHash: `0xb${t.block}`, timestamp: 1_000 + t.block,
    txIndex: t.tx, ref: t.to === null ? 'fee' : 'tx', seq: t.seq, kind: t.to === null ? 'fee' : 'native',
    asset: t.asset, from: name(t.from), to: t.to === null ? null : name(t.to), amount: t.amount,
  }));
  const ledgers = new Map<string, LedgerSpec>();
  addresses.forEach((a, i) => {
    if (!a.ledger) return;
    ledgers.set(name(i), {
      fromBlock: a.fromBlock,
      opening: new Map(Object.entries(a.opening)),
      source: sourceOdds[i] === 0, // about one ledger in five is a source
    });
  });
  return {
    transfers: ts,
    ledgers,
    seedTransfers: new Set(transfers.flatMap((t, i) => (t.seed ? [`t${i}#${t.to === null ? 'fee' : 'tx'}`] : []))),
    stops: new Set(addresses.flatMap((a, i) => (a.stop ? [name(i)] : []))),
  };
});

const run = (input: Omit<TaintInput, 'model'>, model: TaintModel): TaintResult => propagateTaint({ ...input, model });
const idOf = (t: Transfer): string => `${t.txHash}#${t.ref}`;
const sum = (xs: Iterable<bigint>): bigint => [...xs].reduce((a, b) => a + b, 0n);

describe('taint: properties', () => {
  it('0 < τ(t) <= t.amount, seeds are tainted in full, parents are earlier inflows of the sender', () => {
    fc.assert(fc.property(scenario, (input) => TAINT_MODELS.forEach((model) => {
      const r = run(input, model);
      const byId = new Map(input.transfers.map((t) => [idOf(t), t]));
      for (const [id, tau] of r.tainted) {
        const t = byId.get(id)!;
        expect(t, id).to.not.equal(undefined);
        expect(tau > 0n && tau <= t.amount, `τ(${id}) = ${tau} of ${t.amount}`).to.equal(true);
        const parents = r.parents.get(id)!;
        expect(parents.length <= 3 && new Set(parents).size === parents.length, `parents of ${id}`).to.equal(true);
        for (const p of parents) {
          const parent = byId.get(p)!;
          expect(parent.to === t.from && parent.asset === t.asset, `${p} is an inflow of ${t.from}`).to.equal(true);
          const order = compareChainOrder(parent, t) || (p < id ? -1 : 1);
          expect(order < 0, `${p} precedes ${id}`).to.equal(true);
        }
      }
      expect([...r.parents.keys()]).to.have.members([...r.tainted.keys()]);
      for (const id of input.seedTransfers) {
        const t = byId.get(id)!;
        // A self-transfer moves nothing, so even as a seed it carries nothing (amount 0 alike).
        expect(r.tainted.get(id) ?? 0n, `seed ${id}`).to.equal(isPayment(t, null) ? t.amount : 0n);
        if (isPayment(t, null)) expect(r.parents.get(id)).to.deep.equal([]);
      }
      for (const g of r.gaps) expect(g.amount > 0n && input.ledgers.has(g.address) && !input.stops.has(g.address)).to.equal(true);
      for (const l of r.lateInflows) {
        const spec = input.ledgers.get(l.address)!;
        expect(byId.get(l.transferId)!.blockNumber < spec.fromBlock && !input.stops.has(l.address)).to.equal(true);
        expect(r.tainted.get(l.transferId)).to.equal(l.amount);
      }
    })), { numRuns: RUNS });
  });

  it('accounts match the transfers: Σ out = Σ τ, Σ in = Σ τ received + source taint created, sinks = Σ τ of fees', () => {
    fc.assert(fc.property(scenario, (input) => TAINT_MODELS.forEach((model) => {
      const r = run(input, model);
      for (const asset of ASSETS) {
        const ts = unique(input.transfers).filter((t) => t.asset === asset);
        const tau = (t: Transfer): bigint => r.tainted.get(idOf(t)) ?? 0n;
        const accounts = [...r.accounts.values()].filter((a) => a.asset === asset);
        expect(sum(accounts.map((a) => a.taintedOut)), `${asset} out`).to.equal(sum(ts.map(tau)));
        expect(sum(accounts.map((a) => a.taintedIn)), `${asset} in`)
          .to.equal(sum(ts.filter((t) => t.to !== null).map(tau)) + sourceCreated(input, r, asset));
        expect(r.sinks.get(asset) ?? 0n, `${asset} sinks`).to.equal(sum(ts.filter((t) => t.to === null).map(tau)));
      }
      for (const a of r.accounts.values()) {
        if (a.role !== 'ledger') expect(a.taintedHeld, `${a.address} holds what it received`).to.equal(a.taintedIn);
      }
    })), { numRuns: RUNS });
  });

  // What is proved, for fifo, lifo, haircut and tiho:
  // (1) per (address, asset), ledger or not:  taintedIn + seeded == taintedOut + taintedHeld,
  //     with taintedHeld >= 0;
  // (2) per asset: tainted openings of sources + Σ(amount − τ) over inflows of sources in their
  //     window + Σ seeded == Σ taintedHeld (ledgers: tainted balance + late inflows; stops and
  //     untracked addresses: all they received) + sinks.
  // With (1) summed over accounts and the previous test, (2) says no unit is created or lost.
  it('conserves taint per account and globally (every model but poison)', () => {
    fc.assert(fc.property(scenario, (input) => CONSERVING.forEach((model) => {
      const r = run(input, model);
      for (const [key, a] of r.accounts) {
        expect(a.taintedHeld >= 0n, `${key} held`).to.equal(true);
        expect(a.taintedIn + a.seeded, `${model} ${key}`).to.equal(a.taintedOut + a.taintedHeld);
      }
      for (const asset of ASSETS) {
        const accounts = [...r.accounts.values()].filter((a) => a.asset === asset);
        expect(sourceCreated(input, r, asset) + sum(accounts.map((a) => a.seeded)), `${model} ${asset}`)
          .to.equal(sum(accounts.map((a) => a.taintedHeld)) + (r.sinks.get(asset) ?? 0n));
        expect(sum(accounts.map((a) => a.sourced)), `${model} ${asset} sourced`).to.equal(sourceCreated(input, r, asset));
      }
    })), { numRuns: RUNS });
  });

  it('gives the identical result for any input order and duplicated transfers', () => {
    const shuffled = scenario.chain((input) => fc.record({
      input: fc.constant(input),
      transfers: fc.shuffledSubarray([...input.transfers], { minLength: input.transfers.length }),
      extra: fc.subarray([...input.transfers]),
      ledgerOrder: fc.shuffledSubarray([...input.ledgers], { minLength: input.ledgers.size }),
    }));
    fc.assert(fc.property(shuffled, ({ input, transfers, extra, ledgerOrder }) => TAINT_MODELS.forEach((model) => {
      const other = {
        ...input,
        transfers: [...extra.map((t) => ({ ...t })), ...transfers],
        ledgers: new Map(ledgerOrder.map(([a, spec]) => [a, { ...spec, opening: new Map([...spec.opening].reverse()) }])),
      };
      expect(canonical(run(other, model))).to.equal(canonical(run(input, model)));
    })), { numRuns: RUNS });
  });

  it('asked for no parents, gives the same result but the parents, which are empty', () => {
    fc.assert(fc.property(scenario, (input) => TAINT_MODELS.forEach((model) => {
      const whole = run(input, model);
      const without = propagateTaint({ ...input, model, parents: false });
      expect(without.parents.size).to.equal(0);
      expect(canonical({ ...without, parents: whole.parents })).to.equal(canonical(whole));
    })), { numRuns: RUNS });
  });

  // Why it holds: by induction in chain order, if every earlier transfer has τ_poison >= τ_m, an
  // address whose ledger holds taint under m has received a tainted inflow under poison too (or
  // is a source with a tainted opening), so it is poisoned and its outflows carry their full
  // amount. Seeds carry their full amount in every model.
  it('poison taints at least as much as every other model, transfer by transfer', () => {
    fc.assert(fc.property(scenario, (input) => CONSERVING.forEach((model) => {
      const poison = run(input, 'poison').tainted;
      for (const [id, tau] of run(input, model).tainted) {
        expect((poison.get(id) ?? 0n) >= tau, `${model} ${id}`).to.equal(true);
      }
    })), { numRuns: RUNS });
  });

  // tiho looks ahead within a block, never beyond it; no model may look further.
  it('later blocks never change the taint of earlier transfers', () => {
    fc.assert(fc.property(scenario, fc.integer({ min: 0, max: 5 }), (input, cut) => TAINT_MODELS.forEach((model) => {
      const early = (id: string): boolean => input.transfers.some((t) => idOf(t) === id && t.blockNumber < cut);
      const truncated = run({ ...input, transfers: input.transfers.filter((t) => t.blockNumber < cut) }, model);
      const full = run(input, model);
      expect([...full.tainted].filter(([id]) => early(id)), model).to.deep.equal([...truncated.tainted]);
      expect([...full.parents].filter(([id]) => early(id)), model).to.deep.equal([...truncated.parents]);
      expect(full.gaps.filter((g) => early(g.transferId)), model).to.deep.equal(truncated.gaps);
    })), { numRuns: RUNS });
  });

  it('taints nothing without seeds or sources', () => {
    fc.assert(fc.property(scenario, (input) => TAINT_MODELS.forEach((model) => {
      const ledgers = new Map([...input.ledgers].map(([a, spec]) => [a, { ...spec, source: false }]));
      const r = run({ ...input, ledgers, seedTransfers: new Set() }, model);
      expect(r.tainted.size + r.accounts.size + r.sinks.size + r.lateInflows.length).to.equal(0);
    })), { numRuns: 100 });
  });
});

/** Taint a source creates: its tainted opening, and the untainted part of inflows in its window. */
function sourceCreated(input: Omit<TaintInput, 'model'>, r: TaintResult, asset: string): bigint {
  const isSource = (a: string | null): LedgerSpec | undefined => {
    const spec = a === null || input.stops.has(a) ? undefined : input.ledgers.get(a);
    return spec?.source ? spec : undefined;
  };
  let created = 0n;
  for (const [address, spec] of input.ledgers) {
    if (isSource(address)) created += spec.opening.get(asset) ?? 0n;
  }
  for (const t of unique(input.transfers)) {
    const spec = isSource(t.to);
    if (t.asset === asset && spec && t.blockNumber >= spec.fromBlock) created += t.amount - (r.tainted.get(idOf(t)) ?? 0n);
  }
  return created;
}

/** The distinct payments among `ts`: self-transfers and zero values move nothing. */
function unique(ts: readonly Transfer[]): Transfer[] {
  return [...new Map(ts.map((t) => [idOf(t), t])).values()].filter((t) => isPayment(t, null));
}

/** Serialises a result including the order of every map and array. */
function canonical(r: TaintResult): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map || v instanceof ColumnMap || v instanceof AccountMap ? [...v] : v));
}
