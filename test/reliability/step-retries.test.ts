// Fast reliability checks that run with `npm test`: a trace whose every step is retried
// after its writes landed counts each step once and reports the same; a trace request whose
// job cannot be queued (Redis down) hands the case back instead of leaving it `queued`.
import { expect } from 'chai';
import { createAppContext, type AppContext } from '../../services/app';
import { RetryableError } from '../../services/errors';
import { silentLogger } from '../../services/log';
import type { Processor } from '../../services/queues/definitions';
import { caseReport, createCase, getCase, startTrace } from '../../services/tracing/cases';
import { createJobProcessor } from '../../workers/processors';
import { createTestDb, type TestDb } from '../support/db';
import { pigButcheringWorld, stableReport, testConfig, traceInline, type PigButcheringWorld } from '../support/tracing';

describe('reliability: retried steps and unqueued traces', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let db: TestDb;
  let app: AppContext;
  const body = () => ({ title: 'retries', chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })) });

  before(async () => {
    world = await pigButcheringWorld();
    db = await createTestDb();
    app = await createAppContext({ config: testConfig(world.node), log: silentLogger, queue: 'inline', db: db.db });
    await app.deps.store.labels.upsert(world.scenario.labels);
  });
  after(async () => {
    await app?.close();
    await db?.drop();
    await world?.close();
  });

  it('a step that dies before its decisions are written runs again to the same report (its taint is written last)', async () => {
    const reference = await traceInline(world.app, body());
    const kase = await createCase(app.deps, body(), 'test');
    await startTrace(app.deps, kase.id);
    const real = createJobProcessor(app.deps);
    const runs = app.deps.store.runs;
    const upsert = runs.upsertAddresses;
    let failNext = false;
    let injected = 0;
    // Each hop step's first attempt dies at its first write of decisions.
    runs.upsertAddresses = async (...args) => {
      if (failNext) {
        failNext = false;
        injected += 1;
        throw new RetryableError('injected: worker lost before the step wrote its decisions');
      }
      return upsert(...args);
    };
    const crashing: Processor = async (job) => {
      failNext = job.name === 'trace-hop' && job.attempt === 1;
      try {
        await real(job);
      } finally {
        failNext = false;
      }
    };
    try {
      await app.inline!.drain(crashing);
    } finally {
      runs.upsertAddresses = upsert;
    }
    expect((await getCase(app.deps, kase.id)).status).to.equal('traced');
    expect(injected).to.be.at.least(3);
    expect(stableReport(await caseReport(app.deps, kase.id))).to.deep.equal(stableReport(reference));
  });

  it('counts a step once when it runs again after its writes (stats are per step, not added)', async () => {
    const reference = await traceInline(world.app, body());
    const kase = await createCase(app.deps, body(), 'test');
    await startTrace(app.deps, kase.id);
    const real = createJobProcessor(app.deps);
    let injected = 0;
    let attempts = 0;
    const hopJobs = new Set<string>();
    // Every step's first attempt does all its work, then "crashes": the queue runs it again.
    const crashing: Processor = async (job) => {
      if (job.name === 'trace-hop') hopJobs.add(job.id);
      if (job.name.startsWith('trace-')) attempts += 1;
      await real(job);
      if (job.attempt === 1 && job.name.startsWith('trace-')) {
        injected += 1;
        throw new RetryableError('injected: worker lost after the step wrote');
      }
    };
    await app.inline!.drain(crashing);
    expect((await getCase(app.deps, kase.id)).status).to.equal('traced');
    const report = await caseReport(app.deps, kase.id);
    expect(injected).to.be.at.least(3);
    expect(stableReport(report)).to.deep.equal(stableReport(reference));
    // A re-run step finds its own decisions and goes on from there, so the run may need fewer
    // steps than an undisturbed one; each step it ran counts once, however often it ran.
    expect(report.stats.hops, 'hop steps counted once each').to.equal(hopJobs.size);
    expect(attempts).to.equal(2 * (hopJobs.size + 1));
    const run = (await app.deps.store.runs.latestForCase(kase.id, 'done'))!;
    const steps = (run.stats as { steps?: Record<string, { rpcCalls: number }> }).steps!;
    expect(Object.keys(steps).filter((k) => k.startsWith('hop-'))).to.have.length(hopJobs.size);
    expect(Object.keys(steps)).to.include('final');
    expect(report.stats.rpcCalls).to.equal(Object.values(steps).reduce((s, v) => s + v.rpcCalls, 0));
  });

  it('hands the case back when its job cannot be queued, so a later trace is not a 409', async () => {
    const kase = await createCase(app.deps, body(), 'test');
    const down = { ...app.deps, queue: { add: async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:6379'); } } };
    let error: unknown;
    await startTrace(down, kase.id).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(RetryableError);
    expect((error as Error).message).to.match(/could not queue the trace/);
    expect((await getCase(app.deps, kase.id)).status).to.equal('new');
    const runs = await app.db.query<{ status: string }>('select status from trace_runs where case_id = $1', [kase.id]);
    expect(runs.rows.map((r) => r.status)).to.deep.equal(['failed']);
    // Redis is back: the same case traces normally.
    await startTrace(app.deps, kase.id);
    await app.drain();
    expect((await getCase(app.deps, kase.id)).status).to.equal('traced');
  });
});
