// The result of a finished run: graph nodes, flows, endpoints and the report. Saved in one
// transaction that replaces any earlier result of the run, so a job that runs twice
// leaves exactly one result.
import { NotFoundError } from '../errors';
import type { Address, Asset, LabelCategory } from '../domain/types';
import type { Db } from './db';
import { arrayLiteral } from './array-literal';
import { copyField, jsonCopyField } from './copy-text';
import { resultRunOf } from './runs-repo';
import { amountParam, chunks, isUuid, jsonParam, rowsPerStatement, toBigInt, toDate, toInt, toIntOrNull } from './values';

export interface CaseNodeRow {
  address: Address;
  asset: Asset;
  hop: number | null;
  /** What the address is in the trace: seed, intermediate, endpoint, frontier… (set by the tracer). */
  role: string;
  entity: string | null;
  category: LabelCategory | null;
  attribution: string | null;
  taintedIn: bigint;
  taintedOut: bigint;
  taintedHeld: bigint;
  /** Tainted amount that went on from this address to attributed endpoints. */
  toExposure: bigint;
}

export interface CaseFlowRow {
  txHash: string;
  ref: string;
  from: Address;
  to: Address | null;
  asset: Asset;
  amount: bigint;
  tainted: bigint;
  hop: number | null;
  blockNumber: number;
}

export interface CaseEndpointRow {
  address: Address;
  asset: Asset;
  entity: string | null;
  category: LabelCategory | null;
  attribution: string | null;
  amount: bigint;
  hops: number;
  /** Transaction hashes from a seed transaction to the one that reached the endpoint. */
  paths: string[][];
}

/** A node to save; toExposure defaults to 0. */
export type NewCaseNode = Omit<CaseNodeRow, 'toExposure'> & { toExposure?: bigint };

export interface RunResult {
  /** The trace report as JSON; bigints are stored as decimal strings. */
  report: unknown;
  /**
   * The graph's rows, taken as they come: a case's ~100,000 nodes and ~150,000 flows are
   * written a chunk at a time from a generator, never held as rows all at once.
   */
  nodes: Iterable<NewCaseNode> | AsyncIterable<NewCaseNode>;
  flows: Iterable<CaseFlowRow> | AsyncIterable<CaseFlowRow>;
  endpoints: readonly CaseEndpointRow[];
}

/** A report with windows of some of its arrays (see reportWindow), and each whole array's length. */
export interface ReportWindow {
  report: Record<string, unknown>;
  lengths: Record<string, number>;
}

export interface CaseGraph {
  nodes: CaseNodeRow[];
  edges: CaseFlowRow[];
}

const WRITE_CHUNK = 10_000;

