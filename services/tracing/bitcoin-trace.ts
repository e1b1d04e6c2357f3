// A Bitcoin case, one job per hop like EVM. The UTXO tracer follows the coins through the
// spend graph (who spent this output), not through addresses, one wave of spending
// transactions per step (../domain/utxo-taint). Between steps its state lives in the store
// (btc_run_steps): step k reads the state of step k and settles the state of step k + 1,
// first write wins, so a retried or stalled step does the same thing twice, harmlessly, on
// any worker. Transactions and outspends come from the shared chain data
// (bitcoin-chain-data.ts), so a later case or a re-trace asks Esplora only for what is new.
//
// Which outputs are endpoints depends on labels, and on clusters of co-spending addresses
// only the trace itself reveals; so a trace runs in passes — trace, look the new addresses
// up, cluster what was read, trace again — until the stop set is stable (each pass is a run
// of hop steps; a pass after the first reads the chain data the first one stored).
//
// The report comes from the shared findings module (../domain/findings.ts) through
// ../domain/utxo-findings.ts, so per-hop figures and accounting mean the same as on EVM.
import type { BitcoinSource } from '../chains/bitcoin';
import type { ChainSource } from '../chains/source';
import { allLabels, isStopCategory } from '../domain/attribution';
import { attributeByCluster, clusterAddresses, type AttributedLabel } from '../domain/clustering';
import { buildFindingsSliced, sanctionsOf, type Findings } from '../domain/findings';
import { capHoldings } from '../domain/holdings-cap';
import { reportSeeds, type TraceReport } from '../domain/report';
import type { Address, Label } from '../domain/types';
import type { UtxoTx } from '../domain/utxo';
import { BTC, outputAddress, sendersOf, utxoFindingsInput } from '../domain/utxo-findings';
import {
  advanceUtxoTrace, finishUtxoTrace, startUtxoTrace, stateFromJson, stateToJson,
  type TraceUtxoParams, type UtxoSeed, type UtxoTraceResult, type UtxoTraceState, type UtxoTraceStateJson,
} from '../domain/utxo-taint';
import { InvalidInputError, NotFoundError, shouldRetry } from '../errors';
import type { TraceFinalizeJob, TraceHopJob } from '../queues/definitions';
import { runHop, type ChainPipeline, type HopFound } from './hop-pipeline';
import { runEnded, type CaseRow, type RunRow } from '../store';
import { chainConfig } from '../../config';
import { createBitcoinChainData, type BitcoinChainData } from './bitcoin-chain-data';
import type { TraceDeps } from './deps';
import { defaultMinAmounts, minAmountOf } from './min-amounts';

export { sendersOf } from '../domain/utxo-findings';

const MAX_PASSES = 5;

/** What a Bitcoin run keeps between its steps. */
export interface BitcoinRunState {
  v: 1;
  /** Pass number (0 first); each pass traces with the stop set the previous one found. */
  pass: number;
  /** Addresses this pass stops at (labelled, or in a labelled co-spend cluster), sorted. */
  stops: string[];
  /** Transactions read by earlier passes (co-spend evidence stays true once seen). */
  seen: string[];
  /** The trace is complete: the next step is the final one. */
  done: boolean;
  /** Confirmed txids of each address seed up to toBlock, read once (a later pass starts from them). */
  seedTxids?: Record<string, string[]>;
  trace: UtxoTraceStateJson;
}

export function isBitcoinSource(source: ChainSource): source is BitcoinSource {
  return source.kind === 'bitcoin' && typeof (source as Partial<BitcoinSource>).getTx === 'function';
}

/** Bitcoin's stages and final step in the shared crawl pipeline (hop-pipeline.ts). */
export const bitcoinPipeline: ChainPipeline = {
  hop: (deps, job) => runHop(deps, job, { open: openStep, find: findBitcoinHop }),
  finalize: finalizeBitcoinTrace,
};

