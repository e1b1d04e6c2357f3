// Values numbered 0, 1, 2… in the order first seen: the engine keeps small integers in typed
// arrays instead of strings in maps, and looks the value up again by its number.
export interface Interner<T> {
  /** The value's number, given it on first sight. */
  id(value: T): number;
  /** The number of a value already seen, or undefined. */
  get(value: T): number | undefined;
  /** Every value seen, by number. */
  readonly values: T[];
}

export function createInterner<T>(): Interner<T> {
  const index = new Map<T, number>();
  const values: T[] = [];
  return {
    id(value) {
      let x = index.get(value);
      if (x === undefined) {
        x = values.length;
        index.set(value, x);
        values.push(value);
      }
      return x;
    },
    get: (value) => index.get(value),
    values,
  };
}
