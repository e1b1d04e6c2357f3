// Transfers as read from a chain, shared by every case.
import type { Address, Asset, BlockRange, Transfer, TransferKind } from '../domain/types';
import type { TransferDirection } from '../chains/source';
import type { Db } from './db';
import { amountParam, chunks, toBigInt, toInt } from './values';

const INSERT_CHUNK = 10_000;

export interface TransferFilter extends BlockRange {
  /** Only these assets. Unset: every asset. */
  assets?: Asset[];
}

export function createTransfersRepo(db: Db) {
  return {
    /** Inserts transfers not stored yet (same chain, tx hash and ref); returns how many were new. */
    async insertTransfers(transfers: readonly Transfer[]): Promise<number> {
      let inserted = 0;
      for (const chunk of chunks(transfers, INSERT_CHUNK)) {
        const { rowCount } = await db.query(INSERT_TRANSFERS, transferColumns(chunk));
        inserted += rowCount;
      }
      return inserted;
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

const INSERT_TRANSFERS = `
insert into transfers (${COLUMNS})
select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[],
  $7::int[], $8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::numeric[])
on conflict do nothing`;

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

function transferColumns(rows: readonly Transfer[]): unknown[][] {
  return [
    rows.map((t) => t.chain),
    rows.map((t) => t.txHash),
    rows.map((t) => t.ref),
    rows.map((t) => t.blockNumber),
    rows.map((t) => t.blockHash),
    rows.map((t) => t.timestamp),
    rows.map((t) => t.txIndex),
    rows.map((t) => t.seq),
    rows.map((t) => t.kind),
    rows.map((t) => t.asset),
    rows.map((t) => t.from),
    rows.map((t) => t.to),
    rows.map((t) => amountParam(t.amount)),
  ];
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
