// ColumnMap reads as the Map it replaces in the taint result, and ColumnSubset as a Map of the
// rows it keeps: same answers, same order.
import { expect } from 'chai';
import { ColumnMap, ColumnSubset } from '../../services/domain/taint/column-map';
import { readsAs } from '../support/map-view';

describe('ColumnMap', () => {
  it('answers and walks as a Map of the same entries, in the order of its rows Map whatever the rows', () => {
    const map = new ColumnMap(new Map([['b', 1], ['a', 0], ['c', 2]]), [10n, 20n, 30n]);
    readsAs(map, new Map([['b', 20n], ['a', 10n], ['c', 30n]]), ['d']);
    expect(Object.prototype.toString.call(map)).to.equal('[object ColumnMap]');
  });
});

describe('ColumnSubset', () => {
  const rows = new Map([['b', 1], ['a', 0], ['c', 2], ['d', 3]]);
  const column = [10n, 20n, 30n, 40n];

  it('answers and walks as a Map of the kept rows only, in the order of the rows Map', () => {
    const dropped = new Set([0, 2]);
    readsAs(new ColumnSubset(rows, column, (row) => !dropped.has(row)), new Map([['b', 20n], ['d', 40n]]), ['a', 'c', 'e']);
  });

  it('is empty when nothing is kept, whatever the rows', () => {
    readsAs(new ColumnSubset(rows, column, () => false), new Map(), ['a', 'b', 'c', 'd']);
  });
});
