// Transfers as read from a chain, shared by every case.
import type { Address, Asset, BlockRange, Transfer, TransferKind } from '../domain/types';
import type { TransferDirection } from '../chains/source';
import type { Db } from './db';
import { amountParam, toBigInt, toInt } from './values';

export interface TransferFilter extends BlockRange {
  /** Only these assets. Unset: every asset. */
  assets?: Asset[];
}

export function createTransfersRepo(db: Db) {
  return {
    /**
     * Inserts transfers not stored yet (same chain, tx hash and ref); returns how many were
     * new. COPY into a staging table that lives for the transaction, then one
     * `insert … on conflict do nothing`: COPY alone cannot skip rows another case stored.
     */
    async insertTransfers(transfers: readonly Transfer[]): Promise<number> {
      if (transfers.length === 0) return 0;
      for (const t of transfers) amountParam(t.amount);
      return db.transaction(async (tx) => {
        await tx.query('create temp table transfers_staging (like transfers) on commit drop');
        await tx.copyFrom('transfers_staging', TRANSFER_COLUMNS, transferRows(transfers));
        const { rowCount } = await tx.query(`insert into transfers select * from transfers_staging on conflict do nothing`);
        return rowCount;
      });
    },

    /** Transfers from, to or either way of the addresses within the range, in chain order. */
    async transfersOf(
      chain: string,
      addresses: readonly Address[],
      filter: TransferFilter,
      direction: TransferDirection,
    ): Promise<Transfer[]> {
      if (addresses.length === 0) return [];
      const { rows } = await db.query<TransferDbRow>(transfersOfSql(direction), [
        chain,
        [...addresses],
        filter.fromBlock,
        filter.toBlock,
        filter.assets ? [...filter.assets] : null,
      ]);
      return rows.map(fromRow);
    },

    /** Every stored transfer of one transaction, in chain order. */
    async transfersOfTx(chain: string, txHash: string): Promise<Transfer[]> {
      const { rows } = await db.query<TransferDbRow>(
        `select ${COLUMNS} from transfers where chain = $1 and tx_hash = $2 order by ${ORDER}`,
        [chain, txHash],
      );
      return rows.map(fromRow);
    },
  };
}

const COLUMNS = `chain, tx_hash, ref, block_number, block_hash, block_time, tx_index, seq, kind,
  asset, from_address, to_address, amount`;
const ORDER = 'block_number, tx_index, seq, tx_hash, ref';

const TRANSFER_COLUMNS = COLUMNS.split(',').map((c) => c.trim());

function transfersOfSql(direction: TransferDirection): string {
  const where = (column: string) => `select ${COLUMNS} from transfers
    where chain = $1 and ${column} = any($2::text[]) and block_number between $3 and $4
      and ($5::text[] is null or asset = any($5::text[]))`;
  // union (not union all): a transfer from one of the addresses to another matches both sides
  const sql =
    direction === 'out' ? where('from_address')
    : direction === 'in' ? where('to_address')
    : `${where('from_address')} union ${where('to_address')}`;
  return `${sql} order by ${ORDER}`;
}

function* transferRows(transfers: readonly Transfer[]): Generator<unknown[]> {
  for (const t of transfers) {
    yield [t.chain, t.txHash, t.ref, t.blockNumber, t.blockHash, t.timestamp, t.txIndex, t.seq, t.kind, t.asset, t.from, t.to, t.amount];
  }
}

interface TransferDbRow {
  chain: string;
  tx_hash: string;
  ref: string;
  block_number: unknown;
  block_hash: string;
  block_time: unknown;
  tx_index: number;
  seq: number;
  kind: string;
  asset: string;
  from_address: string;
  to_address: string | null;
  amount: unknown;
}

function fromRow(row: TransferDbRow): Transfer {
  return {
    chain: row.chain,
    txHash: row.tx_hash,
    blockNumber: toInt(row.block_number),
    blockHash: row.block_hash,
    timestamp: toInt(row.block_time),
    txIndex: toInt(row.tx_index),
    ref: row.ref,
    seq: toInt(row.seq),
    // the table also admits 'utxo' (bitcoin inputs/outputs) ahead of the domain type
    kind: row.kind as TransferKind,
    asset: row.asset,
    from: row.from_address,
    to: row.to_address,
    amount: toBigInt(row.amount),
  };
}
