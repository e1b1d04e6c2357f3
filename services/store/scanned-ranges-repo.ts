// Which block ranges of an address's history are stored, and the gaps still to fetch.
import type { Address, BlockRange } from '../domain/types';
import type { Db } from './db';
import { missingRanges } from './ranges';
import { groupBy, toInt } from './values';

export function createScannedRangesRepo(db: Db) {
  async function scannedRanges(chain: string, addresses: readonly Address[]): Promise<Map<Address, BlockRange[]>> {
    const { rows } = await db.query<{ address: string; from_block: unknown; to_block: unknown }>(
      `select address, from_block, to_block from scanned_ranges
       where chain = $1 and address = any($2::text[]) order by address, from_block`,
      [chain, [...addresses]],
    );
    const ranges = rows.map((row) => ({
      address: row.address,
      fromBlock: toInt(row.from_block),
      toBlock: toInt(row.to_block),
    }));
    const byAddress = groupBy(addresses, ranges, (r) => r.address);
    return new Map(
      [...byAddress].map(([address, list]) => [address, list.map(({ fromBlock, toBlock }) => ({ fromBlock, toBlock }))]),
    );
  }

  return {
    /** Stored ranges per address, merged and in block order; every address asked for is a key. */
    scannedRanges,

    /**
     * Records that the full history of the addresses within `range` is stored, merging it
     * with touching or overlapping ranges. Concurrent callers on the same address serialise
     * on a transaction-level advisory lock per (chain, address).
     */
    async markScanned(chain: string, addresses: readonly Address[], range: BlockRange): Promise<void> {
      const unique = [...new Set(addresses)];
      if (unique.length === 0 || range.toBlock < range.fromBlock) return;
      await db.transaction(async (tx) => {
        await tx.query(LOCK_ADDRESSES, [chain, unique]);
        await tx.query(MERGE_RANGE, [chain, unique, range.fromBlock, range.toBlock]);
      });
    },

    /** The parts of `range` not stored yet, per address (every address asked for is a key). */
    async missingRanges(
      chain: string,
      addresses: readonly Address[],
      range: BlockRange,
    ): Promise<Map<Address, BlockRange[]>> {
      const have = await scannedRanges(chain, addresses);
      return new Map([...have].map(([address, ranges]) => [address, missingRanges(ranges, range)]));
    },
  };
}

// Locks are taken in key order so that two callers with overlapping address sets cannot
// deadlock; Postgres evaluates the volatile lock call after the ORDER BY.
const LOCK_ADDRESSES = `
select pg_advisory_xact_lock(k)
from (select distinct hashtextextended($1 || ':' || a, 0) as k from unnest($2::text[]) as a) as keys
order by k`;

// Stored ranges are kept merged, so the new range absorbs exactly those that overlap or
// touch it: delete them and insert their union (least/greatest ignore the nulls of
// addresses that had none).
const MERGE_RANGE = `
with absorbed as (
  delete from scanned_ranges s
  using unnest($2::text[]) as a(address)
  where s.chain = $1 and s.address = a.address
    and s.from_block <= $4::bigint + 1 and s.to_block >= $3::bigint - 1
  returning s.address, s.from_block, s.to_block
)
insert into scanned_ranges (chain, address, from_block, to_block)
select $1, a.address, least($3::bigint, min(x.from_block)), greatest($4::bigint, max(x.to_block))
from unnest($2::text[]) as a(address)
left join absorbed x on x.address = a.address
group by a.address`;
