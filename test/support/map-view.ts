// A read-only Map view (services/domain/map-view.ts) checked against the Map it stands for.
import { expect } from 'chai';

/** `view` answers and walks as the Map `same`; `absent` are keys in neither. */
export function readsAs<V>(view: ReadonlyMap<string, V>, same: Map<string, V>, absent: string[]): void {
  for (const key of [...same.keys(), ...absent]) {
    expect(view.get(key), key).to.equal(same.get(key));
    expect(view.has(key), key).to.equal(same.has(key));
  }
  expect(view.size).to.equal(same.size);
  expect([...view]).to.deep.equal([...same]);
  expect([...view.entries()]).to.deep.equal([...same.entries()]);
  expect([...view.keys()]).to.deep.equal([...same.keys()]);
  expect([...view.values()]).to.deep.equal([...same.values()]);
  const seen: [string, V][] = [];
  view.forEach((value, key, m) => {
    expect(m).to.equal(view);
    seen.push([key, value]);
  });
  expect(seen).to.deep.equal([...same]);
  expect(new Map(view)).to.deep.equal(same);
}
