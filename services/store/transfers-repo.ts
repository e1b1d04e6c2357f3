// Transfers as read from a chain, shared by every case.
import { compareStoreOrder, type Address, type Asset, type BlockRange, type Transfer, type TransferKind } from '../domain/types';
import type { TransferDirection } from '../chains/source';
import type { Db } from './db';
import { loopTurns, runStepsSliced, sortSteps } from '../domain/taint/steps';
import { amountParam, chunks, chunksWithTurns, copyOrThroughStaging, eachChunk, interner, nameAddresses, rowsPerStatement, toBigInt, toInt } from './values';
import { noteWrites, tableRows } from './table-stats';

export interface TransferFilter extends BlockRange {
  /** Only these assets. Unset: every asset. */
  assets?: Asset[];
}

/** Queries per statement of the reads that take one row per address. */
const READ_CHUNK = 10_000;

/** Addresses eachTransferOf names as one parameter at most on server Postgres (more: a table, see there). */
const LISTED_ADDRESSES = 10_000;

export function createTransfersRepo(db: Db) {
  return {
    /**
     * Inserts transfers not stored yet (same chain, tx hash and ref); returns how many were
     * new. COPY alone cannot skip rows another case stored: the stored ones are looked up
     * first (one probe of the primary key each) and the rest COPY straight into the table;
     * should another worker store some of them meanwhile, they go through a staging table
     * and `insert … on conflict do nothing` instead (copyOrThroughStaging).
     */
    async insertTransfers(transfers: readonly Transfer[]): Promise<number> {
      if (transfers.length === 0) return 0;
      for (const t of transfers) amountParam(t.amount);
      const inserted = await db.transaction(async (tx) =>
        copyOrThroughStaging(tx, { table: 'transfers', staging: 'transfers_staging', columns: TRANSFER_COLUMNS }, await notStored(tx, transfers), transferRow,
          'insert into transfers select * from transfers_staging on conflict do nothing'));
      await noteWrites(db, 'transfers', inserted);
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
      const { rows } = await db.query<TransferDbRow>(transfersOfSql(direction, false, await historyRead(db, addresses.length)), [
        chain,
        [...addresses],
        filter.fromBlock,
        filter.toBlock,
        filter.assets ? [...filter.assets] : null,
      ]);
      // One string per distinct address, asset, block hash… across the rows, not one per row:
      // a wallet's history repeats its own address, its token and its blocks thousands of times.
      const intern = interner();
      const transfers: Transfer[] = [];
      const turns = loopTurns();
      for (const row of rows) {
        if (turns.due()) await turns.give(); // a judge chunk's histories are ~20,000 rows
        transfers.push(fromRow(row, intern));
      }
      return transfers;
    },

    /**
     * transfersOf, handed to `visit` one transfer at a time, in the same order: read through a
     * cursor `pageRows` rows at a time, so the driver's rows of a whole case's histories are
     * never held at once (only the transfers the caller keeps are). One transaction, one
     * connection: `visit` must not wait on the database. The event loop gets turns within a
     * page too: a page of 5,000 rows made into transfers and visited in one go was a 150 ms
     * stretch, GC included, in a profiled warm 200k run.
     *
     * On PGlite a statement is one block of the process's event loop (see rowsPerStatement),
     * and a cursor's first fetch sorts every row it will give: for a hop's 93,463 wallets at
     * the bench's 100k, 0.28 s to declare and 0.93 s to fetch first. More addresses than a
     * statement takes are read a part at a time instead, each part through its cursor, each
     * transfer once (both ways: with its sender's part if the sender is one of the addresses),
     * and sorted here with turns, then visited: held at once, as the caller that keeps them
     * holds them anyway. 150,000 transfers of 95,000 addresses on PGlite: 5.7 s, blocks up to
     * 115 ms, against 4.6 s and 0.88 s through one cursor. On a server, more than
     * LISTED_ADDRESSES addresses are named in a table in parts and read through one cursor.
     */
    async eachTransferOf(
      chain: string,
      addresses: readonly Address[],
      filter: TransferFilter,
      direction: TransferDirection,
      visit: (t: Transfer) => void,
      pageRows = 2_000,
    ): Promise<void> {
      if (addresses.length === 0) return;
      const intern = interner();
      const turns = loopTurns();
      const part = rowsPerStatement(db);
      const range = [filter.fromBlock, filter.toBlock, filter.assets ? [...filter.assets] : null];
      // The addresses as a parameter, or none: they are transfers_read's (see below).
      const read = async (tx: Db, sql: string, some: readonly Address[] | 'named', take: (t: Transfer) => void) => {
        await tx.query(`declare transfers_page no scroll cursor for ${sql}`, some === 'named' ? [chain, ...range] : [chain, [...some], ...range]);
        const page = Math.max(1, Math.floor(rowsPerStatement(db, pageRows)));
        for (;;) {
          const { rows } = await tx.query<TransferDbRow>(`fetch forward ${page} from transfers_page`);
          for (const row of rows) {
            if (turns.due()) await turns.give();
            take(fromRow(row, intern));
          }
          if (rows.length === 0) break;
        }
        await tx.query('close transfers_page');
      };
      const how = await historyRead(db, Math.min(part, addresses.length));
      if (addresses.length <= Math.min(part, LISTED_ADDRESSES)) return db.transaction((tx) => read(tx, transfersOfSql(direction, false, how), addresses, visit));
      // Server Postgres, more addresses than a parameter should name: the final step reads every
      // ledger's history (383,966 at the bench's 400k), and the driver wrote their list into the
      // statement in one go (206-252 ms blocks of the worker's loop in that run's profiles).
      // Named in parts in a table of the transaction's own, read through one cursor.
      if (part >= addresses.length) {
        return db.transaction(async (tx) => {
          await nameAddresses(tx, 'transfers_read', await chunksWithTurns(addresses, LISTED_ADDRESSES, turns));
          await read(tx, transfersOfSql(direction, false, how, true), 'named', visit);
        });
      }
      // Each transfer read once: by its sender's part, or (both ways) by its recipient's when
      // the sender is none of the addresses (a temporary table of them all says).
      const unique = [...new Set(addresses)];
      const all: Transfer[] = [];
      await db.transaction(async (tx) => {
        let sql = transfersOfSql(direction, false, how);
        if (direction === 'both') {
          await nameAddresses(tx, 'transfers_read', chunks(unique, part), { analyze: false });
          sql = transfersOfSql('both', true, how);
        }
        for (let i = 0; i < unique.length; i += part) await read(tx, sql, unique.slice(i, i + part), (t) => all.push(t));
      });
      const order = await runStepsSliced(sortSteps(Int32Array.from({ length: all.length }, (_, i) => i), (a, b) => compareStoreOrder(all[a]!, all[b]!)));
      for (const i of order) {
        if (turns.due()) await turns.give();
        visit(all[i]!);
      }
    },

    /**
     * Per query, what the address sent minus what it received of the asset in stored
     * transfers after `afterBlock` up to `toBlock` (a transfer to itself nets out), summed in
     * the database: a balance at `toBlock` plus this is the balance at `afterBlock` when the
     * history between is complete. In the queries' order.
     */
    async netSentAfter(
      chain: string, queries: readonly { address: Address; asset: Asset; afterBlock: number }[], toBlock: number,
    ): Promise<bigint[]> {
      const out: bigint[] = [];
      for (let i = 0; i < queries.length; i += READ_CHUNK) {
        const chunk = queries.slice(i, i + READ_CHUNK);
        const { rows } = await db.query<{ net: unknown }>(
          `select coalesce((select sum(t.amount) from transfers t
                    where t.chain = $1 and t.from_address = q.address and t.asset = q.asset and t.block_number > q.after and t.block_number <= $5), 0)
                - coalesce((select sum(t.amount) from transfers t
                    where t.chain = $1 and t.to_address = q.address and t.asset = q.asset and t.block_number > q.after and t.block_number <= $5), 0) as net
           from unnest($2::text[], $3::text[], $4::bigint[]) with ordinality as q(address, asset, after, i)
           order by q.i`,
          [chain, chunk.map((q) => q.address), chunk.map((q) => q.asset), chunk.map((q) => q.afterBlock), toBlock],
        );
        for (const row of rows) out.push(toBigInt(row.net));
      }
      return out;
    },

    /** Transfers stored for the chain (the CLI's progress display). */
    async transferCount(chain: string): Promise<number> {
      const { rows } = await db.query<{ n: unknown }>('select count(*) as n from transfers where chain = $1', [chain]);
      return toInt(rows[0]?.n);
    },

    /**
     * Distinct counterparties of each address among its stored transfers from its own
     * fromBlock to toBlock (itself and fee sinks not counted), counted in the database and
     * capped at `cap`: a busy wallet's history never has to be read into memory to be judged.
     *
     * Counted on a sample first: the first `cap` × SAMPLE_PER_CAP transfers each way. A wallet
     * with `cap` counterparties there has them (the answer is `cap`), and one whose transfers
     * all fit in the sample has the sample's count; only the others (many transfers, few
     * counterparties) are counted over the whole window. A distinct count over a whole busy
     * wallet's window reads all of it before any limit applies (50,000 transfers: 0.55 s of
     * one PGlite statement, the worker's event loop held all that time).
     */
    async counterpartyCounts(
      chain: string, windows: readonly { address: Address; fromBlock: number }[], toBlock: number, cap: number, assets: readonly string[],
    ): Promise<Map<Address, number>> {
      const sample = cap * SAMPLE_PER_CAP;
      const counts = new Map<Address, number>();
      const whole: Array<{ address: Address; fromBlock: number }> = [];
      await eachChunk(windows, READ_CHUNK, async (chunk) => {
        const { rows } = await db.query<{ address: string; n: unknown; sent: unknown; received: unknown }>(
          `select w.address, x.n, x.sent, x.received
             from unnest($2::text[], $3::bigint[]) as w(address, from_block)
             cross join lateral (
               select count(distinct u.cp) filter (where u.cp <> w.address) as n,
                      count(*) filter (where u.sent) as sent, count(*) filter (where not u.sent) as received
                 from (
                   (select to_address as cp, true as sent from transfers
                     where chain = $1 and from_address = w.address and block_number between w.from_block and $4 and to_address is not null
                       and amount > 0 and asset = any($5::text[])
                     limit $6)
                   union all
                   (select from_address, false from transfers
                     where chain = $1 and to_address = w.address and block_number between w.from_block and $4
                       and amount > 0 and asset = any($5::text[])
                     limit $6)
                 ) u
             ) x`,
          [chain, chunk.map((w) => w.address), chunk.map((w) => w.fromBlock), toBlock, [...assets], sample],
        );
        const undecided = new Set<Address>();
        for (const row of rows) {
          const n = toInt(row.n);
          if (n >= cap) counts.set(row.address, cap);
          else if (toInt(row.sent) < sample && toInt(row.received) < sample) counts.set(row.address, n);
          else undecided.add(row.address);
        }
        if (undecided.size) whole.push(...chunk.filter((w) => undecided.has(w.address)));
      });
      if (whole.length) for (const [address, n] of await wholeCounterpartyCounts(db, chain, whole, toBlock, cap, assets)) counts.set(address, n);
      return counts;
    },

    /**
     * Stored transfers of each address from its own fromBlock to toBlock, sent and received
     * (a self-transfer counts twice), capped at `cap`: what loading its history would read,
     * counted in the database on the address indexes before anything is loaded.
     */
    async transferCounts(
      chain: string, windows: readonly { address: Address; fromBlock: number }[], toBlock: number, cap: number,
    ): Promise<Map<Address, number>> {
      return perWindowChunk(windows, async (chunk) => (await db.query<{ address: string; n: unknown }>(
        `select w.address,
           (select count(*) from (select 1 from transfers
              where chain = $1 and from_address = w.address and block_number between w.from_block and $4 limit $5) s)
         + (select count(*) from (select 1 from transfers
              where chain = $1 and to_address = w.address and block_number between w.from_block and $4 limit $5) r) as n
         from unnest($2::text[], $3::bigint[]) as w(address, from_block)`,
        [chain, chunk.map((w) => w.address), chunk.map((w) => w.fromBlock), toBlock, cap],
      )).rows.map((row) => [row.address, Math.min(cap, toInt(row.n))]));
    },

    /**
     * Each address's distinct recipients that carry an exchange label (any of their labels),
     * among its stored transfers from its own fromBlock to toBlock that moved value (any asset,
     * fees aside), read on the sender index: whether a wallet paid an exchange, known before
     * its history is loaded. Only labelled recipients are returned, so the answer stays small
     * however many people a wallet paid. Addresses that paid none are left out.
     */
    async exchangeLabelledRecipients(
      chain: string, windows: readonly { address: Address; fromBlock: number }[], toBlock: number,
    ): Promise<Map<Address, Address[]>> {
      const recipients = new Map<Address, Address[]>();
      await eachChunk(windows, READ_CHUNK, async (chunk) => {
        const { rows } = await db.query<{ address: string; recipient: string }>(
          `select w.address, r.recipient
             from unnest($2::text[], $3::bigint[]) as w(address, from_block)
             cross join lateral (
               select distinct t.to_address as recipient from transfers t
                where t.chain = $1 and t.from_address = w.address and t.block_number between w.from_block and $4
                  and t.to_address is not null and t.amount > 0 and t.kind <> 'fee'
                  and exists (select 1 from labels l where l.chain = $1 and l.address = t.to_address and l.category = 'exchange')
             ) r`,
          [chain, chunk.map((w) => w.address), chunk.map((w) => w.fromBlock), toBlock],
        );
        for (const row of rows) {
          const list = recipients.get(row.address);
          if (list) list.push(row.recipient);
          else recipients.set(row.address, [row.recipient]);
        }
      });
      return recipients;
    },

    /**
     * The last block in (afterBlock, toBlock] in which each address sent or received a
     * stored transfer, or sent a transaction whose fee is pending (a fee is a transfer not read
     * yet); addresses without one are left out. A query per READ_CHUNK addresses
     * (rowsPerStatement's on PGlite), however many are watched: the re-trace's check for news
     * names every wallet of its open cases (a 400k case's ~380,000 as one parameter would hold
     * the event loop while the driver writes it, as serviceLikeEvidence's list did).
     */
    async lastActivity(chain: string, addresses: readonly Address[], afterBlock: number, toBlock: number): Promise<Map<Address, number>> {
      const last = new Map<Address, number>();
      if (addresses.length === 0 || toBlock <= afterBlock) return last;
      await eachChunk(addresses, rowsPerStatement(db, READ_CHUNK), async (chunk) => {
        const { rows } = await db.query<{ address: string; last: unknown }>(
          `select address, max(block_number) as last from (
             select from_address as address, block_number from transfers
              where chain = $1 and from_address = any($2::text[]) and block_number > $3 and block_number <= $4
             union all
             select to_address, block_number from transfers
              where chain = $1 and to_address = any($2::text[]) and block_number > $3 and block_number <= $4
             union all
             select sender, block_number from pending_fees
              where chain = $1 and sender = any($2::text[]) and block_number > $3 and block_number <= $4
           ) a group by address`,
          [chain, chunk, afterBlock, toBlock],
        );
        // An address named in two parts is found in both: its later block.
        for (const row of rows) last.set(row.address, Math.max(last.get(row.address) ?? 0, toInt(row.last)));
      });
      return last;
    },

    /** Every stored transfer of one transaction, in chain order. */
    async transfersOfTx(chain: string, txHash: string): Promise<Transfer[]> {
      const { rows } = await db.query<TransferDbRow>(
        `select ${COLUMNS} from transfers where chain = $1 and tx_hash = $2 order by ${ORDER}`,
        [chain, txHash],
      );
      return rows.map((row) => fromRow(row));
    },
  };
}

