// Parents are a pointer for investigators ("this came mostly from there"), not an exact
// decomposition, so we keep the few largest and say so.

export const MAX_PARENTS = 3;

/** Origins with a positive contribution, largest first; ties keep the given order. */
export function largestContributors(contributions: Iterable<readonly [string, bigint]>): string[] {
  return [...contributions]
    .map((c, i) => ({ origin: c[0], amount: c[1], i }))
    .filter((c) => c.amount > 0n)
    .sort((x, y) => (x.amount > y.amount ? -1 : x.amount < y.amount ? 1 : x.i - y.i))
    .slice(0, MAX_PARENTS)
    .map((c) => c.origin);
}

/**
 * For models that pool taint (haircut, tiho, poison) a unit of taint has no single origin.
 * Rule: the parents of an outflow are the largest tainted inflows (by tainted amount on
 * arrival, ties: earlier first) since the ledger's tainted balance was last zero.
 * Inflows never change once recorded, so the top 3 can be kept incrementally.
 */
export function createTopInflows(): {
  add(origin: string, tainted: bigint): void;
  clear(): void;
  largest(): string[];
} {
  let top: (readonly [string, bigint])[] = [];
  return {
    add(origin, tainted) {
      if (tainted <= 0n) return;
      let i = top.length;
      while (i > 0 && top[i - 1]![1] < tainted) i--;
      if (i >= MAX_PARENTS) return;
      top.splice(i, 0, [origin, tainted]);
      if (top.length > MAX_PARENTS) top.length = MAX_PARENTS;
    },
    clear() {
      top = [];
    },
    largest() {
      return top.map(([origin]) => origin);
    },
  };
}