/** One hop of a Bitcoin run: the seeds at hop 0, then one wave of spending transactions per hop; the next step's state settled. */
async function findBitcoinHop(deps: TraceDeps, job: TraceHopJob, step: BitcoinStep): Promise<HopFound | null> {
  const { kase, source } = step;
  let run = step.run;
  if (job.hop === 0) {
    await deps.store.runs.setStatus(job.runId, 'running');
    await deps.store.cases.setStatus(kase.id, 'tracing', { hop: 0, addresses: 0 });
    if (run.toBlock === null) {
      const tip = await source.tip();
      const toBlock = kase.toBlock === null ? tip.number : Math.min(kase.toBlock, tip.number);
      run = await deps.store.runs.pinBlock(job.runId, toBlock, toBlock === tip.number ? tip.hash : null);
    }
  }
  const toBlock = run.toBlock;
  if (toBlock === null) throw new NotFoundError(`run ${job.runId} has no pinned block at hop ${job.hop}`);
  const data = chainData(deps, source, kase, toBlock);

  let state: BitcoinRunState;
  let trace: UtxoTraceState;
  if (job.hop === 0) {
    const seedTxids = await addressSeedTxids(data, kase);
    trace = await startUtxoTrace(traceParams(deps, kase, toBlock, data, [], seedTxids));
    state = { v: 1, pass: 0, stops: [], seen: [], done: false, seedTxids, trace: stateToJson(trace) };
  } else {
    const stored = await deps.store.btc.getRunStep<BitcoinRunState>(job.runId, job.hop);
    if (!stored) {
      // A late duplicate of a step the run has gone past (its input state is dropped): nothing to do.
      if (((await deps.store.btc.latestRunStep(job.runId))?.step ?? -1) > job.hop) return null;
      throw new NotFoundError(`run ${job.runId} has no state for hop ${job.hop}`);
    }
    state = stored;
    trace = stateFromJson(state.trace);
    if (!state.done) await advanceUtxoTrace(trace, traceParams(deps, kase, toBlock, data, state.stops, state.seedTxids));
  }
  ({ state, trace } = await settlePasses(deps, kase, toBlock, data, state, trace));

  // The next step's state is the step's write; first write wins, so a re-run settles the same.
  const settled = await deps.store.btc.settleRunStep(job.runId, job.hop + 1, state);
  return { grew: !settled.done, persist: async () => undefined, progress: () => ({}) };
}

/** The final step: classify the outputs, build the report through the shared findings, cap holdings at real balances. */
async function finalizeBitcoinTrace(deps: TraceDeps, job: TraceFinalizeJob): Promise<void> {
  const step = await openStep(deps, job);
  if (!step) return;
  const { kase, source, before, run } = step;
  const toBlock = run.toBlock;
  const latest = await deps.store.btc.latestRunStep<BitcoinRunState>(job.runId);
  if (toBlock === null || !latest || !latest.state.done) throw new NotFoundError(`run ${job.runId} has no finished trace to report`);
  const state = latest.state;
  const data = chainData(deps, source, kase, toBlock);
  const trace = stateFromJson(state.trace);
  const result = await finishUtxoTrace(trace, traceParams(deps, kase, toBlock, data, state.stops, state.seedTxids));
  const { attribution, labels } = await attributionOver(deps, kase, data, union(state.seen, [...trace.read]));
  const stopCategories = deps.config.tracing.stopCategories;
  const modelled = await buildFindingsSliced({
    ...utxoFindingsInput(result, { chain: kase.chain, attributionOf: attribution, labelsOf: (a) => allLabels(labels.get(a) ?? [], stopCategories) }),
    assetInfo: () => ({ symbol: BTC, decimals: 8 }),
  });
  const { findings, limitations: capNotes } = await holdingsWithinBalances(data, modelled, toBlock);
  const runAfter = await deps.store.runs.recordStepStats(job.runId, 'final', source.stats().rpcCalls - before);
  const report: TraceReport = {
    chain: kase.chain,
    model: kase.model,
    seeds: reportSeeds(kase.seeds),
    fromBlock: result.txs.reduce((m, t) => (t.blockHeight === null ? m : Math.min(m, t.blockHeight)), toBlock),
    toBlock,
    ...(runAfter.toBlockHash ? { toBlockHash: runAfter.toBlockHash } : {}),
    ...findings,
    limitations: [
      ...result.notes,
      ...(findings.endpoints.some((e) => e.attribution === 'cluster') ? ['cluster attribution: co-spend clustering (CoinJoin-like transactions skipped; the change heuristic is off)'] : []),
      ...capNotes,
    ],
    stats: {
      addresses: new Set(result.outputs.map((o) => o.address).filter(Boolean)).size,
      transfers: result.outputs.length,
      rpcCalls: Number(runAfter.stats?.rpcCalls ?? 0),
      ms: Date.now() - (runAfter.startedAt ?? runAfter.createdAt).getTime(),
      hops: result.outputs.reduce((m, o) => Math.max(m, o.hops), 0),
    },
  };
  const txById = new Map(result.txs.map((tx) => [tx.txid, tx]));
  await deps.store.runs.saveResult(job.runId, {
    report,
    nodes: bitcoinNodes(result, attribution),
    flows: result.outputs.map((o) => ({
      txHash: o.txid, ref: `out:${o.vout}`, from: sendersOf(txById.get(o.txid)), to: outputAddress(o),
      asset: BTC, amount: o.value, tainted: o.tainted, hop: o.hops, blockNumber: txById.get(o.txid)?.blockHeight ?? 0,
    })),
    endpoints: report.endpoints.map((e) => ({ ...e, amount: BigInt(e.amount) })),
  });
  await deps.store.runs.finish(job.runId, 'done');
  // The result is saved: the step states are no longer needed (a late duplicate step finds the run ended).
  await deps.store.btc.dropRunSteps(job.runId);
  await deps.store.cases.setStatus(kase.id, 'traced', { hop: report.stats.hops ?? 0, addresses: report.stats.addresses, rpcCalls: report.stats.rpcCalls, done: true });
}