const COLUMNS = `chain, tx_hash, ref, block_number, block_hash, block_time, tx_index, seq, kind,
  asset, from_address, to_address, amount`;
// compareStoreOrder (../domain/types.ts) in the process
const ORDER = 'block_number, tx_index, seq, tx_hash, ref';

const TRANSFER_COLUMNS = COLUMNS.split(',').map((c) => c.trim());

/** Transfers each way counterpartyCounts samples per counterparty of its cap. */
const SAMPLE_PER_CAP = 4;

/** counterpartyCounts over every transfer of each window: for wallets whose sample could not decide. */
function wholeCounterpartyCounts(
  db: Db, chain: string, windows: readonly { address: Address; fromBlock: number }[], toBlock: number, cap: number, assets: readonly string[],
): Promise<Map<Address, number>> {
  return perWindowChunk(windows, async (chunk) => (await db.query<{ address: string; n: unknown }>(
    `select w.address, (
       select count(*) from (
         select u.cp from (
           select to_address as cp from transfers
             where chain = $1 and from_address = w.address and block_number between w.from_block and $4 and to_address is not null
               and amount > 0 and asset = any($6::text[])
           union
           select from_address from transfers
             where chain = $1 and to_address = w.address and block_number between w.from_block and $4
               and amount > 0 and asset = any($6::text[])
         ) u where u.cp <> w.address limit $5
       ) c
     ) as n
     from unnest($2::text[], $3::bigint[]) as w(address, from_block)`,
    [chain, chunk.map((w) => w.address), chunk.map((w) => w.fromBlock), toBlock, cap, [...assets]],
  )).rows.map((row) => [row.address, toInt(row.n)]));
}

