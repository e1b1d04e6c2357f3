// Balances by address, then asset and block. A hop at the bench's 100k asks for ~93,000
// openings: keyed by an `address|asset|block` string each, the keys alone were ~10 MB of the
// step's heap (a heap snapshot near its peak). Here a balance is kept under the address
// string the caller gave (a ledger's own, shared with the rest of the step), and the few
// balances of one address (an asset or two, at a block or two) are told apart by comparison.
import type { Address, Asset } from '../domain/types';

export interface BalanceKey {
  address: Address;
  asset: Asset;
  blockNumber: number;
}

export interface BalanceRow extends BalanceKey {
  amount: bigint;
}

export class BalanceTable {
  private readonly byAddress = new Map<Address, BalanceRow | BalanceRow[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: BalanceKey): bigint | undefined {
    return this.find(key)?.amount;
  }

  has(key: BalanceKey): boolean {
    return this.find(key) !== undefined;
  }

  /** Sets the balance of the key (a later value for the same key replaces the earlier one). */
  set(key: BalanceKey, amount: bigint): this {
    const known = this.find(key);
    if (known) {
      known.amount = amount;
      return this;
    }
    const row: BalanceRow = { address: key.address, asset: key.asset, blockNumber: key.blockNumber, amount };
    const at = this.byAddress.get(key.address);
    if (at === undefined) this.byAddress.set(key.address, row);
    else if (Array.isArray(at)) at.push(row);
    else this.byAddress.set(key.address, [at, row]);
    this.count++;
    return this;
  }

  /** Every balance, grouped by address in the order the addresses first came. */
  *rows(): IterableIterator<Readonly<BalanceRow>> {
    for (const at of this.byAddress.values()) {
      if (Array.isArray(at)) yield* at;
      else yield at;
    }
  }

  private find(key: BalanceKey): BalanceRow | undefined {
    const at = this.byAddress.get(key.address);
    if (at === undefined) return undefined;
    if (!Array.isArray(at)) return same(at, key) ? at : undefined;
    return at.find((row) => same(row, key));
  }
}

function same(row: BalanceRow, key: BalanceKey): boolean {
  return row.blockNumber === key.blockNumber && row.asset === key.asset;
}
