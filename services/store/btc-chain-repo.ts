// Bitcoin chain data shared by cases (migration 041): verified transactions keyed by
// chain + txid, who spent their outputs as of a checked height, the service-like verdicts
// judged from Esplora's transaction count, and a Bitcoin run's state after each step.
import type { Address } from '../domain/types';
import type { Outspend, UtxoTx } from '../domain/utxo';
import type { Db } from './db';
import { chunks, jsonParam, lastPerKey, toInt, toIntOrNull } from './values';

const WRITE_CHUNK = 2_000;

interface TxBody {
  i: Array<[prevTxid: string, prevVout: number, address: string | null, value: string | null, coinbase: boolean]>;
  o: Array<[address: string | null, scriptType: string, value: string]>;
  f: string | null;
}

export interface BtcOutspendsRow {
  txid: string;
  /** The confirmed height the answer holds up to (see migration 041). */
  checkedHeight: number;
  spends: Outspend[];
}

/** A Bitcoin service-like verdict from Esplora's confirmed transaction count. */
export interface BtcTxCountVerdict {
  address: Address;
  serviceLike: boolean;
  txCount: number;
  /** The verdict holds at this block (the count was read at the tip, at or after it). */
  block: number;
}

export function createBtcChainRepo(db: Db) {
  return {
    /** Stored transactions among `txids` (absent ones are not in the map). */
    async getTxs(chain: string, txids: readonly string[]): Promise<Map<string, UtxoTx>> {
      const out = new Map<string, UtxoTx>();
      for (const chunk of chunks([...new Set(txids)], 10_000)) {
        const { rows } = await db.query<{ txid: string; block_height: unknown; block_hash: string; block_time: unknown; body: TxBody }>(
          'select txid, block_height, block_hash, block_time, body from btc_txs where chain = $1 and txid = any($2::text[])',
          [chain, chunk],
        );
        for (const row of rows) out.set(row.txid, txFromRow(row.txid, toInt(row.block_height), row.block_hash, toInt(row.block_time), row.body));
      }
      return out;
    },

    /** Stores confirmed transactions in bulk (a stored one is kept: it is final). */
    async putTxs(chain: string, txs: readonly UtxoTx[]): Promise<number> {
      const confirmed = lastPerKey(txs.filter((t) => t.blockHeight !== null && t.blockHash !== null), (t) => t.txid);
      let written = 0;
      for (const chunk of chunks(confirmed, WRITE_CHUNK)) {
        const { rowCount } = await db.query(
          `insert into btc_txs (chain, txid, block_height, block_hash, block_time, body)
           select $1, * from unnest($2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::jsonb[])
           on conflict (chain, txid) do nothing`,
          [
            chain,
            chunk.map((t) => t.txid),
            chunk.map((t) => t.blockHeight),
            chunk.map((t) => t.blockHash),
            chunk.map((t) => t.blockTime ?? 0),
            chunk.map((t) => jsonParam(txBody(t))),
          ],
        );
        written += rowCount;
      }
      return written;
    },

    /** Stored outspends that answer for a run pinned at `atHeight` (checked at or above it). */
    async getOutspends(chain: string, txids: readonly string[], atHeight: number): Promise<Map<string, Outspend[]>> {
      const out = new Map<string, Outspend[]>();
      for (const chunk of chunks([...new Set(txids)], 10_000)) {
        const { rows } = await db.query<{ txid: string; spends: Outspend[] }>(
          'select txid, spends from btc_outspends where chain = $1 and txid = any($2::text[]) and checked_height >= $3',
          [chain, chunk, atHeight],
        );
        for (const row of rows) out.set(row.txid, row.spends);
      }
      return out;
    },

    /** Stores outspends; a row checked at a greater height replaces an older one. */
    async putOutspends(chain: string, rows: readonly BtcOutspendsRow[]): Promise<number> {
      let written = 0;
      for (const chunk of chunks(lastPerKey(rows, (r) => r.txid), WRITE_CHUNK)) {
        const { rowCount } = await db.query(
          `insert into btc_outspends (chain, txid, checked_height, spends)
           select $1, * from unnest($2::text[], $3::bigint[], $4::jsonb[])
           on conflict (chain, txid) do update set checked_height = excluded.checked_height, spends = excluded.spends
             where btc_outspends.checked_height < excluded.checked_height`,
          [chain, chunk.map((r) => r.txid), chunk.map((r) => r.checkedHeight), chunk.map((r) => jsonParam(r.spends))],
        );
        written += rowCount;
      }
      return written;
    },

    /**
     * Recorded transaction-count verdicts of these addresses, as they stand (service-like or
     * not, with the count and block). Verdicts from other evidence (counterparties) come back
     * as service-like with a null count.
     */
    async txCountVerdicts(chain: string, addresses: readonly Address[]): Promise<Map<Address, { serviceLike: boolean; txCount: number | null; block: number | null }>> {
      const out = new Map<Address, { serviceLike: boolean; txCount: number | null; block: number | null }>();
      if (addresses.length === 0) return out;
      const { rows } = await db.query<{ address: string; service_like: boolean; judged_tx_count: unknown; judged_to_block: unknown; judged_by: string | null }>(
        `select address, service_like, judged_tx_count, judged_to_block, judged_by from addresses
         where chain = $1 and address = any($2::text[]) and service_like is not null`,
        [chain, [...new Set(addresses)]],
      );
      for (const row of rows) {
        if (row.judged_by !== 'tx-count' && !row.service_like) continue;
        out.set(row.address, {
          serviceLike: row.service_like,
          txCount: row.judged_by === 'tx-count' ? toIntOrNull(row.judged_tx_count) : null,
          block: toIntOrNull(row.judged_to_block),
        });
      }
      return out;
    },

    /** Records transaction-count verdicts with their evidence (replacing earlier ones). */
    async recordTxCountVerdicts(chain: string, verdicts: readonly BtcTxCountVerdict[]): Promise<void> {
      for (const chunk of chunks(lastPerKey(verdicts, (v) => v.address), WRITE_CHUNK)) {
        await db.query(
          `insert into addresses (chain, address, service_like, judged_by, judged_tx_count, judged_from_block, judged_to_block, judged_assets, judged_at, updated_at)
           select $1, v.address, v.service_like, 'tx-count', v.tx_count, 0, v.block, array['BTC'], now(), now()
           from unnest($2::text[], $3::boolean[], $4::bigint[], $5::bigint[]) as v(address, service_like, tx_count, block)
           on conflict (chain, address) do update set
             service_like = excluded.service_like, judged_by = excluded.judged_by, judged_tx_count = excluded.judged_tx_count,
             judged_from_block = excluded.judged_from_block, judged_to_block = excluded.judged_to_block,
             judged_assets = excluded.judged_assets, judged_at = now(), updated_at = now()`,
          [chain, chunk.map((v) => v.address), chunk.map((v) => v.serviceLike), chunk.map((v) => v.txCount), chunk.map((v) => v.block)],
        );
      }
    },

    /** A Bitcoin run's state before step `step`, or null. */
    async getRunStep<T>(runId: string, step: number): Promise<T | null> {
      const { rows } = await db.query<{ state: T }>('select state from btc_run_steps where run_id = $1 and step = $2', [runId, step]);
      return rows[0]?.state ?? null;
    },

    /** Drops a finished run's step states. */
    async dropRunSteps(runId: string): Promise<void> {
      await db.query('delete from btc_run_steps where run_id = $1', [runId]);
    },

    /** The newest stored state of a Bitcoin run, with its step, or null. */
    async latestRunStep<T>(runId: string): Promise<{ step: number; state: T } | null> {
      const { rows } = await db.query<{ step: unknown; state: T }>(
        'select step, state from btc_run_steps where run_id = $1 order by step desc limit 1', [runId]);
      return rows[0] ? { step: toInt(rows[0].step), state: rows[0].state } : null;
    },

    /**
     * Stores the state before step `step` unless an earlier attempt already did, and returns
     * the stored one (first write wins); drops the states older than the step before it.
     */
    async settleRunStep<T>(runId: string, step: number, state: T): Promise<T> {
      await db.query(
        'insert into btc_run_steps (run_id, step, state) values ($1, $2, $3::jsonb) on conflict (run_id, step) do nothing',
        [runId, step, jsonParam(state)],
      );
      await db.query('delete from btc_run_steps where run_id = $1 and step < $2', [runId, step - 1]);
      const { rows } = await db.query<{ state: T }>('select state from btc_run_steps where run_id = $1 and step = $2', [runId, step]);
      return rows[0]!.state;
    },
  };
}

function txBody(tx: UtxoTx): TxBody {
  return {
    i: tx.inputs.map((i) => [i.prevTxid, i.prevVout, i.address, i.value === null ? null : i.value.toString(), i.coinbase]),
    o: tx.outputs.map((o) => [o.address, o.scriptType, o.value.toString()]),
    f: tx.fee === null ? null : tx.fee.toString(),
  };
}

function txFromRow(txid: string, height: number, hash: string, time: number, body: TxBody): UtxoTx {
  return {
    txid, blockHeight: height, blockHash: hash, blockTime: time,
    inputs: body.i.map(([prevTxid, prevVout, address, value, coinbase]) => ({ prevTxid, prevVout, address, value: value === null ? null : BigInt(value), coinbase })),
    outputs: body.o.map(([address, scriptType, value], vout) => ({ vout, address, scriptType: scriptType as UtxoTx['outputs'][number]['scriptType'], value: BigInt(value) })),
    fee: body.f === null ? null : BigInt(body.f),
  };
}
