// Array helpers for chain-sized data.

/**
 * `target.push(...items)` without one call argument per item: past ~120,000 items (a label
 * pack, one node reply of logs or traces) the spread overflows the stack.
 */
export function appendAll<T>(target: T[], items: readonly T[]): T[] {
  for (const item of items) target.push(item);
  return target;
}
