// Gap arithmetic on inclusive block ranges: which parts of an address's history are
// stored, and which are still to fetch. Pure functions.
import type { BlockRange } from '../domain/types';

/** Sorts and coalesces ranges that overlap or touch ([1,5] + [6,9] = [1,9]). */
export function mergeRanges(ranges: readonly BlockRange[]): BlockRange[] {
  const sorted = ranges
    .filter((r) => r.toBlock >= r.fromBlock)
    .map((r) => ({ fromBlock: r.fromBlock, toBlock: r.toBlock }))
    .sort((a, b) => a.fromBlock - b.fromBlock);
  const merged: BlockRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.fromBlock <= last.toBlock + 1) {
      last.toBlock = Math.max(last.toBlock, range.toBlock);
    } else {
      merged.push(range);
    }
  }
  return merged;
}

/** The parts of `wanted` not covered by `have`, in block order. */
export function missingRanges(have: readonly BlockRange[], wanted: BlockRange): BlockRange[] {
  if (wanted.toBlock < wanted.fromBlock) return [];
  const gaps: BlockRange[] = [];
  let next = wanted.fromBlock;
  for (const range of mergeRanges(have)) {
    if (range.toBlock < next) continue;
    if (range.fromBlock > wanted.toBlock) break;
    if (range.fromBlock > next) gaps.push({ fromBlock: next, toBlock: range.fromBlock - 1 });
    next = range.toBlock + 1;
    if (next > wanted.toBlock) return gaps;
  }
  gaps.push({ fromBlock: next, toBlock: wanted.toBlock });
  return gaps;
}
