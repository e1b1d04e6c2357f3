// A run's taint between hop steps (migrations/060_run_taint.sql): what the last step computed
// per tainted transfer, read back by the next step for the part of the case it does not
// recompute (services/tracing/step-taint.ts).
import type { Address, Asset } from '../domain/types';
import type { Db } from './db';
import { toBigInt, toInt, toIntOrNull } from './values';

export interface RunTaintRow {
  txHash: string;
  ref: string;
  from: Address;
  to: Address | null;
  asset: Asset;
  blockNumber: number;
  tainted: bigint;
  hop: number | null;
}

const COLUMNS = ['run_id', 'tx_hash', 'ref', 'from_address', 'to_address', 'asset', 'block_number', 'tainted', 'hop'] as const;
const READ_CHUNK = 5_000;

export function createRunTaintRepo(db: Db) {
  return {
    /** The tainted transfers to any of `addresses` (every sender). */
    async taintInto(runId: string, addresses: readonly Address[]): Promise<RunTaintRow[]> {
      const out: RunTaintRow[] = [];
      for (let i = 0; i < addresses.length; i += READ_CHUNK) {
        const { rows } = await db.query<DbRow>(
          `select tx_hash, ref, from_address, to_address, asset, block_number, tainted, hop from run_taint
            where run_id = $1 and to_address = any($2::text[])`,
          [runId, addresses.slice(i, i + READ_CHUNK)],
        );
        for (const row of rows) out.push(fromRow(row));
      }
      return out;
    },

    /** Ledgers whose transfers are here as computed with their current window: address → that window. */
    async propagated(runId: string): Promise<Map<Address, number>> {
      const { rows } = await db.query<{ address: string; propagated_from: unknown }>(
        'select address, propagated_from from run_addresses where run_id = $1 and propagated_from is not null',
        [runId],
      );
      return new Map(rows.map((r) => [r.address, toInt(r.propagated_from)]));
    },

    /**
     * What `senders` sent, recomputed: their earlier rows go and `rows` (theirs) come in; each
     * ledger of `windows` is marked computed with that window. One transaction, so a step that
     * dies half way leaves the last step's state, and its re-run computes the same again.
     */
    async replaceFrom(runId: string, senders: ReadonlySet<Address>, windows: ReadonlyMap<Address, number>, rows: readonly RunTaintRow[]): Promise<void> {
      const ledgers = [...windows.keys()];
      await db.transaction(async (tx) => {
        await tx.query('delete from run_taint where run_id = $1 and from_address = any($2::text[])', [runId, [...senders]]);
        if (rows.length) {
          await tx.copyFrom('run_taint', COLUMNS, rows.map((r) => [runId, r.txHash, r.ref, r.from, r.to, r.asset, r.blockNumber, r.tainted, r.hop]));
        }
        await tx.query(
          `update run_addresses r set propagated_from = s.from_block
             from unnest($2::text[], $3::bigint[]) as s(address, from_block)
            where r.run_id = $1 and r.address = s.address`,
          [runId, ledgers, ledgers.map((a) => windows.get(a)!)],
        );
      });
    },
  };
}

interface DbRow {
  tx_hash: string;
  ref: string;
  from_address: string;
  to_address: string | null;
  asset: string;
  block_number: unknown;
  tainted: unknown;
  hop: unknown;
}

function fromRow(row: DbRow): RunTaintRow {
  return {
    txHash: row.tx_hash, ref: row.ref, from: row.from_address, to: row.to_address, asset: row.asset,
    blockNumber: toInt(row.block_number), tainted: toBigInt(row.tainted), hop: toIntOrNull(row.hop),
  };
}
