// Explicit conversion of column values, because the drivers disagree: node-postgres
// returns int8 and numeric as strings, PGlite returns int8 as a number (a bigint past
// 2^53) and numeric as a string. Repositories pass every value through these.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { loopTurns, type LoopTurns } from '../domain/taint/steps';
import type { Address } from '../domain/types';
import type { Db } from './db';

/** numeric(78,0) / int8 column → bigint. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new TypeError(`expected an integer from the database, got ${describe(value)}`);
}

/** int / int8 column holding a block number, a count or a unix time → number. */
export function toInt(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'bigint' || typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new TypeError(`expected a safe integer from the database, got ${describe(value)}`);
  }
  return n;
}

export function toIntOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toInt(value);
}

export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') return new Date(value);
  throw new TypeError(`expected a timestamp from the database, got ${describe(value)}`);
}

export function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

/** bigint → the decimal string a numeric parameter takes (neither driver does bigint[]). */
export function amountParam(value: bigint): string {
  if (typeof value !== 'bigint') throw new TypeError(`amount must be a bigint, got ${describe(value)}`);
  return value.toString();
}

/** A value for a jsonb parameter. bigints become decimal strings, as the contract's JSON. */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value, bigintAsString);
}

/** jsonParam's replacer: a bigint as its decimal text. */
export function bigintAsString(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/**
 * Rows per statement of a bulk read or write. PGlite answers a statement as one message from
 * its thread (pglite-driver.ts), the whole result built there and copied here, so bulk reads
 * and writes go in pieces that bound what both threads hold at once. (Before PGlite had its
 * own thread, one statement was one block of the caller's event loop: at the bench's 100k,
 * staging and inserting a hop's 93,500 transfers held it 0.7 + 2.6 s.) A server takes any
 * number of rows in one statement and reads pages from a cursor. `atMost`: a caller's own
 * bound, on either.
 */
export function rowsPerStatement(db: Pick<Db, 'driver'>, atMost = Number.POSITIVE_INFINITY): number {
  return db.driver === 'pglite' ? Math.min(PGLITE_ROWS_PER_STATEMENT, atMost) : atMost;
}

const PGLITE_ROWS_PER_STATEMENT = 2_500;

/**
 * Rows written through a temporary staging table: COPY into `staging` (a copy of `table`'s
 * shape, dropped at commit), then `insert` (an INSERT … SELECT from it that decides what a
 * conflict does), rowsPerStatement(tx) rows at a time. Run inside a transaction, so the whole
 * write stays one; returns the rows the inserts wrote.
 */
async function copyThroughStaging<T>(
  tx: Db, target: { table: string; staging: string; columns: readonly string[] }, items: readonly T[], row: (item: T) => readonly unknown[], insert: string,
): Promise<number> {
  await tx.query(`create temp table ${target.staging} (like ${target.table}) on commit drop`);
  const size = rowsPerStatement(tx);
  let written = 0;
  for (let start = 0; start < items.length; start += size) {
    if (start > 0) await tx.query(`truncate ${target.staging}`);
    // Rows made as COPY reads them: a server's one statement of a hop's 93,500 rows never
    // holds them all as arrays at once.
    await tx.copyFrom(target.staging, target.columns, rowsOf(items, start, Math.min(items.length, start + size), row));
    written += (await tx.query(insert)).rowCount;
  }
  return written;
}

/**
 * Rows none of which the table holds as a rule (the caller left out what it found stored, or
 * deleted what it replaces): COPY straight into `table`, at plain COPY's speed, under a
 * savepoint. Should one be there after all (another worker wrote it meanwhile, or a second
 * run of the same step: a unique violation), the savepoint is rolled back and the rows go
 * through the staging table and `insert` instead (copyThroughStaging). Run inside a
 * transaction; returns the rows written.
 */
export async function copyOrThroughStaging<T>(
  tx: Db, target: { table: string; staging: string; columns: readonly string[] }, items: readonly T[], row: (item: T) => readonly unknown[], insert: string,
): Promise<number> {
  if (items.length === 0) return 0;
  const size = rowsPerStatement(tx);
  try {
    return await tx.transaction(async (direct) => {
      let written = 0;
      for (let start = 0; start < items.length; start += size) {
        written += await direct.copyFrom(target.table, target.columns, rowsOf(items, start, Math.min(items.length, start + size), row));
      }
      return written;
    });
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== UNIQUE_VIOLATION) throw error;
    return copyThroughStaging(tx, target, items, row, insert);
  }
}

