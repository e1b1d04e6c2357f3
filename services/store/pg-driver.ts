// `Db` over a node-postgres pool.
import { once } from 'node:events';
import { Pool, type PoolClient } from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { hasLongArray, withArrayLiterals } from './array-literal';
import { copyStatement, copyTextSlices } from './copy-text';
import type { Db, OpenDbOptions, QueryResult } from './db';
import { translateDbError, withSavepoint } from './driver-support';

export async function openPgDb(url: string, opts: OpenDbOptions = {}): Promise<Db> {
  const pool = new Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    application_name: 'tracehold',
    // No JIT compilation: the store's statements probe an index per address, thousands at a
    // time, and their estimated costs pass jit_above_cost without running any longer for it;
    // compiled, each took 22-66 ms more (10,000 wallets' counterparty counts: 175 ms run,
    // plus 22 ms compiling, 66 ms on a cold cache).
    options: '-c jit=off',
  });
  // Without a listener, an idle client dropped by the server emits an unhandled 'error'
  // event and takes the whole process down.
  const onIdleError =
    opts.onIdleError ?? ((error: Error) => console.error(`tracehold: idle postgres connection failed: ${error.message}`));
  pool.on('error', onIdleError);

  /** A COPY on a connection of its own; one that failed mid-way is not reused. */
  async function copyOnPool(table: string, columns: readonly string[], slices: AsyncIterable<string> | Iterable<string>): Promise<number> {
    const client = await pool.connect().catch((error: unknown) => {
      throw translateDbError(error);
    });
    let broken = false;
    const unguard = guardCheckedOut(client, () => (broken = true));
    try {
      return await runCopy(client, table, columns, slices).catch((error: unknown) => {
        broken = true;
        throw error;
      });
    } finally {
      unguard();
      client.release(broken);
    }
  }

  const db: Db = {
    driver: 'pg',
    query: (sql, params) => runQuery(pool, sql, params),
    exec: async (sql) => {
      await runQuery(pool, sql);
    },
    transaction: async (fn) => {
      const client = await pool.connect().catch((error: unknown) => {
        throw translateDbError(error);
      });
      let broken = false;
      const unguard = guardCheckedOut(client, () => (broken = true));
      try {
        return await inTransaction(client, fn, () => (broken = true));
      } finally {
        unguard();
        // a connection whose ROLLBACK failed is in an unknown state: destroy, don't reuse
        client.release(broken);
      }
    },
    copyFrom: (table, columns, rows) => copyOnPool(table, columns, copyTextSlices(rows)),
    copyText: (table, columns, text) => copyOnPool(table, columns, text),
    close: () => pool.end(),
  };
  try {
    await db.query('select 1');
  } catch (error) {
    await pool.end();
    throw error;
  }
  return db;
}

/**
 * The pool listens for 'error' on idle connections only: a connection cut while checked out
 * (the server restarted mid-transaction, a proxy dropped it) would emit 'error' with no
 * listener and take the process down. Its queries fail anyway (the transaction rejects and
 * the step retries); the listener only marks it broken, so it is destroyed, not reused.
 * Returns the function that removes the listener before the connection goes back.
 */
function guardCheckedOut(client: PoolClient, markBroken: () => void): () => void {
  const listener = () => markBroken();
  client.on('error', listener);
  return () => client.removeListener('error', listener);
}

async function runQuery<R>(
  target: Pool | PoolClient,
  sql: string,
  params?: unknown[],
): Promise<QueryResult<R>> {
  try {
    // A long array is made into its literal here, with turns, before the driver binds it in one go.
    const result = await target.query(sql, hasLongArray(params) ? await withArrayLiterals(params) : params);
    // A multi-statement exec returns an array of results; only the last matters here.
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return { rows: (last?.rows ?? []) as R[], rowCount: last?.rowCount ?? 0 };
  } catch (error) {
    throw translateDbError(error);
  }
}

/**
 * COPY … FROM STDIN on one connection, written slice by slice with backpressure.
 *
 * The server may fail the COPY before all of it is sent (it inserts 1,000 rows at a time, so a
 * duplicate key fails it mid-way): pg-copy-streams then emits the error and lets go of the
 * connection. Nothing more is written to the stream after that, and it is not destroyed (that
 * would send CopyFail on the connection it no longer has, throw, and emit a second error); the
 * server's error is the one thrown. Only a failure on this side (a slice that could not be
 * made) destroys the stream, whose CopyFail ends the COPY on the server.
 */
async function runCopy(client: PoolClient, table: string, columns: readonly string[], slices: AsyncIterable<string> | Iterable<string>): Promise<number> {
  const stream = client.query(copyFromStdin(copyStatement(table, columns, 'stdin')));
  let failed: { error: unknown } | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    stream.once('finish', resolve);
    // Every error event, not the first only: one without a listener takes the process down.
    stream.on('error', (error) => {
      failed ??= { error };
      reject(error);
    });
  });
  // Without a listener until the end, an error after the last write would be unhandled.
  finished.catch(() => undefined);
  try {
    for await (const slice of slices) {
      if (failed) break;
      if (!stream.write(slice)) await Promise.race([once(stream, 'drain'), finished]);
      // Let the event loop breathe between slices even when the socket takes everything
      // (a big batch would otherwise be formatted in one synchronous stretch).
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (!failed) stream.end();
    await finished;
    return stream.rowCount;
  } catch (error) {
    if (!failed) stream.destroy();
    throw translateDbError(failed ? failed.error : error);
  }
}

async function inTransaction<T>(
  client: PoolClient,
  fn: (tx: Db) => Promise<T>,
  markBroken: () => void,
): Promise<T> {
  const tx: Db = {
    driver: 'pg',
    query: (sql, params) => runQuery(client, sql, params),
    exec: async (sql) => {
      await runQuery(client, sql);
    },
    transaction: (inner) => withSavepoint(tx, inner),
    copyFrom: (table, columns, rows) => runCopy(client, table, columns, copyTextSlices(rows)),
    copyText: (table, columns, text) => runCopy(client, table, columns, text),
    close: () => Promise.reject(new Error('close() called on a transaction')),
  };
  await runQuery(client, 'begin');
  try {
    const result = await fn(tx);
    await runQuery(client, 'commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(markBroken);
    throw error;
  }
}
