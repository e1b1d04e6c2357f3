import { expect } from 'chai';
import type { BlockRange } from '../../services/domain/types';
import { mergeRanges, missingRanges } from '../../services/store/ranges';
import fixtures from './ranges.fixtures.json';

type Pair = number[];
const range = ([fromBlock, toBlock]: Pair): BlockRange => ({ fromBlock: fromBlock as number, toBlock: toBlock as number });

describe('block ranges', () => {
  describe('mergeRanges', () => {
    fixtures.merge.forEach((f) => {
      it(f.description, () => {
        expect(mergeRanges(f.ranges.map(range))).to.deep.equal(f.expected.map(range));
      });
    });

    it('does not modify its input', () => {
      const input = [range([6, 9]), range([1, 5])];
      mergeRanges(input);
      expect(input).to.deep.equal([range([6, 9]), range([1, 5])]);
    });
  });

  describe('missingRanges', () => {
    fixtures.missing.forEach((f) => {
      it(f.description, () => {
        expect(missingRanges(f.have.map(range), range(f.wanted))).to.deep.equal(f.expected.map(range));
      });
    });

    it('stored plus missing covers the window exactly (random cases)', () => {
      let seed = 42;
      const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
      for (let i = 0; i < 500; i += 1) {
        const have = Array.from({ length: rand(6) }, () => {
          const from = rand(100);
          return range([from, from + rand(20)]);
        });
        const from = rand(100);
        const wanted = range([from, from + rand(60)]);
        const gaps = missingRanges(have, wanted);
        const covered = new Set<number>();
        for (const r of [...have, ...gaps]) for (let b = r.fromBlock; b <= r.toBlock; b += 1) covered.add(b);
        for (let b = wanted.fromBlock; b <= wanted.toBlock; b += 1) expect(covered.has(b), `block ${b}`).to.equal(true);
        for (const gap of gaps) {
          expect(gap.fromBlock).to.be.at.least(wanted.fromBlock);
          expect(gap.toBlock).to.be.at.most(wanted.toBlock);
          for (const r of have) expect(gap.toBlock < r.fromBlock || gap.fromBlock > r.toBlock).to.equal(true);
        }
        expect(mergeRanges(gaps)).to.have.length(gaps.length);
      }
    });
  });
});