export function createRunResultsRepo(db: Db) {
  return {
    async saveResult(runId: string, result: RunResult): Promise<void> {
      await db.transaction(async (tx) => {
        // Lock the run: a second save of the same run waits here, then replaces this one.
        const { rows } = await tx.query('select 1 from trace_runs where id = $1 for update', [
          isUuid(runId) ? runId : null,
        ]);
        if (rows.length === 0) throw new NotFoundError(`trace run ${runId} not found`);
        for (const table of ['case_nodes', 'case_flows', 'case_endpoints', 'case_reports', 'case_report_elements']) {
          await tx.query(`delete from ${table} where run_id = $1`, [runId]);
        }
        await copyRows(tx, 'case_nodes', NODE_COLUMNS, result.nodes, (n) => [
          runId, n.address, n.asset, n.hop, n.role, n.entity, n.category, n.attribution,
          amountParam(n.taintedIn), amountParam(n.taintedOut), amountParam(n.taintedHeld), amountParam(n.toExposure ?? 0n),
        ]);
        await copyRows(tx, 'case_flows', FLOW_COLUMNS, result.flows, (f) => [
          runId, f.txHash, f.ref, f.from, f.to, f.asset, amountParam(f.amount), amountParam(f.tainted), f.hop, f.blockNumber,
        ]);
        await insertChunks(tx, INSERT_ENDPOINTS, runId, result.endpoints, endpointColumns);
        const { head, split } = splitReport(result.report);
        await tx.copyText('case_reports', ['run_id', 'report', 'split_keys'], reportRow(runId, head, split.map(([key]) => key)));
        await copyRows(tx, 'case_report_elements', ['run_id', 'key', 'i', 'value'], elementsOf(split), (e) => [runId, e.key, e.i, jsonParam(e.value) ?? 'null']);
      });
    },

    /**
     * A new run of the case, done at once, that takes over an earlier run's answer (nothing
     * it followed moved since): its crawl state, graph and endpoints are those of the run
     * that computed them (result_run_id, read through resultRunOf), its report that run's
     * under a patch (report_patch: the new block and hash, the stats of a run with no step),
     * the alerts marked compared (there is nothing new to raise). Nothing of the case is
     * copied. One transaction; returns the run and how many addresses it holds.
     */
    async takeOverRun(input: {
      caseId: string; fromRunId: string; retraceRunId: string | null; toBlock: number; toBlockHash: string | null;
      /** The report's `stats.ms`: how long the take-over took. */
      ms: number;
      stats: Record<string, unknown>;
    }): Promise<{ runId: string; addresses: number }> {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          `insert into trace_runs (case_id, status, started_at, finished_at, to_block, to_block_hash, stats, retrace_run_id, alerts_raised_at)
           select id, 'done', now(), now(), $2, $3, $4::jsonb, $5, now() from cases where id = $1 returning id`,
          [isUuid(input.caseId) ? input.caseId : null, input.toBlock, input.toBlockHash, jsonParam(input.stats), input.retraceRunId],
        );
        if (!rows[0]) throw new NotFoundError(`case ${input.caseId} not found`);
        const runId = rows[0].id;
        // The crawl state, graph, endpoints and report stay the computing run's: named, not
        // copied. The report gets the new block and the stats of a run with no step over it.
        const { rows: named } = await tx.query<{ result: string }>(
          `update trace_runs set result_run_id = ${resultRunOf('$2')},
                  report_patch = jsonb_strip_nulls(jsonb_build_object('toBlock', $3::bigint, 'toBlockHash', $4::text))
                    || jsonb_build_object('stats', jsonb_build_object('rpcCalls', 0, 'hops', 0, 'ms', $5::bigint))
            where id = $1 returning result_run_id as result`,
          [runId, input.fromRunId, input.toBlock, input.toBlockHash, Math.round(input.ms)],
        );
        const counted = await tx.query<{ n: unknown }>('select count(*) as n from run_addresses where run_id = $1', [named[0]!.result]);
        return { runId, addresses: toInt(counted.rows[0]!.n) };
      });
    },

    /** The latest finished report of a case under each taint model it was traced with. */
    async latestReportPerModel(caseId: string): Promise<{ runId: string; finishedAt: Date | null; report: unknown }[]> {
      if (!isUuid(caseId)) return [];
      const { rows } = await db.query<{ run_id: string; finished_at: unknown }>(
        `select distinct on (r.report ->> 'model') t.id as run_id, t.finished_at
           from trace_runs t join case_reports r on r.run_id = ${REPORT_ROW_OF_RUN}
          where t.case_id = $1 and t.status = 'done'
          order by r.report ->> 'model', t.seq desc`,
        [caseId],
      );
      const out = [];
      for (const row of rows) out.push({ runId: row.run_id, finishedAt: row.finished_at == null ? null : toDate(row.finished_at), report: await readReport(db, row.run_id) });
      return out;
    },

    /**
     * What the re-trace and the watch need of a stored report, without reading it whole (a
     * 100k case's is 18 MB): its block, the wallets of its holdings, its limitations. Null
     * when the run has no report.
     */
    async reportOutline(runId: string): Promise<{ toBlock: number; holdings: Address[]; limitations: string[] } | null> {
      if (!isUuid(runId)) return null;
      const { rows } = await db.query<{ to_block: unknown; holdings: Address[] | null; limitations: unknown }>(
        `select coalesce(t.report_patch ->> 'toBlock', r.report ->> 'toBlock') as to_block,
                case when 'holdings' = any(r.split_keys)
                     then (select array_agg(distinct e.value ->> 'address') from case_report_elements e where e.run_id = r.run_id and e.key = 'holdings')
                     else (select array_agg(distinct h ->> 'address') from jsonb_array_elements(
                             case when jsonb_typeof(r.report -> 'holdings') = 'array' then r.report -> 'holdings' else '[]'::jsonb end) h) end as holdings,
                case when 'limitations' = any(r.split_keys)
                     then (select jsonb_agg(e.value order by e.i) from case_report_elements e where e.run_id = r.run_id and e.key = 'limitations')
                     else coalesce(r.report -> 'limitations', '[]'::jsonb) end as limitations
           from trace_runs t join case_reports r on r.run_id = ${REPORT_ROW_OF_RUN} where t.id = $1`,
        [runId],
      );
      const row = rows[0];
      if (!row) return null;
      return { toBlock: toInt(row.to_block), holdings: row.holdings ?? [], limitations: (row.limitations as unknown[]).filter((l): l is string => typeof l === 'string') };
    },

    /** The stored report, or null when the run has none (see readReport). */
    report(runId: string, pageRows?: number): Promise<unknown> {
      return isUuid(runId) ? readReport(db, runId, pageRows) : Promise.resolve(null);
    },

    /**
     * The stored report with only a window of some of its arrays: for each key asked, `limit`
     * elements from `offset` on, and how many the whole array has (0 where the report has no
     * such array). A page of a 100k case's holdings is read as those rows, not as the 18 MB
     * report. Null when the run has no report or the report is not an object.
     */
    async reportWindow(runId: string, windows: Record<string, { offset: number; limit: number }>): Promise<ReportWindow | null> {
      if (!isUuid(runId)) return null;
      const head = await reportHead(db, runId);
      if (!head || typeof head.head !== 'object' || head.head === null || Array.isArray(head.head)) return null;
      const whole = head.split ? head.head as Record<string, unknown> : await readReport(db, runId, REPORT_PAGE_ROWS, head) as Record<string, unknown>;
      const report: Record<string, unknown> = { ...whole };
      const lengths: Record<string, number> = {};
      for (const [key, { offset, limit }] of Object.entries(windows)) {
        if (head.split && head.long.includes(key)) {
          const { rows } = await db.query<{ n: number; page: unknown[] }>(
            `select (select count(*)::int from case_report_elements where run_id = $1 and key = $2) as n,
                    coalesce((select jsonb_agg(p.value order by p.i) from (
                      select value, i from case_report_elements where run_id = $1 and key = $2 and i >= $3 order by i limit $4) p), '[]'::jsonb) as page`,
            [head.rowRun, key, offset, limit],
          );
          lengths[key] = rows[0]!.n;
          report[key] = rows[0]!.page;
        } else {
          const all = Array.isArray(whole[key]) ? whole[key] as unknown[] : [];
          lengths[key] = all.length;
          report[key] = all.slice(offset, offset + limit);
        }
      }
      return { report: inJsonbOrder(report), lengths };
    },

    async graph(runId: string): Promise<CaseGraph> {
      if (!isUuid(runId)) return { nodes: [], edges: [] };
      const nodes = await db.query<NodeDbRow>(
        `select address, asset, hop, role, entity, category, attribution, tainted_in, tainted_out,
           tainted_held, to_exposure
         from case_nodes where run_id = ${resultRunOf('$1')} order by hop nulls last, address, asset`,
        [runId],
      );
      const edges = await db.query<FlowDbRow>(
        `select tx_hash, ref, from_address, to_address, asset, amount, tainted, hop, block_number
         from case_flows where run_id = ${resultRunOf('$1')} order by block_number, tx_hash, ref`,
        [runId],
      );
      return { nodes: nodes.rows.map(nodeFromRow), edges: edges.rows.map(flowFromRow) };
    },

    /**
     * A window of the graph, in the order `graph` lists it (both orders are total: they end
     * in the primary key), one row more than asked so the caller knows whether more follow.
     */
    async graphWindow(runId: string, nodes: { offset: number; limit: number }, edges: { offset: number; limit: number }): Promise<CaseGraph> {
      if (!isUuid(runId)) return { nodes: [], edges: [] };
      const nodeRows = await db.query<NodeDbRow>(
        `select address, asset, hop, role, entity, category, attribution, tainted_in, tainted_out,
           tainted_held, to_exposure
         from case_nodes where run_id = ${resultRunOf('$1')} order by hop nulls last, address, asset offset $2 limit $3`,
        [runId, nodes.offset, nodes.limit + 1],
      );
      const edgeRows = await db.query<FlowDbRow>(
        `select tx_hash, ref, from_address, to_address, asset, amount, tainted, hop, block_number
         from case_flows where run_id = ${resultRunOf('$1')} order by block_number, tx_hash, ref offset $2 limit $3`,
        [runId, edges.offset, edges.limit + 1],
      );
      return { nodes: nodeRows.rows.map(nodeFromRow), edges: edgeRows.rows.map(flowFromRow) };
    },

    /** Endpoints by amount, largest first. */
    async endpoints(runId: string): Promise<CaseEndpointRow[]> {
      if (!isUuid(runId)) return [];
      const { rows } = await db.query<EndpointDbRow>(
        `select address, asset, entity, category, attribution, amount, hops, paths
         from case_endpoints where run_id = ${resultRunOf('$1')} order by amount desc, address, asset`,
        [runId],
      );
      return rows.map(endpointFromRow);
    },
  };
}

