// haircut: an outflow is tainted in proportion to the pool's tainted share, floored. Flooring
// leaves the rounding residue in the pool rather than losing it, and the outflow that empties
// the pool (amount == total) takes exactly the remaining taint: floor(total * T / total) == T.
// The explicit branch says so, and avoids dividing by zero for a zero outflow from an empty pool.
import type { TakeRule } from './ledger-pool';

export const haircutTake: TakeRule = (amount, total, tainted) =>
  amount === total ? tainted : (amount * tainted) / total;
