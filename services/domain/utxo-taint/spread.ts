// How one bitcoin transaction passes taint from its inputs to its outputs and its fee.
// Pure and exact: for every model but poison, the tainted satoshis of the outputs plus the
// tainted fee equal the tainted satoshis of the inputs.
//
// - fifo: inputs are laid end to end in input order, each keeping its tainted ranges where
//   an earlier hop placed them; outputs take consecutive ranges from the front in output
//   order; the fee takes what is left at the end.
// - lifo: the mirror image: output 0 takes the last satoshis of the layout, output 1 the ones
//   before those, and so on; the fee takes the front.
// - haircut (the contract's rule, as on account chains): the outflows (outputs in vout order,
//   then the fee) leave one after another, each tainted in proportion tainted / total of what
//   is left just before it, floored; the last outflow, the fee, takes the remainder. Nothing
//   is created or lost, and no outflow is tainted above its value: after an outflow o the
//   taint left is ceil(T'(V'−o)/V') ≤ V'−o.
// - poison: if any input is tainted, every output and the fee are tainted in full.
// - tiho: tainted satoshis fill the largest outputs first (ties: lower vout first); whatever
//   the outputs cannot hold is the fee's.
//
// Inputs of unknown value (no prevout from the source, coinbase) are clean. For the layout and
// the haircut denominator they are sized as the smallest total consistent with the outputs:
// max(0, outputs − known inputs), as if the fee were zero, split evenly between them (the
// last takes the remainder). Such a transaction is flagged `inferred`, because fifo/lifo
// positions and haircut shares after it rest on that assumption.
import type { TaintModel } from '../types';
import { mirrorRanges, normalizeRanges, rangesTotal, shiftRanges, sliceRanges, type SatRange } from './ranges';

export interface SpreadInput {
  /** null: unknown (the input is then clean). */
  value: bigint | null;
  /** Tainted ranges within the spent output; empty when clean. */
  taint: readonly SatRange[];
}

export interface SpreadResult {
  /** Tainted ranges within each output, in output order. For haircut, poison and tiho the
   * ranges carry no position: one range [0, amount). */
  outputs: SatRange[][];
  /** Tainted satoshis of each output. */
  amounts: bigint[];
  /** The fee (inputs − outputs, with unknown inputs sized as above). */
  fee: bigint;
  feeTainted: bigint;
  taintedIn: bigint;
  /** Some input value was unknown and had to be inferred. */
  inferred: boolean;
}

export function spreadTaint(model: TaintModel, inputs: readonly SpreadInput[], outputValues: readonly bigint[]): SpreadResult {
  for (const input of inputs) {
    if (input.value === null && input.taint.length > 0) throw new RangeError('a tainted input must have a known value');
    for (const [s, e] of input.taint) {
      if (s < 0n || e > (input.value ?? 0n) || e < s) throw new RangeError(`taint range ${s}-${e} outside input of ${input.value}`);
    }
  }
  const sizes = inputSizes(inputs, outputValues);
  const totalIn = sizes.reduce((a, b) => a + b, 0n);
  const totalOut = outputValues.reduce((a, b) => a + b, 0n);
  if (totalOut > totalIn) throw new RangeError(`outputs (${totalOut}) exceed inputs (${totalIn})`);
  const fee = totalIn - totalOut;
  const taints = inputs.map((input) => normalizeRanges(input.taint));
  const taintedIn = taints.reduce((sum, t) => sum + rangesTotal(t), 0n);
  const inferred = inputs.some((input) => input.value === null);
  const base = { fee, taintedIn, inferred };

  if (taintedIn === 0n) {
    return { ...base, outputs: outputValues.map(() => []), amounts: outputValues.map(() => 0n), feeTainted: 0n };
  }
  switch (model) {
    case 'fifo':
    case 'lifo': {
      // Absolute tainted ranges in the laid-out inputs.
      let offset = 0n;
      const layout: SatRange[] = [];
      taints.forEach((t, i) => {
        layout.push(...shiftRanges(t, offset));
        offset += sizes[i]!;
      });
      const absolute = model === 'fifo' ? layout : mirrorRanges(layout, totalIn);
      // In mirrored space outputs still take ranges from the front in output order, so
      // output 0 holds the last satoshis of the real layout; mirror back within each output.
      let cursor = 0n;
      const outputs = outputValues.map((value) => {
        const local = sliceRanges(absolute, cursor, cursor + value);
        cursor += value;
        return model === 'fifo' ? normalizeRanges(local) : mirrorRanges(local, value);
      });
      const feeTainted = rangesTotal(sliceRanges(absolute, cursor, totalIn));
      return { ...base, outputs, amounts: outputs.map(rangesTotal), feeTainted };
    }
    case 'poison': {
      const amounts = [...outputValues];
      return { ...base, outputs: amounts.map(whole), amounts, feeTainted: fee };
    }
    case 'haircut': {
      const values = [...outputValues, fee];
      const shares = haircutShares(taintedIn, values, totalIn);
      const amounts = shares.slice(0, outputValues.length);
      return { ...base, outputs: amounts.map(whole), amounts, feeTainted: shares[outputValues.length]! };
    }
    case 'tiho': {
      const order = outputValues.map((value, vout) => ({ value, vout }))
        .sort((a, b) => (a.value > b.value ? -1 : a.value < b.value ? 1 : a.vout - b.vout));
      const amounts = outputValues.map(() => 0n);
      let left = taintedIn;
      for (const { value, vout } of order) {
        const take = left < value ? left : value;
        amounts[vout] = take;
        left -= take;
      }
      return { ...base, outputs: amounts.map(whole), amounts, feeTainted: left };
    }
  }
}

function whole(amount: bigint): SatRange[] {
  return amount > 0n ? [[0n, amount]] : [];
}

/** Input sizes with unknown values inferred (see the header). */
function inputSizes(inputs: readonly SpreadInput[], outputValues: readonly bigint[]): bigint[] {
  const unknown = inputs.filter((i) => i.value === null).length;
  if (unknown === 0) return inputs.map((i) => i.value!);
  const known = inputs.reduce((sum, i) => sum + (i.value ?? 0n), 0n);
  const out = outputValues.reduce((a, b) => a + b, 0n);
  const missing = out > known ? out - known : 0n;
  const each = missing / BigInt(unknown);
  let seen = 0;
  return inputs.map((i) => {
    if (i.value !== null) return i.value;
    seen += 1;
    return seen === unknown ? missing - each * BigInt(unknown - 1) : each;
  });
}

/**
 * Split `amount` tainted units over outflows of `weights` from a balance of `total`, one
 * after another: each takes floor(weight × tainted left / total left); the last takes what
 * is left (at most its weight when the weights add up to the total).
 */
export function haircutShares(amount: bigint, weights: readonly bigint[], total: bigint): bigint[] {
  let tainted = amount;
  let balance = total;
  return weights.map((w, i) => {
    const share = i === weights.length - 1 || balance === 0n ? tainted : (w * tainted) / balance;
    const taken = share > w && i < weights.length - 1 ? w : share;
    tainted -= taken;
    balance -= w;
    return taken;
  });
}
