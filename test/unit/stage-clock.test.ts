// The hop pipeline's stage clock (services/tracing/hop-pipeline.ts): each stage's wall time,
// and the highest V8 heap in use while it ran.
import { expect } from 'chai';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full GC on demand (the flag set at run time, the function taken from a fresh context). */
function collect(): void {
  setFlagsFromString('--expose_gc');
  (runInNewContext('gc') as () => void)();
}
import { stageClock } from '../../services/tracing/hop-pipeline';

describe('stage clock', () => {
  it('gives each stage its milliseconds and the highest heap in use while it ran', async () => {
    const clock = stageClock();
    let held: number[][] = [];
    let whileHeld = 0;
    await clock.time('bigMs', async () => {
      // ~40 MB of arrays, held for a few of the sampler's 50 ms turns (allocating nothing
      // meanwhile, so no GC moves the heap), then dropped before the stage ends.
      for (let i = 0; i < 40; i++) held.push(new Array(131_072).fill(i));
      whileHeld = getHeapStatistics().used_heap_size;
      await new Promise((resolve) => setTimeout(resolve, 160));
      // Dropped and collected before the stage ends: only a sample taken while they were held sees them.
      held = [];
      collect();
    });
    await clock.time('smallMs', async () => undefined);
    const figures = clock.figures();
    expect(figures.bigMs).to.be.a('number').and.at.least(0);
    expect(figures.smallMs).to.be.a('number').and.at.least(0);
    // The big stage saw its arrays (dropped before it ended): its peak is the heap that held them.
    expect(figures.bigHeapMB).to.be.at.least(Math.floor(whileHeld / 2 ** 20) - 1);
    expect(figures.smallHeapMB).to.be.a('number').and.at.least(1);
  });

  it('keeps the highest of a stage timed twice', async () => {
    const clock = stageClock();
    let held: number[][] = [];
    await clock.time('twiceMs', async () => {
      for (let i = 0; i < 20; i++) held.push(new Array(131_072).fill(i));
      await new Promise((resolve) => setTimeout(resolve, 60));
    });
    const first = clock.figures().twiceHeapMB!;
    held = [];
    await clock.time('twiceMs', async () => undefined);
    expect(held).to.have.length(0);
    // The higher of the two (the second may still count the first's garbage), not their sum.
    expect(clock.figures().twiceHeapMB).to.be.within(first, first + 5);
  });
});
