// Cached chain state around the transfers: historical balances, blocks, address facts.
import type { Address, Asset } from '../domain/types';
import type { Db } from './db';
import { appendAll } from '../domain/arrays';
import { compareStrings } from '../domain/taint/steps';
import { amountParam, chunks, copyOrThroughStaging, eachChunk, lastPerKey, rowsPerStatement, toBigInt, toDate, toInt, toIntOrNull } from './values';
import { noteWrites } from './table-stats';
import { BalanceTable, type BalanceKey, type BalanceRow } from './balance-table';

export { BalanceTable, type BalanceKey, type BalanceRow };

const WRITE_CHUNK = 10_000;
const BALANCE_COLUMNS = ['chain', 'address', 'asset', 'block_number', 'amount'] as const;

export interface BlockRow {
  number: number;
  hash: string;
  /** Unix seconds. */
  timestamp: number;
}

export interface AddressFacts {
  address: Address;
  firstSeenBlock?: number | null;
  serviceLike?: boolean;
  counterparties?: number | null;
}

export interface AddressRow {
  address: Address;
  firstSeenBlock: number | null;
  /** null: not assessed yet. */
  serviceLike: boolean | null;
  counterparties: number | null;
  updatedAt: Date;
}

/**
 * Balances by key, one primary-key probe per key, however many balances the cache holds:
 * as a join, the planner hashed the keys and read the whole table for each statement
 * (10,000 keys against 200,000 cached balances: 150 ms, against 34 ms by probes), a cost
 * that grows with the table rather than with the keys asked. `offset 0` keeps the lateral read a probe per key
 * (the planner would otherwise fold it into that join). Each row names its key by its place
 * among those asked (`k.i`), so the answer is kept under the caller's strings, not the rows'.
 */
export const GET_BALANCES = `
select k.i, b.amount
from unnest($2::text[], $3::text[], $4::bigint[]) with ordinality as k(address, asset, block_number, i)
cross join lateral (
  select amount from balances b
   where b.chain = $1 and b.address = k.address and b.asset = k.asset and b.block_number = k.block_number
  offset 0
) b`;

