// `Db` over PGlite, the embedded Postgres used when no DATABASE_URL is configured. PGlite
// runs on a thread of its own (pglite-thread.ts): each call is a message there and back, so a
// statement never holds this thread's event loop, and the database works while this thread does.
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { copyStatement, copyTextSlices } from './copy-text';
import type { Db, QueryResult } from './db';
import { translateDbError, withSavepoint } from './driver-support';
import type { ThreadError, ThreadReply, ThreadRequest, ThreadStart } from './pglite-thread';

// An embedded database serves one process: Postgres' default 128 MB of shared buffers is
// mostly WASM memory that never shrinks, and a case's working set fits in far less.
const OPTIONS = { postgresqlconf: ['shared_buffers = 16MB', 'maintenance_work_mem = 16MB'] };

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * Postgres' WASM, compiled once a process and shared by its embedded databases' threads (a
 * compiled module is passed to a thread, not compiled there again), by V8's optimising compiler
 * alone: by default it compiles every function with its baseline compiler first, the hot ones
 * again optimised, and keeps both. Opening, migrating and querying one embedded database, three
 * runs each: peak RSS of the process 208-235 MB instead of 258-272 MB, opened in 1.1-1.2 s
 * instead of 0.36-0.37 s (the compile, paid once a process). The flag is the whole process's,
 * read when a WASM module is compiled: the only other module is bitcoin's small secp256k1.
 */
export function postgresWasm(): Promise<WebAssembly.Module> {
  if (compiled === undefined) {
    compiled = (async () => {
      setFlagsFromString('--no-liftoff');
      return WebAssembly.compile(await readFile(join(dirname(require.resolve('@electric-sql/pglite')), 'pglite.wasm')));
    })();
    // A failed compile is tried again by the next database opened.
    compiled.catch(() => {
      compiled = undefined;
    });
  }
  return compiled;
}

/** A request without its id (each union member's own fields kept). */
type Call = ThreadRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export async function openPgliteDb(dataDir: string): Promise<Db> {
  const onDisk = !dataDir.includes('://');
  if (onDisk) mkdirSync(dataDir, { recursive: true });
  // Creating a database runs initdb, whose WASM memory (~700 MB of RSS) a process keeps for
  // its life: a new folder is created by a short-lived child process, then opened here (~200 MB).
  if (onDisk && !existsSync(join(dataDir, 'PG_VERSION'))) await createInChild(dataDir);
  const call = await startThread({ dataDir, options: OPTIONS, wasmModule: await postgresWasm() });

  const copy = async (table: string, columns: readonly string[], text: AsyncIterable<string> | Iterable<string>, tx?: number) => {
    const slices: string[] = [];
    for await (const slice of text) slices.push(slice);
    if (slices.length === 0) return 0;
    return (await call({ op: 'copy', sql: copyStatement(table, columns, `'/dev/blob'`), text: slices, tx })) as number;
  };
  const inTransaction = (tx: number): Db => {
    const db: Db = {
      driver: 'pglite',
      query: async (sql, params) => (await call({ op: 'query', sql, params, tx })) as QueryResult<never>,
      exec: async (sql) => void (await call({ op: 'exec', sql, tx })),
      transaction: (inner) => withSavepoint(db, inner),
      copyFrom: (table, columns, rows) => copy(table, columns, copyTextSlices(rows), tx),
      copyText: (table, columns, text) => copy(table, columns, text, tx),
      close: () => Promise.reject(new Error('close() called on a transaction')),
    };
    return db;
  };
  return {
    driver: 'pglite',
    query: async (sql, params) => (await call({ op: 'query', sql, params })) as QueryResult<never>,
    exec: async (sql) => void (await call({ op: 'exec', sql })),
    // PGlite has a single connection; an open transaction holds its lock, so calls from
    // outside the callback wait instead of joining the transaction.
    async transaction(fn) {
      const tx = (await call({ op: 'begin' })) as number;
      let result;
      try {
        result = await fn(inTransaction(tx));
      } catch (error) {
        // The callback's error is the one to report, not a failed rollback's (a stopped thread).
        await call({ op: 'end', tx, commit: false }).catch(() => undefined);
        throw error;
      }
      await call({ op: 'end', tx, commit: true });
      return result;
    },
    copyFrom: (table, columns, rows) => copy(table, columns, copyTextSlices(rows)),
    copyText: (table, columns, text) => copy(table, columns, text),
    close: () => call({ op: 'close' }).then(() => undefined),
  };
}

/**
 * Starts the database's thread; resolves, once the database is open, to a function that sends
 * it a call and resolves to the answer. The thread keeps the process alive only while a call is
 * waiting for its answer (the database in this thread never did); it ends after `close`.
 */
async function startThread(start: ThreadStart): Promise<(call: Call) => Promise<unknown>> {
  const file = join(__dirname, `pglite-thread${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
  const workerData = { pgliteThread: start };
  // The thread's garbage is mostly results on their way out: a small young generation collects
  // it early instead of letting the thread's heap grow on top of the process's.
  const resourceLimits = { maxYoungGenerationSizeMb: 8 };
  // From the TypeScript sources (tsx), the thread loads tsx's require hook first, as bin/tracehold.js does.
  const worker = file.endsWith('.ts')
    ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true, workerData, resourceLimits })
    : new Worker(file, { workerData, resourceLimits });
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  let lastId = 0;
  let stopped: Error | undefined;
  const stop = (error: Error) => {
    stopped ??= error;
    for (const w of waiting.values()) w.reject(stopped);
    waiting.clear();
  };
  const opened = new Promise<void>((resolve, reject) => {
    worker.on('message', (reply: ThreadReply) => {
      if ('ready' in reply) {
        if (reply.ready) resolve();
        else reject(asError(reply.error));
        return;
      }
      const w = waiting.get(reply.id);
      if (!w) return;
      waiting.delete(reply.id);
      if (waiting.size === 0) worker.unref();
      if (reply.ok) w.resolve(reply.result);
      else w.reject(translateDbError(asError(reply.error)));
    });
    worker.on('error', (error) => {
      reject(error);
      stop(new Error(`the embedded database stopped: ${error.message}`, { cause: error }));
    });
    worker.on('exit', (code) => {
      reject(new Error(`the embedded database's thread exited (${code}) before it opened`));
      stop(new Error(`the embedded database is closed (its thread exited with ${code})`));
    });
  });
  await opened;
  worker.unref();
  return (call) => {
    if (stopped) return Promise.reject(stopped);
    const id = ++lastId;
    const answer = new Promise<unknown>((resolve, reject) => waiting.set(id, { resolve, reject }));
    worker.ref();
    worker.postMessage({ ...call, id } as ThreadRequest);
    if (call.op === 'close') {
      return answer.finally(async () => {
        stop(new Error('the embedded database is closed'));
        await worker.terminate();
      });
    }
    return answer;
  };
}

/** An Error again, with Postgres' fields (code, detail, constraint…) as the driver had them. */
function asError(error: ThreadError): Error {
  return Object.assign(new Error(error.message), error.fields);
}

async function createInChild(dataDir: string): Promise<void> {
  const pglite = pathToFileURL(require.resolve('@electric-sql/pglite')).href;
  const script = `const { PGlite } = await import(${JSON.stringify(pglite)});
    const pg = await PGlite.create(process.env.TRACEHOLD_PGLITE_DIR, JSON.parse(process.env.TRACEHOLD_PGLITE_OPTIONS));
    await pg.close();`;
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, TRACEHOLD_PGLITE_DIR: dataDir, TRACEHOLD_PGLITE_OPTIONS: JSON.stringify(OPTIONS) },
  });
}
