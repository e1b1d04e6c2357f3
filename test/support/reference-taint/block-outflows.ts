// tiho needs, at each outflow, the sender's outflows of the same asset in the same block that
// are still to come. Grouped once up front so the main loop stays a single pass.
import type { OrderedTransfer } from './chain-order';

export function createBlockOutflows(ordered: readonly OrderedTransfer[]): (id: string) => readonly bigint[] {
  const groups = new Map<string, bigint[]>();
  const position = new Map<string, { group: bigint[]; index: number }>();
  for (const { id, t } of ordered) {
    const key = `${t.from}|${t.asset}|${t.blockNumber}`;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = []));
    position.set(id, { group, index: group.length });
    group.push(t.amount);
  }
  /** This outflow and the ones after it in its group, in chain order. */
  return (id) => {
    const p = position.get(id);
    return p === undefined ? [] : p.group.slice(p.index);
  };
}