async function insertChunks<T>(
  tx: Db,
  sql: string,
  runId: string,
  rows: readonly T[],
  columns: (rows: readonly T[]) => unknown[],
): Promise<void> {
  for (const chunk of chunks(rows, rowsPerStatement(tx, WRITE_CHUNK))) await tx.query(sql, [runId, ...columns(chunk)]);
}

const NODE_COLUMNS = ['run_id', 'address', 'asset', 'hop', 'role', 'entity', 'category', 'attribution',
  'tainted_in', 'tainted_out', 'tainted_held', 'to_exposure'];
const FLOW_COLUMNS = ['run_id', 'tx_hash', 'ref', 'from_address', 'to_address', 'asset', 'amount', 'tainted', 'hop', 'block_number'];

/**
 * Rows through COPY (a run's nodes and flows are its bulk), a chunk per COPY: each chunk's
 * values are checked (amountParam throws) before its COPY starts. Only one chunk's rows are
 * held at a time.
 */
async function copyRows<T>(
  tx: Db, table: string, columns: string[], items: Iterable<T> | AsyncIterable<T>, row: (item: T) => unknown[],
): Promise<void> {
  const size = rowsPerStatement(tx, WRITE_CHUNK);
  let chunk: unknown[][] = [];
  for await (const item of items) {
    chunk.push(row(item));
    if (chunk.length >= size) {
      await tx.copyFrom(table, columns, chunk);
      chunk = [];
    }
  }
  if (chunk.length) await tx.copyFrom(table, columns, chunk);
}

