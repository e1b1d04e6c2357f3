// TRACEHOLD_HEAP_GROWING_PERCENT reaches V8: the same churn in a child process peaks at a
// much smaller heap with growth capped than with V8's own growth (0).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../config';

const ROOT = path.resolve(__dirname, '../..');

async function peakHeap(percent: string): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'test/support/heap-churn.ts')], {
    cwd: ROOT, env: { ...process.env, TRACEHOLD_HEAP_GROWING_PERCENT: percent },
  });
  return (JSON.parse(stdout) as { peakHeapBytes: number }).peakHeapBytes;
}

describe('runtime settings', () => {
  it('caps the heap growth: the same churn peaks at under 3/4 of the heap V8 grows to on its own', async function () {
    this.timeout(120_000);
    const own = await peakHeap('0');
    const capped = await peakHeap('25');
    expect(capped, `capped ${capped} vs V8's own ${own}`).to.be.below(own * 0.75);
  });

  it('reads TRACEHOLD_HEAP_GROWING_PERCENT: 20 unless set, 0 to 400, whole numbers', () => {
    expect(loadConfig({}).runtime.heapGrowingPercent).to.equal(20);
    expect(loadConfig({ TRACEHOLD_HEAP_GROWING_PERCENT: '0' }).runtime.heapGrowingPercent).to.equal(0);
    expect(() => loadConfig({ TRACEHOLD_HEAP_GROWING_PERCENT: '401' })).to.throw('TRACEHOLD_HEAP_GROWING_PERCENT must be between 0 and 400');
    expect(() => loadConfig({ TRACEHOLD_HEAP_GROWING_PERCENT: '1.5' })).to.throw('must be a whole number');
  });
});
