// `npm run bench:engine`: the taint engine alone (no node, no database): ENGINE_TRANSFERS
// synthetic transfers of a laundering graph through propagateTaint and computeHops, per
// model, in this process. Each model runs twice: synchronously (time, transfers/s, the memory
// its result keeps) and time-sliced as a queue worker would run it (propagateTaintSliced,
// computeHopsSliced), with the longest event-loop block measured by perf_hooks'
// monitorEventLoopDelay, and the longest garbage-collection pause in it. Prints every figure against its goal (issue 10). Figures only,
// never asserted.
//
//   ENGINE_TRANSFERS  transfers (default 1000000)
//   ENGINE_WALLETS    wallets they move between (default ENGINE_TRANSFERS / 10)
//   ENGINE_MODELS     comma-separated taint models (default poison,fifo,haircut)
//   ENGINE_SLICE_MS   the sliced run's slice (default 25, as the engine's)
//   ENGINE_OUT        JSON output (default bench-results/engine.json)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { constants as perf, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { computeHops, computeHopsSliced, type HopResult } from '../services/domain/hops';
import { propagateTaint, propagateTaintSliced, type LedgerSpec, type TaintInput, type TaintResult } from '../services/domain/taint';
import { seeded } from '../test/support/random';
import { TAINT_MODELS, transferId, type TaintModel, type Transfer } from '../services/domain/types';

