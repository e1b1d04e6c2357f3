// The CLI's progress display: a live line on a terminal, plain lines otherwise.
import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { showProgress, type ProgressSnapshot } from '../../services/cli/progress';

describe('cli: progress display', () => {
  const steps: ProgressSnapshot[] = [
    { hop: 0, maxHops: 4, wallets: 3, transfers: 0, rpcCalls: 2 },
    { hop: 1, maxHops: 4, wallets: 9, transfers: 40, rpcCalls: 17 },
    { hop: 2, maxHops: 4, wallets: 21, transfers: 130, rpcCalls: 35 },
  ];

  it('plain lines, one per hop, when stderr is not a terminal', async () => {
    let i = 0;
    const lines: string[] = [];
    const p = showProgress({ tty: false, write: (t) => lines.push(t), intervalMs: 5, read: async () => steps[Math.min(i++, steps.length - 1)]! });
    await new Promise((r) => setTimeout(r, 60));
    await p.stop();
    expect(lines.filter((l) => l.startsWith('hop ')).map((l) => l.split(' · ')[0])).to.deep.equal(['hop 0/4', 'hop 1/4', 'hop 2/4']);
    expect(lines[1]).to.match(/^hop 1\/4 · 9 wallets · 40 transfers · 17 RPC calls · [\d.]+s\n$/);
    expect(lines[lines.length - 1]).to.match(/^done/);
  });

  it('a live bar on a terminal, redrawn in place', async () => {
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (d: Buffer) => (out += d.toString()));
    Object.assign(stream, { isTTY: true, columns: 160, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    let i = 0;
    const p = showProgress({ tty: true, write: () => expect.fail('no plain lines'), intervalMs: 5, stream, read: async () => steps[Math.min(i++, steps.length - 1)]! });
    await new Promise((r) => setTimeout(r, 60));
    await p.stop();
    expect(out).to.match(/hop 2\/4 · 21 wallets · 130 transfers · 35 RPC calls/);
  });
});
