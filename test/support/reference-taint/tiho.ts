// tiho (taint in, highest out), account chains: within one block, the sender's tainted
// balance goes to its largest outflows first — the reading most favourable to a freeze.
//
// Outflows are still processed one by one in chain order, because inflows can land between
// them. At each outflow we re-allocate the current tainted balance over the outflows of the
// block not yet processed, and keep this one's share — unless that would make its clean part
// larger than the clean balance (the clean funds it "should" use arrive later in the block);
// then it takes as much taint as needed to stay solvent in clean funds.
import type { TakeRule } from './ledger-pool';

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

export const tihoTake: TakeRule = (amount, total, tainted, out) => {
  const clean = total - tainted;
  const share = highestFirstShare(tainted, out.sameBlock);
  return min(min(amount, tainted), max(share, amount - clean));
};

/** This outflow's (index 0) share of `tainted` given greedily to the largest outflows first (ties: chain order). */
export function highestFirstShare(tainted: bigint, outflows: readonly bigint[]): bigint {
  const order = outflows
    .map((amount, i) => ({ amount, i }))
    .sort((x, y) => (x.amount > y.amount ? -1 : x.amount < y.amount ? 1 : x.i - y.i));
  let left = tainted;
  for (const { amount, i } of order) {
    const share = min(amount, left);
    if (i === 0) return share;
    left -= share;
  }
  return 0n;
}
