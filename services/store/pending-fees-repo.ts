// Fees a history read left unread (migrations/070_pending_fees.sql): recorded with the
// history, read where a model needs them (services/tracing/chain-data.ts, ensureFees).
import type { PendingFee } from '../chains/source';
import type { Address } from '../domain/types';
import type { Db } from './db';
import { eachChunk, toInt } from './values';

/** Rows per statement. */
const CHUNK = 10_000;

/**
 * Pending fees ($2 hashes, $3 blocks, $4 indexes, $5 senders) but those whose fee is stored:
 * one probe of the transfers' primary key per fee (a lateral join, `limit 1`). As `where not
 * exists` the planner hashed the whole table past a few thousand fees (5,000 against 158,000
 * transfers), a cost growing with all the chain data stored (see STORED_KEYS).
 */
export const ADD_PENDING_FEES = `
insert into pending_fees (chain, tx_hash, block_number, tx_index, sender)
select $1, f.tx_hash, f.block_number, f.tx_index, f.sender
  from unnest($2::text[], $3::bigint[], $4::int[], $5::text[]) as f(tx_hash, block_number, tx_index, sender)
  left join lateral (select true as stored from transfers t where t.chain = $1 and t.tx_hash = f.tx_hash and t.ref = 'fee' limit 1) s on true
 where s.stored is null
on conflict do nothing`;

export function createPendingFeesRepo(db: Db) {
  return {
    /** Records pending fees, except those whose fee is stored already (another case read it). */
    async addPendingFees(chain: string, fees: readonly PendingFee[]): Promise<void> {
      await eachChunk(fees, CHUNK, async (chunk) => {
        await db.query(
          ADD_PENDING_FEES,
          [chain, chunk.map((f) => f.txHash), chunk.map((f) => f.blockNumber), chunk.map((f) => f.txIndex), chunk.map((f) => f.sender)],
        );
      });
    },

    /** Pending fees of transactions each address sent from its fromBlock to toBlock, in chain order. */
    async pendingFeesOf(chain: string, windows: readonly { address: Address; fromBlock: number }[], toBlock: number): Promise<PendingFee[]> {
      const out: PendingFee[] = [];
      await eachChunk(windows, CHUNK, async (chunk) => {
        const { rows } = await db.query<{ tx_hash: string; block_number: unknown; tx_index: unknown; sender: string }>(
          `select p.tx_hash, p.block_number, p.tx_index, p.sender
             from unnest($2::text[], $3::bigint[]) as w(address, from_block)
             join pending_fees p on p.chain = $1 and p.sender = w.address and p.block_number between w.from_block and $4
            order by p.block_number, p.tx_index`,
          [chain, chunk.map((w) => w.address), chunk.map((w) => w.fromBlock), toBlock],
        );
        for (const r of rows) out.push({ txHash: r.tx_hash, blockNumber: toInt(r.block_number), txIndex: toInt(r.tx_index), sender: r.sender });
      });
      return out;
    },

    /** Forgets pending fees once read (their fee rows stored, or none: a zero fee). */
    async dropPendingFees(chain: string, txHashes: readonly string[]): Promise<void> {
      await eachChunk(txHashes, CHUNK, async (chunk) => {
        await db.query(`delete from pending_fees where chain = $1 and tx_hash = any($2::text[])`, [chain, chunk]);
      });
    },
  };
}
