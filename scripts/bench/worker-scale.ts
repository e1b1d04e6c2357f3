// Cases per minute with 1 and with 2 worker processes (the bench's scale-out section). Each
// worker count gets a throwaway database of its own (a cold chain-data cache, as the first
// run), one Redis queue prefix, and real worker processes (test/support/worker-process.ts:
// what `services/main.ts worker` runs) reaching the node through the bench's counting proxy.
// The same cases are opened in both: one per L1 wallet, its address as seed.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { loadConfig } from '../../config';
import { createAppContext } from '../../services/app';
import { silentLogger } from '../../services/log';
import { createStore } from '../../services/store';
import { createCase, getCase, startTrace } from '../../services/tracing/cases';
import { createTestDb } from '../../test/support/db';
import type { BenchCase } from './build-case';
import type { CountingProxy, WireCounts } from './counting-proxy';
import { QUEUE_NAMES } from '../../services/queues/definitions';

export interface ScaleFigures {
  workers: number;
  cases: number;
  wallMs: number;
  casesPerMinute: number;
  /** Trace jobs each worker process ran (BullMQ's processedBy). */
  jobsPerWorker: Record<string, number>;
  wire: WireCounts;
}

const ROOT = path.resolve(__dirname, '../..');

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'test/support/worker-process.ts')], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench worker did not start within 60 s')), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) { clearTimeout(timer); resolve(child); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`bench worker exited early (${code})`)); });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function workerScaleBench(
  kase: BenchCase, proxy: CountingProxy, options: { cases: number; workers: number[]; model: string; maxHops: number; redisUrl: string },
  say: (text?: string) => void,
): Promise<ScaleFigures[]> {
  const seeds = kase.wallets.l1.slice(0, options.cases);
  const out: ScaleFigures[] = [];
  for (const count of options.workers) {
    const testDb = await createTestDb({ poolSize: 4 });
    const prefix = `tracehold-bench-scale-${process.pid}-${randomBytes(3).toString('hex')}`;
    const env = {
      DATABASE_URL: testDb.url, REDIS_URL: options.redisUrl, TRACEHOLD_QUEUE_PREFIX: prefix, LOCAL_RPC_URL: proxy.url, TRACEHOLD_LOG_LEVEL: 'warn',
    };
    const app = await createAppContext({ config: loadConfig({ ...env, TRACEHOLD_LOG_LEVEL: 'silent' }), log: silentLogger, queue: 'bull', db: testDb.db });
    const children: ChildProcess[] = [];
    // A worker that exits during the run is a fault to report, not a figure: the others would
    // take its jobs over and the run would end all the same.
    const exited: string[] = [];
    try {
      await createStore(testDb.db).labels.upsert(kase.labels);
      for (let i = 0; i < count; i++) {
        const child = await startWorker({ ...env, TEST_WORKER_NAME: `worker-${i + 1}` });
        child.once('exit', (code, signal) => exited.push(`worker-${i + 1} (${signal ?? `exit code ${code}`})`));
        children.push(child);
      }
      const allAlive = () => {
        if (exited.length) throw new Error(`scale bench (${count} workers): ${exited.join(', ')} exited during the run (its output above says why)`);
      };
      const ids: string[] = [];
      for (const [i, address] of seeds.entries()) {
        ids.push((await createCase(app.deps, { title: `bench scale #${i}`, chain: kase.chain, seeds: [{ address }], fromBlock: kase.fromBlock, model: options.model, maxHops: options.maxHops }, 'bench')).id);
      }
      proxy.reset();
      const started = performance.now();
      for (const id of ids) await startTrace(app.deps, id);
      for (;;) {
        const statuses = await Promise.all(ids.map(async (id) => (await getCase(app.deps, id)).status));
        if (statuses.includes('failed')) throw new Error(`scale bench (${count} workers): a case failed`);
        allAlive();
        if (statuses.every((s) => s === 'traced')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const wallMs = performance.now() - started;
      allAlive();
      const wire = proxy.counts();
      const jobsPerWorker: Record<string, number> = {};
      for (const job of await app.bull!.queue('trace').getJobs(['completed'])) {
        const by = job.processedBy ?? '?';
        jobsPerWorker[by] = (jobsPerWorker[by] ?? 0) + 1;
      }
      const figures = { workers: count, cases: ids.length, wallMs, casesPerMinute: ids.length / (wallMs / 60_000), jobsPerWorker, wire };
      say(`  ${count} worker process${count === 1 ? '' : 'es'}: ${ids.length} cases in ${(wallMs / 1000).toFixed(2)} s = ${figures.casesPerMinute.toFixed(1)} cases/min; trace jobs per worker ${Object.entries(jobsPerWorker).sort().map(([w, n]) => `${w} ${n}`).join(', ')}`);
      out.push(figures);
    } finally {
      for (const child of children) await stop(child);
      for (const q of QUEUE_NAMES) await app.bull?.queue(q).obliterate({ force: true }).catch(() => undefined);
      await app.close().catch(() => undefined);
      await testDb.drop().catch(() => undefined);
    }
  }
  return out;
}
