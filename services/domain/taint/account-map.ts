// The taint result's accounts, keyed `${address}|${asset}`, with no key string per account
// until a key is asked for. A hop step only walks the accounts' values
// (services/tracing/case-graph.ts, neededOpenings) and the report asks by address and asset
// (`of`): at the bench's 100k their ~95,000 key strings and Map were 14 MB of a step's heap
// (10 MB of strings, a 3.7 MB table) in a snapshot. The first look-up by key or walk over the
// keys builds the keyed Map and keeps it; the first `of` builds a Map by address, whose keys
// are the accounts' own address strings.
import { MapView } from '../map-view';
import type { Address, Asset } from '../types';
import { accountKey, type AccountKeyed, type AccountTaint } from './types';

export class AccountMap extends MapView<string, AccountTaint> implements AccountKeyed<AccountTaint> {
  private byKey: Map<string, AccountTaint> | null = null;
  /** An address's account, or its accounts (one per asset) when it has several. */
  private byAddress: Map<Address, AccountTaint | AccountTaint[]> | null = null;

  /** `list`: one account per (address, asset), in the order they first saw taint; must not change afterwards. */
  constructor(private readonly list: readonly AccountTaint[]) {
    super();
  }

  get size(): number {
    return this.list.length;
  }

  get(key: string): AccountTaint | undefined {
    return this.keyed().get(key);
  }

  has(key: string): boolean {
    return this.keyed().has(key);
  }

  of(address: Address, asset: Asset): AccountTaint | undefined {
    const found = this.addressed().get(address);
    if (found === undefined || !Array.isArray(found)) return found?.asset === asset ? found : undefined;
    return found.find((a) => a.asset === asset);
  }

  override keys(): MapIterator<string> {
    return this.keyed().keys();
  }

  override *values(): MapIterator<AccountTaint> {
    yield* this.list;
  }

  entries(): MapIterator<[string, AccountTaint]> {
    return this.keyed().entries();
  }

  private keyed(): Map<string, AccountTaint> {
    if (this.byKey === null) {
      const byKey = new Map<string, AccountTaint>();
      for (const a of this.list) byKey.set(accountKey(a.address, a.asset), a);
      this.byKey = byKey;
    }
    return this.byKey;
  }

  private addressed(): Map<Address, AccountTaint | AccountTaint[]> {
    if (this.byAddress === null) {
      const byAddress = new Map<Address, AccountTaint | AccountTaint[]>();
      for (const a of this.list) {
        const known = byAddress.get(a.address);
        if (known === undefined) byAddress.set(a.address, a);
        else if (Array.isArray(known)) known.push(a);
        else byAddress.set(a.address, [known, a]);
      }
      this.byAddress = byAddress;
    }
    return this.byAddress;
  }
}