export function createChainStateRepo(db: Db) {
  return {
    /** Cached balances among those asked for (under the keys given); absent ones are not in the table. */
    async getBalances(chain: string, keys: readonly BalanceKey[]): Promise<BalanceTable> {
      const found = new BalanceTable();
      // A statement per WRITE_CHUNK keys: a hop's openings are one per new ledger (90,000 at
      // the bench's 100k), and the driver's rows of all of them at once outweigh the answer.
      for (const chunk of chunks(keys, rowsPerStatement(db, WRITE_CHUNK))) {
        const { rows } = await db.query<{ i: unknown; amount: unknown }>(
          GET_BALANCES, [chain, chunk.map((k) => k.address), chunk.map((k) => k.asset), chunk.map((k) => k.blockNumber)],
        );
        for (const row of rows) found.set(chunk[toInt(row.i) - 1]!, toBigInt(row.amount));
      }
      return found;
    },

    /**
     * Stores balances (a later value for the same key wins, e.g. after a reorg). Keys are made
     * unique per chunk only (one statement cannot update a row twice): a later chunk writes
     * over an earlier one, so the last value still wins, and 90,000 balances (a hop at the
     * bench's 100k) are not keyed in one stretch of the event loop.
     *
     * A chunk is one transaction, COPYed straight into the table: the balances a step writes
     * are those it found missing from the cache (a hop's openings and their closings at the
     * run's end). Should a key be there after all (another worker, a reorg's new value), the
     * chunk goes through a staging table and `on conflict do update` (copyOrThroughStaging).
     * The bench's 100k cold run wrote its 191,000 balances in 1.7 s through `insert … on
     * conflict`, in 0.7-0.8 s so.
     */
    async putBalances(chain: string, balances: readonly BalanceRow[]): Promise<number> {
      let written = 0;
      for (const rows of chunks(balances, WRITE_CHUNK)) {
        const chunk = lastPerKey(rows, (b) => `${b.address}\u0000${b.asset}\u0000${b.blockNumber}`);
        for (const b of chunk) amountParam(b.amount); // a non-bigint amount fails before anything is written
        written += await db.transaction((tx) =>
          copyOrThroughStaging(tx, { table: 'balances', staging: 'balances_staging', columns: BALANCE_COLUMNS }, chunk, (b) => [chain, b.address, b.asset, b.blockNumber, b.amount],
            `insert into balances select * from balances_staging
             on conflict (chain, address, asset, block_number) do update set amount = excluded.amount`));
      }
      await noteWrites(db, 'balances', written);
      return written;
    },

    /** Stores block headers; a new hash for a known number (reorg) replaces the old one. */
    async putBlocks(chain: string, blocks: readonly BlockRow[]): Promise<number> {
      const unique = lastPerKey(blocks, (b) => String(b.number));
      let written = 0;
      for (const chunk of chunks(unique, WRITE_CHUNK)) {
        const { rowCount } = await db.query(
          `insert into blocks (chain, number, hash, block_time)
           select $1, * from unnest($2::bigint[], $3::text[], $4::bigint[])
           on conflict (chain, number) do update set hash = excluded.hash, block_time = excluded.block_time`,
          [chain, chunk.map((b) => b.number), chunk.map((b) => b.hash), chunk.map((b) => b.timestamp)],
        );
        written += rowCount;
      }
      return written;
    },

    async getBlocks(chain: string, numbers: readonly number[]): Promise<BlockRow[]> {
      const { rows } = await db.query<{ number: unknown; hash: string; block_time: unknown }>(
        'select number, hash, block_time from blocks where chain = $1 and number = any($2::bigint[]) order by number',
        [chain, [...numbers]],
      );
      return rows.map((row) => ({ number: toInt(row.number), hash: row.hash, timestamp: toInt(row.block_time) }));
    },

    /**
     * Records facts about addresses. Unset fields keep their stored value; the first-seen
     * block only ever moves earlier.
     */
    async upsertAddresses(chain: string, facts: readonly AddressFacts[]): Promise<number> {
      const unique = lastPerKey(facts, (f) => f.address);
      let written = 0;
      for (const chunk of chunks(unique, WRITE_CHUNK)) {
        const { rowCount } = await db.query(UPSERT_ADDRESSES, [
          chain,
          chunk.map((f) => f.address),
          chunk.map((f) => f.firstSeenBlock ?? null),
          chunk.map((f) => f.serviceLike ?? null),
          chunk.map((f) => f.counterparties ?? null),
        ]);
        written += rowCount;
      }
      return written;
    },

    async getAddresses(chain: string, addresses: readonly Address[]): Promise<AddressRow[]> {
      const { rows } = await db.query<{
        address: string;
        first_seen_block: unknown;
        service_like: boolean | null;
        counterparties: unknown;
        updated_at: unknown;
      }>(
        `select address, first_seen_block, service_like, counterparties, updated_at
         from addresses where chain = $1 and address = any($2::text[]) order by address`,
        [chain, [...addresses]],
      );
      return rows.map((row) => ({
        address: row.address,
        firstSeenBlock: toIntOrNull(row.first_seen_block),
        serviceLike: row.service_like,
        counterparties: toIntOrNull(row.counterparties),
        updatedAt: toDate(row.updated_at),
      }));
    },
  };
}

const UPSERT_ADDRESSES = `
insert into addresses (chain, address, first_seen_block, service_like, counterparties, updated_at)
select $1, f.address, f.first_seen_block, f.service_like, f.counterparties, now()
from unnest($2::text[], $3::bigint[], $4::boolean[], $5::int[])
  as f(address, first_seen_block, service_like, counterparties)
on conflict (chain, address) do update set
  first_seen_block = least(addresses.first_seen_block, excluded.first_seen_block),
  service_like = coalesce(excluded.service_like, addresses.service_like),
  counterparties = coalesce(excluded.counterparties, addresses.counterparties),
  updated_at = now()`;

