// The re-trace of open cases (nightly, on demand, or when the watch sees funds move), at the
// cost of the news. First, for every open case of a chain at once, the new blocks of every
// wallet the cases' last runs watch are fetched in one pass (one eth_getLogs serves many
// wallets of many cases, the scanned-range cache skips what is stored) and one query asks
// which of those wallets moved since each case's last run. Then per case:
// - nothing it watches moved, its inputs are the same (case, settings, labels: see
//   services/tracing/run-inputs.ts) and its last block is still canonical: the last result
//   holds at the new tip and is taken over (no recompute): the new run names the run that
//   computed it, whose crawl state, graph, endpoints and report it reads (the report at the
//   new block), and writes none of them again;
// - something moved: a new trace run starts from the last run's crawl state (its wallets and
//   windows) and the taint of the run that computed it, deciding again only the wallets with
//   new transfers, so the steps recompute what the news reaches instead of starting at hop 0;
// - otherwise (first trace, other inputs, a reorg, not an EVM chain): a full trace.
import { queueRunCallback } from '../callbacks/notify';
import { MULTI_CHAIN } from '../domain/multi-chain-report';
import { ConflictError } from '../errors';
import type { Address } from '../domain/types';
import { type CaseRow, type RetraceTrigger, type RunRow } from '../store';
import { createChainData } from '../tracing/chain-data';
import { startTrace } from '../tracing/cases';
import type { TraceDeps } from '../tracing/deps';
import { runInputs } from '../tracing/run-inputs';
import { chainConfig } from '../../config';

export interface RetraceResult {
  retraceRunId: string;
  /** Cases re-traced: a new run queued, or (see `reused`) the last result taken over. */
  queued: { caseId: string; runId: string }[];
  /** Of `queued`, the cases whose last result still held: their run is done already. */
  reused: string[];
  /** Of `queued`, the cases whose run starts from the last run's crawl state. */
  resumed: string[];
  /** Cases left alone because a trace of them is already queued or running. */
  skipped: string[];
  addresses: number;
  rpcCalls: number;
}

/** What the re-trace does with one case. */
type Plan =
  | { kind: 'reuse'; previous: RunRow; inputs: string; toBlock: number; toBlockHash: string | null }
  | { kind: 'resume'; previous: RunRow; redo: Address[]; moved: Address[] }
  | { kind: 'full' };

export async function retraceCases(deps: TraceDeps, options: { trigger: RetraceTrigger; caseIds?: string[] }): Promise<RetraceResult> {
  const batch = await deps.store.retrace.start(options.trigger);
  let addresses = 0;
  let rpcCalls = 0;
  try {
    const cases = await openCases(deps, options.caseIds);
    const plans = new Map<string, Plan>();
    for (const [chain, group] of byChain(cases)) {
      const planned = await planChain(deps, chain, group);
      addresses += planned.addresses;
      rpcCalls += planned.rpcCalls;
      for (const [id, plan] of planned.plans) plans.set(id, plan);
    }
    // Case by case, a few at once (each is a handful of database round trips): results in
    // the order of the cases.
    const outcomes = await mapLimit(cases, CASES_AT_ONCE, async (kase) => {
      const plan = plans.get(kase.id) ?? { kind: 'full' as const };
      try {
        if (plan.kind === 'reuse') return { kase, plan, runId: await reuseLastResult(deps, kase, plan, batch.id) };
        const prepare = plan.kind === 'resume' ? (id: string) => resumeFrom(deps, id, plan.previous, plan.redo, plan.moved) : undefined;
        const { runId } = await startTrace(deps, kase.id, { ...(prepare ? { prepare } : {}) });
        await deps.store.retrace.link(runId, batch.id);
        return { kase, plan, runId };
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        return { kase, plan, runId: null };
      }
    });
    const queued = outcomes.filter((o) => o.runId !== null).map((o) => ({ caseId: o.kase.id, runId: o.runId! }));
    const reused = outcomes.filter((o) => o.runId !== null && o.plan.kind === 'reuse').map((o) => o.kase.id);
    const resumed = outcomes.filter((o) => o.runId !== null && o.plan.kind === 'resume').map((o) => o.kase.id);
    const skipped = outcomes.filter((o) => o.runId === null).map((o) => o.kase.id);
    await deps.store.retrace.finish(batch.id, { status: 'done', cases: queued.length, addresses, rpcCalls });
    return { retraceRunId: batch.id, queued, reused, resumed, skipped, addresses, rpcCalls };
  } catch (error) {
    await deps.store.retrace.finish(batch.id, { status: 'failed', cases: 0, addresses, rpcCalls, error: (error as Error).message });
    throw error;
  }
}

/** Cases re-traced at once: a few, within a database pool's connections. */
const CASES_AT_ONCE = 4;