/**
 * A count per window, READ_CHUNK windows per statement with an event-loop turn between: a
 * hop judges ~90,000 wallets at the bench's 100k, whose parameters and rows in one statement
 * held the loop for half a second.
 */
async function perWindowChunk<W>(windows: readonly W[], count: (chunk: readonly W[]) => Promise<Array<[Address, number]>>): Promise<Map<Address, number>> {
  const counts = new Map<Address, number>();
  await eachChunk(windows, READ_CHUNK, async (chunk) => {
    for (const [address, n] of await count(chunk)) counts.set(address, n);
  });
  return counts;
}

/**
 * How a read of histories asks for its addresses' transfers: `probes` of the (chain, address,
 * block) indexes, one per address and side, however many transfers of other wallets the
 * shared table holds; `scan`: `address = any($2)`, the plan left to Postgres. Asked that way,
 * Postgres read the whole table once the addresses were a few thousand, whatever it held (a
 * hop's 7,000 wallets against 1,000,000 stored transfers of other cases: a parallel seq scan,
 * 728 ms for no row; 27 ms probed); but when the addresses are a large share of the table,
 * one pass over it is cheaper than the probes (the bench's 100k hop, 93,000 wallets against
 * 150,000 transfers: 1.0-1.3 s through the table, 1.7-1.9 s probed).
 */
