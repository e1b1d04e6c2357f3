// The store's bulk writes side by side with plain COPY on the same database: the same rows
// (synthetic transfers shaped like the case's) written three ways into fresh tables of the
// `transfers` shape, indexes included. Then what the store's writes leave for reading: a
// few wallets' histories read from the rows written by plain COPY (no planner statistics,
// as a young database has them) and from the same rows written by the store (which analyses
// the tables it fills, services/store/table-stats.ts). Figures only, printed by scripts/bench.ts.
import type { Transfer } from '../../services/domain/types';
import { createStore, type Db } from '../../services/store';

export interface StoreWriteFigures {
  rows: number;
  /** rows/s of each way. */
  copy: number;
  store: number;
  /** The store writing the same rows into a table that holds every other one already: rows offered per second, the rows it wrote, each round's ms. */
  halfStored: { offered: number; newRows: number; ms: number[] };
  /** The store's previous way: one `insert … select from unnest($1…)` per 10,000 rows. */
  unnestInsert: number;
  /** store / copy. */
  share: number;
  /** Each round's time (ms) of each way, in order. */
  rounds: { copyMs: number[]; storeMs: number[] };
  /** One read of `wallets` wallets' histories (both ways) from the rows: median ms of 3. */
  historyReads: { wallets: number; transfers: number; unanalysedMs: number; storeMs: number };
}

const hex = (i: number, width: number) => '0x' + i.toString(16).padStart(width, '0');

export function syntheticTransfers(n: number, chain = 'bench-writes'): Transfer[] {
  return Array.from({ length: n }, (_, i) => ({
    chain,
    txHash: hex(i, 64),
    blockNumber: 18_000_000 + Math.floor(i / 150),
    blockHash: hex(Math.floor(i / 150), 64),
    timestamp: 1_700_000_000 + Math.floor(i / 150) * 12,
    txIndex: i % 150,
    ref: `log:${i % 7}`,
    seq: 1_000_000 + (i % 7),
    kind: 'token' as const,
    asset: '0xdac17f958d2ee523a2206206994597c13d831ec7',
    from: hex(i % 5_000, 40),
    to: hex((i * 7) % 20_000, 40),
    amount: 10n ** 6n * BigInt(i + 1) + 123_456n,
  }));
}

const COLUMNS = ['chain', 'tx_hash', 'ref', 'block_number', 'block_hash', 'block_time', 'tx_index', 'seq', 'kind', 'asset', 'from_address', 'to_address', 'amount'];
const rowOf = (t: Transfer) => [t.chain, t.txHash, t.ref, t.blockNumber, t.blockHash, t.timestamp, t.txIndex, t.seq, t.kind, t.asset, t.from, t.to, t.amount];

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Runs on `db`: a migrated store database the caller throws away afterwards (its `transfers` is emptied). */
export async function storeWrites(db: Db, rows: number): Promise<StoreWriteFigures> {
  const transfers = syntheticTransfers(rows);
  const perSec = (ms: number) => rows / (ms / 1000);
  const store = createStore(db);

  // First the rows in the new database's `transfers` by plain COPY, past the store: a table
  // never analysed, as a young database's is until autovacuum comes (PGlite has none).
  const wallets = [...new Set(transfers.map((t) => t.from))].slice(0, HISTORY_WALLETS);
  const readHistories = () => store.chainData.transfersOf(transfers[0]!.chain, wallets, { fromBlock: 0, toBlock: Number.MAX_SAFE_INTEGER }, 'both');
  const historyReadMs = async () => {
    const ms: number[] = [];
    for (let round = 0; round < ROUNDS; round++) ms.push(await timed(readHistories));
    return median(ms);
  };
  await db.copyFrom('transfers', COLUMNS, transfers.map(rowOf));
  const unanalysedMs = await historyReadMs();
  const historyTransfers = (await readHistories()).length;
  await db.exec('truncate transfers');

  // Each way warms up on a few rows of its own first (connection, plan, catalog), then COPY
  // and the store's way take turns, ROUNDS times, each into its table emptied first (the same
  // indexes, no rows), and each way counts its median round. One round of the store against
  // the better of two of COPY gave anywhere from 29 to 49 % at 10k, run to run.
  const warmUp = syntheticTransfers(500, 'bench-warm-up');
  await db.exec('create table bench_copy (like transfers including all)');
  await db.copyFrom('bench_copy', COLUMNS, warmUp.map(rowOf));
  await store.chainData.insertTransfers(warmUp);
  const copyRounds: number[] = [];
  const storeRounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await db.exec('truncate bench_copy');
    copyRounds.push(await timed(() => db.copyFrom('bench_copy', COLUMNS, transfers.map(rowOf))));
    await db.exec('truncate transfers');
    storeRounds.push(await timed(() => store.chainData.insertTransfers(transfers)));
  }
  const copyMs = median(copyRounds);
  const storeMs = median(storeRounds);
  // As a case's reads give them: half the rows stored already (the other side of a transfer
  // between two wallets read apart, or another case's), every other one.
  const halfRounds: number[] = [];
  const half = transfers.filter((_, i) => i % 2 === 0);
  let halfNew = 0;
  for (let round = 0; round < ROUNDS; round++) {
    await db.exec('truncate transfers');
    await db.copyFrom('transfers', COLUMNS, half.map(rowOf));
    halfRounds.push(await timed(async () => (halfNew = await store.chainData.insertTransfers(transfers))));
  }

  await db.exec('create table bench_unnest (like transfers including all)');
  const unnest = async (rows: Transfer[], table: string) => {
    for (let i = 0; i < rows.length; i += 10_000) {
      const chunk = rows.slice(i, i + 10_000);
      const columns = COLUMNS.map((_, c) => chunk.map((t) => { const v = rowOf(t)[c]; return typeof v === 'bigint' ? v.toString() : v; }));
      await db.query(
        `insert into ${table} select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[],
          $7::int[], $8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::numeric[]) on conflict do nothing`,
        columns,
      );
    }
  };
  await unnest(warmUp, 'bench_unnest');
  const unnestMs = await timed(() => unnest(transfers, 'bench_unnest'));
  // The last round's rows, as the store's writes left them (analysed).
  const storeReadMs = await historyReadMs();
  await db.exec('drop table bench_copy; drop table bench_unnest; truncate transfers');
  return {
    rows, copy: perSec(copyMs), store: perSec(storeMs), unnestInsert: perSec(unnestMs), share: copyMs / storeMs,
    halfStored: { offered: perSec(median(halfRounds)), newRows: halfNew, ms: halfRounds },
    rounds: { copyMs: copyRounds, storeMs: storeRounds },
    historyReads: { wallets: wallets.length, transfers: historyTransfers, unanalysedMs, storeMs: storeReadMs },
  };
}

/** Rounds of COPY and of the store's way each (and of each history read). */
const ROUNDS = 3;
/** Wallets whose histories the read figure reads: a chunk of a hop's frontier. */
const HISTORY_WALLETS = 200;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
