// ColumnMap reads as the Map it replaces in the taint result, and ColumnSubset as a Map of the rows it keeps: same answers, same order.
import { expect } from 'chai';
import { ColumnMap, ColumnSubset } from '../../services/domain/taint/column-map';

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

describe('ColumnSubset', () => {
  const rows = new Map([['b', 1], ['a', 0], ['c', 2], ['d', 3]]);
  const column = [10n, 20n, 30n, 40n];
  const dropped = new Set([0, 2]);
  const subset = new ColumnSubset(rows, column, (row) => !dropped.has(row));
  const same = new Map([['b', 20n], ['d', 40n]]);

  it('answers as a Map of the kept rows only', () => {
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      expect(subset.get(key), key).to.equal(same.get(key));
      expect(subset.has(key), key).to.equal(same.has(key));
    }
    expect(subset.size).to.equal(2);
  });

  it('iterates the kept rows in the order of the rows Map', () => {
    expect([...subset]).to.deep.equal([...same]);
    expect([...subset.keys()]).to.deep.equal([...same.keys()]);
    expect([...subset.values()]).to.deep.equal([...same.values()]);
    const seen: [string, bigint][] = [];
    subset.forEach((value, key, m) => {
      expect(m).to.equal(subset);
      seen.push([key, value]);
    });
    expect(seen).to.deep.equal([...same]);
  });

  it('is empty when nothing is kept, whatever the rows', () => {
    const none = new ColumnSubset(rows, column, () => false);
    expect(none.size).to.equal(0);
    expect([...none]).to.deep.equal([]);
    expect(none.get('a')).to.equal(undefined);
  });
});
