// A hop step recomputes only part of a case (services/tracing/step-taint.ts): the ledgers it
// has not computed yet, closed over what they send to other ledgers, with the taint and hops
// of what the other ledgers sent them given. On random laundering graphs and every model,
// that part gets exactly what propagating the whole case gives it.
import { expect } from 'chai';
import fc from 'fast-check';
import { computeHops } from '../../services/domain/hops';
import { propagateTaint, type TaintInput, type TaintResult } from '../../services/domain/taint';
import { TAINT_MODELS, transferId, type Transfer } from '../../services/domain/types';
import { NAMES, scenario } from '../support/taint-scenario';

/** The ledgers picked, and every ledger that receives from one of them in the sender's window. */
function closure(input: Omit<TaintInput, 'model'>, picked: string[]): Set<string> {
  const followed = new Set([...input.ledgers.keys()].filter((a) => !input.stops.has(a)));
  const dirty = new Set(picked.filter((a) => followed.has(a)));
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of input.transfers) {
      if (!dirty.has(t.from) || t.to === null || !followed.has(t.to) || dirty.has(t.to)) continue;
      if (t.blockNumber < input.ledgers.get(t.from)!.fromBlock) continue;
      dirty.add(t.to);
      grew = true;
    }
  }
  return dirty;
}

describe('taint engine: part of a case recomputed, the rest given', () => {
  it('a step that recomputes only the new ledgers and what they reach ends where the whole computation does, for every model', () => {
    fc.assert(fc.property(scenario, fc.array(fc.nat(NAMES.length - 1), { maxLength: 4 }), (input, picks) => {
      // The last step followed every ledger but the new ones; this one follows them too.
      const added = new Set(picks.map((i) => NAMES[i]!).filter((a) => input.ledgers.has(a) && !input.stops.has(a)));
      const before = { ...input, ledgers: new Map([...input.ledgers].filter(([a]) => !added.has(a))) };
      const dirty = closure(input, [...added]);
      const byId = new Map<string, Transfer>();
      for (const t of input.transfers) if (!byId.has(transferId(t))) byId.set(transferId(t), t);
      const part = input.transfers.filter((t) => dirty.has(t.from) || (t.to !== null && dirty.has(t.to)) || input.seedTransfers.has(transferId(t)));
      const ledgers = new Map([...input.ledgers].filter(([a]) => dirty.has(a)));
      const sources = new Set([...input.ledgers].filter(([a, s]) => s.source && !input.stops.has(a)).map(([a]) => a));
      const hopsOf = (r: TaintResult, fixedHops?: Map<string, number>) =>
        computeHops({ transfers: [...r.tainted.keys()].map((id) => byId.get(id)!), seedTransfers: input.seedTransfers, sources, fixedHops });
      const cleanSent = <V>(m: ReadonlyMap<string, V>) => new Map([...m].filter(([id]) => !dirty.has(byId.get(id)!.from)));
      /** The last step's rows of clean senders, the recomputed rows of dirty ones. */
      const merged = <V>(last: ReadonlyMap<string, V>, now: ReadonlyMap<string, V>) =>
        [...cleanSent(last), ...[...now].filter(([id]) => dirty.has(byId.get(id)!.from))].sort(([a], [b]) => (a < b ? -1 : 1));
      const sorted = <V>(m: ReadonlyMap<string, V>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
      for (const model of TAINT_MODELS) {
        const last = propagateTaint({ ...before, model });
        const lastHops = hopsOf(last);
        const step = propagateTaint({ ...input, model, transfers: part, ledgers, inflowTaint: cleanSent(last.tainted) });
        const stepHops = hopsOf(step, cleanSent(lastHops.transferHop));
        const whole = propagateTaint({ ...input, model });
        expect(merged(last.tainted, step.tainted), `${model}: taint`).to.deep.equal(sorted(whole.tainted));
        expect(merged(lastHops.transferHop, stepHops.transferHop), `${model}: hops`).to.deep.equal(sorted(hopsOf(whole).transferHop));
        const late = (r: TaintResult) => r.lateInflows.filter((l) => dirty.has(l.address)).map((l) => `${l.address} ${l.transferId} ${l.amount}`).sort();
        expect(late(step), `${model}: late inflows`).to.deep.equal(late(whole));
      }
    }), { numRuns: 300 });
  });

  it('without the given taint the part comes out different (the test can fail)', () => {
    // S (a source) pays L1 (a ledger, given), which pays L2: recomputing only L2 needs L1's taint.
    const t = (ref: string, from: string, to: string, block: number): Transfer => ({
      chain: 'test', txHash: `0x${block}`, blockNumber: block, blockHash: `0xb${block}`, timestamp: block, txIndex: 0, ref, seq: 1, kind: 'token',
      asset: 'usdt', from, to, amount: 10n,
    });
    const transfers = [t('log:1', 'S', 'L1', 1), t('log:2', 'L1', 'L2', 2), t('log:3', 'L2', 'X', 3)];
    const ledgers = new Map([
      ['S', { fromBlock: 0, opening: new Map([['usdt', 10n]]), source: true }],
      ['L1', { fromBlock: 0, opening: new Map(), source: false }],
      ['L2', { fromBlock: 0, opening: new Map(), source: false }],
    ]);
    const input = { model: 'fifo' as const, transfers, ledgers, seedTransfers: new Set<string>(), stops: new Set<string>() };
    const whole = propagateTaint(input);
    const part = { ...input, transfers: transfers.slice(1), ledgers: new Map([['L2', ledgers.get('L2')!]]) };
    expect(propagateTaint({ ...part, inflowTaint: new Map([['0x2#log:2', 10n]]) }).tainted.get('0x3#log:3')).to.equal(whole.tainted.get('0x3#log:3'));
    expect(propagateTaint(part).tainted.get('0x3#log:3')).to.equal(undefined);
  });
});