type BitcoinStep = { kase: CaseRow; run: RunRow; source: BitcoinSource; before: number };

async function openStep(deps: TraceDeps, job: { caseId: string; runId: string }): Promise<BitcoinStep | null> {
  const kase = await deps.store.cases.get(job.caseId);
  const run = await deps.store.runs.get(job.runId);
  if (!kase || !run || run.caseId !== job.caseId) throw new NotFoundError(`case ${job.caseId} run ${job.runId} not found`);
  if (runEnded(run)) return null;
  const source = deps.chains.get(kase.chain);
  if (!isBitcoinSource(source)) throw new InvalidInputError(`chain ${kase.chain} is not a bitcoin chain`);
  return { kase, run, source, before: source.stats().rpcCalls };
}

function chainData(deps: TraceDeps, source: BitcoinSource, kase: CaseRow, toBlock: number): BitcoinChainData {
  return createBitcoinChainData(deps.store, source, kase.chain, toBlock, deps.config.tracing.btcServiceLikeTxCount);
}

/**
 * The confirmed history of each address seed up to toBlock, read once per run. A seed address
 * is judged first like any other: a busy one (an exchange wallet given by mistake) is refused
 * with a clear error instead of reading its whole history.
 */
async function addressSeedTxids(data: BitcoinChainData, kase: CaseRow): Promise<Record<string, string[]>> {
  const addresses = kase.seeds.flatMap((s) => ('address' in s ? [s.address] : []));
  if (addresses.length === 0) return {};
  const busy = await data.judge(addresses);
  if (busy.size > 0) {
    throw new InvalidInputError(
      `seed address ${[...busy].sort().join(', ')} has more confirmed transactions than TRACEHOLD_BTC_SERVICE_LIKE_TXS: it looks like a service; seed the victim's transactions (txid:vout) instead`,
    );
  }
  const out: Record<string, string[]> = {};
  for (const address of addresses) out[address] = await data.addressTxids(address);
  return out;
}

function traceParams(
  deps: TraceDeps, kase: CaseRow, toBlock: number, data: BitcoinChainData, stops: readonly string[], seedTxids: Record<string, string[]> = {},
): TraceUtxoParams {
  const stopSet = new Set(stops);
  const seeds: UtxoSeed[] = kase.seeds.map((s) => ('address' in s ? { address: s.address } : s.index === undefined ? { txid: s.txHash } : { txid: s.txHash, vout: s.index }));
  return {
    seeds,
    model: kase.model,
    maxHops: kase.maxHops,
    fetch: { ...data, addressTxids: async (address) => seedTxids[address] ?? data.addressTxids(address) },
    isStop: (address) => stopSet.has(address),
    judge: (addresses) => data.judge(addresses),
    tipHeight: toBlock,
    minAmount: minAmountOf(kase.minAmounts, kase.minAmount, defaultMinAmounts(chainConfig(deps.config, kase.chain)))(BTC) ?? 1n,
  };
}

/**
 * A pass whose queue ran dry ends here: the addresses read are looked up and clustered, and
 * if that moves the stop set, the next pass starts from the seeds with it (up to MAX_PASSES).
 */