// paths travel as one JSON text per row; unnest of jsonb[] would need array-literal quoting.
const INSERT_ENDPOINTS = `
insert into case_endpoints (run_id, address, asset, entity, category, attribution, amount, hops, paths)
select $1, e.address, e.asset, e.entity, e.category, e.attribution, e.amount, e.hops, e.paths::jsonb
from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::int[], $9::text[])
  as e(address, asset, entity, category, attribution, amount, hops, paths)`;

const endpointColumns = (rows: readonly CaseEndpointRow[]) => [
  rows.map((e) => e.address),
  rows.map((e) => e.asset),
  rows.map((e) => e.entity),
  rows.map((e) => e.category),
  rows.map((e) => e.attribution),
  rows.map((e) => amountParam(e.amount)),
  rows.map((e) => e.hops),
  rows.map((e) => JSON.stringify(e.paths)),
];

interface NodeDbRow {
  address: string;
  asset: string;
  hop: unknown;
  role: string;
  entity: string | null;
  category: string | null;
  attribution: string | null;
  tainted_in: unknown;
  tainted_out: unknown;
  tainted_held: unknown;
  to_exposure: unknown;
}

function nodeFromRow(row: NodeDbRow): CaseNodeRow {
  return {
    address: row.address,
    asset: row.asset,
    hop: toIntOrNull(row.hop),
    role: row.role,
    entity: row.entity,
    category: row.category as LabelCategory | null,
    attribution: row.attribution,
    taintedIn: toBigInt(row.tainted_in),
    taintedOut: toBigInt(row.tainted_out),
    taintedHeld: toBigInt(row.tainted_held),
    toExposure: toBigInt(row.to_exposure),
  };
}

