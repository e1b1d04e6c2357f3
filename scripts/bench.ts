// `npm run bench`: build a laundering case of ~BENCH_TRANSFERS token transfers on a local
// EVM node, trace it with tracehold (cold, then again on the warm cache) and with a naive
// "one request per address per hop" tracer, and print what each cost. Figures only: no
// timing is asserted. Each run is a child process (scripts/bench/worker.ts) talking to the
// node through a counting HTTP proxy, so memory and wire counts are that run's alone.
//
//   BENCH_TRANSFERS          token transfers in the case (default 10000)
//   BENCH_TXS_PER_BLOCK      transactions per mined block while building (default 20)
//   BENCH_MAX_HOPS           hop limit of both tracers (default 10)
//   BENCH_MAX_ADDRESSES      tracehold's TRACEHOLD_MAX_ADDRESSES (default: the config's, 100,000; a 100k case reaches ~96,000)
//   BENCH_MODEL              tracehold taint model (default poison, what the naive tracer does)
//   BENCH_NAIVE              1 (default) runs the naive tracer; 0 skips it (at 100k it takes > 600 s)
//   BENCH_NAIVE_CONCURRENCY  naive requests in flight (default 4, tracehold's default for the chain)
//   BENCH_RPC_LATENCY_MS     delay the proxy adds to every HTTP request (default 0: the node is in-process)
//   BENCH_DB                 pg (default: a throwaway database on TEST_DATABASE_ADMIN_URL's server) or pglite
//   BENCH_OUT                JSON output (default bench-results/latest.json)
//   BENCH_RETRACE_CASES      open cases in the re-trace section, one per L1 wallet (default 100; 0 skips it)
//   BENCH_RETRACE_ACTIVE_PCT share of those cases with new activity on the active night (default 10)
//   BENCH_TAKEOVER_ADDRESSES wallets of the one large case whose quiet nights the re-trace section times (default 95000,
//                            a 100k case's; 0 skips it; server Postgres only)
//   BENCH_BUSY_TRANSFERS     clean payouts of an unlabelled busy hot wallet some L2 wallets pay (default 50000; 0: none)
//   BENCH_FLOOR_ADDRESSES    frontier addresses per eth_getLogs of the floor tracer (default 200, tracehold's addressesPerLogCall)
//   BENCH_WRITE_ROWS         rows of the store-writes comparison (default BENCH_TRANSFERS)
//   BENCH_GROWN_TRANSFERS    transfers of other wallets (same chain, blocks and token) and an earlier case's run of as many
//                            taint rows and flows stored before a last run, the token asked for, compared with the same run
//                            on an empty database (scripts/bench/grow-db.ts; default 1000000, 100000 on PGlite; 0 skips it)
//   BENCH_REPORTS            folder to write each tracehold run's trace report to (to compare answers across versions)
//   BENCH_WIRE_LOG           file to append one JSON line per HTTP request through the proxy to (calls with params, reply bytes)
//   BENCH_BLOCK_LOG          file to append one JSON line per event-loop block over 100 ms of each run to (its pid, length and
//                            end on the monotonic clock of a --cpu-prof profile: run `node --cpu-prof --import tsx
//                            scripts/bench.ts` to find what held the loop)
//   BENCH_BASELINE           JSON written by an earlier (smaller) run: the peak RSS of its tracehold runs (cold, warm,
//                            token asked for) is the flat-memory goal's yardstick (100k ≤ 1.2 × 10k)
//   BENCH_SCALE_CASES        cases of the 1 vs 2 worker processes section (default 20; 0 skips it); needs Redis
//   BENCH_REDIS_URL          Redis of that section (default TEST_REDIS_URL or redis://127.0.0.1:6379)
//   TRACEHOLD_CHAINS_FILE    chain settings for tracehold's runs, as in production (e.g. {"local":{"requestTimeoutMs":5000}})
//   BENCH_NODE               devchain (default: Hardhat's EDR in process; its logs state no block timestamp) or
//                            anvil (test/support/anvil.ts; states each log's blockTimestamp, as geth ≥ 1.15 does)
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalNode, type LocalNode } from '../services/devchain';
import { createStore, migrate, openDb, type Db } from '../services/store';
import { table } from '../services/format';
import { createTestDb, type TestDb } from '../test/support/db';
import { exitOnSignals, startAnvil } from '../test/support/anvil';
import { buildBenchCase, floorStops, type BenchCase } from './bench/build-case';
import { startCountingProxy, type CountingProxy, type WireCounts } from './bench/counting-proxy';
import type { FloorFigures, NaiveFigures, TraceholdFigures, WorkerJob } from './bench/worker';
import { storeWrites, type StoreWriteFigures } from './bench/store-writes';
import { goalLines, stageHeapLine, stageLine, type RssBaseline } from './bench/goals';
import { retraceBench, type PhaseFigures, type RetraceFigures } from './bench/retrace-cost';
import { takeoverCost, type TakeoverFigures } from './bench/takeover-cost';
import { workerScaleBench, type ScaleFigures } from './bench/worker-scale';
import { growDatabase, nodeBlocks, type GrowFigures } from './bench/grow-db';

const env = (name: string, fallback: number, min = 1) => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return value;
};