export type HistoryRead = 'probes' | 'scan';

/** Addresses times this under the table's rows (the planner's count) are read by probes. */
export const PROBES_UNDER = 16;

/** How to read `addresses` histories from the transfers table as it is now (see HistoryRead). */
export async function historyRead(db: Db, addresses: number): Promise<HistoryRead> {
  return addresses * PROBES_UNDER < await tableRows(db, 'transfers') ? 'probes' : 'scan';
}

/**
 * `readSenders` (both ways): the temporary table transfers_read holds every address read (see
 * eachTransferOf). A transfer one of them sent is read with the sender's part, so a part reads
 * only what it received from others. `named`: the addresses are transfers_read's, not a
 * parameter (the statement's parameters are then chain, fromBlock, toBlock, assets).
 */
export function transfersOfSql(direction: TransferDirection, readSenders = false, how: HistoryRead = 'probes', named = false): string {
  const [from, to, assets] = named ? ['$2', '$3', '$4'] : ['$3', '$4', '$5'];
  const list = named ? '(select address from transfers_read)' : 'unnest($2::text[])';
  const member = (column: string) => (named ? `${column} in (select address from transfers_read)` : `${column} = any($2::text[])`);
  // `offset 0` keeps a probe a probe (the planner would fold it into a join).
  const side = (column: string, also = '') => how === 'scan'
    ? `select ${COLUMNS} from transfers
    where chain = $1 and ${member(column)} and block_number between ${from} and ${to}
      and (${assets}::text[] is null or asset = any(${assets}::text[]))${also}`
    : `select t.* from (select distinct address from ${list} as u(address)) as a
    cross join lateral (
      select ${COLUMNS} from transfers
       where chain = $1 and ${column} = a.address and block_number between ${from} and ${to}
         and (${assets}::text[] is null or asset = any(${assets}::text[]))${also}
      offset 0
    ) as t`;
  // A transfer from one of the addresses to another matches both sides: the recipients' side
  // leaves out what a sender among them sent. (`union` instead dropped the repeats in a pass
  // over every row read, sorted or hashed on all its columns: at the bench's 100k, a sort of
  // a hop's 195,000 rows spilled 64 MB to disk.)
  const sql =
    direction === 'out' ? side('from_address')
    : direction === 'in' ? side('to_address')
    : readSenders || named ? `${side('from_address')} union all ${side('to_address', `
         and not exists (select 1 from transfers_read r where r.address = transfers.from_address)`)}`
    : `${side('from_address')} union all ${side('to_address', ' and not (from_address = any($2::text[]))')}`;
  return `${sql} order by ${ORDER}`;
}

