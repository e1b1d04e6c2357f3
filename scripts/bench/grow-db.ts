// A database that has served other cases before this one: the shared chain data (transfers,
// balances, scanned ranges, judgements, pending fees) of wallets the case never meets, on the
// same chain, in the same blocks and of the same token, and the results of an earlier run of
// another case (its taint rows, flows, nodes and report). A case's cost must grow with its own
// data only: `npm run bench` traces the case on such a database and on an empty one, side by side.
//
// Rows are made by Postgres (generate_series), not sent: millions take seconds to minutes, not
// the minutes a client-side COPY of them would. Addresses are md5 digests of a label and a
// number (a pool of rows / 10 wallets, ~20 transfers each), so none is a wallet of the case.
import type { Db } from '../../services/store';
import { rpcBatch } from './build-case';

export interface GrowOptions {
  chain: string;
  /** The token the case moves (the grown transfers are of it too: the hardest case for a filter on the asset). */
  token: string;
  /** The case's blocks, with their real hashes and times (stored transfers of a block carry its hash). */
  blocks: Array<{ number: number; hash: string; time: number }>;
  /** Transfers of other wallets to store; the other tables get a share of this (see below). */
  transfers: number;
}

export interface GrowFigures {
  transfers: number;
  wallets: number;
  ms: number;
  /** Rows per table after growing (the analysed counts). */
  tables: Record<string, number>;
}

/** Rows per statement: each insert is its own transaction, so a big fill does not hold one for minutes. */
const CHUNK = 250_000;

