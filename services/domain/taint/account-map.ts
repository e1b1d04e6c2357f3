// The taint result's accounts, keyed `${address}|${asset}`, with no key string per account
// until a key is asked for. A hop step only walks the accounts' values
// (services/tracing/case-graph.ts, neededOpenings): at the bench's 100k their ~95,000 key
// strings and Map were 14 MB of the step's heap (10 MB of strings, a 3.7 MB table) in a
// snapshot. The first look-up by key or walk over the keys builds the keyed Map and keeps it,
// so the report's hops and findings share its strings as they shared the Map's before.
import { MapView } from '../map-view';
import { flatJoin } from '../types';
import type { AccountTaint } from './types';

export class AccountMap extends MapView<string, AccountTaint> {
  private byKey: Map<string, AccountTaint> | null = null;

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
      for (const a of this.list) byKey.set(flatJoin(a.address, '|', a.asset), a);
      this.byKey = byKey;
    }
    return this.byKey;
  }
}
