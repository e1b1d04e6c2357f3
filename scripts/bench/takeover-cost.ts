// What a quiet night costs one large case (the re-trace section's last line): a finished run
// of `addresses` wallets (crawl state, graph nodes and flows, a report holding each of them)
// is taken over by three quiet nights, the store's way (services/store/run-results-repo.ts,
// takeOverRun: the new run names the computing run) and, for comparison, the way before it
// (every row of the case and its report copied into the new run, in the database). Times and
// the database's growth per night. Runs on a migrated database the caller throws away.
import type { Db } from '../../services/store/db';
import { createStore } from '../../services/store';

export interface TakeoverFigures {
  addresses: number;
  /** The report's size as compact JSON (bytes). */
  reportBytes: number;
  /** Per night: ms and database growth (bytes), each way. */
  copied: { ms: number; grewBytes: number }[];
  named: { ms: number; grewBytes: number }[];
  /** Rows of the case's tables that the store's take-overs wrote (0: nothing copied). */
  namedRows: number;
}

const NIGHTS = 3;
const hex = (i: number, width: number) => '0x' + i.toString(16).padStart(width, '0');

export async function takeoverCost(db: Db, addresses: number): Promise<TakeoverFigures> {
  const store = createStore(db);
  const asset = hex(7, 40);
  const kase = await store.cases.create({ title: 'bench take-over', chain: 'ethereum', model: 'poison', maxHops: 10, seeds: [{ address: hex(1, 40) }] });
  const run = await store.runs.create(kase.id);
  await store.runs.upsertAddresses(run.id, Array.from({ length: addresses }, (_, i) => ({ address: hex(i, 40), hop: 3, fromBlock: 100 + i, state: 'crawled' as const })));
  const holdings = Array.from({ length: addresses }, (_, i) => ({ address: hex(i, 40), asset, entity: null, amount: String(10n ** 18n + BigInt(i)), hops: 4, lastSeen: 1_700_000_000 + i, paths: [[hex(i, 64)]] }));
  const report = { chain: 'ethereum', model: 'poison', toBlock: 1_000, toBlockHash: hex(9, 64), holdings, endpoints: [], limitations: [], stats: { rpcCalls: 1, hops: 5, ms: 1 } };
  await store.runs.saveResult(run.id, {
    report,
    nodes: Array.from({ length: addresses }, (_, i) => ({ address: hex(i, 40), asset, hop: 3, role: 'crawled', entity: null, category: null, attribution: null, taintedIn: 10n ** 18n, taintedOut: 0n, taintedHeld: 10n ** 18n, toExposure: 0n })),
    flows: Array.from({ length: addresses }, (_, i) => ({ txHash: hex(i, 64), ref: 'log:1', from: hex(i + 1, 40), to: hex(i, 40), asset, amount: 10n ** 18n, tainted: 10n ** 18n, hop: 3, blockNumber: 500 + i })),
    endpoints: [],
  });
  await store.runs.finish(run.id, 'done');
  await db.exec('vacuum analyze');
  const size = async () => Number((await db.query<{ n: string }>('select pg_database_size(current_database())::text as n')).rows[0]!.n);
  const night = async (fn: () => Promise<unknown>) => {
    const before = await size();
    const started = performance.now();
    await fn();
    const ms = performance.now() - started;
    await db.exec('checkpoint');
    return { ms, grewBytes: (await size()) - before };
  };
  const copied = [];
  for (let n = 1; n <= NIGHTS; n++) {
    copied.push(await night(() => db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(`insert into trace_runs (case_id, status, to_block) values ($1, 'done', $2) returning id`, [kase.id, 1_000 + n]);
      const copy = (table: string, columns: string) => tx.query(`insert into ${table} (run_id, ${columns}) select $1, ${columns} from ${table} where run_id = $2`, [rows[0]!.id, run.id]);
      await copy('run_addresses', 'address, hop, from_block, state');
      await copy('case_nodes', 'address, asset, hop, role, entity, category, attribution, tainted_in, tainted_out, tainted_held, to_exposure');
      await copy('case_flows', 'tx_hash, ref, from_address, to_address, asset, amount, tainted, hop, block_number');
      await tx.query(`insert into case_reports (run_id, report, split_keys) select $1, report || jsonb_build_object('toBlock', $3::bigint), split_keys from case_reports where run_id = $2`, [rows[0]!.id, run.id, 1_000 + n]);
      await copy('case_report_elements', 'key, i, value');
    })));
  }
  const named = [];
  const runs: string[] = [];
  let from = run.id;
  for (let n = 1; n <= NIGHTS; n++) {
    named.push(await night(async () => {
      from = (await store.runs.takeOverRun({ caseId: kase.id, fromRunId: from, retraceRunId: null, toBlock: 2_000 + n, toBlockHash: null, ms: 1, stats: {} })).runId;
      runs.push(from);
    }));
  }
  const { rows } = await db.query<{ n: number }>(
    `select (select count(*) from run_addresses where run_id = any($1::uuid[])) + (select count(*) from case_nodes where run_id = any($1::uuid[]))
          + (select count(*) from case_flows where run_id = any($1::uuid[])) + (select count(*) from case_reports where run_id = any($1::uuid[]))
          + (select count(*) from case_report_elements where run_id = any($1::uuid[])) as n`,
    [runs],
  );
  return { addresses, reportBytes: JSON.stringify(report).length, copied, named, namedRows: Number(rows[0]!.n) };
}