/** `fn` over the items, at most `limit` at a time; results in the items' order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Open cases: not closed, traced at least once (or failed), or exactly those asked for. */
async function openCases(deps: TraceDeps, caseIds?: string[]): Promise<CaseRow[]> {
  if (caseIds) {
    const found = (await Promise.all(caseIds.map((id) => deps.store.cases.get(id)))).filter((c): c is CaseRow => c !== null && c.closedAt === null);
    // A case across chains is re-traced chain by chain: its per-chain cases.
    const expanded = await Promise.all(found.map(async (c) => (c.chain === MULTI_CHAIN ? deps.store.cases.children(c.id) : [c])));
    return expanded.flat().filter((c) => c.closedAt === null);
  }
  const all = await deps.store.cases.list({ limit: 100_000 });
  return all.filter((c) => c.closedAt === null && (c.status === 'traced' || c.status === 'failed'));
}

function byChain(cases: CaseRow[]): Map<string, CaseRow[]> {
  const groups = new Map<string, CaseRow[]>();
  for (const c of cases) {
    const group = groups.get(c.chain);
    if (group) group.push(c);
    else groups.set(c.chain, [c]);
  }
  return groups;
}

/** Wallets whose history a run follows (taint passes through them). */
const LEDGERS = new Set(['source', 'crawled']);

interface LastRun {
  kase: CaseRow;
  run: RunRow;
  /** Every address whose new transfers could change the answer (from the block after the run's). */
  watched: Set<Address>;
  /** The run's sources (a moved source is not decided again). */
  sources: Set<Address>;
  /** No limitation of the report names the run's block (holdings not checked at block N). */
  blockFree: boolean;
  toBlock: number;
}

/**
 * The plan of every case of one chain: fetch the new blocks of every watched wallet of every
 * case in one pass, then one query for which of them moved. Of each last run only what the
 * plan needs is kept (its watched wallets, sources, whether a limitation names its block):
 * not its crawl state or its report (a 100k case's is 18 MB), read a few cases at a time.
 */
async function planChain(deps: TraceDeps, chain: string, cases: CaseRow[]): Promise<{ plans: Map<string, Plan>; addresses: number; rpcCalls: number }> {
  const plans = new Map<string, Plan>();
  if (chainConfig(deps.config, chain).kind !== 'evm') return { plans, addresses: 0, rpcCalls: 0 };
  const source = deps.chains.get(chain);
  const before = source.stats().rpcCalls;
  const windows = new Map<Address, number>();
  const watch = (address: Address, from: number) => windows.set(address, Math.min(windows.get(address) ?? from, from));
  const read = await mapLimit(cases, CASES_AT_ONCE, async (kase): Promise<Omit<LastRun, 'toBlock'> | null> => {
    const run = await deps.store.runs.latestForCase(kase.id);
    if (!run || run.status !== 'done' || run.toBlock === null) return null;
    const outline = await deps.store.runs.reportOutline(run.id);
    if (!outline) return null;
    const runTo = run.toBlock;
    // Ledgers from their windows (the re-trace's steps read them), the rest from the run's end.
    const watched = new Set<Address>();
    const sources = new Set<Address>();
    for (const a of await deps.store.runs.addresses(run.id)) {
      if (LEDGERS.has(a.state)) watch(a.address, a.fromBlock ?? 0);
      if (LEDGERS.has(a.state) || a.state === 'deposit') watched.add(a.address);
      if (a.state === 'source') sources.add(a.address);
    }
    // Holdings sit at wallets the run may not follow (past the hop limit, under the minimum):
    // their report line is capped at the wallet's balance, which only their transfers change.
    for (const address of outline.holdings) watched.add(address);
    for (const address of watched) watch(address, runTo + 1);
    // A limitation may name the last run's block (holdings not checked at block N): recompute.
    const blockFree = !outline.limitations.some((text) => new RegExp(`\\bblock ${runTo}\\b`).test(text));
    return { kase, run, watched, sources, blockFree };
  });
  const tip = read.some((r) => r !== null) ? await source.tip() : undefined;
  const lastRuns: LastRun[] = [];
  for (const r of read) {
    if (r && tip) lastRuns.push({ ...r, toBlock: r.kase.toBlock === null ? tip.number : Math.min(r.kase.toBlock, tip.number) });
  }
  if (windows.size === 0 || !tip) return { plans, addresses: 0, rpcCalls: source.stats().rpcCalls - before };
  // Only the assets the cases asked for, when every case asked for some (else every asset).
  const asked = cases.every((c) => c.assets !== null) ? [...new Set(cases.flatMap((c) => c.assets ?? []))] : null;
  await createChainData(deps.store, source).ensureHistory([...windows].map(([address, fromBlock]) => ({ address, fromBlock })), tip.number, asked);

  const since = lastRuns.reduce((m, l) => Math.min(m, l.run.toBlock!), Infinity); // not Math.min(...): no argument per case
  const allWatched = [...new Set(lastRuns.flatMap((l) => [...l.watched]))];
  const lastMoved = await deps.store.chainData.lastActivity(chain, allWatched, since, tip.number);
  // The blocks the last runs ended at must still be the chain's (a reorg replaces the answer):
  // each block once, all asked at once (cases end at several blocks: one round trip to the
  // node, not one per block).
  const recorded = new Map<number, string>();
  for (const { run } of lastRuns) if (run.toBlockHash && !recorded.has(run.toBlock!)) recorded.set(run.toBlock!, run.toBlockHash);
  const canonical = new Map<number, boolean>();
  if (source.blockHash) {
    const hashOf = source.blockHash.bind(source);
    const head = tip;
    await Promise.all([...recorded].map(async ([number, hash]) => {
      const now = number === head.number ? head.hash : await hashOf(number);
      canonical.set(number, now !== null && now.toLowerCase() === hash.toLowerCase());
    }));
  }
  const labels = await deps.store.labels.stamp(chain);
  for (const l of lastRuns) {
    const { kase, run, blockFree } = l;
    const inputs = await runInputs(deps, kase, labels);
    const sameInputs = run.stats?.inputs === inputs && l.toBlock >= run.toBlock!;
    if (!sameInputs || canonical.get(run.toBlock!) === false) {
      plans.set(kase.id, { kind: 'full' });
      continue;
    }
    const moved = [...l.watched].filter((a) => {
      const last = lastMoved.get(a);
      return last !== undefined && last > run.toBlock! && last <= l.toBlock;
    });
    if (moved.length === 0 && blockFree) {
      const toBlockHash = l.toBlock === tip.number ? tip.hash : null;
      plans.set(kase.id, { kind: 'reuse', previous: run, inputs, toBlock: l.toBlock, toBlockHash });
    } else {
      plans.set(kase.id, { kind: 'resume', previous: run, redo: moved.filter((a) => !l.sources.has(a)), moved });
    }
  }
  return { plans, addresses: windows.size, rpcCalls: source.stats().rpcCalls - before };
}