/** The evidence a service-like verdict rests on (migration 040). */
export interface ServiceLikeEvidence {
  address: Address;
  /** Distinct counterparties found in the window (more than the limit in force then). */
  counterparties: number;
  fromBlock: number;
  toBlock: number;
  /** The assets counted; null: every asset. */
  assets: Asset[] | null;
  /** Transactions the wallet sent in the window (nonces, migration 050), when they were read. */
  sentTxs?: number;
  /** Bytes of code at toBlock, when read (0: none; 23: an EIP-7702 delegation). */
  codeSize?: number;
}

/**
 * Account facts of windows ($2 addresses, $3 their first blocks) ending at $4: a probe of the
 * primary key per window (`offset 0` keeps it one). Joined to the windows instead, Postgres
 * hashed the whole table from a few thousand windows on (10,000 against 100,000 stored facts
 * of other cases: a seq scan, 157 ms; probed, 32 ms).
 */
export const ACCOUNT_FACTS = `
select f.address, f.from_block, f.to_block, f.sent_txs, f.code_size, f.delegated
from unnest($2::text[], $3::bigint[]) as w(address, from_block)
cross join lateral (
  select * from account_facts f
   where f.chain = $1 and f.address = w.address and f.from_block = w.from_block and f.to_block = $4
  offset 0
) as f
order by f.address`;

/** Account facts read for a window (migration 050). */
export interface AccountFactsRow {
  address: Address;
  fromBlock: number;
  toBlock: number;
  sentTxs: number;
  codeSize: number;
  delegated: boolean;
}

