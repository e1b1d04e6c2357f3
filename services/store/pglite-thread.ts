// The embedded database's own thread: PGlite runs each statement in WASM on the thread that
// calls it, so on the tracehold process's thread a statement held the event loop (a 100k
// case's statements 1.2-1.4 s: a worker's lock renewal, timers and sockets waited). Here it
// holds only this thread's. pglite-driver.ts is the other end: a `Db` whose every call is a
// message to this thread, answered by one message back.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type PGliteOptions, type Transaction } from '@electric-sql/pglite';

export interface ThreadStart {
  dataDir: string;
  options: PGliteOptions;
  /** Postgres' WASM, compiled once for every embedded database of the process (pglite-driver.ts). */
  wasmModule: WebAssembly.Module;
}

/** A call; `tx` names an open transaction (from `begin`) to run it in. */
export type ThreadRequest = { id: number } & (
  | { op: 'query'; sql: string; params?: unknown[]; tx?: number }
  | { op: 'exec'; sql: string; tx?: number }
  /** COPY … FROM '/dev/blob' of `text`, the COPY text in slices. */
  | { op: 'copy'; sql: string; text: string[]; tx?: number }
  /** Opens a transaction; answers its number. */
  | { op: 'begin' }
  /** Commits (or rolls back) transaction `tx`. */
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' }
);

/** An error crossing threads: a structured clone keeps an Error's message, not Postgres' fields. */
export interface ThreadError {
  message: string;
  fields: Record<string, string | number | boolean>;
}

export type ThreadReply =
  | { id: number; ok: true; result?: unknown }
  | { id: number; ok: false; error: ThreadError }
  /** Sent once: the database is open (id 0), or could not be opened. */
  | { id: 0; ready: true }
  | { id: 0; ready: false; error: ThreadError };

export function errorFields(error: unknown): ThreadError {
  const fields: ThreadError['fields'] = {};
  if (error !== null && typeof error === 'object') {
    for (const [key, value] of Object.entries(error)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = value;
    }
    if (error instanceof Error && !('name' in fields)) fields.name = error.name;
  }
  return { message: error instanceof Error ? error.message : String(error), fields };
}

/** The callback's way to have PGlite's transaction() roll back. */
class RollBack extends Error {}

interface OpenTransaction {
  raw: Transaction;
  end(commit: boolean): void;
  /** Settles when PGlite has committed or rolled back. */
  settled: Promise<void>;
}

async function serve(port: NonNullable<typeof parentPort>, start: ThreadStart): Promise<void> {
  let pg: PGlite;
  try {
    pg = await PGlite.create(start.dataDir, { ...start.options, pgliteWasmModule: start.wasmModule });
  } catch (error) {
    port.postMessage({ id: 0, ready: false, error: errorFields(error) } satisfies ThreadReply);
    return;
  }
  const open = new Map<number, OpenTransaction>();
  let lastTx = 0;
  const on = (tx: number | undefined): Pick<Transaction, 'query' | 'exec'> => {
    if (tx === undefined) return pg;
    const found = open.get(tx);
    if (!found) throw new Error(`transaction ${tx} is not open`);
    return found.raw;
  };

  const answer = async (request: ThreadRequest): Promise<unknown> => {
    switch (request.op) {
      case 'query': {
        const result = await on(request.tx).query(request.sql, request.params);
        // PGlite reports written rows in affectedRows and leaves it 0 for a SELECT.
        return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
      }
      case 'exec':
        await on(request.tx).exec(request.sql);
        return undefined;
      case 'copy': {
        const result = await on(request.tx).query(request.sql, [], { blob: new Blob(request.text) });
        return result.affectedRows ?? 0;
      }
      case 'begin':
        return begin();
      case 'end': {
        const tx = open.get(request.tx);
        if (!tx) throw new Error(`transaction ${request.tx} is not open`);
        open.delete(request.tx);
        tx.end(request.commit);
        await tx.settled;
        return undefined;
      }
      case 'close':
        await pg.close();
        return undefined;
    }
  };

  /** Opens a PGlite transaction held until its `end`: PGlite's lock keeps other calls out meanwhile. */
  function begin(): Promise<number> {
    return new Promise((resolve, reject) => {
      const id = ++lastTx;
      let decide!: (commit: boolean) => void;
      const decided = new Promise<boolean>((r) => (decide = r));
      let began = false;
      const tx: OpenTransaction = { raw: undefined as unknown as Transaction, end: decide, settled: Promise.resolve() };
      tx.settled = pg
        .transaction(async (raw) => {
          tx.raw = raw;
          open.set(id, tx);
          began = true;
          resolve(id);
          if (!(await decided)) throw new RollBack();
        })
        .then(
          () => undefined,
          (error: unknown) => {
            if (!began) reject(error);
            else if (!(error instanceof RollBack)) throw error;
          },
        );
      tx.settled.catch(() => undefined); // the `end` call answers it
    });
  }

  port.on('message', (request: ThreadRequest) => {
    answer(request).then(
      (result) => port.postMessage({ id: request.id, ok: true, result } satisfies ThreadReply),
      (error: unknown) => port.postMessage({ id: request.id, ok: false, error: errorFields(error) } satisfies ThreadReply),
    );
  });
  port.postMessage({ id: 0, ready: true } satisfies ThreadReply);
}

if (parentPort && (workerData as { pgliteThread?: ThreadStart } | undefined)?.pgliteThread) {
  void serve(parentPort, (workerData as { pgliteThread: ThreadStart }).pgliteThread);
}