/**
 * The case's last result holds at the new tip: a new run takes it over (crawl state, graph,
 * endpoints and report copied in the database, the report's block range moved to the new
 * tip) and is done. No alerts to compare for: endpoints and holdings are the last run's.
 */
async function reuseLastResult(deps: TraceDeps, kase: CaseRow, plan: Extract<Plan, { kind: 'reuse' }>, retraceRunId: string): Promise<string> {
  const started = Date.now();
  // Atomic like startTrace: a case being traced meanwhile is left alone (a ConflictError).
  await deps.store.cases.setStatus(kase.id, 'queued', { hop: 0 }, { onlyFrom: ['traced', 'failed'] });
  try {
    const { runId, addresses } = await deps.store.runs.takeOverRun({
      caseId: kase.id, fromRunId: plan.previous.id, retraceRunId, toBlock: plan.toBlock, toBlockHash: plan.toBlockHash, ms: Date.now() - started,
      stats: { inputs: plan.inputs, rpcCalls: 0, hops: 0, reusedFrom: computedBy(plan.previous) },
    });
    await deps.store.cases.setStatus(kase.id, 'traced', { hop: 0, addresses, rpcCalls: 0, done: true, reused: true });
    // The run ended without a trace step, so the case's callback is told here.
    await queueRunCallback(deps, kase.id, runId).catch((e: unknown) => deps.log.error('could not queue the case callback', { caseId: kase.id, error: (e as Error).message }));
    return runId;
  } catch (error) {
    // Hand the case back as it was: its last result still stands.
    await deps.store.cases.setStatus(kase.id, kase.status, kase.progress ?? undefined, { onlyFrom: ['queued'] }).catch(() => undefined);
    throw error;
  }
}

/**
 * A run that starts from the last run's crawl state: every decided wallet keeps its decision
 * and window, except those with new transfers (`redo`), which are decided again. Wallets the
 * last run left undecided (past the hop limit, under the minimum, over the budget) are
 * decided again as the taint reaches them. The taint the last run computed through the wallets
 * it followed is carried over where it still holds (see run-taint-repo.ts, carryOver): the
 * first step recomputes only the wallets with news and what they reach.
 */
async function resumeFrom(deps: TraceDeps, runId: string, previous: RunRow, redo: Address[], moved: Address[]): Promise<void> {
  await deps.store.runs.copyAddresses(runId, previous.id, ['source', 'crawled', 'stop', 'deposit', 'service-like'], redo);
  // A last result taken over on a quiet night has no taint of its own: it rests on the run
  // that computed it, whose taint holds up to the last run's block (nothing it watched moved).
  await deps.store.runTaint.carryOver(runId, computedBy(previous), moved, redo);
}

/** The run that computed a run's answer: itself, or the run whose result it took over. */
function computedBy(run: RunRow): string {
  const from = run.stats?.reusedFrom;
  return typeof from === 'string' ? from : run.id;
}
