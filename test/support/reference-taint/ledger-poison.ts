// poison: once a tainted unit arrives, everything the address sends is tainted in full, and
// so is everything it holds (held = the whole balance once poisoned). It does not conserve
// taint; it is the upper bound the other models are checked against.
import type { Debit, Ledger } from './ledger';
import { createTopInflows } from './parents';

export function createPoisonLedger(opening: bigint, source: boolean): Ledger {
  let total = opening;
  let poisoned = source && opening > 0n;
  const inflows = createTopInflows(); // never cleared: poison never forgets

  return {
    credit(amount, tainted, origin) {
      total += amount;
      if (tainted > 0n) {
        poisoned = true;
        inflows.add(origin, tainted);
      }
    },

    debit({ amount }): Debit {
      const shortfall = amount > total ? amount - total : 0n;
      total += shortfall - amount;
      const drawn = poisoned ? amount : 0n;
      return { tainted: drawn, shortfall, parents: drawn > 0n ? inflows.largest() : [] };
    },

    taintedHeld: () => (poisoned ? total : 0n),
  };
}