/**
 * Keys a look-up statement takes: a read slice's keys in one statement held the event loop
 * 148 ms of a 163 ms block in a profiled 100k run, joined into text and then copied into the
 * statement's buffer.
 */
const KEYS_PER_LOOKUP = 10_000;

/**
 * Which of the keys ($1 chains, $2 hashes, $3 refs: comma-separated text when `plain`, else
 * text arrays) the table holds, as their 1-based positions. One probe of the primary key per
 * key (a lateral join, `limit 1`) however much the table holds. Written as `where exists`,
 * the planner costs each probe as random page reads and hashed the whole table instead (at
 * 40,000 and 158,000 rows alike): every read slice then scanned all the chain data stored so
 * far (7.5 s of the 100k bench's cold run, each look-up slower than the last; a slice's 3,300
 * keys against 158,000 rows: 104-120 ms hashed, 17-24 ms probed).
 */
export const STORED_KEYS = (plain: boolean) => `
select k.i
from unnest(${plain ? "string_to_array($1, ','), string_to_array($2, ','), string_to_array($3, ',')" : '$1::text[], $2::text[], $3::text[]'})
  with ordinality as k(chain, tx_hash, ref, i)
cross join lateral (select 1 from transfers t where t.chain = k.chain and t.tx_hash = k.tx_hash and t.ref = k.ref limit 1) stored`;

