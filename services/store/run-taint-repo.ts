// A run's taint between hop steps (migrations/060_run_taint.sql): what the last step computed
// per tainted transfer, read back by the next step for the part of the case it does not
// recompute (services/tracing/step-taint.ts).
import type { Address, Asset } from '../domain/types';
import type { Db } from './db';
import { loopTurns } from '../domain/taint/steps';
import { addressList, chunksWithTurns, copyOrThroughStaging, interner, nameAddresses, rowsPerStatement, toBigInt, toInt, toIntOrNull } from './values';
import { noteWrites } from './table-stats';

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
      // 93,000 rows at the bench's 100k, each with its own strings of a few wallets and one token.
      const intern = interner();
      for (let i = 0; i < addresses.length; i += READ_CHUNK) {
        const { rows } = await db.query<DbRow>(
          `select tx_hash, ref, from_address, to_address, asset, block_number, tainted, hop from run_taint
            where run_id = $1 and to_address = any($2::text[])`,
          [runId, addresses.slice(i, i + READ_CHUNK)],
        );
        for (const row of rows) out.push(fromRow(row, intern));
      }
      return out;
    },

    /**
     * A re-trace that resumes the last run (services/retrace): what the last run computed for a
     * followed wallet still holds when nothing about its inputs changed, so its rows and mark
     * come along, except for wallets with new transfers (`moved`) and for those a wallet to be
     * decided again (`redo`, followed no more until then) paid: those are computed again, and
     * so is what they reach (the step's closure).
     */
    async carryOver(toRunId: string, fromRunId: string, moved: readonly Address[], redo: readonly Address[]): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.query(
          `create temp table run_taint_kept on commit drop as
           select p.address, p.propagated_from from run_addresses p
            where p.run_id = $1 and p.propagated_from is not null and p.state in ('source', 'crawled')
              and p.address <> all($2::text[])
              and not exists (select 1 from run_taint t where t.run_id = $1 and t.to_address = p.address and t.from_address = any($3::text[]))`,
          [fromRunId, [...moved], [...redo]],
        );
        await tx.query(
          `insert into run_taint (run_id, tx_hash, ref, from_address, to_address, asset, block_number, tainted, hop)
           select $1, t.tx_hash, t.ref, t.from_address, t.to_address, t.asset, t.block_number, t.tainted, t.hop
             from run_taint t join run_taint_kept k on k.address = t.from_address
            where t.run_id = $2
           on conflict do nothing`,
          [toRunId, fromRunId],
        );
        await tx.query(
          `update run_addresses r set propagated_from = k.propagated_from from run_taint_kept k
            where r.run_id = $1 and r.address = k.address`,
          [toRunId],
        );
      });
    },

    /**
     * Per wallet of `addresses` and asset: the taint it received, its first block and smallest
     * hop (null: none has a hop), from every sender but `except` (whose rows a step is replacing).
     */
    async receivedBy(
      runId: string, addresses: Iterable<Address>, except: Iterable<Address> = [],
    ): Promise<{ address: Address; asset: Asset; tainted: bigint; firstBlock: number; hop: number | null }[]> {
      const out: { address: Address; asset: Asset; tainted: bigint; firstBlock: number; hop: number | null }[] = [];
      // Both lists (~93,000 wallets each at the bench's 100k, ~380,000 at 400k) are named once,
      // in parts, in tables of the transaction's own, and read in one statement, a page at a
      // time. Read 5,000 wallets a statement, each statement with the whole list of senders
      // left out, that list was sent and hashed again for every read: 380,000 wallets with half
      // as many senders left out took 72-76 s so, and take 3-4 s.
      const size = rowsPerStatement(db, ADDRESSES_PER_STATEMENT);
      const wallets = await chunksWithTurns(addresses, size);
      if (wallets.length === 0) return out;
      const senders = await chunksWithTurns(except, size);
      const asset = interner();
      const turns = loopTurns();
      await db.transaction(async (tx) => {
        await nameAddresses(tx, 'run_taint_wallets', wallets);
        if (senders.length) await nameAddresses(tx, 'run_taint_except', senders);
        await tx.query(
          `declare run_taint_received no scroll cursor for
           select r.to_address, r.asset, sum(r.tainted) as tainted, min(r.block_number) as first_block, min(r.hop) as hop
             from run_taint r join run_taint_wallets w on w.address = r.to_address
            where r.run_id = $1${senders.length ? ' and not exists (select 1 from run_taint_except e where e.address = r.from_address)' : ''}
            group by r.to_address, r.asset`,
          [runId],
        );
        for (;;) {
          const { rows } = await tx.query<{ to_address: string; asset: string; tainted: unknown; first_block: unknown; hop: unknown }>(
            `fetch forward ${size} from run_taint_received`,
          );
          for (const r of rows) {
            if (turns.due()) await turns.give();
            out.push({ address: r.to_address, asset: asset(r.asset), tainted: toBigInt(r.tainted), firstBlock: toInt(r.first_block), hop: toIntOrNull(r.hop) });
          }
          if (rows.length < size) break;
        }
      });
      return out;
    },

    /** Every wallet a tainted transfer here reached. */
    async recipients(runId: string): Promise<Address[]> {
      const { rows } = await db.query<{ to_address: string }>(
        'select distinct to_address from run_taint where run_id = $1 and to_address is not null',
        [runId],
      );
      return rows.map((r) => r.to_address);
    },

    /**
     * What `senders` sent, recomputed: their earlier rows go and `rows` (theirs) come in; each
     * ledger of `windows` is marked computed with that window. One transaction, so a step that
     * dies half way leaves the last step's state, and its re-run computes the same again.
     */
    async replaceFrom(runId: string, senders: ReadonlySet<Address>, windows: ReadonlyMap<Address, number>, rows: readonly RunTaintRow[]): Promise<void> {
      const size = rowsPerStatement(db, ADDRESSES_PER_STATEMENT);
      const senderParts = await chunksWithTurns(senders, size);
      const ledgerParts = await chunksWithTurns(windows.keys(), size);
      await db.transaction(async (tx) => {
        for (const part of senderParts) {
          await tx.query("delete from run_taint where run_id = $1 and from_address = any(string_to_array($2, ','))", [runId, addressList(part)]);
        }
        if (rows.length) {
          // Straight into the table (the senders' rows were just deleted), or through a staging
          // table should a second worker running the same step (its job's lock lapsed) have
          // written the same rows meanwhile: the later write must not fail on the first's.
          await copyOrThroughStaging(tx, { table: 'run_taint', staging: 'run_taint_staging', columns: COLUMNS }, rows,
            (r) => [runId, r.txHash, r.ref, r.from, r.to, r.asset, r.blockNumber, r.tainted, r.hop],
            `insert into run_taint select * from run_taint_staging
             on conflict (run_id, tx_hash, ref) do update set from_address = excluded.from_address, to_address = excluded.to_address,
               asset = excluded.asset, block_number = excluded.block_number, tainted = excluded.tainted, hop = excluded.hop`);
        }
        if (ledgerParts.length > 0) {
          // The marks go in parts into a table of the transaction's own, then into the crawl
          // state in one update. An update a part scanned every run's crawl state and hashed
          // the run's for each part: 228 ms for a part of 10,000 of 380,000 marks (its plan);
          // in the bench's 400k runs, 59 parts took 258-470 ms each (those over 250 ms).
          await tx.query('create temp table run_taint_marks (address text primary key, from_block bigint not null) on commit drop');
          for (const part of ledgerParts) {
            await tx.query(
              "insert into run_taint_marks select * from unnest(string_to_array($1, ','), string_to_array($2, ',')::bigint[])",
              [addressList(part), part.map((a) => windows.get(a)!).join(',')],
            );
          }
          await tx.query('analyze run_taint_marks');
          await tx.query(
            'update run_addresses r set propagated_from = s.from_block from run_taint_marks s where r.run_id = $1 and r.address = s.address',
            [runId],
          );
        }
      });
      await noteWrites(db, 'run_taint', rows.length);
    },
  };
}

/**
 * Addresses a statement of replaceFrom or receivedBy names at most (fewer on PGlite:
 * rowsPerStatement). A step's senders and ledgers were ~380,000 at the bench's 400k, and named
 * in one statement each (the list made, then copied into the driver's buffer) they held the
 * worker's event loop 326-428 ms in the three profiled runs.
 */
const ADDRESSES_PER_STATEMENT = 10_000;

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

function fromRow(row: DbRow, intern: (value: string) => string): RunTaintRow {
  return {
    txHash: intern(row.tx_hash), ref: intern(row.ref), from: intern(row.from_address), to: row.to_address === null ? null : intern(row.to_address), asset: intern(row.asset),
    blockNumber: toInt(row.block_number), tainted: toBigInt(row.tainted), hop: toIntOrNull(row.hop),
  };
}
