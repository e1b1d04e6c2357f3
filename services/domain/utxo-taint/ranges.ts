// Satoshi ranges: [start, end) offsets within one output (or within a transaction's laid-out
// inputs). Kept sorted, disjoint and merged, so equal taint has one representation.

export type SatRange = readonly [start: bigint, end: bigint];

export function normalizeRanges(ranges: readonly SatRange[]): SatRange[] {
  const sorted = ranges.filter(([s, e]) => e > s).slice().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) {
      if (e > last[1]) last[1] = e;
    } else out.push([s, e]);
  }
  return out;
}

export function rangesTotal(ranges: readonly SatRange[]): bigint {
  let total = 0n;
  for (const [s, e] of ranges) total += e - s;
  return total;
}

/** The parts of `ranges` inside [from, to), moved so that `from` becomes 0. */
export function sliceRanges(ranges: readonly SatRange[], from: bigint, to: bigint): SatRange[] {
  const out: SatRange[] = [];
  for (const [s, e] of ranges) {
    const a = s > from ? s : from;
    const b = e < to ? e : to;
    if (b > a) out.push([a - from, b - from]);
  }
  return out;
}

export function shiftRanges(ranges: readonly SatRange[], by: bigint): SatRange[] {
  return ranges.map(([s, e]) => [s + by, e + by] as const);
}

/** [start, end) mirrored inside a span of `size`: offset x becomes size - x. */
export function mirrorRanges(ranges: readonly SatRange[], size: bigint): SatRange[] {
  return normalizeRanges(ranges.map(([s, e]) => [size - e, size - s] as const));
}

export function sameRanges(a: readonly SatRange[], b: readonly SatRange[]): boolean {
  return a.length === b.length && a.every(([s, e], i) => s === b[i]![0] && e === b[i]![1]);
}

export function formatRanges(ranges: readonly SatRange[]): string[] {
  return ranges.map(([s, e]) => `${s}-${e}`);
}
