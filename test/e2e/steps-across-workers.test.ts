// One case's steps move between worker processes: every step reads the run's state from
// Postgres, so a step can run on any worker. Worker A (a real worker process on one Redis
// and one Postgres) takes the first step and leaves; worker B, another process, takes the
// rest. BullMQ records which worker ran each job; the report is the one an in-process
// trace gives.
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createAppContext, type AppContext } from '../../services/app';
import { silentLogger } from '../../services/log';
import { caseReport, createCase, getCase, startTrace } from '../../services/tracing/cases';
import { createTestDb, type TestDb } from '../support/db';
import { pigButcheringWorld, stableReport, testConfig, traceInline, type PigButcheringWorld } from '../support/tracing';
import { startWorker } from '../support/spawn-worker';
import { QUEUE_NAMES } from '../../services/queues/definitions';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
  child.once('exit', (code) => resolve(code));
});

describe('e2e: one case\'s steps on two worker processes', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let testDb: TestDb;
  let bull: AppContext;
  const children: ChildProcess[] = [];
  const prefix = `tracehold-test-steps-${process.pid}-${randomBytes(3).toString('hex')}`;

  before(async () => {
    world = await pigButcheringWorld();
    testDb = await createTestDb();
    bull = await createAppContext({ config: testConfig(world.node, { REDIS_URL, TRACEHOLD_QUEUE_PREFIX: prefix }), log: silentLogger, queue: 'bull', db: testDb.db });
    await bull.deps.store.labels.upsert(world.scenario.labels);
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const q of QUEUE_NAMES) await bull?.bull?.queue(q).obliterate({ force: true }).catch(() => undefined);
    await bull?.close().catch(() => undefined);
    await testDb?.drop().catch(() => undefined);
    await world?.close();
  });

  it('worker A runs the first step and leaves, worker B the rest: same report as in process', async () => {
    const body = { chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })) };
    const reference = await traceInline(world.app, body);
    const env = {
      DATABASE_URL: testDb.url, REDIS_URL, TRACEHOLD_QUEUE_PREFIX: prefix, LOCAL_RPC_URL: world.node.url, TRACEHOLD_LOG_LEVEL: 'warn',
    };
    const a = await startWorker({ ...env, TEST_WORKER_NAME: 'worker-a', TEST_EXIT_AFTER_JOBS: '1' });
    children.push(a);
    const kase = await createCase(bull.deps, { title: 'test case', ...body }, 'test');
    const { runId } = await startTrace(bull.deps, kase.id);
    expect(await exited(a)).to.equal(0);
    expect((await getCase(bull.deps, kase.id)).status, 'the case is half-way when A leaves').to.equal('tracing');

    const b = await startWorker({ ...env, TEST_WORKER_NAME: 'worker-b' });
    children.push(b);
    for (let i = 0; i < 600 && !['traced', 'failed'].includes((await getCase(bull.deps, kase.id)).status); i++) await sleep(100);
    expect((await getCase(bull.deps, kase.id)).status).to.equal('traced');

    // The case reads traced once the last step wrote it, a moment before BullMQ marks that job completed.
    const runJobs = async () => (await bull.bull!.queue('trace').getJobs(['completed'])).filter((j) => (j.data as { runId?: string }).runId === runId);
    let jobs = await runJobs();
    for (let i = 0; i < 100 && !jobs.some((j) => j.name === 'trace-finalize'); i++) {
      await sleep(100);
      jobs = await runJobs();
    }
    const byWorker = new Map<string, string[]>();
    for (const j of jobs) byWorker.set(j.processedBy ?? '?', [...(byWorker.get(j.processedBy ?? '?') ?? []), j.name]);
    expect(byWorker.get('worker-a')).to.deep.equal(['trace-hop']);
    expect(byWorker.get('worker-b')!.length).to.be.above(1);
    expect(byWorker.get('worker-b')).to.include('trace-finalize');
    expect(stableReport(await caseReport(bull.deps, kase.id))).to.deep.equal(stableReport(reference));
  });
});
