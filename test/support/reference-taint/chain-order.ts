// The engine's output must not depend on how the caller happened to collect transfers
// (per address, per block, twice from both ends), so we dedupe and fix one total order.
import { compareChainOrder, transferId, type Transfer } from '../../../services/domain/types';

export interface OrderedTransfer {
  id: string;
  t: Transfer;
}

/** Unique transfers in chain order, ties broken by transferId. Throws on invalid or conflicting input. */
export function inChainOrder(transfers: readonly Transfer[]): OrderedTransfer[] {
  const byId = new Map<string, Transfer>();
  for (const t of transfers) {
    if (typeof t.amount !== 'bigint' || t.amount < 0n) {
      throw new RangeError(`transfer ${transferId(t)}: amount must be a non-negative bigint`);
    }
    const id = transferId(t);
    const seen = byId.get(id);
    if (seen === undefined) byId.set(id, t);
    else if (!sameTransfer(seen, t)) {
      // Two versions of one transfer mean mixed chains or a reorg upstream; guessing would be wrong.
      throw new RangeError(`transfer ${id} appears twice with different contents`);
    }
  }
  return [...byId]
    .map(([id, t]) => ({ id, t }))
    .sort((x, y) => compareChainOrder(x.t, y.t) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

function sameTransfer(a: Transfer, b: Transfer): boolean {
  return (
    a.chain === b.chain && a.blockNumber === b.blockNumber && a.txIndex === b.txIndex && a.seq === b.seq &&
    a.asset === b.asset && a.from === b.from && a.to === b.to && a.amount === b.amount
  );
}
