// A read-only Map over a shared key index and a column of values. The taint result's `tainted`
// and `parents` have the same keys in the same order: one Map (id → row) and a column each
// instead of two Maps, each of which keeps a ~30 MB table at a million keys and leaves as much
// again in the tables it outgrew (bench:engine peak RSS 878 → 841 MB).
import { MapView } from '../map-view';

export class ColumnMap<K, V> extends MapView<K, V> {
  /** `rows`: key → its row in `column`, in the Map's order; `column` must not change afterwards. */
  constructor(private readonly rows: ReadonlyMap<K, number>, private readonly column: readonly V[]) {
    super();
  }

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

  override keys(): MapIterator<K> {
    return this.rows.keys();
  }

  override *values(): MapIterator<V> {
    for (const row of this.rows.values()) yield this.column[row]!;
  }

  *entries(): MapIterator<[K, V]> {
    for (const [key, row] of this.rows) yield [key, this.column[row]!];
  }
}

/**
 * A read-only Map over the rows of a shared key index that `keep` accepts, and a column of
 * their values: several filtered views of one table cost no Map each. `keep` must give the
 * same answer for a row as long as the view is used (its size is counted when it is made).
 */
export class ColumnSubset<K, V> extends MapView<K, V> {
  private readonly count: number;

  constructor(private readonly rows: ReadonlyMap<K, number>, private readonly column: readonly V[], private readonly keep: (row: number) => boolean) {
    super();
    let count = 0;
    for (const row of rows.values()) if (keep(row)) count++;
    this.count = count;
  }

  get size(): number {
    return this.count;
  }

  get(key: K): V | undefined {
    const row = this.rows.get(key);
    return row === undefined || !this.keep(row) ? undefined : this.column[row];
  }

  has(key: K): boolean {
    const row = this.rows.get(key);
    return row !== undefined && this.keep(row);
  }

  *entries(): MapIterator<[K, V]> {
    for (const [key, row] of this.rows) if (this.keep(row)) yield [key, this.column[row]!];
  }
}