export async function growDatabase(db: Db, options: GrowOptions): Promise<GrowFigures> {
  if (options.blocks.length === 0) throw new Error('growDatabase: no blocks to put the transfers in');
  const started = performance.now();
  const n = options.transfers;
  const wallets = Math.max(1, Math.floor(n / 10));
  const numbers = options.blocks.map((b) => b.number);
  const hashes = options.blocks.map((b) => b.hash);
  const times = options.blocks.map((b) => b.time);
  const last = Math.max(...numbers);
  const first = Math.min(...numbers);
  // The k-th grown wallet, k in [0, wallets).
  const wallet = (k: string) => `'0x' || substr(md5('grown-wallet-' || (${k})) || md5('grown-wallet2-' || (${k})), 1, 40)`;

  // The i-th grown transfer, as the columns of a select over `series` (its `i`): `w` and `b`
  // are the placeholders of the wallets' count and of the blocks' numbers; `bi` is its block's index there.
  const grown = (w: string, b: string) => `'0x' || md5('grown-tx-' || i) || md5('grown-tx2-' || i) as tx_hash, 'log:' || (i % 4) as ref,
    1 + (i % cardinality(${b}::bigint[]))::int as bi, ${wallet(`i % ${w}`)} as from_address,
    ${wallet(`(i * 7919 + 1) % ${w}`)} as to_address, (i::numeric * 1000003) % 1000000000000 + 1 as amount`;
  /** One insert per CHUNK of the n grown transfers; `series` is the generate_series of the chunk's numbers. */
  const fill = async (sql: (series: string) => string, params: unknown[]) => {
    const series = `generate_series($${params.length + 1}::bigint, $${params.length + 2}::bigint) as i`;
    for (let from = 1; from <= n; from += CHUNK) await db.query(sql(series), [...params, from, Math.min(n, from + CHUNK - 1)]);
  };
  await fill(
    (series) => `insert into transfers (chain, tx_hash, ref, block_number, block_hash, block_time, tx_index, seq, kind, asset, from_address, to_address, amount)
     select $1, g.tx_hash, g.ref, ($4::bigint[])[g.bi], ($5::text[])[g.bi], ($6::bigint[])[g.bi], 0, 0, 'token', $2,
            g.from_address, g.to_address, g.amount
       from (select ${grown('$3', '$4')} from ${series}) as g`,
    [options.chain, options.token, wallets, numbers, hashes, times],
  );
  await db.query(
    `insert into scanned_ranges (chain, address, from_block, to_block)
     select $1, ${wallet('k')}, $3, $4 from generate_series(0, $2 - 1) as k`,
    [options.chain, wallets, first, last],
  );
  await db.query(
    `insert into balances (chain, address, asset, block_number, amount)
     select $1, ${wallet('k')}, $3, b, k::numeric * 1000 from generate_series(0, $2 - 1) as k, unnest(array[$4::bigint, $5::bigint]) as b`,
    [options.chain, wallets, options.token, first - 1, last],
  );
  await db.query(
    `insert into addresses (chain, address, first_seen_block, service_like, counterparties)
     select $1, ${wallet('k')}, $3, k % 50 = 0, 20 from generate_series(0, $2 - 1) as k`,
    [options.chain, wallets, first],
  );
  await db.query(
    `insert into account_facts (chain, address, from_block, to_block, sent_txs, code_size, delegated)
     select $1, ${wallet('k')}, $3, $4, k % 30, 0, false from generate_series(0, $2 - 1) as k`,
    [options.chain, wallets, first, last],
  );
  await db.query(
    `insert into pending_fees (chain, tx_hash, block_number, tx_index, sender)
     select $1, '0x' || md5('grown-fee-' || k) || md5('grown-fee2-' || k), $3, k % 200, ${wallet('k')} from generate_series(0, $2 - 1) as k`,
    [options.chain, wallets, last],
  );

  // An earlier case's finished run: what it tainted (every grown transfer), reached and reported.
  const kase = await db.query<{ id: string }>(
    `insert into cases (title, chain, model, max_hops, status) values ('an earlier case (bench: grown database)', $1, 'poison', 10, 'traced') returning id`,
    [options.chain],
  );
  const run = await db.query<{ id: string }>(`insert into trace_runs (case_id, status) values ($1, 'done') returning id`, [kase.rows[0]!.id]);
  const runId = run.rows[0]!.id;
  await fill(
    (series) => `insert into run_taint (run_id, tx_hash, ref, from_address, to_address, asset, block_number, tainted, hop)
     select $1, g.tx_hash, g.ref, g.from_address, g.to_address, $2, ($4::bigint[])[g.bi], g.amount, g.bi % 10
       from (select ${grown('$3', '$4')} from ${series}) as g`,
    [runId, options.token, wallets, numbers],
  );
  await fill(
    (series) => `insert into case_flows (run_id, tx_hash, ref, from_address, to_address, asset, amount, tainted, hop, block_number)
     select $1, g.tx_hash, g.ref, g.from_address, g.to_address, $2, g.amount, g.amount, g.bi % 10, ($4::bigint[])[g.bi]
       from (select ${grown('$3', '$4')} from ${series}) as g`,
    [runId, options.token, wallets, numbers],
  );
  await db.query(
    `insert into run_addresses (run_id, address, hop, from_block, state)
     select $1, ${wallet('k')}, k % 10, $3, 'crawled' from generate_series(0, $2 - 1) as k`,
    [runId, wallets, first],
  );
  await db.query(
    `insert into case_nodes (run_id, address, asset, hop, role, tainted_in, tainted_out)
     select $1, ${wallet('k')}, $3, k % 10, 'intermediary', k, k from generate_series(0, $2 - 1) as k`,
    [runId, wallets, options.token],
  );
  await db.query(`insert into case_reports (run_id, report) values ($1, $2)`, [runId, JSON.stringify({ grown: true, wallets })]);

  const tables = ['transfers', 'scanned_ranges', 'balances', 'addresses', 'account_facts', 'pending_fees', 'run_taint', 'case_flows', 'run_addresses', 'case_nodes'];
  // As a database in use would be: analysed (autovacuum's work, done here at once).
  for (const t of tables) await db.query(`analyze ${t}`);
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = Number((await db.query<{ n: string }>(`select count(*) as n from ${t}`)).rows[0]!.n);
  return { transfers: n, wallets, ms: performance.now() - started, tables: counts };
}

/** The numbers, hashes and times of blocks `from`..`to` on the node (read straight from it, not through the bench's counting proxy). */
export async function nodeBlocks(url: string, from: number, to: number): Promise<GrowOptions['blocks']> {
  const out: GrowOptions['blocks'] = [];
  for (let start = from; start <= to; start += 100) {
    const numbers: number[] = [];
    for (let n = start; n <= Math.min(to, start + 99); n++) numbers.push(n);
    const blocks = await rpcBatch<{ hash: string; timestamp: string } | null>(url, numbers.map((n) => ['eth_getBlockByNumber', [`0x${n.toString(16)}`, false]]));
    blocks.forEach((block, i) => {
      if (!block) throw new Error(`nodeBlocks: block ${numbers[i]} not found on ${url}`);
      out.push({ number: numbers[i]!, hash: block.hash.toLowerCase(), time: Number.parseInt(block.timestamp, 16) });
    });
  }
  return out;
}
