// The taint result's accounts, keyed `${address}|${asset}`, with no key string held per
// account until one is looked up by key. A hop step only walks the accounts
// (services/tracing/case-graph.ts, neededOpenings): at the bench's 100k its ~95,000 key strings
// and their Map were 14 MB of the step's heap (10 MB of strings, a 3.7 MB table) in a snapshot.
// Walking the keys builds each one as it goes; the first `get` or `has` builds the keyed Map
// (what the report's findings do), which is then kept and walked instead.
import { flatJoin } from '../types';
import type { AccountTaint } from './types';

export class AccountMap implements ReadonlyMap<string, AccountTaint> {
  private byKey: Map<string, AccountTaint> | null = null;

  /** `list`: one account per (address, asset), in the order they first saw taint; must not change afterwards. */
  constructor(private readonly list: readonly AccountTaint[]) {}

  get size(): number {
    return this.list.length;
  }

  get(key: string): AccountTaint | undefined {
    return this.keyed().get(key);
  }

  has(key: string): boolean {
    return this.keyed().has(key);
  }

  *keys(): MapIterator<string> {
    if (this.byKey !== null) yield* this.byKey.keys();
    else for (const a of this.list) yield keyOf(a);
  }

  *values(): MapIterator<AccountTaint> {
    yield* this.list;
  }

  *entries(): MapIterator<[string, AccountTaint]> {
    if (this.byKey !== null) yield* this.byKey.entries();
    else for (const a of this.list) yield [keyOf(a), a];
  }

  [Symbol.iterator](): MapIterator<[string, AccountTaint]> {
    return this.entries();
  }

  forEach(callback: (value: AccountTaint, key: string, map: ReadonlyMap<string, AccountTaint>) => void, thisArg?: unknown): void {
    for (const [key, a] of this.entries()) callback.call(thisArg, a, key, this);
  }

  get [Symbol.toStringTag](): string {
    return 'AccountMap';
  }

  private keyed(): Map<string, AccountTaint> {
    if (this.byKey === null) {
      const byKey = new Map<string, AccountTaint>();
      for (const a of this.list) byKey.set(keyOf(a), a);
      this.byKey = byKey;
    }
    return this.byKey;
  }
}

function keyOf(a: AccountTaint): string {
  return flatJoin(a.address, '|', a.asset);
}
