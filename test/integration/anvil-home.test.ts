// The test node (test/support/anvil.ts) leaves nothing on disk: anvil writes the states of
// older blocks as files under $HOME/.foundry/anvil/tmp (past a few hundred blocks) and keeps them when
// it stops, so each node runs with a home of its own that closing it removes.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAnvil } from '../support/anvil';

const homes = () => new Set(readdirSync(os.tmpdir()).filter((f) => f.startsWith('tracehold-anvil-')));

function filesUnder(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) n += entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : 1;
  return n;
}

describe('test support: anvil', () => {
  it('keeps the states anvil writes in a home of its own, removed when the node closes', async () => {
    const before = homes();
    const node = await startAnvil();
    const mine = [...homes()].filter((h) => !before.has(h));
    try {
      expect(mine).to.have.length(1);
      await node.mine(700);
      // anvil wrote past states to disk, and there: this home is where they go.
      expect(filesUnder(path.join(os.tmpdir(), mine[0]!))).to.be.greaterThan(0);
    } finally {
      await node.close();
    }
    expect(homes().has(mine[0]!)).to.equal(false);
  });
});
