// Helpers shared by the two drivers.
import { RetryableError } from '../errors';
import type { Db } from './db';

// Serialization failures and deadlocks are the database saying "try again"; the shared
// shouldRetry() only knows connection-level codes, so they are turned into RetryableError.
const RETRY_SQLSTATES = new Set(['40001', '40P01', '55P03']);

// node-postgres reports a dropped or unreachable server with plain Errors that carry no
// code ("Connection terminated unexpectedly"); without this a Postgres restart mid-trace
// was an unrecoverable job failure and the case ended `failed`.
const CONNECTION_LOST_TEXT =
  /connection terminated|terminating connection|connection (refused|reset)|not queryable|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|server closed the connection|ECONNRESET|ECONNREFUSED|EPIPE/i;
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

export function translateDbError(error: unknown): unknown {
  if (error instanceof RetryableError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && RETRY_SQLSTATES.has(code)) {
    return new RetryableError(`database asked to retry (${code}): ${(error as Error).message}`, {
      cause: error,
    });
  }
  const message = (error as { message?: unknown } | null)?.message;
  if ((typeof code === 'string' && CONNECTION_SQLSTATES.has(code)) || (typeof message === 'string' && CONNECTION_LOST_TEXT.test(message))) {
    return new RetryableError(`database unavailable: ${String(message)}`, { cause: error });
  }
  return error;
}

let savepointCounter = 0;
function nextSavepointName(): string {
  savepointCounter += 1;
  return `tracehold_sp_${savepointCounter}`;
}

/** Shared savepoint logic for a nested `transaction` on an open transaction. */
export async function withSavepoint<T>(tx: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const name = nextSavepointName();
  await tx.query(`savepoint ${name}`);
  try {
    const result = await fn(tx);
    await tx.query(`release savepoint ${name}`);
    return result;
  } catch (error) {
    await tx.query(`rollback to savepoint ${name}`);
    throw error;
  }
}
