// What every read-only Map view needs beyond its own size, get, has and entries: the other
// walks and the tags of a Map. The views (the taint result's columns and accounts, a hop
// step's given rows, a graph's seeds after its histories) stand in for Maps they spare.

export abstract class MapView<K, V> implements ReadonlyMap<K, V> {
  abstract get size(): number;
  abstract get(key: K): V | undefined;
  abstract has(key: K): boolean;
  abstract entries(): MapIterator<[K, V]>;

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  get [Symbol.toStringTag](): string {
    return this.constructor.name;
  }
}
