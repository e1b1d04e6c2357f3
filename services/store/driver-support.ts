// Helpers shared by the two drivers.
import { RetryableError } from '../errors';
import type { Db } from './db';

// Serialization failures and deadlocks are the database saying "try again"; the shared
// shouldRetry() only knows connection-level codes, so they are turned into RetryableError.
const RETRY_SQLSTATES = new Set(['40001', '40P01', '55P03']);

export function translateDbError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && RETRY_SQLSTATES.has(code)) {
    return new RetryableError(`database asked to retry (${code}): ${(error as Error).message}`, {
      cause: error,
    });
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
