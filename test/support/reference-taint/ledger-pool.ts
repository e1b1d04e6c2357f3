// haircut and tiho: the balance is one pool {total, tainted}; a take rule decides how much
// taint each outflow draws. The pool enforces what every rule must respect, so a rule can
// never create or lose units.
import type { Debit, Ledger, Outflow } from './ledger';
import { createTopInflows } from './parents';

/**
 * Taint drawn by an outflow of `amount` from a pool of `total` (>= amount: a shortfall has
 * already been added as clean), `tainted` of which is tainted.
 */
export type TakeRule = (amount: bigint, total: bigint, tainted: bigint, out: Outflow) => bigint;

export function createPoolLedger(opening: bigint, source: boolean, take: TakeRule): Ledger {
  let total = opening;
  let tainted = source ? opening : 0n;
  const inflows = createTopInflows();

  return {
    credit(amount, taintedPart, origin) {
      total += amount;
      tainted += taintedPart;
      inflows.add(origin, taintedPart);
    },

    debit(out): Debit {
      const shortfall = out.amount > total ? out.amount - total : 0n;
      total += shortfall;
      const drawn = take(out.amount, total, tainted, out);
      // Neither part may exceed what the pool holds of it.
      if (drawn < 0n || drawn > tainted || out.amount - drawn > total - tainted) {
        throw new Error(`taint rule drew ${drawn} of ${out.amount} from a pool of ${total} (${tainted} tainted)`);
      }
      const parents = drawn > 0n ? inflows.largest() : [];
      total -= out.amount;
      tainted -= drawn;
      if (tainted === 0n) inflows.clear();
      return { tainted: drawn, shortfall, parents };
    },

    taintedHeld: () => tainted,
  };
}
