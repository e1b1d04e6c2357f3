// A process that applies the runtime settings of TRACEHOLD_HEAP_GROWING_PERCENT (as every
// entry point does), keeps ~40 MB live and churns medium-lived garbage (arrays that survive a
// few young-generation collections, as a hop's replies and rows do), then prints its peak heap.
import { loadConfig } from '../../config';
import { applyRuntimeSettings } from '../../services/runtime';

applyRuntimeSettings(loadConfig());
const live: Array<{ a: string; b: number }> = [];
for (let i = 0; i < 400_000; i++) live.push({ a: `live-${i}`, b: i });
const recent: unknown[][] = [];
let peak = 0;
for (let round = 0; round < 200; round++) {
  const garbage: unknown[] = [];
  for (let i = 0; i < 20_000; i++) garbage.push({ s: `g${i}-${round}`, n: [i, round] });
  recent.push(garbage);
  if (recent.length > 15) recent.shift();
  peak = Math.max(peak, process.memoryUsage().heapTotal);
}
process.stdout.write(JSON.stringify({ peakHeapBytes: peak, live: live.length }) + '\n');
