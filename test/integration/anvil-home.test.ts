// The test node (test/support/anvil.ts) leaves nothing on disk: anvil writes the states of
// older blocks as files under $HOME/.foundry/anvil/tmp (past a few hundred blocks) and keeps them when
// it stops, so each node runs with a home of its own that closing it (or the process's exit)
// removes.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAnvil } from '../support/anvil';

const ROOT = path.join(__dirname, '..', '..');

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

  it('removes it when a script that asked for exitOnSignals (the bench) is stopped by SIGINT', async () => {
    const before = homes();
    const script = `const { exitOnSignals, startAnvil } = require('./test/support/anvil');
      exitOnSignals();
      startAnvil().then((node) => node.mine(700)).then(() => { console.log('ready'); setInterval(() => {}, 1000); });`;
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`the script exited (${code}) before its node was ready`)));
    });
    const mine = [...homes()].filter((h) => !before.has(h));
    expect(mine).to.have.length(1);
    expect(filesUnder(path.join(os.tmpdir(), mine[0]!))).to.be.greaterThan(0);
    child.kill('SIGINT');
    expect(await exited).to.equal(130);
    expect(homes().has(mine[0]!)).to.equal(false);
  });
});
