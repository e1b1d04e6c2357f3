// Two worker processes, each upserting the nightly schedule, against the same Redis: the
// schedule is one, so each firing is one job, taken by one of them.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createBullQueues } from '../../services/queues/bullmq';
import { QUEUE_NAMES } from '../../services/queues/definitions';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WORKER = path.resolve(__dirname, '../support/schedule-worker.ts');

describe('e2e: the nightly schedule with two worker processes', function () {
  this.timeout(120_000);
  const prefix = `tracehold-test-${process.pid}-${randomBytes(3).toString('hex')}`;
  const out = path.join(os.tmpdir(), `tracehold-schedule-${prefix}.log`);

  after(async () => {
    const bull = createBullQueues({ redisUrl: REDIS_URL, prefix });
    for (const name of QUEUE_NAMES) await bull.queue(name).obliterate({ force: true });
    await bull.close();
    fs.rmSync(out, { force: true });
  });

  it('fires once per tick, however many processes upsert it', async () => {
    const everyMs = 500;
    const runMs = 4_000;
    const started = Date.now();
    const exits = await Promise.all([0, 1].map(() => new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', WORKER], {
        env: { ...process.env, REDIS_URL, PREFIX: prefix, OUT: out, EVERY_MS: String(everyMs), RUN_MS: String(runMs) },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', resolve);
    })));
    const elapsed = Date.now() - started;
    expect(exits).to.deep.equal([0, 0]);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(' '));
    expect(lines.filter((l) => l[1] === 'ready')).to.have.length(2);
    const jobs = lines.filter((l) => l[2] === 'retrace');
    const ids = jobs.map((l) => l[1]);
    expect(new Set(ids).size, 'no firing is taken twice').to.equal(ids.length);
    // One schedule: at most one job per interval over the whole run (two would give twice that).
    expect(jobs.length).to.be.at.least(2);
    expect(jobs.length).to.be.at.most(Math.ceil(elapsed / everyMs) + 1);
  });
});
