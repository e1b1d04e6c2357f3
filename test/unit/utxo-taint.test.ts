// Hand-checked examples for the per-transaction UTXO taint rules (spread.ts), one fixture per
// situation, then property tests: satoshi conservation (every model but poison), no output
// tainted above its value, determinism.
import { expect } from 'chai';
import fc from 'fast-check';
import { TAINT_MODELS, type TaintModel } from '../../services/domain/types';
import { formatRanges, rangesTotal, spreadTaint, type SatRange } from '../../services/domain/utxo-taint';

interface Fixture {
  description: string;
  model: TaintModel;
  /** value (null: unknown) and tainted ranges "s-e" within the input. */
  inputs: Array<{ value: string | null; taint?: string[] }>;
  outputs: string[];
  expected: { amounts: string[]; feeTainted: string; fee: string; ranges?: string[][]; inferred?: boolean };
}

const r = (s: string): SatRange => {
  const [a, b] = s.split('-');
  return [BigInt(a!), BigInt(b!)];
};

// Inputs A 100 (wholly tainted) then B 300 (clean); outputs 150, 200; fee 50.
const mixed = (model: TaintModel): Pick<Fixture, 'model' | 'inputs' | 'outputs'> => ({
  model, inputs: [{ value: '100', taint: ['0-100'] }, { value: '300' }], outputs: ['150', '200'],
});

const fixtures: Fixture[] = [
  {
    // Layout [A 0-100 tainted][B 100-400]. out0 takes 0-150 → 0-100 tainted; out1 150-350 clean; fee 350-400 clean.
    description: 'fifo: the tainted first input lands in the first output',
    ...mixed('fifo'),
    expected: { amounts: ['100', '0'], feeTainted: '0', fee: '50', ranges: [['0-100'], []] },
  },
  {
    // lifo: out0 takes the last 150 (250-400), out1 the 200 before (50-250), fee the first 50 (0-50).
    // Tainted 0-100: fee 0-50 → 50; out1 50-100 → offsets 0-50 of out1 → 50.
    description: 'lifo: the fee takes the front, so it eats part of the tainted first input',
    ...mixed('lifo'),
    expected: { amounts: ['0', '50'], feeTainted: '50', fee: '50', ranges: [[], ['0-50']] },
  },
  {
    // One after another: out0 floor(150 × 100/400) = 37 (63 of 250 left); out1 floor(200 ×
    // 63/250) = 50 (13 of 50 left); the fee, last, takes the remainder 13.
    description: 'haircut: each outflow in turn, the last (the fee) takes the remainder',
    ...mixed('haircut'),
    expected: { amounts: ['37', '50'], feeTainted: '13', fee: '50' },
  },
  {
    description: 'poison: every output and the fee in full',
    ...mixed('poison'),
    expected: { amounts: ['150', '200'], feeTainted: '50', fee: '50' },
  },
  {
    // 100 tainted: the largest output (out1, 200) takes it all.
    description: 'tiho: the largest output first',
    ...mixed('tiho'),
    expected: { amounts: ['0', '100'], feeTainted: '0', fee: '50' },
  },
  {
    // 300 tainted, outputs 200 (out1) then 150 (out0): 200 + 100.
    description: 'tiho: spills to the next largest output',
    model: 'tiho', inputs: [{ value: '100' }, { value: '300', taint: ['0-300'] }], outputs: ['150', '200'],
    expected: { amounts: ['100', '200'], feeTainted: '0', fee: '50' },
  },
  {
    // Input 0 (100) carries taint at 20-30 and 90-100; input 1 (50) at 0-10 (absolute 100-110).
    // Outputs 95, 50; fee 5. out0 0-95 → 20-30, 90-95. out1 95-145 → 95-110 → local 0-15. fee 145-150 clean.
    description: 'fifo: a partly tainted input keeps its tainted satoshis where an earlier hop put them',
    model: 'fifo', inputs: [{ value: '100', taint: ['20-30', '90-100'] }, { value: '50', taint: ['0-10'] }], outputs: ['95', '50'],
    expected: { amounts: ['15', '15'], feeTainted: '0', fee: '5', ranges: [['20-30', '90-95'], ['0-15']] },
  },
  {
    // fifo, tainted at the very end: out0 0-100, fee 100-110 → the fee takes the tail 100-110.
    description: 'fifo: the fee takes the tail',
    model: 'fifo', inputs: [{ value: '110', taint: ['95-110'] }], outputs: ['100'],
    expected: { amounts: ['5'], feeTainted: '10', fee: '10', ranges: [['95-100']] },
  },
  {
    // Unknown input sized as outputs − known = 250 − 100 = 150 (fee taken as 0).
    // fifo layout [tainted 0-100][unknown 100-250]: out0 (50) 0-50; out1 (200) 50-250 → 50 tainted.
    description: 'an input of unknown value is clean and sized as if the fee were zero',
    model: 'fifo', inputs: [{ value: '100', taint: ['0-100'] }, { value: null }], outputs: ['50', '200'],
    expected: { amounts: ['50', '50'], feeTainted: '0', fee: '0', ranges: [['0-50'], ['0-50']], inferred: true },
  },
  {
    description: 'clean inputs: nothing tainted, whatever the model',
    model: 'poison', inputs: [{ value: '10' }], outputs: ['9'],
    expected: { amounts: ['0'], feeTainted: '0', fee: '1' },
  },
];

