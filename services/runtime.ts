// Process-wide settings every entry point applies (through createAppContext).
//
// The heap's growth after a full GC. A trace allocates fast and much of it lives a while (a
// hop's replies, rows and ledgers), so it survives the young generation and dies in the old
// one; V8 then lets the heap grow to several times what survived the last full GC before the
// next one. Measured on `npm run bench` at 100k (poison, anvil, server Postgres): 131 and 165 MB
// left after a full GC mid-run (two heap snapshots), yet peak RSS 1,076-1,101 MB; with growth
// capped at 50 %, peak RSS 513-611 MB for -11 % to +10 % wall time; at 20 % (the default since),
// 404-466 MB (two runs) against 482-537 MB at 50 % on the same machine, with wall and CPU time
// within the runs' noise (at 10k: 204-276 MB against 215-291). Each full GC then lets the heap grow by a
// fifth of what survived, so a GC-heavy process collects more often: set it higher to trade
// memory for CPU. V8 reads the flag at each GC, so setting it after start-up takes effect
// (test/unit/runtime-settings.test.ts).
import { setFlagsFromString } from 'node:v8';
import type { Config } from '../config';

export function applyRuntimeSettings(config: Pick<Config, 'runtime'>): void {
  const percent = config.runtime.heapGrowingPercent;
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
