// Which block ranges of an address's history are stored, and the gaps still to fetch.
import type { Address, BlockRange } from '../domain/types';
import type { Db } from './db';
import { mergeRanges, missingRanges } from './ranges';
import { eachChunk, groupBy, toInt } from './values';
import { noteWrites } from './table-stats';
import { loopTurns } from '../domain/taint/steps';

/** Every asset: what a range fetched without an asset filter covers. */
export const EVERY_ASSET = '*';

/** The stored key of an asset set: '*' for every asset, else the assets sorted (as the chain spells them). */
export function assetsKey(assets: readonly string[] | null | undefined): string {
  if (!assets) return EVERY_ASSET;
  return [...new Set(assets)].sort().join(',');
}

/** Whether a range stored for `stored` holds every transfer of the assets `wanted`. */
function covers(stored: string, wanted: string): boolean {
  if (stored === EVERY_ASSET) return true;
  if (wanted === EVERY_ASSET) return false;
  const have = new Set(stored.split(','));
  return wanted.split(',').every((a) => have.has(a));
}

export function createScannedRangesRepo(db: Db) {
  /**
   * Stored ranges per address, merged and in block order, of the ranges that cover the
   * assets asked for (unset: every asset); every address asked for is a key. Read and merged
   * READ_CHUNK addresses at a time, with an event-loop turn between: a hop asks for every
   * wallet it reached at once (90,000 at the bench's 100k, half a second of merging).
   */
  async function scannedRanges(chain: string, addresses: readonly Address[], assets?: readonly string[] | null): Promise<Map<Address, BlockRange[]>> {
    const wanted = assetsKey(assets);
    const result = new Map<Address, BlockRange[]>();
    await eachChunk(addresses, READ_CHUNK, async (chunk) => {
      const { rows } = await db.query<{ address: string; from_block: unknown; to_block: unknown; assets: string }>(SCANNED_RANGES, [chain, chunk]);
      const ranges: Array<BlockRange & { address: Address }> = [];
      for (const row of rows) {
        if (covers(row.assets, wanted)) ranges.push({ address: row.address, fromBlock: toInt(row.from_block), toBlock: toInt(row.to_block) });
      }
      for (const [address, list] of groupBy(chunk, ranges, (r) => r.address)) {
        result.set(address, mergeRanges(list));
      }
    });
    return result;
  }

  return {
    scannedRanges,

    /**
     * Records that the full history of the addresses within `range` is stored, for the assets
     * given (unset: every asset), merging it with touching or overlapping ranges of the same
     * assets. Concurrent callers on the same address serialise on a transaction-level
     * advisory lock per (chain, address). Addresses are recorded in transactions of at most
     * MARK_CHUNK each: every lock is an entry in Postgres's shared lock table (sized
     * max_locks_per_transaction × connections, 6,400 by default), and a 100k-transfer case
     * marks ~90,000 wallets at once ("out of shared memory"). Each address's ranges stand
     * alone, so a crash between chunks only leaves some wallets to fetch again.
     */
    async markScanned(chain: string, addresses: readonly Address[], range: BlockRange, assets?: readonly string[] | null): Promise<void> {
      const unique = [...new Set(addresses)];
      if (unique.length === 0 || range.toBlock < range.fromBlock) return;
      for (let i = 0; i < unique.length; i += MARK_CHUNK) {
        const chunk = unique.slice(i, i + MARK_CHUNK);
        await db.transaction(async (tx) => {
          await tx.query(LOCK_ADDRESSES, [chain, chunk]);
          await tx.query(MERGE_RANGE, [chain, chunk, range.fromBlock, range.toBlock, assetsKey(assets)]);
        });
      }
      await noteWrites(db, 'scanned_ranges', unique.length);
    },

    /** The parts of `range` not stored yet for the assets (unset: every asset), per address (every address asked for is a key). */
    async missingRanges(
      chain: string,
      addresses: readonly Address[],
      range: BlockRange,
      assets?: readonly string[] | null,
    ): Promise<Map<Address, BlockRange[]>> {
      const have = await scannedRanges(chain, addresses, assets);
      const turns = loopTurns();
      for (const [address, ranges] of have) {
        have.set(address, missingRanges(ranges, range));
        if (turns.due()) await turns.give();
      }
      return have;
    },
  };
}

/**
 * The ranges of the addresses, read by a primary-key probe per address however many ranges
 * the chain holds: as `address = any(…)` of 10,000 addresses the planner read the whole table
 * (100,000 ranges: 75 ms against 51 ms by probes), a cost that grows with the table rather
 * than with the addresses asked.
 * `offset 0` keeps the lateral read a probe per address (the planner would otherwise fold it
 * into a join).
 */
export const SCANNED_RANGES = `
select s.address, s.from_block, s.to_block, s.assets
from (select distinct address from unnest($2::text[]) as u(address)) as a
cross join lateral (
  select address, from_block, to_block, assets from scanned_ranges s
   where s.chain = $1 and s.address = a.address
  offset 0
) s
order by s.address, s.from_block`;

/** Addresses per markScanned transaction (see there). */
export const MARK_CHUNK = 1_000;
/** Addresses per read of their ranges (and per merge between event-loop turns): 10,000 were a 200 ms stretch, GC included, in a warm 200k run. */
const READ_CHUNK = 2_500;

// Locks are taken in key order so that two callers with overlapping address sets cannot
// deadlock; Postgres evaluates the volatile lock call after the ORDER BY.
const LOCK_ADDRESSES = `
select pg_advisory_xact_lock(k)
from (select distinct hashtextextended($1 || ':' || a, 0) as k from unnest($2::text[]) as a) as keys
order by k`;

// Stored ranges are kept merged, so the new range absorbs exactly those that overlap or
// touch it: delete them and insert their union (least/greatest ignore the nulls of
// addresses that had none). The ranges absorbed are found by a probe of the primary key per
// address (`offset 0` keeps it one) and deleted by their row ids: joined to the addresses in
// the delete, Postgres scanned the whole table, and where its statistics said the asset set
// was rare, compared every stored range of it with every address of the chunk (a case's
// 7,100 token ranges times 1,000 addresses: 0.95 s for one chunk, each chunk slower than the
// last). The addresses' advisory locks keep the rows found in place until the delete.
export const MERGE_RANGE = `
with absorbed as (
  delete from scanned_ranges s
  where s.ctid = any(array(
    select r.ctid
    from (select distinct address from unnest($2::text[]) as u(address)) as a
    cross join lateral (
      select ctid from scanned_ranges r
       where r.chain = $1 and r.address = a.address and r.assets = $5
         and r.from_block <= $4::bigint + 1 and r.to_block >= $3::bigint - 1
      offset 0
    ) as r))
  returning s.address, s.from_block, s.to_block
)
insert into scanned_ranges (chain, address, assets, from_block, to_block)
select $1, a.address, $5, least($3::bigint, min(x.from_block)), greatest($4::bigint, max(x.to_block))
from unnest($2::text[]) as a(address)
left join absorbed x on x.address = a.address
group by a.address`;