describe('utxo taint: one transaction', () => {
  fixtures.forEach((f) => {
    it(f.description, () => {
      const result = spreadTaint(
        f.model,
        f.inputs.map((i) => ({ value: i.value === null ? null : BigInt(i.value), taint: (i.taint ?? []).map(r) })),
        f.outputs.map(BigInt),
      );
      expect(result.amounts.map(String)).to.deep.equal(f.expected.amounts);
      expect(String(result.feeTainted)).to.equal(f.expected.feeTainted);
      expect(String(result.fee)).to.equal(f.expected.fee);
      expect(result.inferred).to.equal(f.expected.inferred ?? false);
      if (f.expected.ranges) expect(result.outputs.map(formatRanges)).to.deep.equal(f.expected.ranges);
    });
  });

  it('refuses a tainted input of unknown value and outputs above inputs', () => {
    expect(() => spreadTaint('fifo', [{ value: null, taint: [[0n, 1n]] }], [1n])).to.throw(RangeError);
    expect(() => spreadTaint('fifo', [{ value: 5n, taint: [] }], [6n])).to.throw(RangeError);
  });
});

// A transaction: input values, a taint range per input, output values summing to at most the inputs.
const txArb = fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 6 }).chain((values) => {
  const total = values.reduce((a, b) => a + b, 0n);
  return fc.record({
    inputs: fc.tuple(...values.map((value) => fc.tuple(fc.bigInt({ min: 0n, max: value }), fc.bigInt({ min: 0n, max: value }))
      .map(([a, b]) => ({ value, taint: (a < b ? [[a, b]] : b < a ? [[b, a]] : []) as SatRange[] })))),
    outputs: fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: 1, maxLength: 8 })
      .map((outs) => scaleDown(outs, total)),
  });
});

function scaleDown(outs: bigint[], total: bigint): bigint[] {
  const sum = outs.reduce((a, b) => a + b, 0n);
  return sum <= total ? outs : outs.map((o) => (o * total) / sum);
}

describe('utxo taint: properties', () => {
  for (const model of TAINT_MODELS) {
    it(`${model}: no output tainted above its value${model === 'poison' ? '' : '; tainted in = tainted out + tainted fee'}`, () => {
      fc.assert(fc.property(txArb, ({ inputs, outputs }) => {
        const result = spreadTaint(model, inputs, outputs);
        result.amounts.forEach((a, i) => expect(a <= outputs[i]! && a >= 0n).to.equal(true));
        expect(result.feeTainted <= result.fee).to.equal(true);
        result.outputs.forEach((ranges, i) => expect(rangesTotal(ranges)).to.equal(result.amounts[i]));
        if (model !== 'poison') {
          const out = result.amounts.reduce((a, b) => a + b, 0n) + result.feeTainted;
          expect(out).to.equal(result.taintedIn);
        }
      }), { numRuns: 300 });
    });
    it(`${model}: deterministic`, () => {
      fc.assert(fc.property(txArb, ({ inputs, outputs }) => {
        expect(spreadTaint(model, inputs, outputs)).to.deep.equal(spreadTaint(model, inputs, outputs));
      }), { numRuns: 100 });
    });
  }
});
