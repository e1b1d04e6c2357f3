// Builds the dependency bag once per entry point (CLI, API, worker, demo) and closes it in
// order. DATABASE_URL unset → embedded PGlite; REDIS_URL unset (or mode 'inline') → jobs run
// in this process through the same processors.
import type { Config } from '../config';
import { createChainRegistry } from './chains/registry';
import type { Logger } from './log';
import { createBullQueues, type BullQueues } from './queues/bullmq';
import { createInlineQueue, type InlineQueue } from './queues/inline';
import { applyRuntimeSettings } from './runtime';
import { createStore, migrate, openDb, type Db } from './store';
import type { TraceDeps } from './tracing/deps';
import { createJobProcessor } from '../workers/processors';

export interface AppContext {
  deps: TraceDeps;
  db: Db;
  /** Present in inline mode: run queued jobs to completion. */
  inline?: InlineQueue;
  bull?: BullQueues;
  /** Run every queued job in this process until none is left (inline mode only). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export async function createAppContext(options: { config: Config; log: Logger; queue?: 'inline' | 'bull'; db?: Db }): Promise<AppContext> {
  const { config, log } = options;
  applyRuntimeSettings(config);
  const db = options.db ?? (await openDb(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir }));
  await migrate(db);
  const store = createStore(db);
  const chains = createChainRegistry(config, log);
  const mode = options.queue ?? (config.redisUrl ? 'bull' : 'inline');
  const inline = mode === 'inline' ? createInlineQueue() : undefined;
  const bull = mode === 'bull' ? createBullQueues({ redisUrl: config.redisUrl!, prefix: config.queuePrefix }) : undefined;
  const deps: TraceDeps = { config, log, store, chains, queue: (inline ?? bull)! };
  return {
    deps,
    db,
    inline,
    bull,
    async drain() {
      if (!inline) throw new Error('drain() is for the in-process queue');
      await inline.drain(createJobProcessor(deps));
    },
    async close() {
      await bull?.close();
      await chains.close();
      if (!options.db) await db.close();
    },
  };
}