const settings = {
  transfers: env('BENCH_TRANSFERS', 10_000),
  txsPerBlock: env('BENCH_TXS_PER_BLOCK', 20),
  maxHops: env('BENCH_MAX_HOPS', 10),
  maxAddresses: process.env.BENCH_MAX_ADDRESSES?.trim() ? env('BENCH_MAX_ADDRESSES', 20_000) : undefined,
  model: process.env.BENCH_MODEL?.trim() || 'poison',
  naive: env('BENCH_NAIVE', 1, 0) !== 0,
  naiveConcurrency: env('BENCH_NAIVE_CONCURRENCY', 4),
  rpcLatencyMs: env('BENCH_RPC_LATENCY_MS', 0, 0),
  db: process.env.BENCH_DB?.trim() || 'pg',
  out: process.env.BENCH_OUT?.trim() || path.join(process.cwd(), 'bench-results', 'latest.json'),
  runTimeoutMs: env('BENCH_RUN_TIMEOUT_MS', 600_000),
  retraceCases: env('BENCH_RETRACE_CASES', 100, 0),
  retraceActivePct: env('BENCH_RETRACE_ACTIVE_PCT', 10),
  takeoverAddresses: env('BENCH_TAKEOVER_ADDRESSES', 95_000, 0),
  busyTransfers: env('BENCH_BUSY_TRANSFERS', 50_000, 0),
  floorAddresses: env('BENCH_FLOOR_ADDRESSES', 200),
  writeRows: env('BENCH_WRITE_ROWS', env('BENCH_TRANSFERS', 10_000)),
  // PGlite grows 100,000 in 16 s: a million would be minutes of the embedded database's bench.
  grownTransfers: env('BENCH_GROWN_TRANSFERS', process.env.BENCH_DB?.trim() === 'pglite' ? 100_000 : 1_000_000, 0),
  baseline: process.env.BENCH_BASELINE?.trim() || undefined,
  reports: process.env.BENCH_REPORTS?.trim() || undefined,
  wireLog: process.env.BENCH_WIRE_LOG?.trim() || undefined,
  scaleCases: env('BENCH_SCALE_CASES', 20, 0),
  redisUrl: process.env.BENCH_REDIS_URL?.trim() || process.env.TEST_REDIS_URL?.trim() || 'redis://127.0.0.1:6379',
  node: process.env.BENCH_NODE?.trim() || 'devchain',
};

/** Transfers and each tracehold run's peak RSS in an earlier run's JSON; read before the case is built, so a bad file fails at once. */
function readBaseline(file: string | undefined): RssBaseline | undefined {
  if (!file) return undefined;
  let earlier: { settings?: { transfers?: unknown }; tracehold?: Record<string, { memory?: { peakRssBytes?: unknown } } | undefined> };
  try {
    earlier = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`BENCH_BASELINE ${file}: ${(error as Error).message}`);
  }
  const peak = (run: string) => {
    const bytes = earlier.tracehold?.[run]?.memory?.peakRssBytes;
    return typeof bytes === 'number' && bytes > 0 ? bytes : undefined;
  };
  const transfers = earlier.settings?.transfers;
  if (typeof transfers !== 'number' || peak('cold') === undefined) throw new Error(`BENCH_BASELINE ${file} is not a bench JSON (no settings.transfers or tracehold.cold.memory.peakRssBytes)`);
  return { transfers, peakRssBytes: { cold: peak('cold'), warm: peak('warm'), tokenOnly: peak('coldTokenOnly') } };
}


const say = (text = '') => process.stdout.write(text + '\n');
const secs = (ms: number) => (ms / 1000).toFixed(2);
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const int = (n: number) => Math.round(n).toLocaleString('en-US');

interface Database {
  kind: 'pg' | 'pglite';
  /** Where the workers connect. */
  job: { databaseUrl?: string; dataDir?: string };
  describe: string;
  drop(): Promise<void>;
}

