// `npm run bench:engine`: the taint engine alone (no node, no database): ENGINE_TRANSFERS
// synthetic transfers of a laundering graph through propagateTaint and computeHops, per
// model, in this process. Prints time, transfers/s, memory and the event-loop block the
// synchronous propagation causes. Figures only, never asserted.
//
//   ENGINE_TRANSFERS  transfers (default 1000000)
//   ENGINE_WALLETS    wallets they move between (default ENGINE_TRANSFERS / 10)
//   ENGINE_MODELS     comma-separated taint models (default poison,fifo,haircut)
//   ENGINE_OUT        JSON output (default bench-results/engine.json)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeHops } from '../services/domain/hops';
import { propagateTaint, type LedgerSpec } from '../services/domain/taint';
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

const say = (text = '') => process.stdout.write(text + '\n');
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const int = (n: number) => Math.round(n).toLocaleString('en-US');


const hex = (i: number, width: number) => '0x' + i.toString(16).padStart(width, '0');

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
  const push = (from: string, to: string, amount: bigint) => {
    const i = transfers.length;
    const block = 1_000_000 + Math.floor(i / 100);
    const t: Transfer = {
      chain: 'synthetic', txHash: hex(Math.floor(i / 5), 64), blockNumber: block, blockHash: hex(block, 64), timestamp: 1_700_000_000 + block * 12,
      txIndex: Math.floor((i % 100) / 5), ref: `log:${i % 5}`, seq: 1_000_000 + (i % 5), kind: 'token', asset: token, from, to, amount,
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

/** The kernel's high-water mark of this process's RSS: a timer cannot sample inside one synchronous call. */
const maxRss = () => process.resourceUsage().maxRSS * 1024;

async function main() {
  say(`engine benchmark: ${int(transfersWanted)} synthetic transfers between ${int(walletCount)} wallets; models ${models.join(', ')}; node ${process.version}`);
  global.gc?.();
  const rssStart = process.memoryUsage().rss;
  let started = performance.now();
  const kase = syntheticCase(transfersWanted, walletCount);
  const buildMs = performance.now() - started;
  global.gc?.();
  const rssInput = process.memoryUsage().rss;
  say(`input: ${int(kase.transfers.length)} transfers, ${int(kase.ledgers.size)} ledgers, built in ${(buildMs / 1000).toFixed(1)} s; RSS ${mb(rssStart)} → ${mb(rssInput)} MB (${int((rssInput - rssStart) / kase.transfers.length)} bytes per input transfer)`);

  const results = [];
  for (const model of models) {
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    started = performance.now();
    const taint = propagateTaint({ model, transfers: kase.transfers, ledgers: kase.ledgers, seedTransfers: kase.seeds, stops: new Set() });
    const propagateMs = performance.now() - started;
    started = performance.now();
    const tainted = kase.transfers.filter((t) => taint.tainted.has(transferId(t)));
    const hops = computeHops({ transfers: tainted, seedTransfers: kase.seeds, sources: kase.sources });
    const hopsMs = performance.now() - started;
    global.gc?.();
    // What the engine's result keeps alive (taint, parents, accounts, hops), input excluded.
    const retained = process.memoryUsage().heapUsed - heapBefore;
    const peak = maxRss();
    const totalMs = propagateMs + hopsMs;
    const figures = {
      model, transfers: kase.transfers.length, taintedTransfers: taint.tainted.size, accounts: taint.accounts.size, maxHop: Math.max(0, ...hops.addressHop.values()),
      propagateMs, hopsMs, transfersPerSec: kase.transfers.length / (totalMs / 1000),
      peakRssBytes: peak, resultBytes: retained, resultBytesPerTransfer: retained / kase.transfers.length,
      /** Both are one synchronous call: the event loop is blocked this long. */
      eventLoopBlockMs: Math.max(propagateMs, hopsMs),
    };
    results.push(figures);
    say(`${model}: ${(totalMs / 1000).toFixed(1)} s (propagate ${(propagateMs / 1000).toFixed(1)} s, hops ${(hopsMs / 1000).toFixed(1)} s) = ${int(figures.transfersPerSec)} transfers/s; ` +
      `${int(figures.taintedTransfers)} tainted, ${int(figures.accounts)} accounts, max hop ${figures.maxHop}; process peak RSS so far ${mb(peak)} MB; result ${mb(retained)} MB = ${int(figures.resultBytesPerTransfer)} bytes per transfer; event loop blocked ${int(figures.eventLoopBlockMs)} ms`);
  }
  const worstMs = Math.max(...results.map((r) => r.propagateMs + r.hopsMs));
  const worstRss = Math.max(...results.map((r) => r.peakRssBytes));
  say(`\ngoals (issue 10, engine only, 1M transfers): slowest model ${(worstMs / 1000).toFixed(1)} s (goal < 30 s): ${worstMs < 30_000 ? 'met' : 'NOT met'}; peak RSS ${mb(worstRss)} MB (goal < 1 GB): ${worstRss < 2 ** 30 ? 'met' : 'NOT met'}` +
    (transfersWanted === 1_000_000 ? '' : ` (measured at ${int(transfersWanted)}, not 1M)`));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), transfers: kase.transfers.length, wallets: walletCount, inputRssBytes: rssInput - rssStart, results }, null, 2) + '\n');
  say(`figures written to ${path.relative(process.cwd(), out)}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`engine bench failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
