import { expect } from 'chai';
import { appendAll } from '../../services/domain/arrays';

describe('appendAll', () => {
  it('appends 500,000 items in order (push(...items) overflows the stack past ~120,000)', () => {
    const items = Array.from({ length: 500_000 }, (_, i) => i);
    const target = [-2, -1];
    expect(appendAll(target, items)).to.equal(target);
    expect(target.length).to.equal(500_002);
    expect(target.slice(0, 3)).to.deep.equal([-2, -1, 0]);
    expect(target[500_001]).to.equal(499_999);
  });
});
