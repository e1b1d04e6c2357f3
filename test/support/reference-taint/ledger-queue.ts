// fifo and lifo: the balance is a queue of lots in arrival order. A lot keeps its origin so
// an outflow can name the inflows it drew from.
import type { Debit, Ledger } from './ledger';
import { largestContributors } from './parents';

interface Lot {
  amount: bigint;
  tainted: boolean;
  /** The inflow that brought a tainted lot; null for clean lots and a source's opening balance. */
  origin: string | null;
}

/** Dropping consumed head lots costs O(n); do it rarely so a long-lived ledger stays O(1) amortised. */
const COMPACT_AFTER = 1024;

export function createQueueLedger(end: 'head' | 'tail', opening: bigint, source: boolean): Ledger {
  const lots: Lot[] = [];
  let head = 0;
  let taintedHeld = 0n;

  const push = (amount: bigint, tainted: boolean, origin: string | null): void => {
    if (amount === 0n) return;
    lots.push({ amount, tainted, origin });
    if (tainted) taintedHeld += amount;
  };

  push(opening, source, null);

  return {
    // The tainted part goes first: it arrived "first" as far as the queue can tell, and the
    // choice must be fixed for results to be reproducible (lifo therefore spends it last).
    credit(amount, tainted, origin) {
      push(tainted, true, origin);
      push(amount - tainted, false, null);
    },

    debit({ amount }): Debit {
      let rest = amount;
      let drawn = 0n;
      const contributions = new Map<string, bigint>();
      while (rest > 0n && head < lots.length) {
        const lot = end === 'head' ? lots[head]! : lots[lots.length - 1]!;
        const take = lot.amount < rest ? lot.amount : rest;
        lot.amount -= take;
        rest -= take;
        if (lot.tainted) {
          drawn += take;
          if (lot.origin !== null) contributions.set(lot.origin, (contributions.get(lot.origin) ?? 0n) + take);
        }
        if (lot.amount === 0n) {
          if (end === 'head') head++;
          else lots.pop();
        }
      }
      if (head > COMPACT_AFTER && head * 2 > lots.length) {
        lots.splice(0, head);
        head = 0;
      }
      taintedHeld -= drawn;
      return { tainted: drawn, shortfall: rest, parents: largestContributors(contributions) };
    },

    taintedHeld: () => taintedHeld,
  };
}
