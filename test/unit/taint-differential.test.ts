// Differential test: the live taint engine and hop counter against the frozen reference copy
// in test/support/reference-taint (the implementation before the rewrite for speed and memory).
// Random laundering graphs: self-transfers (also EVM hex in other letter case), zero values,
// several assets and an asset scope, stops, seed transfers, sources, late inflows (ledger
// windows opening after taint arrived), openings, fees, ties in chain order (same block,
// transaction and seq), duplicates in the input, any input order, amounts past 2^53 and 2^64.
// Every model, the synchronous and the time-sliced engine: the results must be identical,
// in value and in the order of every Map and list.
import { expect } from 'chai';
import fc from 'fast-check';
import { computeHops } from '../../services/domain/hops';
import { propagateTaint, propagateTaintSliced, type LedgerSpec, type TaintResult } from '../../services/domain/taint';
import { compareIds } from '../../services/domain/taint/propagate';
import { compareStrings, runSteps, sortSteps } from '../../services/domain/taint/steps';
import { TAINT_MODELS, transferId, type Transfer } from '../../services/domain/types';
import { computeHops as referenceHops } from '../support/reference-taint/hops';
import { NAMES, scenario } from '../support/taint-scenario';
import { propagateTaint as referenceTaint } from '../support/reference-taint/propagate';

const RUNS = 400; // each run checks every model

/** Everything a caller can observe, in iteration order. */
function observable(r: Omit<TaintResult, 'accounts'> & { accounts: TaintResult['accounts'] | ReturnType<typeof referenceTaint>['accounts'] }): unknown {
  return {
    tainted: [...r.tainted], parents: [...r.parents], accounts: [...r.accounts].map(([k, a]) => [k, Object.entries(a)]),
    sinks: [...r.sinks], gaps: r.gaps.map((g) => Object.entries(g)), lateInflows: r.lateInflows.map((l) => Object.entries(l)), ignored: r.ignored,
  };
}

function hopsObservable(h: ReturnType<typeof computeHops> | ReturnType<typeof referenceHops>): unknown {
  return { transferHop: [...h.transferHop], accountHop: [...h.accountHop], addressHop: [...h.addressHop] };
}

const outcome = <T>(f: () => T): { ok: T } | { error: string } => {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
};