/**
 * The transfers the table does not hold, each once (the first of a repeated key), in the
 * order given: read on the primary key (STORED_KEYS), rowsPerStatement(db, KEYS_PER_LOOKUP)
 * keys a statement.
 */
async function notStored(db: Db, transfers: readonly Transfer[]): Promise<Transfer[]> {
  const turns = loopTurns();
  const unique: Transfer[] = [];
  const seen = new Set<string>();
  for (const t of transfers) {
    if (turns.due()) await turns.give();
    const key = `${t.chain} ${t.txHash} ${t.ref}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(t);
  }
  const size = rowsPerStatement(db, KEYS_PER_LOOKUP);
  const stored = new Set<number>();
  for (let start = 0; start < unique.length; start += size) {
    const part = unique.slice(start, start + size);
    // The keys as comma-separated text (at 100,000 keys, 0.5-0.8 of the time text[]
    // parameters took in six paired runs); as arrays should a value hold a comma.
    const columns = [part.map((t) => t.chain), part.map((t) => t.txHash), part.map((t) => t.ref)];
    const plain = columns.every((values) => values.every((v) => !v.includes(',')));
    const { rows } = await db.query<{ i: string | number }>(STORED_KEYS(plain), plain ? columns.map((values) => values.join(',')) : columns);
    for (const r of rows) stored.add(start + toInt(r.i) - 1);
  }
  if (stored.size === 0) return unique;
  return unique.filter((_, i) => !stored.has(i));
}

function transferRow(t: Transfer): unknown[] {
  return [t.chain, t.txHash, t.ref, t.blockNumber, t.blockHash, t.timestamp, t.txIndex, t.seq, t.kind, t.asset, t.from, t.to, t.amount];
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

function fromRow(row: TransferDbRow, intern: (value: string) => string = (v) => v): Transfer {
  return {
    chain: intern(row.chain),
    txHash: intern(row.tx_hash),
    blockNumber: toInt(row.block_number),
    blockHash: intern(row.block_hash),
    timestamp: toInt(row.block_time),
    txIndex: toInt(row.tx_index),
    ref: intern(row.ref),
    seq: toInt(row.seq),
    // the table also admits 'utxo' (bitcoin inputs/outputs) ahead of the domain type
    kind: intern(row.kind) as TransferKind,
    asset: intern(row.asset),
    from: intern(row.from_address),
    to: row.to_address === null ? null : intern(row.to_address),
    amount: toBigInt(row.amount),
  };
}