export function createServiceLikeRepo(db: Db) {
  return {
    /** Records service-like verdicts with their evidence (replacing earlier evidence). */
    async recordServiceLike(chain: string, verdicts: readonly ServiceLikeEvidence[]): Promise<void> {
      for (const chunk of chunks(lastPerKey(verdicts, (v) => v.address), WRITE_CHUNK)) {
        await db.query(
          `insert into addresses (chain, address, service_like, counterparties, judged_from_block, judged_to_block, judged_assets,
             judged_sent_txs, judged_code_size, judged_at, updated_at)
           select $1, v.address, true, v.counterparties, v.from_block, v.to_block,
             case when v.assets is null then null else string_to_array(v.assets, ',') end, v.sent_txs, v.code_size, now(), now()
           from unnest($2::text[], $3::int[], $4::bigint[], $5::bigint[], $6::text[], $7::bigint[], $8::int[])
             as v(address, counterparties, from_block, to_block, assets, sent_txs, code_size)
           on conflict (chain, address) do update set
             service_like = true, counterparties = excluded.counterparties, judged_from_block = excluded.judged_from_block,
             judged_to_block = excluded.judged_to_block, judged_assets = excluded.judged_assets,
             judged_sent_txs = excluded.judged_sent_txs, judged_code_size = excluded.judged_code_size, judged_at = now(), updated_at = now()`,
          [
            chain,
            chunk.map((v) => v.address),
            chunk.map((v) => v.counterparties),
            chunk.map((v) => v.fromBlock),
            chunk.map((v) => v.toBlock),
            chunk.map((v) => (v.assets === null ? null : [...v.assets].sort().join(','))),
            chunk.map((v) => v.sentTxs ?? null),
            chunk.map((v) => v.codeSize ?? null),
          ],
        );
      }
    },

    /** Recorded service-like verdicts of these addresses, with their evidence, by address. */
    async serviceLikeEvidence(chain: string, addresses: readonly Address[]): Promise<ServiceLikeEvidence[]> {
      type Row = {
        address: string; counterparties: unknown; judged_from_block: unknown; judged_to_block: unknown; judged_assets: string[] | null;
        judged_sent_txs: unknown; judged_code_size: unknown;
      };
      const found: Row[] = [];
      // A statement per WRITE_CHUNK addresses: a hop judges every wallet it reached (~380,000
      // at the bench's 400k), and their list as one parameter, made and then copied into the
      // driver's buffer, held the event loop 118-235 ms (alone; most likely the 229-338 ms
      // blocks of the 400k runs' profiles, which name the driver, not the caller). Verdicts
      // are few: sorted here.
      await eachChunk(addresses, WRITE_CHUNK, async (chunk) => {
        const { rows } = await db.query<Row>(
          `select address, counterparties, judged_from_block, judged_to_block, judged_assets, judged_sent_txs, judged_code_size from addresses
           where chain = $1 and address = any($2::text[]) and service_like and judged_from_block is not null`,
          [chain, chunk],
        );
        appendAll(found, rows);
      });
      return found.sort((a, b) => compareStrings(a.address, b.address)).map((row) => ({
        address: row.address,
        counterparties: toInt(row.counterparties),
        fromBlock: toInt(row.judged_from_block),
        toBlock: toInt(row.judged_to_block),
        assets: row.judged_assets,
        ...(row.judged_sent_txs === null || row.judged_sent_txs === undefined ? {} : { sentTxs: toInt(row.judged_sent_txs) }),
        ...(row.judged_code_size === null || row.judged_code_size === undefined ? {} : { codeSize: toInt(row.judged_code_size) }),
      }));
    },

    /** Keeps account facts read for windows (whatever the verdict they led to). */
    async recordAccountFacts(chain: string, facts: readonly AccountFactsRow[]): Promise<void> {
      for (const chunk of chunks(lastPerKey(facts, (f) => `${f.address}|${f.fromBlock}|${f.toBlock}`), WRITE_CHUNK)) {
        await db.query(
          `insert into account_facts (chain, address, from_block, to_block, sent_txs, code_size, delegated)
           select $1, f.address, f.from_block, f.to_block, f.sent_txs, f.code_size, f.delegated
           from unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::int[], $7::boolean[])
             as f(address, from_block, to_block, sent_txs, code_size, delegated)
           on conflict (chain, address, from_block, to_block) do update set
             sent_txs = excluded.sent_txs, code_size = excluded.code_size, delegated = excluded.delegated, read_at = now()`,
          [chain, chunk.map((f) => f.address), chunk.map((f) => f.fromBlock), chunk.map((f) => f.toBlock),
            chunk.map((f) => f.sentTxs), chunk.map((f) => f.codeSize), chunk.map((f) => f.delegated)],
        );
      }
    },

    /** Account facts kept for exactly these windows (address, fromBlock) ending at toBlock. */
    async accountFacts(chain: string, windows: readonly { address: Address; fromBlock: number }[], toBlock: number): Promise<AccountFactsRow[]> {
      if (windows.length === 0) return [];
      const { rows } = await db.query<{ address: string; from_block: unknown; to_block: unknown; sent_txs: unknown; code_size: unknown; delegated: boolean }>(
        ACCOUNT_FACTS, [chain, windows.map((w) => w.address), windows.map((w) => w.fromBlock), toBlock],
      );
      return rows.map((row) => ({
        address: row.address, fromBlock: toInt(row.from_block), toBlock: toInt(row.to_block),
        sentTxs: toInt(row.sent_txs), codeSize: toInt(row.code_size), delegated: row.delegated,
      }));
    },

    /** Forgets the verdicts of these addresses: the next case judges them again. */
    async forgetServiceLike(chain: string, addresses: readonly Address[]): Promise<number> {
      const { rowCount } = await db.query(
        `update addresses set service_like = null, counterparties = null, judged_from_block = null, judged_to_block = null,
           judged_assets = null, judged_at = null, updated_at = now()
         where chain = $1 and address = any($2::text[]) and service_like is not null`,
        [chain, [...addresses]],
      );
      return rowCount;
    },
  };
}