interface FlowDbRow {
  tx_hash: string;
  ref: string;
  from_address: string;
  to_address: string | null;
  asset: string;
  amount: unknown;
  tainted: unknown;
  hop: unknown;
  block_number: unknown;
}

function flowFromRow(row: FlowDbRow): CaseFlowRow {
  return {
    txHash: row.tx_hash,
    ref: row.ref,
    from: row.from_address,
    to: row.to_address,
    asset: row.asset,
    amount: toBigInt(row.amount),
    tainted: toBigInt(row.tainted),
    hop: toIntOrNull(row.hop),
    blockNumber: toInt(row.block_number),
  };
}

interface EndpointDbRow {
  address: string;
  asset: string;
  entity: string | null;
  category: string | null;
  attribution: string | null;
  amount: unknown;
  hops: unknown;
  paths: string[][];
}

function endpointFromRow(row: EndpointDbRow): CaseEndpointRow {
  return {
    address: row.address,
    asset: row.asset,
    entity: row.entity,
    category: row.category as LabelCategory | null,
    attribution: row.attribution,
    amount: toBigInt(row.amount),
    hops: toInt(row.hops),
    paths: row.paths,
  };
}

/**
 * A stored report, read the way it was written: in pieces. Its long arrays (a 100k case's
 * report lists ~90,000 holdings, 18 MB of JSON; 33 MB at the bench's 200k) are rows of their
 * own (case_report_elements, see splitReport) and come a page of elements at a time: read
 * whole, the driver parsed the report in one go and held the event loop 69-173 ms at 200k; in
 * pages, 27-32 ms. The rest of the report is one small value. A report written whole (before
 * migration 090) is read the same way, its arrays longer than a page taken out of its value.
 * The keys come in the order a whole jsonb value gives (shorter first, then bytewise).
 */
async function readReport(db: Db, runId: string, pageRows = REPORT_PAGE_ROWS, head?: ReportHead): Promise<unknown> {
  const row = head ?? await reportHead(db, runId, pageRows);
  if (!row) return null;
  if (row.long.length === 0) return row.head;
  const report = { ...(row.head as Record<string, unknown>) };
  await db.transaction(async (tx) => {
    for (const key of row.long) {
      const elements: unknown[] = [];
      await tx.query(
        row.split
          ? `declare report_elements no scroll cursor for
               select value from case_report_elements where run_id = $1 and key = $2 order by i`
          : `declare report_elements no scroll cursor for
               select e.value from case_reports r, jsonb_array_elements(r.report -> $2) with ordinality as e(value, i)
                where r.run_id = $1 order by e.i`,
        [row.rowRun, key],
      );
      for (;;) {
        const page = await tx.query<{ value: unknown }>(`fetch forward ${Math.max(1, Math.floor(pageRows))} from report_elements`);
        for (const r of page.rows) elements.push(r.value);
        if (page.rows.length === 0) break;
      }
      await tx.query('close report_elements');
      report[key] = elements;
    }
  });
  return inJsonbOrder(report);
}

interface ReportHead {
  head: unknown;
  long: string[];
  split: boolean;
  rowRun: string;
}

