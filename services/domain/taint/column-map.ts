// A read-only Map over a shared key index and a column of values. The taint result's `tainted`
// and `parents` have the same keys in the same order: one Map (id → row) and a column each
// instead of two Maps, each of which keeps a ~30 MB table at a million keys and leaves as much
// again in the tables it outgrew (bench:engine peak RSS 878 → 841 MB).

export class ColumnMap<K, V> implements ReadonlyMap<K, V> {
  /** `rows`: key → its row in `column`, in the Map's order; `column` must not change afterwards. */
  constructor(private readonly rows: ReadonlyMap<K, number>, private readonly column: readonly V[]) {}

  get size(): number {
    return this.rows.size;
  }

  get(key: K): V | undefined {
    const row = this.rows.get(key);
    return row === undefined ? undefined : this.column[row];
  }

  has(key: K): boolean {
    return this.rows.has(key);
  }

  keys(): MapIterator<K> {
    return this.rows.keys();
  }

  *values(): MapIterator<V> {
    for (const row of this.rows.values()) yield this.column[row]!;
  }

  *entries(): MapIterator<[K, V]> {
    for (const [key, row] of this.rows) yield [key, this.column[row]!];
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, row] of this.rows) callback.call(thisArg, this.column[row]!, key, this);
  }

  get [Symbol.toStringTag](): string {
    return 'ColumnMap';
  }
}
