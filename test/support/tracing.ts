// End-to-end helpers: a real local EVM node with the pig-butchering case on it, a
// throwaway Postgres database, and the app context the CLI and workers use.
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../config';
import { createAppContext, type AppContext } from '../../services/app';
import { playPigButchering, type PigButcheringCase } from '../../services/demo/pig-butchering';
import { startLocalNode, type LocalNode } from '../../services/devchain';
import type { TraceReport } from '../../services/domain/report';
import { silentLogger } from '../../services/log';
import { caseReport, createCase, getCase, startTrace } from '../../services/tracing/cases';
import { createTestDb, type TestDb } from './db';

export interface PigButcheringWorld {
  node: LocalNode;
  scenario: PigButcheringCase;
  testDb: TestDb;
  config: Config;
  app: AppContext;
  close(): Promise<void>;
}

/** A secret key for this test process: webhook secrets are sealed under it. */
export const TEST_SECRET_KEY = randomBytes(32).toString('hex');

/** Tests deliver to receivers on 127.0.0.1 over http: the URL guard allows exactly that. */
export const TEST_WEBHOOK_ENV = { TRACEHOLD_SECRET_KEY: TEST_SECRET_KEY, TRACEHOLD_WEBHOOK_ALLOW_HTTP: 'true', TRACEHOLD_WEBHOOK_ALLOW_HOSTS: '127.0.0.1' };

export function testConfig(node: LocalNode, extra: Record<string, string> = {}): Config {
  return loadConfig({ LOCAL_RPC_URL: node.url, TRACEHOLD_LOG_LEVEL: 'silent', ...TEST_WEBHOOK_ENV, ...extra });
}

export async function pigButcheringWorld(): Promise<PigButcheringWorld> {
  const node = await startLocalNode();
  const scenario = await playPigButchering(node);
  const testDb = await createTestDb();
  const config = testConfig(node);
  const app = await createAppContext({ config, log: silentLogger, queue: 'inline', db: testDb.db });
  await app.deps.store.labels.upsert(scenario.labels);
  return {
    node, scenario, testDb, config, app,
    async close() {
      await app.close();
      await testDb.drop();
      scenario.provider.destroy();
      await node.close();
    },
  };
}

/** Create, trace (in process) and return the report of a case. */
export async function traceInline(app: AppContext, body: Record<string, unknown>): Promise<TraceReport> {
  const kase = await createCase(app.deps, { title: 'test case', ...body }, 'test');
  await startTrace(app.deps, kase.id);
  await app.drain();
  const final = await getCase(app.deps, kase.id);
  if (final.status !== 'traced') throw new Error(`case ended ${final.status}: ${JSON.stringify(final.progress)}`);
  return caseReport(app.deps, kase.id);
}

/** The parts of a report that must not depend on how or when it was computed. */
export function stableReport(report: TraceReport): Omit<TraceReport, 'stats'> {
  const { stats: _stats, ...rest } = report;
  return rest;
}