/** A throwaway database of the bench's kind with the case's labels; `prepare` works on it before the runs. */
async function openDatabase(kase: BenchCase, prepare?: (db: Db) => Promise<void>): Promise<Database> {
  if (settings.db === 'pg') {
    const testDb: TestDb = await createTestDb({ poolSize: 2 });
    await createStore(testDb.db).labels.upsert(kase.labels);
    await prepare?.(testDb.db);
    await testDb.db.close();
    return {
      kind: 'pg',
      job: { databaseUrl: testDb.url },
      describe: `PostgreSQL, throwaway database ${testDb.name} (test/support/db.ts createTestDb)`,
      drop: () => testDb.drop(),
    };
  }
  if (settings.db !== 'pglite') throw new Error(`BENCH_DB must be pg or pglite, got "${settings.db}"`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracehold-bench-'));
  const dataDir = path.join(dir, 'pgdata');
  const db = await openDb({ dataDir });
  await migrate(db);
  await createStore(db).labels.upsert(kase.labels);
  await prepare?.(db);
  await db.close();
  return {
    kind: 'pglite',
    job: { dataDir },
    describe: `PGlite (embedded, on disk at ${dataDir})`,
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The store-writes comparison on a throwaway database of the bench's kind. */
async function measureStoreWrites(database: Database): Promise<StoreWriteFigures> {
  if (database.kind === 'pg') {
    const testDb = await createTestDb({ poolSize: 2 });
    try {
      return await storeWrites(testDb.db, settings.writeRows);
    } finally {
      await testDb.drop();
    }
  }
  const db = await openDb({ dataDir: 'memory://' });
  try {
    await migrate(db);
    return await storeWrites(db, settings.writeRows);
  } finally {
    await db.close();
  }
}

const children = new Set<ChildProcess>();

/** A run that did not report within BENCH_RUN_TIMEOUT_MS (its process is killed). */
class RunTimedOut extends Error {}

/** Run one job in a fresh process; resolves with its figures. */
function runWorker<F>(job: WorkerJob): Promise<F> {
  return new Promise<F>((resolve, reject) => {
    const child = fork(path.join(__dirname, 'bench', 'worker.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.add(child);
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill();
      reject(new RunTimedOut(`${job.label} run took longer than ${settings.runTimeoutMs} ms (BENCH_RUN_TIMEOUT_MS)`));
    }, settings.runTimeoutMs);
    child.once('message', (message: { ok: boolean; figures?: F; error?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (message.ok) resolve(message.figures!);
      else reject(new Error(`${job.label} run failed:\n${message.error}`));
    });
    child.once('exit', (code) => {
      children.delete(child);
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${job.label} worker exited with code ${code} before reporting`));
    });
    child.send(job);
  });
}

interface Measured<F> {
  figures: F;
  wire: WireCounts;
}

async function measured<F>(proxy: CountingProxy, job: WorkerJob): Promise<Measured<F>> {
  proxy.reset();
  const figures = await runWorker<F>(job);
  return { figures, wire: proxy.counts() };
}

function topMethods(byMethod: Record<string, number>, n = 6): string {
  return Object.entries(byMethod)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([m, c]) => `${m} ${int(c)}`)
    .join(', ');
}

async function bench(): Promise<void> {
  const started = Date.now();
  // Bad settings fail here, before minutes of building.
  if (!['0', '1'].includes(process.env.BENCH_NAIVE?.trim() || '1')) throw new Error(`BENCH_NAIVE must be 0 or 1, got "${process.env.BENCH_NAIVE}"`);
  const baseline = readBaseline(settings.baseline);
  say(`tracehold benchmark: BENCH_TRANSFERS=${settings.transfers}, ${settings.txsPerBlock} txs/block, max ${settings.maxHops} hops, model ${settings.model}`);
  say(`machine: ${os.cpus().length} CPU (${os.cpus()[0]?.model.trim() ?? '?'}), node ${process.version}\n`);

  let node: LocalNode | undefined;
  let proxy: CountingProxy | undefined;
  let database: Database | undefined;
  try {
    if (settings.node !== 'devchain' && settings.node !== 'anvil') throw new Error(`BENCH_NODE must be devchain or anvil, got "${settings.node}"`);
    // Blocks of 1B gas: a chunk of the case's transactions is mined in one block, below the
    // EIP-1559 target. At anvil's 30M a chunk of wide multiTransfers (20 L2 payouts of ~190
    // wallets each at 400k) fills block after block, and the 400k build stopped with an L2
    // payout never mined: the base fee rises after every block over half the limit, and a
    // transaction whose fee cap (5 gwei) it passes waits.
    node = settings.node === 'anvil' ? await startAnvil({ accounts: 20, gasLimit: 1_000_000_000 }) : await startLocalNode();
    say(settings.node === 'anvil' ? 'Building the case on anvil (test/support/anvil.ts)…' : 'Building the case on an in-process EVM node (services/devchain)…');
    const kase = await buildBenchCase(node, {
      transfers: settings.transfers, txsPerBlock: settings.txsPerBlock, busyTransfers: settings.busyTransfers, progress: (line) => say(`  … ${line}`),
    });
    const b = kase.built;
    say(`  built in ${secs(b.ms)} s (of which ${secs(b.fundingMs)} s gas funding of ${int(b.fundedWallets)} wallets, mined before the case)`);
    say(`  case: ${int(b.tokenTransfers)} USDT transfers + ${int(b.nativeTransfers)} ETH transfers in ${int(b.transactions)} transactions, ${int(b.blocks)} blocks (${kase.fromBlock}..${kase.toBlock})`);
    say(`  shape: scam wallet → ${b.shape.l1} L1 → ${int(b.shape.l2)} L2 → ${int(b.shape.l3)} L3; ${b.shape.l3Senders} L3 → ${b.shape.deposits} deposit addresses → 3 labelled hot wallets (Binance, OKX, Kraken)`);
    say(b.shape.busyPayouts
      ? `  busy wallet: ${b.shape.busyPayers} L2 pay an unlabelled hot wallet, which pays out ${int(b.shape.busyPayouts)} times to ${int(b.shape.busyCounterparties)} counterparties after that\n`
      : '  no busy wallet (BENCH_BUSY_TRANSFERS=0)\n');

    proxy = await startCountingProxy(node.url, { latencyMs: settings.rpcLatencyMs, ...(settings.wireLog ? { logFile: settings.wireLog } : {}) });
    database = await openDatabase(kase);
    if (settings.reports) fs.mkdirSync(settings.reports, { recursive: true });
    say(`Database: ${database.describe}`);
    say(`RPC: every run goes through a counting HTTP proxy at ${proxy.url} in front of ${node.url}${settings.rpcLatencyMs ? `, adding ${settings.rpcLatencyMs} ms per HTTP request` : ''}; each run is its own process.\n`);

    const traceholdJob = (label: string): Extract<WorkerJob, { kind: 'tracehold' }> => ({
      kind: 'tracehold', label, rpcUrl: proxy!.url, ...database!.job, seedTxs: kase.seedTxs, model: settings.model, maxHops: settings.maxHops,
      ...(settings.maxAddresses ? { maxAddresses: settings.maxAddresses } : {}),
      ...(settings.reports ? { reportFile: path.join(settings.reports, `${label.replace(/\W+/g, '-')}.json`) } : {}),
    });
    say('tracehold, cold cache (empty database)…');
    const cold = await measured<TraceholdFigures>(proxy, traceholdJob('tracehold cold'));
    say(`  ${secs(cold.figures.wallMs)} s, ${int(cold.wire.rpcCalls)} JSON-RPC calls in ${int(cold.wire.httpRequests)} HTTP requests: ${topMethods(cold.wire.byMethod)}`);
    say('tracehold, warm cache (a new case on the same database, a new process)…');
    const warm = await measured<TraceholdFigures>(proxy, traceholdJob('tracehold warm'));
    say(`  ${secs(warm.figures.wallMs)} s, ${int(warm.wire.rpcCalls)} JSON-RPC calls in ${int(warm.wire.httpRequests)} HTTP requests: ${topMethods(warm.wire.byMethod)}`);
    let naive: Measured<NaiveFigures> | undefined;
    /** The naive run's time limit, when it did not finish within it (at 100k it takes longer than the default 600 s). */
    let naiveTimedOutMs: number | undefined;
    if (settings.naive) {
      say(`naive tracer (scripts/bench/naive-tracer.ts, ${settings.naiveConcurrency} requests in flight)…`);
      try {
        naive = await measured<NaiveFigures>(proxy, {
          kind: 'naive', label: 'naive', rpcUrl: proxy.url, seedTxs: kase.seedTxs, fromBlock: kase.fromBlock, toBlock: kase.toBlock,
          maxHops: settings.maxHops, stops: kase.labels.map((l) => l.address), concurrency: settings.naiveConcurrency,
        });
        say(`  ${secs(naive.figures.wallMs)} s, ${int(naive.wire.rpcCalls)} JSON-RPC calls in ${int(naive.wire.httpRequests)} HTTP requests: ${topMethods(naive.wire.byMethod)}`);
      } catch (error) {
        // A lower bound on its time is still a figure; the rest of the bench goes on.
        if (!(error instanceof RunTimedOut)) throw error;
        naiveTimedOutMs = settings.runTimeoutMs;
        say(`  did not finish within ${secs(naiveTimedOutMs)} s (BENCH_RUN_TIMEOUT_MS; stopped after ${int(proxy.counts().rpcCalls)} JSON-RPC calls)`);
      }
    } else say('naive tracer: skipped (BENCH_NAIVE=0)');
    say(`floor tracer (scripts/bench/floor-tracer.ts: the token's eth_getLogs only, ${settings.floorAddresses} senders per call, ${settings.naiveConcurrency} in flight; it stops at the labelled wallets${kase.wallets.busy ? ' and the busy wallet' : ''})…`);
    const floor = await measured<FloorFigures>(proxy, {
      kind: 'floor', label: 'floor', rpcUrl: proxy.url, seedTxs: kase.seedTxs, token: kase.token, fromBlock: kase.fromBlock, toBlock: kase.toBlock,
      maxHops: settings.maxHops, stops: floorStops(kase), concurrency: settings.naiveConcurrency, addressesPerCall: settings.floorAddresses,
    });
    say(`  ${secs(floor.figures.wallMs)} s, ${int(floor.wire.rpcCalls)} JSON-RPC calls in ${int(floor.wire.httpRequests)} HTTP requests: ${topMethods(floor.wire.byMethod)}`);
    // tracehold's default assets are the token and ETH: their floor reads ETH transfers too.
    say('floor tracer with ETH too (one trace_filter per chunk of senders as well, or each block read once where the node has no trace_filter: the floor of the default assets)…');
    const floorNative = await measured<FloorFigures>(proxy, {
      kind: 'floor', label: 'floor native', rpcUrl: proxy.url, seedTxs: kase.seedTxs, token: kase.token, fromBlock: kase.fromBlock, toBlock: kase.toBlock,
      maxHops: settings.maxHops, stops: floorStops(kase), concurrency: settings.naiveConcurrency, addressesPerCall: settings.floorAddresses, native: true,
    });
    say(`  ${secs(floorNative.figures.wallMs)} s, ${int(floorNative.wire.rpcCalls)} JSON-RPC calls in ${int(floorNative.wire.httpRequests)} HTTP requests: ${topMethods(floorNative.wire.byMethod)}`);
    // The case as the floor tracer sees it: only the token asked for (the default set traces
    // native ETH too, whose fees need a receipt per transaction on this node).
    say('tracehold, cold cache, the token asked for (assets: [token]; an empty database of its own)…');
    const tokenDb = await openDatabase(kase);
    let tokenOnly: { figures: TraceholdFigures; wire: WireCounts };
    try {
      tokenOnly = await measured<TraceholdFigures>(proxy, { ...traceholdJob('tracehold cold token only'), ...tokenDb.job, assets: [kase.token] });
    } finally {
      await tokenDb.drop().catch(() => undefined);
    }
    say(`  ${secs(tokenOnly.figures.wallMs)} s, ${int(tokenOnly.wire.rpcCalls)} JSON-RPC calls in ${int(tokenOnly.wire.httpRequests)} HTTP requests: ${topMethods(tokenOnly.wire.byMethod)}`);
    say(`  replies ${(tokenOnly.wire.replyBytes / 1e6).toFixed(1)} MB, the largest ${(tokenOnly.wire.maxReplyBytes / 1e6).toFixed(1)} MB (parsed: ${(tokenOnly.figures.largestReplyReadBytes / 1e6).toFixed(1)} MB in ${int(tokenOnly.figures.longestReplyParseMs)} ms); longest event-loop block ${int(tokenOnly.figures.memory.eventLoopMaxMs)} ms\n`);

    // The same run on a database that served other cases before: its cost must not grow with their data.
    let grown: { fill: GrowFigures; run: Measured<TraceholdFigures>; same: boolean } | undefined;
    if (settings.grownTransfers > 0) {
      say(`tracehold, cold cache, the token asked for, on a grown database (${int(settings.grownTransfers)} transfers of other wallets in the case's blocks, and an earlier case's run, stored first)…`);
      const blocks = await nodeBlocks(node.url, kase.fromBlock, kase.toBlock);
      let fill: GrowFigures | undefined;
      const grownDb = await openDatabase(kase, async (db) => {
        fill = await growDatabase(db, { chain: 'local', token: kase.token, blocks, transfers: settings.grownTransfers });
      });
      try {
        const run = await measured<TraceholdFigures>(proxy, { ...traceholdJob('tracehold cold token only grown'), ...grownDb.job, assets: [kase.token] });
        const before = new Map(tokenOnly.figures.reached);
        const same = run.figures.reached.length === before.size && run.figures.reached.every(([a, s]) => before.get(a) === s)
          && run.figures.endpoints === tokenOnly.figures.endpoints && run.figures.holdings === tokenOnly.figures.holdings;
        grown = { fill: fill!, run, same };
      } finally {
        await grownDb.drop().catch(() => undefined);
      }
      const g = grown.run;
      say(`  grown in ${secs(grown.fill.ms)} s: ${Object.entries(grown.fill.tables).map(([t, n]) => `${t} ${int(n)}`).join(', ')}`);
      say(`  ${secs(g.figures.wallMs)} s (${(g.figures.wallMs / tokenOnly.figures.wallMs).toFixed(2)}× the empty database's ${secs(tokenOnly.figures.wallMs)} s), ${int(g.wire.rpcCalls)} JSON-RPC calls (empty: ${int(tokenOnly.wire.rpcCalls)}), ` +
        `peak RSS ${mb(g.figures.memory.peakRssBytes)} MB (empty: ${mb(tokenOnly.figures.memory.peakRssBytes)} MB); same addresses, states, endpoints and holdings: ${grown.same ? 'yes' : 'NO'}`);
      say(`  ${stageLine(g.figures)}\n`);
    }

    // Do both tracers reach the same addresses?
    const coldStates = new Map(cold.figures.reached);
    const naiveHops = new Map(naive?.figures.reached ?? []);
    const onlyNaive = [...naiveHops.keys()].filter((a) => !coldStates.has(a));
    const onlyTracehold = [...coldStates.keys()].filter((a) => !naiveHops.has(a));
    const warmSame = warm.figures.reached.length === cold.figures.reached.length && warm.figures.reached.every(([a, s]) => coldStates.get(a) === s);
    const labelOf = new Map(kase.labels.map((l) => [l.address, l.entity]));
    const busyPaid = new Set(kase.wallets.busyCounterparties);
    const describe = (list: string[], stateOf: (a: string) => string) => {
      const groups = new Map<string, number>();
      for (const a of list) {
        const key = labelOf.has(a) ? `${labelOf.get(a)} hot wallet` : kase.wallets.deposits.includes(a) ? 'deposit address'
          : a === kase.wallets.busy ? 'busy wallet' : busyPaid.has(a) ? 'busy wallet counterparty' : stateOf(a);
        groups.set(key, (groups.get(key) ?? 0) + 1);
      }
      return [...groups].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
    };
    const agree = onlyNaive.length === 0 && onlyTracehold.length === 0;
    const endpointStates = new Set(['stop', 'deposit']);
    const crawledPlusEndpoints = cold.figures.reached.filter(([, s]) => s === 'source' || s === 'crawled' || endpointStates.has(s)).length;

    const ratio = (n: number, d: number) => (d > 0 && Number.isFinite(n / d) ? `${(n / d).toFixed(n / d < 0.1 ? 2 : 1)}×` : '—');
    const perSec = (n: number, ms: number) => (ms > 0 ? n / (ms / 1000) : 0);
    const rows: Array<[string, number | string, number | string, number | string, string, number | string]> = [];
    const row = (figure: string, c: number, w: number, n: number | string, fmt: (x: number) => string = int, f: number | string = '—') =>
      rows.push([figure, fmt(c), fmt(w), typeof n === 'number' ? fmt(n) : n, typeof n === 'number' ? ratio(n, c) : '—', typeof f === 'number' ? fmt(f) : f]);
    const cf = cold.figures, wf = warm.figures, nf = naive?.figures, ff = floor.figures;
    /** A naive figure, or why there is none: skipped (BENCH_NAIVE=0) or not finished in time. */
    const nv = <T>(pick: (n: NaiveFigures, w: WireCounts) => T): T | string => (naive ? pick(naive.figures, naive.wire) : naiveTimedOutMs !== undefined ? 'unfinished' : 'skipped');
    const stored = (f: TraceholdFigures) => f.transferRowsAfter - f.transferRowsBefore;
    // A naive run stopped at the time limit took longer than that: its wall time is a lower bound.
    const naiveWall = naiveTimedOutMs !== undefined ? `> ${secs(naiveTimedOutMs)}` : nv((n) => n.wallMs);
    row('wall time (s)', cf.wallMs, wf.wallMs, naiveWall, (ms) => secs(ms), ff.wallMs);
    row('a request in flight at the node (s, seen by the proxy)', cold.wire.busyMs ?? 0, warm.wire.busyMs ?? 0, nv((_, w) => w.busyMs ?? 0), (ms) => secs(ms), floor.wire.busyMs ?? 0);
    row('JSON-RPC calls (report.stats.rpcCalls; naive: its own count)', cf.reportRpcCalls, wf.reportRpcCalls, nv((n) => n.rpcCalls));
    row('JSON-RPC calls seen by the proxy', cold.wire.rpcCalls, warm.wire.rpcCalls, nv((_, w) => w.rpcCalls), int, floor.wire.rpcCalls);
    row('HTTP requests seen by the proxy', cold.wire.httpRequests, warm.wire.httpRequests, nv((_, w) => w.httpRequests), int, floor.wire.httpRequests);
    const mb1 = (x: number) => (x / 1e6).toFixed(1);
    row('reply MB seen by the proxy', cold.wire.replyBytes, warm.wire.replyBytes, nv((_, w) => w.replyBytes), mb1, floor.wire.replyBytes);
    row('largest reply tracehold parsed (MB)', cf.largestReplyReadBytes, wf.largestReplyReadBytes, '—', mb1);
    row('longest JSON.parse of one reply (ms)', cf.longestReplyParseMs, wf.longestReplyParseMs, '—');
    row('largest single reply (MB)', cold.wire.maxReplyBytes, warm.wire.maxReplyBytes, nv((_, w) => w.maxReplyBytes), mb1, floor.wire.maxReplyBytes);
    row('calls per HTTP request', cold.wire.rpcCalls / Math.max(1, cold.wire.httpRequests), warm.wire.rpcCalls / Math.max(1, warm.wire.httpRequests), nv((_, w) => w.rpcCalls / Math.max(1, w.httpRequests)), (x) => x.toFixed(1));
    row('transfers stored (new rows in `transfers`)', stored(cf), stored(wf), 'no DB');
    row('transfers stored / s', perSec(stored(cf), cf.wallMs), perSec(stored(wf), wf.wallMs), 'no DB');
    row('transfers examined (case graph; naive, floor: fetched)', cf.reportTransfers, wf.reportTransfers, nv((n) => n.transfersSeen), int, ff.transfersSeen);
    row('transfers examined / s', perSec(cf.reportTransfers, cf.wallMs), perSec(wf.reportTransfers, wf.wallMs), nv((n) => perSec(n.transfersSeen, n.wallMs)));
    row('peak RSS, sampled every 50 ms (MB)', cf.memory.peakRssBytes, wf.memory.peakRssBytes, nv((n) => n.memory.peakRssBytes), mb, ff.memory.peakRssBytes);
    row('  of which RSS before the run (MB)', cf.memory.startRssBytes, wf.memory.startRssBytes, nv((n) => n.memory.startRssBytes), mb);
    row('  peak RSS until the trace ended, before its report (MB)', cf.memory.peakRssTraceBytes ?? 0, wf.memory.peakRssTraceBytes ?? 0, 'n/a', mb);
    row('peak V8 heap in use, sampled every 50 ms (MB)', cf.memory.peakHeapUsedBytes ?? 0, wf.memory.peakHeapUsedBytes ?? 0, nv((n) => n.memory.peakHeapUsedBytes ?? 0), mb, ff.memory.peakHeapUsedBytes ?? 0);
    row('addresses crawled (naive: address look-ups)', cf.crawled, wf.crawled, nv((n) => n.expansions));
    row('CPU time of the process during the run (s)', cf.memory.cpuMs / 1000, wf.memory.cpuMs / 1000, nv((n) => n.memory.cpuMs / 1000), (x) => x.toFixed(2), ff.memory.cpuMs / 1000);
    row('longest event-loop block (ms)', cf.memory.eventLoopMaxMs, wf.memory.eventLoopMaxMs, nv((n) => n.memory.eventLoopMaxMs), int, ff.memory.eventLoopMaxMs);
    row('addresses reached', cf.reached.length, wf.reached.length, nv((n) => n.reached.length), int, ff.reached.length);
    row('endpoints found (address × asset)', cf.endpoints, wf.endpoints, 'n/a');
    row('endpoint addresses (naive: labelled wallets reached)', cf.endpointAddresses, wf.endpointAddresses, nv((n) => `${n.reached.filter(([a]) => labelOf.has(a)).length} labelled`));
    row('holdings', cf.holdings, wf.holdings, 'n/a');
    row('report, as compact JSON (MB)', cf.reportBytes, wf.reportBytes, 'n/a', mb1);
    row('hops', cf.reportHops, wf.reportHops, nv((n) => n.hops), int, ff.hops);

    say(table(['figure', 'tracehold (cold)', 'tracehold (warm)', 'naive', 'ratio naive/tracehold cold', 'floor (token logs only)'], rows.map((r) => r.map(String))));
    say();
    const tf = tokenOnly.figures;
    say(`tracehold, token asked for: ${secs(tf.wallMs)} s, ${int(tokenOnly.wire.rpcCalls)} JSON-RPC calls, CPU ${secs(tf.memory.cpuMs)} s, peak RSS ${mb(tf.memory.peakRssBytes)} MB (${mb(tf.memory.startRssBytes)} MB before the run), longest event-loop block ${int(tf.memory.eventLoopMaxMs)} ms, ${int(tf.reportTransfers)} transfers examined`);
    for (const [name, f] of [['cold', cf], ['warm', wf], ['token asked for', tf]] as const) say(`tracehold ${name}, ${stageLine(f)}`);
    for (const [name, f] of [['cold', cf], ['warm', wf], ['token asked for', tf]] as const) say(`tracehold ${name}, ${stageHeapLine(f.stageHeap)}`);
    say(`tracehold address states (cold): ${Object.entries(cf.states).map(([s, n]) => `${s} ${int(n)}`).join(', ')}; crawled+endpoint set ${int(crawledPlusEndpoints)} of ${int(cf.reached.length)} reached; ` +
      `${int(cf.judgedWithoutHistory)} judged without loading their history (they paid no exchange)`);
    for (const [name, f] of [['cold', cf], ['warm', wf], ['token asked for', tf]] as const) {
      const limit = f.states['address-limit'] ?? 0;
      if (limit > 0) say(`NOTE: tracehold ${name}: ${f.limitations.find((l) => l.includes('TRACEHOLD_MAX_ADDRESSES')) ?? 'stopped at the address limit'}; ${int(limit)} addresses left at it (BENCH_MAX_ADDRESSES raises the limit)`);
    }
    say(`warm run reached the same addresses in the same states as the cold run: ${warmSame ? 'yes' : 'NO'}`);
    if (!naive) say(`reached address sets, naive vs tracehold: not compared (${naiveTimedOutMs !== undefined ? 'the naive tracer did not finish' : 'BENCH_NAIVE=0'})`);
    else say(`reached address sets, naive vs tracehold: ${agree ? 'agree' : 'differ'} (naive ${int(naiveHops.size)}, tracehold ${int(coldStates.size)}, in both ${int(naiveHops.size - onlyNaive.length)})`);
    if (naive && !agree) {
      say(`  only naive: ${describe(onlyNaive, () => 'other')}; only tracehold: ${describe(onlyTracehold, (a) => coldStates.get(a) ?? '?')}`);
      const throughDeposits = onlyNaive.length > 0 && onlyNaive.every((a) => labelOf.has(a)) && onlyTracehold.length === 0;
      if (throughDeposits) {
        say('  why: tracehold stops at an exchange deposit address (the sweep heuristic makes it an endpoint); the naive tracer follows the sweep one hop further to the hot wallet.');
      }
    }

    say(`\nStore writes side by side on the same database (scripts/bench/store-writes.ts, ${int(settings.writeRows)} synthetic transfers into fresh tables of the transfers shape)…`);
    const writes = await measureStoreWrites(database);
    say(`  plain COPY ${int(writes.copy)} rows/s; the store's insertTransfers (stored keys looked up, the rest COPY straight into the table) ${int(writes.store)} rows/s = ${(writes.share * 100).toFixed(0)} % of COPY; the previous unnest INSERT ${int(writes.unnestInsert)} rows/s`);
    const ms = (list: number[]) => list.map((v) => v.toFixed(0)).join(' / ');
    say(`  (medians of ${writes.rounds.copyMs.length} rounds each, taking turns, each into its emptied table: COPY ${ms(writes.rounds.copyMs)} ms, the store ${ms(writes.rounds.storeMs)} ms)`);
    say(`  the store with half the rows stored already (every other one): ${int(writes.halfStored.offered)} rows offered/s = ${((writes.halfStored.offered / writes.copy) * 100).toFixed(0)} % of COPY's rows/s (rounds ${ms(writes.halfStored.ms)} ms)`);
    const reads = writes.historyReads;
    say(`  histories of ${reads.wallets} wallets (${int(reads.transfers)} transfers) read from those rows: ${reads.unanalysedMs.toFixed(1)} ms written by plain COPY (no planner statistics), ${reads.storeMs.toFixed(1)} ms as the store's writes leave them (analysed) = ${(reads.unanalysedMs / Math.max(0.001, reads.storeMs)).toFixed(1)}× (medians of 3)`);

    let retrace: RetraceFigures | undefined;
    let takeover: TakeoverFigures | undefined;
    if (settings.retraceCases > 0) {
      say(`\nRe-trace cost of open cases (scripts/bench/retrace-cost.ts; in this process, its own throwaway database, same proxy and labels)…`);
      retrace = await retraceBench(node, kase, proxy, {
        cases: settings.retraceCases, activeShare: Math.min(100, settings.retraceActivePct) / 100, movesPerCase: 3, quietBlocks: 5,
        model: settings.model, maxHops: settings.maxHops, db: database.kind,
      }, say);
      const r = retrace;
      const phases: Array<[string, (p: PhaseFigures) => string]> = [
        ['wall time (s)', (p) => secs(p.wallMs)],
        ['cases traced', (p) => int(p.cases)],
        ['new blocks since the last trace (first: the case range)', (p) => int(p.newBlocks)],
        ['JSON-RPC calls seen by the proxy', (p) => int(p.wire.rpcCalls)],
        ['HTTP requests seen by the proxy', (p) => int(p.wire.httpRequests)],
        ['JSON-RPC calls per case', (p) => p.callsPerCase.toFixed(1)],
        ['  of which the batched prefetch (RetraceResult.rpcCalls)', (p) => (p === r.first ? '—' : int(p.prefetchRpcCalls))],
        ['  sum of the runs\' report.stats.rpcCalls', (p) => int(p.runRpcCalls)],
        ['wallets prefetched', (p) => (p === r.first ? '—' : int(p.prefetchAddresses))],
        ['cases reusing their last result / resumed from their last crawl state', (p) => (p === r.first ? '—' : `${int(p.reused)} / ${int(p.resumed)}`)],
        ['transfers stored (new rows)', (p) => int(p.transfersStored)],
        ['endpoints (all cases)', (p) => int(p.endpoints)],
        ['new endpoints', (p) => int(p.newEndpoints)],
        ['holdings (all cases)', (p) => int(p.holdings)],
        ['alerts raised (retrace_runs.alerts_raised)', (p) => (p.alertsRaisedBatch === null ? '—' : int(p.alertsRaisedBatch))],
        ['alerts by kind (alerts table)', (p) => Object.entries(p.alertsByKind).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'],
        ['new draft requests', (p) => (p === r.first ? '—' : int(p.draftsNew))],
      ];
      say(table(['figure', `first trace (${r.cases} cases)`, 'quiet re-trace', 'active re-trace'], phases.map(([f, fn]) => [f, fn(r.first), fn(r.quiet), fn(r.active)])));
      for (const [name, p] of [['first trace', r.first], ['quiet re-trace', r.quiet], ['active re-trace', r.active]] as const) say(`${name} calls by method: ${topMethods(p.wire.byMethod, 8) || 'none'}`);
      say(`active night: ${r.activeCases} of ${r.cases} cases had ${r.activity.movedWallets} held wallets move (${r.activity.transactions} transactions in ${r.activity.blocks} blocks); the quiet night was ${r.quiet.newBlocks} empty blocks.`);
      if (settings.takeoverAddresses > 0 && database.kind === 'pg') {
        const testDb = await createTestDb({ poolSize: 2 });
        try {
          takeover = await takeoverCost(testDb.db, settings.takeoverAddresses);
        } finally {
          await testDb.drop();
        }
        const megabytes = (bytes: number) => (Math.max(0, bytes) / 1e6).toFixed(1);
        const nights = (list: TakeoverFigures['named']) =>
          `${list.map((n) => int(n.ms)).join(' / ')} ms, database +${list.map((n) => megabytes(n.grewBytes)).join(' / ')} MB`;
        say(`quiet nights of one large case (scripts/bench/takeover-cost.ts: ${int(takeover.addresses)} wallets, nodes and flows, a ${megabytes(takeover.reportBytes)} MB report; three nights each way):`);
        say(`  the store's take-over (the run names the computing run): ${nights(takeover.named)}; rows written to the case's tables: ${int(takeover.namedRows)}`);
        say(`  copying the case's rows and report into the new run (the way before): ${nights(takeover.copied)}`);
      }
    }

    let scale: ScaleFigures[] | undefined;
    if (settings.scaleCases > 0) {
      say(`\nScale-out (scripts/bench/worker-scale.ts): the same ${settings.scaleCases} cases (one per L1 wallet) through BullMQ with 1, then 2 worker processes, each on an empty database…`);
      scale = await workerScaleBench(kase, proxy, { cases: settings.scaleCases, workers: [1, 2], model: settings.model, maxHops: settings.maxHops, redisUrl: settings.redisUrl }, say);
      if (scale.length === 2) say(`  2 vs 1 worker processes: ${(scale[1]!.casesPerMinute / scale[0]!.casesPerMinute).toFixed(2)}× the cases per minute (2 cores, shared with the node and Postgres)`);
    }

    say('\nAgainst the goals of issue 10 (figures from this run; other processes on the machine count too):');
    for (const line of goalLines({
      cold: { ...cf, wire: cold.wire }, warm: wf, tokenOnly: { ...tokenOnly.figures, wire: tokenOnly.wire }, naive: nf, floor: { ...ff, wire: floor.wire },
      floorNative: { ...floorNative.figures, wire: floorNative.wire },
      writes, retrace, latencyMs: settings.rpcLatencyMs, baseline, transfers: settings.transfers, db: database.kind, naiveTimedOutMs,
      ...(grown ? { grown: { wallMs: grown.run.figures.wallMs, rpcCalls: grown.run.wire.rpcCalls, transfers: grown.fill.transfers, same: grown.same } } : {}),
    })) say(`  ${line}`);

    say(`\nwhole bench (build + ${(naive ? 5 : 4) + (grown ? 1 : 0)} runs${retrace ? ' + re-trace section' : ''}${scale ? ' + scale-out section' : ''}) ${secs(Date.now() - started)} s`);

    const results = {
      at: new Date().toISOString(),
      settings: { ...settings, out: undefined },
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model.trim(), node: process.version },
      database: database.kind,
      case: { fromBlock: kase.fromBlock, toBlock: kase.toBlock, seeds: kase.seedTxs, ...kase.built },
      tracehold: {
        cold: { ...cf, reached: undefined, reachedCount: cf.reached.length, wire: cold.wire },
        warm: { ...wf, reached: undefined, reachedCount: wf.reached.length, wire: warm.wire },
        coldTokenOnly: { ...tokenOnly.figures, reached: undefined, reachedCount: tokenOnly.figures.reached.length, wire: tokenOnly.wire },
        grownTokenOnly: grown ? { ...grown.run.figures, reached: undefined, reachedCount: grown.run.figures.reached.length, wire: grown.run.wire, fill: grown.fill, sameAsEmpty: grown.same } : null,
      },
      naive: naive ? { ...naive.figures, reached: undefined, reachedCount: naive.figures.reached.length, wire: naive.wire, concurrency: settings.naiveConcurrency }
        : naiveTimedOutMs !== undefined ? { timedOutMs: naiveTimedOutMs } : null,
      floor: { ...ff, reached: undefined, reachedCount: ff.reached.length, wire: floor.wire },
      floorNative: { ...floorNative.figures, reached: undefined, reachedCount: floorNative.figures.reached.length, wire: floorNative.wire },
      storeWrites: writes,
      takeover: takeover ?? null,
      comparison: {
        reachedAgree: naive ? agree : null,
        onlyNaive,
        onlyTracehold,
        warmSameAsCold: warmSame,
        table: rows.map(([figure, c, w, n, r, f]) => ({ figure, traceholdCold: c, traceholdWarm: w, naive: n, ratioNaiveOverCold: r, floor: f })),
      },
      retrace,
      scale,
      totalMs: Date.now() - started,
    };
    fs.mkdirSync(path.dirname(settings.out), { recursive: true });
    fs.writeFileSync(settings.out, JSON.stringify(results, null, 2) + '\n');
    say(`figures written to ${path.relative(process.cwd(), settings.out)}`);
  } finally {
    for (const child of children) child.kill();
    await proxy?.close();
    await database?.drop().catch((error: unknown) => process.stderr.write(`could not drop the bench database: ${(error as Error).message}\n`));
    await node?.close();
  }
}

exitOnSignals(); // Ctrl-C still removes the anvil node's states
bench().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