async function settlePasses(
  deps: TraceDeps, kase: CaseRow, toBlock: number, data: BitcoinChainData, state: BitcoinRunState, trace: UtxoTraceState,
): Promise<{ state: BitcoinRunState; trace: UtxoTraceState }> {
  let done = state.done;
  while (!done && trace.pending.size === 0) {
    const seen = union(state.seen, [...trace.read]);
    const { stops } = await attributionOver(deps, kase, data, seen);
    if (stops.join(',') === state.stops.join(',') || state.pass + 1 >= MAX_PASSES) {
      done = true;
      break;
    }
    trace = await startUtxoTrace(traceParams(deps, kase, toBlock, data, stops, state.seedTxids));
    state = { ...state, pass: state.pass + 1, stops, seen };
  }
  return { state: { ...state, done, trace: stateToJson(trace) }, trace };
}

/** Labels of every address of the transactions read, co-spend clusters over them, and the stop set they make. */
async function attributionOver(deps: TraceDeps, kase: CaseRow, data: BitcoinChainData, txids: readonly string[]) {
  const txs = await data.getTxs(txids);
  const addresses = [...addressesOf(txs)];
  const labels = new Map<Address, Label[]>(await deps.store.labels.lookup(kase.chain, addresses));
  const attribution = attributeByCluster(clusterAddresses(txs), (a) => labels.get(a) ?? []);
  const stopCategories = deps.config.tracing.stopCategories;
  const stops = addresses.filter((a) => {
    const found = attribution(a);
    return !!found && isStopCategory(found.label.category, stopCategories);
  }).sort();
  return { attribution, labels, stops };
}

/**
 * Holdings capped at each address's real balance at toBlock (Esplora, summed from the
 * confirmed history; cached), with a limitation per capped holding: the same rule and shape
 * as EVM's. A balance the source cannot give for good leaves the holdings as modelled and
 * says so; a transient failure retries the step.
 */
async function holdingsWithinBalances(data: BitcoinChainData, findings: Findings, toBlock: number): Promise<{ findings: Findings; limitations: string[] }> {
  const addresses = findings.holdings.filter((h) => h.asset === BTC && !h.address.startsWith('script:')).map((h) => h.address);
  if (addresses.length === 0) return { findings, limitations: [] };
  let balances: Map<Address, bigint>;
  try {
    balances = await data.balances(addresses);
  } catch (error) {
    if (shouldRetry(error)) throw error;
    return { findings, limitations: [`holdings not checked against real balances at block ${toBlock}: ${(error as Error).message}`] };
  }
  const cap = await capHoldings(findings.holdings, findings.accounting, (address, asset) => (asset === BTC ? balances.get(address) : undefined));
  const seeded = new Map(findings.accounting.map((a) => [a.asset, BigInt(a.seeded)]));
  const sanctions = sanctionsOf([...findings.endpoints, ...cap.holdings], seeded);
  return { findings: { ...findings, holdings: cap.holdings, accounting: cap.accounting, sanctions }, limitations: cap.limitations };
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

function addressesOf(txs: Iterable<UtxoTx>): Set<Address> {
  const set = new Set<Address>();
  for (const tx of txs) {
    for (const i of tx.inputs) if (i.address) set.add(i.address);
    for (const o of tx.outputs) if (o.address) set.add(o.address);
  }
  return set;
}

function bitcoinNodes(result: UtxoTraceResult, attribution: (a: Address) => AttributedLabel | undefined) {
  const nodes = new Map<string, { hop: number; taintedIn: bigint; held: bigint; role: string }>();
  for (const o of result.outputs) {
    if (!o.address || o.tainted === 0n) continue;
    const n = nodes.get(o.address) ?? { hop: o.hops, taintedIn: 0n, held: 0n, role: 'crawled' };
    n.hop = Math.min(n.hop, o.hops);
    n.taintedIn += o.tainted;
    if (o.status === 'unspent') n.held += o.tainted;
    if (o.status === 'endpoint') n.role = 'stop';
    if (o.status === 'service-like' && n.role !== 'stop') n.role = 'service-like';
    if (o.status === 'frontier' && n.role === 'crawled') n.role = 'max-hops';
    nodes.set(o.address, n);
  }
  return [...nodes.entries()].map(([address, n]) => {
    const found = attribution(address);
    return {
      address, asset: BTC, hop: n.hop, role: n.role,
      entity: found?.label.entity ?? null, category: found?.label.category ?? null, attribution: found?.attribution ?? null,
      taintedIn: n.taintedIn, taintedOut: n.taintedIn - n.held, taintedHeld: n.held,
    };
  });
}