/**
 * A stored report without its long arrays (`head`), the keys of those (`long`), and the
 * report row they are read from (`rowRun`: the run's own, or the computing run's under its
 * patch, see takeOverRun; the patch sets scalars and stats only, so the long arrays are the
 * row's). `split`: the arrays are rows of case_report_elements; else the row holds the report
 * whole (written before migration 090) and its arrays longer than `pageRows` are the long ones.
 */
async function reportHead(db: Db, runId: string, pageRows = REPORT_PAGE_ROWS): Promise<ReportHead | null> {
  const { rows } = await db.query<{ head: unknown; long: string[] | null; split: string[] | null; row_run: string }>(
    `select case when jsonb_typeof(x.report) = 'object' then x.report - coalesce(l.keys, '{}') else x.report end as head,
            l.keys as long, x.split_keys as split, x.row_run
       from (select r.run_id as row_run, r.split_keys,
                    case when t.report_patch is null or jsonb_typeof(r.report) <> 'object' then r.report
                         else (r.report - 'toBlockHash') || (t.report_patch - 'stats')
                              || jsonb_build_object('stats', coalesce(r.report -> 'stats', '{}'::jsonb) || coalesce(t.report_patch -> 'stats', '{}'::jsonb)) end as report
               from trace_runs t join case_reports r on r.run_id = ${REPORT_ROW_OF_RUN} where t.id = $1) x
       left join lateral (
         select array_agg(e.key order by e.key) as keys from jsonb_each(case when jsonb_typeof(x.report) = 'object' and x.split_keys is null then x.report else '{}' end) e
          where case when jsonb_typeof(e.value) = 'array' then jsonb_array_length(e.value) else 0 end > $2) l on true`,
    [runId, pageRows],
  );
  const row = rows[0];
  if (!row) return null;
  const split = row.split !== null;
  return { head: row.head, long: split ? row.split! : (row.long ?? []), split, rowRun: row.row_run };
}

/** An object's keys in the order a whole jsonb value gives them: shorter first, then bytewise. */
function inJsonbOrder(report: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(report).sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Which case_reports row holds the report of trace run `t`: its own, or, for a run that took
 * over an earlier answer (a report_patch), the computing run's (result_run_id).
 */
const REPORT_ROW_OF_RUN = 'case when t.report_patch is null then t.id else t.result_run_id end';

/** Elements of a stored report's long arrays read per page (and arrays longer than this are read so). */
const REPORT_PAGE_ROWS = 2_000;

/** Top-level arrays of a report longer than this are stored one element a row (case_report_elements). */
const SPLIT_ELEMENTS = 100;

/**
 * A report as stored: its head (everything but its long arrays) and its long arrays, each
 * with its key. A report that is not an object is all head.
 */
function splitReport(report: unknown): { head: unknown; split: Array<[string, unknown[]]> } {
  if (report === null || typeof report !== 'object' || Array.isArray(report)) return { head: report, split: [] };
  const head: Record<string, unknown> = {};
  const split: Array<[string, unknown[]]> = [];
  for (const [key, value] of Object.entries(report)) {
    if (Array.isArray(value) && value.length > SPLIT_ELEMENTS) split.push([key, value]);
    else head[key] = value;
  }
  return { head, split };
}

/** case_reports' row as COPY text, the head written piece by piece (see jsonCopyField), with the keys stored apart. */
async function* reportRow(runId: string, head: unknown, splitKeys: string[]): AsyncGenerator<string> {
  yield `${copyField(runId)}\t`;
  yield* jsonCopyField(head);
  yield `\t${copyField(await arrayLiteral(splitKeys))}\n`;
}

/** The items of a report's long arrays, each with its array's key and its index there. */
function* elementsOf(split: Array<[string, unknown[]]>): Generator<{ key: string; i: number; value: unknown }> {
  for (const [key, elements] of split) {
    for (let i = 0; i < elements.length; i++) yield { key, i, value: elements[i] };
  }
}