const UNIQUE_VIOLATION = '23505';

function* rowsOf<T>(items: readonly T[], start: number, end: number, row: (item: T) => readonly unknown[]): Generator<readonly unknown[]> {
  for (let i = start; i < end; i++) yield row(items[i]!);
}

/** Splits rows into chunks: one multi-row statement per chunk. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** chunks of any iterable (a Set, a Map's keys), made with event-loop turns: a step's ~380,000 senders at the bench's 400k. */
export async function chunksWithTurns<T>(items: Iterable<T>, size: number, turns: LoopTurns = loopTurns()): Promise<T[][]> {
  const out: T[][] = [];
  let chunk: T[] = [];
  for (const item of items) {
    if (turns.due()) await turns.give();
    chunk.push(item);
    if (chunk.length === size) {
      out.push(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) out.push(chunk);
  return out;
}

/**
 * `fn` on each chunk of `size` items in turn, with an event-loop turn between chunks: a read
 * per chunk of a hop's ~90,000 wallets without handling all their rows in one stretch.
 */
export async function eachChunk<T>(items: readonly T[], size: number, fn: (chunk: T[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    await fn(items.slice(i, i + size));
    await nextTurn();
  }
}

/** Keeps the last item per key, so an upsert never touches one row twice in a statement. */
export function lastPerKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(key(item), item);
  return [...byKey.values()];
}

/**
 * lastPerKey, giving the event loop turns through `turns` (as filterWithTurns does): a hop's
 * ~90,000 wallets at the bench's 100k, keyed in one go, were one 120 ms stretch of the
 * worker's loop (with GC; a profiled run).
 */
export async function lastPerKeyWithTurns<T>(items: readonly T[], key: (item: T) => string, turns: LoopTurns = loopTurns()): Promise<T[]> {
  const byKey = new Map<string, T>();
  for (const item of items) {
    if (turns.due()) await turns.give();
    byKey.set(key(item), item);
  }
  return [...byKey.values()];
}

/** Builds a Map with every asked-for key present (an empty list when nothing matched). */
export function groupBy<T>(keys: readonly string[], items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const item of items) {
    const k = keyOf(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id that is not a uuid cannot exist; checking first avoids a 22P02 error from the database. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

function describe(value: unknown): string {
  return `${typeof value} ${String(value)}`;
}

/**
 * One string per distinct value read, not one per row: rows of a read repeat the same
 * addresses, assets, states and block hashes thousands of times (each a string of its own
 * from the driver).
 */
export function interner(): (value: string) => string {
  const seen = new Map<string, string>();
  return (value) => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    seen.set(value, value);
    return value;
  };
}

/**
 * Addresses as one comma-separated text parameter (split by string_to_array in the statement).
 * As a text[] parameter the driver quotes and escapes each element at once: in a profiled 100k
 * run one such statement of ~93,000 addresses held the worker's event loop 136 ms; 93,000
 * addresses on server Postgres, three runs each: longest event-loop delay 58-95 ms as text[],
 * 36-52 ms as one text. An address has no comma on any chain.
 */
export function addressList(addresses: Iterable<Address>): string {
  return [...addresses].join(',');
}

/**
 * A table of the transaction's own (dropped at its end) of the addresses, given in parts (a
 * statement each), each once; analysed unless `analyze` is false (a read that only probes it
 * by its key needs no statistics, and a large table's ANALYZE is tens of milliseconds).
 */
export async function nameAddresses(tx: Db, table: string, parts: Iterable<readonly Address[]>, options: { analyze?: boolean } = {}): Promise<void> {
  await tx.query(`create temp table ${table} (address text primary key) on commit drop`);
  for (const part of parts) {
    await tx.query(`insert into ${table} select unnest(string_to_array($1, ',')) on conflict do nothing`, [addressList(part)]);
  }
  if (options.analyze !== false) await tx.query(`analyze ${table}`);
}