describe('taint engine: identical to the reference implementation', () => {
  it('propagateTaint and computeHops give the same results, for every model', () => {
    fc.assert(fc.property(scenario, (input) => {
      const sources = new Set([...input.ledgers].filter(([a, s]) => s.source && !input.stops.has(a)).map(([a]) => a));
      for (const model of TAINT_MODELS) {
        const expected = referenceTaint({ ...input, model });
        const actual = propagateTaint({ ...input, model });
        expect(observable(actual), model).to.deep.equal(observable(expected));
        // Given each transfer's id (duplicates included, as a caller's Map would not have them): the same.
        const givenIds = propagateTaint({ ...input, model, transferIds: input.transfers.map((t) => transferId(t)) });
        expect(observable(givenIds), `${model}, ids given`).to.deep.equal(observable(expected));
        // As the tracer calls it: the tainted transfers; and on everything, duplicates included.
        const byId = new Map(input.transfers.map((t) => [transferId(t), t]));
        const tainted = [...expected.tainted.keys()].map((id) => byId.get(id)!);
        for (const transfers of [tainted, input.transfers]) {
          const hopInput = { transfers: [...transfers], seedTransfers: input.seedTransfers, sources };
          expect(hopsObservable(computeHops(hopInput)), `${model} hops`).to.deep.equal(hopsObservable(referenceHops(hopInput)));
        }
        // Given the result's own id strings: the same hops.
        const withIds = { transfers: tainted, seedTransfers: input.seedTransfers, sources, transferIds: [...expected.tainted.keys()] };
        expect(hopsObservable(computeHops(withIds)), `${model} hops, ids given`).to.deep.equal(hopsObservable(referenceHops(withIds)));
        // Asked by address and asset, as the report does: what the keys give, nothing for an account without a hop.
        const hops = computeHops(withIds);
        const reference = referenceHops(withIds);
        for (const [k, hop] of reference.accountHop) {
          const [address, asset] = k.split('|') as [string, string];
          expect([hops.accountHop.of(address, asset), hops.accountHop.get(k), hops.accountHop.has(k)], `${model} hop of ${k}`).to.deep.equal([hop, hop, true]);
        }
        for (const [address, hop] of reference.addressHop) expect([hops.addressHop.get(address), hops.addressHop.has(address)], `${model} hop of ${address}`).to.deep.equal([hop, true]);
        for (const address of ['nobody', ...sources]) {
          expect(hops.accountHop.of(address, 'NO-ASSET'), `${model} ${address} in no asset`).to.equal(undefined);
        }
        expect(hops.addressHop.get('nobody')).to.equal(undefined);
        // The taint result's accounts, likewise.
        for (const [k, account] of actual.accounts) expect(actual.accounts.of(account.address, account.asset), `${model} account ${k}`).to.equal(account);
        expect(actual.accounts.of('nobody', 'ETH')).to.equal(undefined);
        // Transfers only (a hop step): the same transfer hops, nothing else.
        const transfersOnly = computeHops({ ...withIds, transfersOnly: true });
        expect([...transfersOnly.transferHop].sort(), `${model} transfer hops only`).to.deep.equal([...referenceHops(withIds).transferHop].sort());
        expect([transfersOnly.accountHop.size, transfersOnly.addressHop.size]).to.deep.equal([0, 0]);
      }
    }), { numRuns: RUNS });
  });

  it('long queues: many lots in, outflows spanning several, consumed lots let go on the way', () => {
    // One ledger fed in small tainted and clean lots and drained in larger outflows, so a fifo
    // queue holds dozens of lots and drops its consumed head again and again.
    const step = fc.oneof(
      fc.record({ kind: fc.constant('tainted' as const), amount: fc.bigInt({ min: 1n, max: 50n }) }),
      fc.record({ kind: fc.constant('clean' as const), amount: fc.bigInt({ min: 1n, max: 50n }) }),
      fc.record({ kind: fc.constant('out' as const), amount: fc.bigInt({ min: 1n, max: 400n }) }),
    );
    fc.assert(fc.property(fc.array(step, { minLength: 50, maxLength: 400 }), (steps) => {
      const transfers = steps.map((st, i): Transfer => ({
        chain: 'test', txHash: `0x${i.toString(16).padStart(4, '0')}`, blockNumber: 1 + Math.floor(i / 3), blockHash: '0xb', timestamp: i, txIndex: i % 3,
        ref: 'tx', seq: 1, kind: 'native', asset: 'ETH', amount: st.amount,
        from: st.kind === 'tainted' ? 'source' : st.kind === 'clean' ? 'outside' : 'hub',
        to: st.kind === 'out' ? `sink${i % 4}` : 'hub',
      }));
      const ledgers = new Map<string, LedgerSpec>([
        ['source', { fromBlock: 0, opening: new Map([['ETH', 10n ** 6n]]), source: true }],
        ['hub', { fromBlock: 0, opening: new Map([['ETH', 30n]]), source: false }],
      ]);
      const input = { transfers, ledgers, seedTransfers: new Set<string>(), stops: new Set<string>() };
      for (const model of TAINT_MODELS) {
        expect(observable(propagateTaint({ ...input, model })), model).to.deep.equal(observable(referenceTaint({ ...input, model })));
      }
    }), { numRuns: 150 });
  });

  it('the time-sliced engine gives the same results as the synchronous one', async () => {
    await fc.assert(fc.asyncProperty(scenario, fc.constantFrom(...TAINT_MODELS), async (input, model) => {
      const expected = referenceTaint({ ...input, model });
      // A zero slice yields to the event loop at every opportunity: the most interleaving there is.
      const actual = await propagateTaintSliced({ ...input, model }, { sliceMs: 0 });
      expect(observable(actual)).to.deep.equal(observable(expected));
    }), { numRuns: 100 });
  });

  it('refuses the same invalid input with the same error', () => {
    const bad = scenario.chain((input) => fc.record({
      input: fc.constant(input),
      kind: fc.constantFrom('negative', 'number', 'conflict', 'opening'),
      at: fc.nat(),
    })).map(({ input, kind, at }) => {
      const ts = [...input.transfers];
      const ledgers = new Map(input.ledgers);
      const i = ts.length ? at % ts.length : -1;
      if (kind === 'negative' && i >= 0) ts[i] = { ...ts[i]!, amount: -1n };
      if (kind === 'number' && i >= 0) ts[i] = { ...ts[i]!, amount: 5 as unknown as bigint };
      if (kind === 'conflict' && i >= 0) ts.push({ ...ts[i]!, amount: ts[i]!.amount + 1n });
      if (kind === 'opening') ledgers.set(NAMES[at % NAMES.length]!, { fromBlock: 0, opening: new Map([['usdt', -3n]]), source: false });
      return { ...input, transfers: ts, ledgers };
    });
    fc.assert(fc.property(bad, fc.constantFrom(...TAINT_MODELS), (input, model) => {
      const expected = outcome(() => observable(referenceTaint({ ...input, model })));
      const actual = outcome(() => observable(propagateTaint({ ...input, model })));
      expect(actual).to.deep.equal(expected);
    }), { numRuns: RUNS });
  });

  it('sorts as a stable sort does, also across the merge of long runs', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 3000, size: 'max' }), fc.boolean(), (keys, presorted) => {
      if (presorted) keys.sort((a, b) => a - b);
      const expected = keys.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]!);
      const actual = runSteps(sortSteps(Int32Array.from(keys.keys()), (a, b) => keys[a]! - keys[b]!));
      expect([...actual]).to.deep.equal(expected);
    }), { numRuns: 200 });
  });

  it('propagateTaint refuses transferIds that are not the ids of its transfers, and changes nothing', () => {
    const t = (txHash: string, ref: string, from: string, to: string): Transfer => ({
      chain: 'test', txHash, blockNumber: 1, blockHash: '0xb', timestamp: 1, txIndex: 0, ref, seq: 1, kind: 'native', asset: 'ETH', from, to, amount: 1n,
    });
    const transfers = [t('0x1', 'tx', 'victim', 'a'), t('0x2', 'log:1', 'a', 'b')];
    const base = {
      model: 'fifo' as const, transfers, seedTransfers: new Set(['0x1#tx']), stops: new Set<string>(),
      ledgers: new Map<string, LedgerSpec>([['a', { fromBlock: 0, opening: new Map(), source: false }]]),
    };
    expect([...propagateTaint({ ...base, transferIds: ['0x1#tx', '0x2#log:1'] }).tainted]).to.deep.equal([['0x1#tx', 1n], ['0x2#log:1', 1n]]);
    expect(() => propagateTaint({ ...base, transferIds: ['0x1#tx'] })).to.throw(RangeError, /1 transferIds for 2 transfers/);
    expect(() => propagateTaint({ ...base, transferIds: ['0x2#log:1', '0x1#tx'] })).to.throw(RangeError, /transferIds\[0\]/);
    expect(() => propagateTaint({ ...base, transferIds: ['0x1#tx', '0x2#log:2'] })).to.throw(RangeError, /not the id of 0x2#log:1/);
    expect(() => propagateTaint({ ...base, transferIds: ['0x1#tx', 42 as unknown as string] })).to.throw(RangeError, /transferIds\[1\]/);
    expect(transfers.map((x) => transferId(x))).to.deep.equal(['0x1#tx', '0x2#log:1']);
  });

  it('computeHops refuses transferIds that are not the ids of its transfers', () => {
    const t = (txHash: string, ref: string): Transfer => ({
      chain: 'test', txHash, blockNumber: 1, blockHash: '0xb', timestamp: 1, txIndex: 0, ref, seq: 1, kind: 'native', asset: 'ETH', from: 'a', to: 'b', amount: 1n,
    });
    const base = { transfers: [t('0x1', 'tx'), t('0x2', 'log:1')], seedTransfers: new Set(['0x1#tx']), sources: new Set<string>() };
    expect(computeHops({ ...base, transferIds: ['0x1#tx', '0x2#log:1'] }).transferHop).to.deep.equal(new Map([['0x1#tx', 1]]));
    expect(() => computeHops({ ...base, transferIds: ['0x1#tx'] })).to.throw(RangeError, /1 transferIds for 2 transfers/);
    expect(() => computeHops({ ...base, transferIds: ['0x2#log:1', '0x1#tx'] })).to.throw(RangeError, /transferIds\[0\]/);
    expect(() => computeHops({ ...base, transferIds: ['0x1#tx', '0x2#log:2'] })).to.throw(RangeError, /not the id of 0x2#log:1/);
    expect(() => computeHops({ ...base, transferIds: ['0x1#tx', '0x2:log:1'] })).to.throw(RangeError, /transferIds\[1\]/);
  });

  it('builds flat transfer ids equal to `${txHash}#${ref}`, one new string each time', () => {
    const part = fc.string({ unit: fc.constantFrom('a', '0', '#', 'é', '|'), maxLength: 70 });
    fc.assert(fc.property(part, part, (txHash, ref) => {
      const id = transferId({ txHash, ref });
      expect(id).to.equal(`${txHash}#${ref}`);
      expect(transferId({ txHash: ref, ref: txHash })).to.equal(`${ref}#${txHash}`);
      expect(id).to.equal(`${txHash}#${ref}`); // the first is not changed by the second
    }), { numRuns: 1000 });
  });

  it('compares transfer ids without building them as the strings compare', () => {
    const part = fc.string({ unit: fc.constantFrom('a', 'b', '#', 'é'), maxLength: 4 });
    const t = (txHash: string, ref: string) => ({ txHash, ref }) as Transfer;
    fc.assert(fc.property(part, part, part, part, (h1, r1, h2, r2) => {
      const a = t(h1, r1), b = t(h2, r2);
      expect(Math.sign(compareIds(a, b))).to.equal(compareStrings(transferId(a), transferId(b)));
    }), { numRuns: 2000 });
  });
});
