// ColumnMap reads as the Map it replaces in the taint result: same answers, same order.
import { expect } from 'chai';
import { ColumnMap } from '../../services/domain/taint/column-map';

describe('ColumnMap', () => {
  const rows = new Map([['b', 1], ['a', 0], ['c', 2]]);
  const map = new ColumnMap(rows, [10n, 20n, 30n]);
  const same = new Map([['b', 20n], ['a', 10n], ['c', 30n]]);

  it('answers get, has and size as a Map of the same entries', () => {
    for (const key of ['a', 'b', 'c', 'd']) {
      expect(map.get(key), key).to.equal(same.get(key));
      expect(map.has(key), key).to.equal(same.has(key));
    }
    expect(map.size).to.equal(3);
  });

  it('iterates in the order of its rows Map, whatever the rows', () => {
    expect([...map]).to.deep.equal([...same]);
    expect([...map.entries()]).to.deep.equal([...same.entries()]);
    expect([...map.keys()]).to.deep.equal([...same.keys()]);
    expect([...map.values()]).to.deep.equal([...same.values()]);
    const seen: [string, bigint][] = [];
    map.forEach((value, key, m) => {
      expect(m).to.equal(map);
      seen.push([key, value]);
    });
    expect(seen).to.deep.equal([...same]);
    expect(new Map(map)).to.deep.equal(same);
  });
});