const count = (name: string, fallback: number) => {
  const raw = process.env[name]?.trim();
  const n = raw ? Number(raw) : fallback;
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1, got "${raw}"`);
  return n;
};
const transfersWanted = count('ENGINE_TRANSFERS', 1_000_000);
const walletCount = count('ENGINE_WALLETS', Math.max(10, Math.floor(transfersWanted / 10)));
const models = (process.env.ENGINE_MODELS?.trim() || 'poison,fifo,haircut').split(',').map((m) => m.trim()) as TaintModel[];
for (const m of models) if (!TAINT_MODELS.includes(m)) throw new Error(`unknown model ${m}`);
const out = process.env.ENGINE_OUT?.trim() || path.join(process.cwd(), 'bench-results', 'engine.json');
const sliceMs = Number(process.env.ENGINE_SLICE_MS?.trim() || 25);
if (!(sliceMs >= 0)) throw new Error(`ENGINE_SLICE_MS must be a number ≥ 0, got "${process.env.ENGINE_SLICE_MS}"`);

const say = (text = '') => process.stdout.write(text + '\n');
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
const int = (n: number) => Math.round(n).toLocaleString('en-US');


/**
 * Flat, as the strings of rows read from a database or JSON are: `'0x' + digits` is a cons
 * string, which the engine's first look at its characters flattens into a copy (17 MB for the
 * transaction hashes alone), counted against the engine though the real input has none.
 */
const hex = (i: number, width: number) => ['0x', i.toString(16).padStart(width, '0')].join('');

/**
 * The scam wallet (wallet 0, the source) and victims' seed payments start it; every later
 * transfer moves part of a funded wallet's balance to another wallet (new ones first, then
 * anyone: money comes back together), with clean inflows from outside now and then.
 * 100 transfers per block, 5 per transaction, as token logs.
 */
function syntheticCase(n: number, wallets: number) {
  const next = seeded(42);
  const address = Array.from({ length: wallets }, (_, i) => hex(i + 1, 40));
  const outside = Array.from({ length: 1000 }, (_, i) => hex(10_000_000 + i, 40));
  const balance = new Array<bigint>(wallets).fill(0n);
  const funded: number[] = [];
  const transfers: Transfer[] = [];
  const seeds = new Set<string>();
  const token = '0xdac17f958d2ee523a2206206994597c13d831ec7';
  let reachedNew = 1;
  // One string per transaction hash, block hash and ref, shared by the transfers that have it.
  const refs = Array.from({ length: 5 }, (_, k) => `log:${k}`);
  let txHash = '';
  let blockHash = '';
  const push = (from: string, to: string, amount: bigint) => {
    const i = transfers.length;
    const block = 1_000_000 + Math.floor(i / 100);
    if (i % 5 === 0) txHash = hex(Math.floor(i / 5), 64);
    if (i % 100 === 0) blockHash = hex(block, 64);
    const t: Transfer = {
      chain: 'synthetic', txHash, blockNumber: block, blockHash, timestamp: 1_700_000_000 + block * 12,
      txIndex: Math.floor((i % 100) / 5), ref: refs[i % 5]!, seq: 1_000_000 + (i % 5), kind: 'token', asset: token, from, to, amount,
    };
    transfers.push(t);
    return t;
  };
  for (let v = 0; v < 10; v++) {
    const amount = 10n ** 12n;
    seeds.add(transferId(push(outside[v]!, address[0]!, amount)));
    balance[0] = balance[0]! + amount;
  }
  funded.push(0);
  while (transfers.length < n) {
    if (next() < 0.1) {
      const to = funded[Math.floor(next() * funded.length)]!;
      const amount = BigInt(1 + Math.floor(next() * 1e9));
      push(outside[Math.floor(next() * outside.length)]!, address[to]!, amount);
      balance[to] = balance[to]! + amount;
      continue;
    }
    const from = funded[Math.floor(next() * funded.length)]!;
    const to = reachedNew < wallets && next() < 0.6 ? reachedNew++ : Math.floor(next() * reachedNew);
    if (balance[from]! === 0n || from === to) continue;
    const amount = balance[from]! / BigInt(2 + Math.floor(next() * 3));
    if (amount === 0n) continue;
    push(address[from]!, address[to]!, amount);
    balance[from] = balance[from]! - amount;
    if (balance[to] === 0n) funded.push(to);
    balance[to] = balance[to]! + amount;
  }
  const ledgers = new Map<string, LedgerSpec>(address.slice(0, reachedNew).map((a, i) => [a, { fromBlock: 0, opening: new Map(), source: i === 0 }]));
  return { transfers, seeds, ledgers, sources: new Set([address[0]!]) };
}
type Case = ReturnType<typeof syntheticCase>;

/** The kernel's high-water mark of this process's RSS: a timer cannot sample inside one synchronous call. */
const maxRss = () => process.resourceUsage().maxRSS * 1024;

/** Heap in use once garbage is gone: one gc() can leave some behind (finalizers, a cycle in progress). */
async function settledHeap(): Promise<number> {
  for (let k = 0; k < 4; k++) {
    global.gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

const GC_KINDS: Record<number, string> = {
  [perf.NODE_PERFORMANCE_GC_MINOR]: 'scavenge', [perf.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [perf.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [perf.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
};

const GOALS = {
  seconds: 30, // 1M transfers through propagation and hops, per model
  transfersPerSec: 50_000,
  peakRssBytes: 1e9, // 1 GB = 954 MiB
  bytesPerTransfer: 300,
  eventLoopBlockMs: 200,
};

/** What two runs must agree on, in a few numbers (the differential test compares everything). */
function digest(taint: TaintResult, hops: HopResult): string {
  let tainted = 0n;
  for (const v of taint.tainted.values()) tainted += v;
  let held = 0n;
  for (const a of taint.accounts.values()) held += a.taintedHeld;
  let hopSum = 0;
  for (const h of hops.transferHop.values()) hopSum += h;
  return `${taint.tainted.size}/${tainted}/${taint.accounts.size}/${held}/${taint.gaps.length}/${hops.transferHop.size}/${hopSum}`;
}

/** The tainted transfers and their ids, in the order of the result: what a caller hands computeHops. */
function selectTainted(taint: TaintResult, transfers: readonly Transfer[]): { transferIds: string[]; transfers: Transfer[] } {
  // The result lists them in chain order, the order the case was built in: one walk, no id built.
  // Both arrays sized once: pushing a million entries would leave ~twice that in outgrown copies.
  const transferIds = new Array<string>(taint.tainted.size);
  let k = 0;
  for (const id of taint.tainted.keys()) transferIds[k++] = id;
  const tainted = new Array<Transfer>(transferIds.length);
  k = 0;
  for (const t of transfers) {
    const id = transferIds[k];
    if (id !== undefined && id.length === t.txHash.length + 1 + t.ref.length && id.startsWith(t.txHash) && id.endsWith(t.ref)) tainted[k++] = t;
  }
  if (k !== transferIds.length) throw new Error(`selected ${k} of ${transferIds.length} tainted transfers`);
  return { transferIds, transfers: tainted };
}

// The synchronous and the sliced run are functions of their own, so that what each holds dies
// when it returns: an async function keeps its locals alive until they are overwritten, which
// kept one run's tainted ids (80 MB at 1M) alive through the next run, and the next model's.

/** Synchronous: speed, and what the result keeps alive. */
async function runSync(input: TaintInput, kase: Case) {
  const heapBefore = await settledHeap();
  let started = performance.now();
  const taint = propagateTaint(input);
  const propagateMs = performance.now() - started;
  // What a caller does between the two, not counted.
  started = performance.now();
  const selected = selectTainted(taint, kase.transfers);
  const selectMs = performance.now() - started;
  started = performance.now();
  const hops = computeHops({ ...selected, seedTransfers: kase.seeds, sources: kase.sources });
  const hopsMs = performance.now() - started;
  // What the engine's result keeps alive (taint, parents, accounts, hops), input excluded.
  const retained = (await settledHeap()) - heapBefore;
  return {
    propagateMs, selectMs, hopsMs, retained, digest: digest(taint, hops),
    taintedTransfers: taint.tainted.size, accounts: taint.accounts.size, maxHop: largest(hops.addressHop.values()),
  };
}

/** The largest of the numbers, 0 for none: a spread as `Math.max`'s arguments overflows the stack past ~120,000. */
function largest(values: Iterable<number>): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}

/**
 * Time-sliced, as a worker runs it: how long the event loop waits at most in the engine's
 * calls. Selecting the tainted transfers between them is the caller's work (synchronous here
 * as in the tracer) and falls between the two monitors.
 */
async function runSliced(input: TaintInput, kase: Case) {
  // The longest garbage-collection pause within it (one cause of a long block), and its kind.
  const longestGc = { ms: 0, kind: 'none' };
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration > longestGc.ms) Object.assign(longestGc, { ms: e.duration, kind: GC_KINDS[(e.toJSON() as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other' });
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  // One monitor per call: a monitor re-enabled would count the time it was off as a delay.
  const blocks = [monitorEventLoopDelay({ resolution: 10 }), monitorEventLoopDelay({ resolution: 10 })] as const;
  blocks[0].enable();
  let started = performance.now();
  const taint = await propagateTaintSliced(input, { sliceMs });
  let ms = performance.now() - started;
  blocks[0].disable();
  const selected = selectTainted(taint, kase.transfers);
  blocks[1].enable();
  started = performance.now();
  const hops = await computeHopsSliced({ ...selected, seedTransfers: kase.seeds, sources: kase.sources }, { sliceMs });
  ms += performance.now() - started;
  blocks[1].disable();
  await new Promise((resolve) => setImmediate(resolve)); // the observer's last entries
  gcs.disconnect();
  return { ms, blockMs: Math.max(blocks[0].max, blocks[1].max) / 1e6, longestGc, digest: digest(taint, hops) };
}

async function runModel(model: TaintModel, kase: Case) {
  const n = kase.transfers.length;
  const input: TaintInput = { model, transfers: kase.transfers, ledgers: kase.ledgers, seedTransfers: kase.seeds, stops: new Set<string>() };
  const sync = await runSync(input, kase);
  await settledHeap();
  const sliced = await runSliced(input, kase);
  const { propagateMs, selectMs, hopsMs, retained } = sync;
  const figures = {
    model, transfers: n, taintedTransfers: sync.taintedTransfers, accounts: sync.accounts, maxHop: sync.maxHop,
    propagateMs, hopsMs, selectMs, transfersPerSec: n / ((propagateMs + hopsMs) / 1000),
    resultBytes: retained, resultBytesPerTransfer: retained / n,
    /** Each is one synchronous call: the event loop is blocked this long. */
    syncEventLoopBlockMs: Math.max(propagateMs, hopsMs),
    slicedMs: sliced.ms, slicedEventLoopBlockMs: sliced.blockMs, slicedLongestGcMs: sliced.longestGc.ms, slicedLongestGcKind: sliced.longestGc.kind,
    slicedSameAnswers: sliced.digest === sync.digest, peakRssBytes: maxRss(),
  };
  say(`${model}: ${((propagateMs + hopsMs) / 1000).toFixed(1)} s (propagate ${(propagateMs / 1000).toFixed(1)} s, hops ${(hopsMs / 1000).toFixed(1)} s; selecting the tainted transfers between them ${(selectMs / 1000).toFixed(1)} s, not counted) = ${int(figures.transfersPerSec)} transfers/s; ` +
    `${int(figures.taintedTransfers)} tainted, ${int(figures.accounts)} accounts, max hop ${figures.maxHop}; result ${mib(retained)} MiB = ${int(figures.resultBytesPerTransfer)} bytes per transfer; ` +
    `synchronous: event loop blocked ${int(figures.syncEventLoopBlockMs)} ms; sliced (${sliceMs} ms): ${(figures.slicedMs / 1000).toFixed(1)} s, longest event-loop block ${int(figures.slicedEventLoopBlockMs)} ms (longest GC pause ${int(figures.slicedLongestGcMs)} ms, ${figures.slicedLongestGcKind}), same answers: ${figures.slicedSameAnswers ? 'yes' : 'NO'}; process peak RSS so far ${mib(figures.peakRssBytes)} MiB = ${mb(figures.peakRssBytes)} MB`);
  return figures;
}

async function main() {
  say(`engine benchmark: ${int(transfersWanted)} synthetic transfers between ${int(walletCount)} wallets; models ${models.join(', ')}; node ${process.version}`);
  const heapStart = await settledHeap();
  const rssStart = process.memoryUsage().rss;
  let started = performance.now();
  const kase = syntheticCase(transfersWanted, walletCount);
  const buildMs = performance.now() - started;
  const heapInput = await settledHeap();
  const rssInput = process.memoryUsage().rss;
  const n = kase.transfers.length;
  say(`input: ${int(n)} transfers, ${int(kase.ledgers.size)} ledgers, built in ${(buildMs / 1000).toFixed(1)} s; RSS ${mib(rssStart)} → ${mib(rssInput)} MiB; ` +
    `heap ${int((heapInput - heapStart) / n)} bytes per input transfer (Transfer objects; not counted below)`);

  const results = [];
  for (const model of models) results.push(await runModel(model, kase));

  const worst = {
    seconds: Math.max(...results.map((r) => (r.propagateMs + r.hopsMs) / 1000)),
    transfersPerSec: Math.min(...results.map((r) => r.transfersPerSec)),
    peakRssBytes: maxRss(),
    bytesPerTransfer: Math.max(...results.map((r) => r.resultBytesPerTransfer)),
    eventLoopBlockMs: Math.max(...results.map((r) => r.slicedEventLoopBlockMs)),
  };
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const scale = n === 1_000_000 ? '' : ` (measured at ${int(n)} transfers, goals are for 1M)`;
  say(`\ngoals (issue 10, engine only, 1M transfers)${scale}, worst model:`);
  say(`  time (propagate + hops)        ${worst.seconds.toFixed(1)} s`.padEnd(52) + `goal < ${GOALS.seconds} s: ${met(worst.seconds < GOALS.seconds)}`);
  say(`  transfers examined per second  ${int(worst.transfersPerSec)}`.padEnd(52) + `goal ≥ ${int(GOALS.transfersPerSec)}: ${met(worst.transfersPerSec >= GOALS.transfersPerSec)}`);
  say(`  peak RSS (process, input incl.) ${mb(worst.peakRssBytes)} MB = ${mib(worst.peakRssBytes)} MiB`.padEnd(52) +
    `goal < 1 GB (1,000,000,000 bytes = 954 MiB): ${met(worst.peakRssBytes < GOALS.peakRssBytes)}` +
    ` (${mib(worst.peakRssBytes - rssInput)} MiB above the process with its input built)`);
  say(`  bytes per transfer (result)    ${int(worst.bytesPerTransfer)}`.padEnd(52) + `goal ≤ ${GOALS.bytesPerTransfer}: ${met(worst.bytesPerTransfer <= GOALS.bytesPerTransfer)}`);
  say(`  longest event-loop block (sliced) ${int(worst.eventLoopBlockMs)} ms`.padEnd(52) + `goal ≤ ${GOALS.eventLoopBlockMs} ms: ${met(worst.eventLoopBlockMs <= GOALS.eventLoopBlockMs)}`);
  if (results.some((r) => !r.slicedSameAnswers)) say('  the sliced run did NOT give the synchronous answers');
  say('\nper model: longest event-loop block (sliced) and longest GC pause in it; process peak RSS after the model (the kernel\'s high-water mark: cumulative)');
  for (const r of results) {
    say(`  ${r.model.padEnd(8)} ${int(r.slicedEventLoopBlockMs).padStart(6)} ms  (GC ${int(r.slicedLongestGcMs).padStart(4)} ms ${r.slicedLongestGcKind.padEnd(11)})` +
      `${mb(r.peakRssBytes).padStart(7)} MB = ${mib(r.peakRssBytes).padStart(5)} MiB`);
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), transfers: n, wallets: walletCount, sliceMs, inputRssBytes: rssInput - rssStart, inputHeapBytes: heapInput - heapStart, goals: GOALS, worst, results }, null, 2) + '\n');
  say(`figures written to ${path.relative(process.cwd(), out)}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`engine bench failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
