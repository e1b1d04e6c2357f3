// The trace jobs: one hop of a trace, and the final report, through the crawl pipeline of
// the case's chain (hop-pipeline.ts). Here the account chains' stages (EVM, Tron); Bitcoin's
// are in bitcoin-trace.ts.
import { chainConfig } from '../../config';
import type { ChainSource } from '../chains/source';
import { allLabels, resolveLabel } from '../domain/attribution';
import { buildFindingsSliced, sanctionsOf, type AssetInfo, type Findings, type NodeInfo } from '../domain/findings';
import { capHoldings } from '../domain/holdings-cap';
import { reportSeeds, type TraceReport } from '../domain/report';
import type { Address, Asset, Label, Transfer } from '../domain/types';
import { filterWithTurns, loopTurns } from '../domain/taint/steps';
import { NotFoundError, RetryableError, shouldRetry } from '../errors';
import type { TraceFinalizeJob, TraceHopJob } from '../queues/definitions';
import { runEnded, type BalanceTable, type CaseFlowRow, type CaseRow, type NewCaseNode, type RunRow } from '../store';
import { computeCaseGraph, LEDGER_STATES, type AddressState, type CaseGraph, type CaseScope, type RunAddress } from './case-graph';
import { createChainData, type HistoryWindow } from './chain-data';
import { counterpartiesOf, judgeHistory, judgementWeighsFees, triageSliced, type Candidate, type Triage } from './classify';
import type { TraceDeps } from './deps';
import { resolveSeeds } from './seeds';
import { judgeBusyWallets } from './service-like';
import { defaultMinAmounts, minAmountOf } from './min-amounts';
import { bitcoinPipeline } from './bitcoin-trace';
import { pipelineOf, runHop, stageClock, type HopFound, type HopStages } from './hop-pipeline';
import { runInputs } from './run-inputs';
import { computeStepTaint, type StepTaint } from './step-taint';

/**
 * One hop of a trace. On an account chain, in named stages, each reading what it needs from
 * the run's state in Postgres, so any worker can take any step:
 * - open: the case, the run's pinned range and crawl state;
 * - resolve seeds (first step only): seed wallets become sources, their histories fetched;
 * - fetch and propagate: taint over the histories of the ledgers that are new or that new
 *   taint reaches, the rest as the last step left it (a window opened too late is widened and
 *   its history fetched), see step-taint.ts;
 * - decide: the wallets the taint reached, triaged on labels, hop limit, minimum and budget;
 * - judge: the wallets to crawl, busy ones from recorded evidence or a count in the database,
 *   the rest on their history (fetched here: the next hop's ledgers);
 * - persist: the decisions written once the pipeline settled the next step; then the
 *   pipeline records progress and queues the next job.
 */
export async function runTraceHop(deps: TraceDeps, job: TraceHopJob): Promise<void> {
  return (await pipelineOf(deps, job.caseId, PIPELINES)).hop(deps, job);
}

/** The final step of a run: the report, through the chain's pipeline. */
export async function finalizeTrace(deps: TraceDeps, job: TraceFinalizeJob): Promise<void> {
  return (await pipelineOf(deps, job.caseId, PIPELINES)).finalize(deps, job);
}

const accountStages: HopStages<Step> = {
  open: (deps, job) => openStep(deps, job, { propagatedWindows: true }),
  async find(deps, job, step) {
    const clock = stageClock();
    if (job.hop === 0) await clock.time('seedsMs', () => resolveSeedsStage(deps, job, step));
    // The candidates are not kept past the decision (~93,000 at the bench's 100k, each with its
    // amounts per asset): the judge fetches the next hop's histories meanwhile.
    const { candidates, ...taint } = await clock.time('taintMs', () => computeStepTaint(deps, step.source, job.runId, step.scope, step.addresses, step.propagated, job.hop === 0));
    const { decided, toCrawl } = await clock.time('decideMs', () => decideStage(deps, step, candidates));
    const { judged, chunks, withoutHistory } = await clock.time('judgeMs', () => judgeStage(deps, step, taint.assets, toCrawl));
    return persistStage(deps, job, step, [...decided, ...judged], taint, { judgeChunks: chunks, judgedWithoutHistory: withoutHistory }, clock.figures());
  },
};

const PIPELINES = {
  account: { hop: (deps: TraceDeps, job: TraceHopJob) => runHop(deps, job, accountStages), finalize: finalizeAccountTrace },
  bitcoin: bitcoinPipeline,
};

type Step = NonNullable<Awaited<ReturnType<typeof openStep>>>;

/** First step: the run starts; seed wallets become sources with their histories. */
async function resolveSeedsStage(deps: TraceDeps, job: TraceHopJob, step: Step): Promise<void> {
  const { kase, source, scope, addresses } = step;
  const chainData = createChainData(deps.store, source);
  await deps.store.runs.setStatus(job.runId, 'running');
  await deps.store.cases.setStatus(kase.id, 'tracing', { hop: 0, addresses: 0 });
  // A re-trace with news starts from its last run's crawl state (services/retrace): the
  // wallets it followed are ledgers from the start, their histories brought up to toBlock.
  const resumed = [...addresses.values()].filter((a) => LEDGER_STATES.has(a.state));
  if (resumed.length) await chainData.ensureHistory(resumed, scope.toBlock, scope.assets);
  const seeds = await resolveSeeds(deps.store, source, kase.seeds);
  const sources = seeds.sourceAddresses.map((address) => ({ address, hop: 0, fromBlock: scope.fromBlock, state: 'source' as const }));
  await chainData.ensureHistory(sources, scope.toBlock, scope.assets);
  await deps.store.runs.upsertAddresses(job.runId, sources);
  for (const s of sources) addresses.set(s.address, s);
}

/**
 * Persist: the decisions and widened windows (written once the pipeline has settled what comes
 * next), then the step's taint; the case's progress and the step's figures.
 */
function persistStage(
  deps: TraceDeps, job: TraceHopJob, step: Step, decisions: RunAddress[], taint: Omit<StepTaint, 'candidates'>, judge: { judgeChunks: number; judgedWithoutHistory: number },
  stageMs: Record<string, number>,
): HopFound {
  const { addresses } = step;
  const { widened, recomputed } = taint;
  return {
    grew: decisions.some((d) => LEDGER_STATES.has(d.state)) || widened.length > 0,
    async persist() {
      if (widened.length) await deps.store.runs.upsertAddresses(job.runId, widened);
      if (decisions.length) await deps.store.runs.upsertAddresses(job.runId, decisions);
      // Set with turns: in one go, persist's own code was a 197 ms block in a profiled 200k run.
      const turns = loopTurns();
      for (const d of decisions) {
        if (turns.due()) await turns.give();
        addresses.set(d.address, d);
      }
      // The taint last: a step that dies before it leaves the last step's taint whole (see step-taint.ts).
      await taint.save();
    },
    progress: () => {
      let crawled = 0;
      for (const a of addresses.values()) if (LEDGER_STATES.has(a.state)) crawled++;
      return { addresses: addresses.size, crawled };
    },
    stats: { recomputedLedgers: recomputed.ledgers, propagatedTransfers: recomputed.transfers, propagationMs: recomputed.ms, ...judge, ...stageMs },
  };
}

async function finalizeAccountTrace(deps: TraceDeps, job: TraceFinalizeJob): Promise<void> {
  const step = await openStep(deps, job, { propagatedWindows: false });
  if (!step) return;
  const { kase, source, before, scope, addresses } = step;
  const clock = stageClock();
  const { graph } = await clock.time('graphMs', () => computeCaseGraph(deps, source, scope, addresses));
  const { nodes, findings, limitations: capNotes } = await clock.time('findingsMs', async () => {
    const nodes = await nodeInfo(deps, source, kase, scope, graph, addresses);
    const assetInfo = await assetInfoOf(deps, source, kase.chain, graph);
    const modelled = await buildFindingsSliced({
      transfers: graph.transfers,
      taint: graph.taint,
      hops: graph.hops,
      nodes,
      sources: graph.sources,
      seedTransfers: scope.seedTransferIds,
      assetInfo: (asset: Asset) => assetInfo.get(asset) ?? {},
    });
    return { nodes, ...(await holdingsWithinBalances(source, deps, modelled, scope.toBlock)) };
  });
  const capabilities = await source.capabilities();
  // The chain may have reorganised since the run pinned its range: refuse to report on blocks
  // that are no longer canonical (the step fails retryably; a re-trace pins a new range).
  await checkPinnedBlock(deps, source, job.runId);
  const runAfter = await recordStepStats(deps, job.runId, 'final', source.stats().rpcCalls - before, clock.figures());
  const runStats = { rpcCalls: Number(runAfter.stats?.rpcCalls ?? 0), hops: Number(runAfter.stats?.hops ?? 0) };
  const limitations = [...capabilities.notes, ...capNotes];
  // ~200,000 accounts and addresses at the bench's 200k: counted with turns for the event loop.
  const turns = loopTurns();
  const walletAddresses = new Set<Address>();
  for (const a of graph.taint.accounts.values()) {
    if (turns.due()) await turns.give();
    walletAddresses.add(a.address);
  }
  let addressLimit = false;
  for (const a of addresses.values()) {
    if (turns.due()) await turns.give();
    if (a.state === 'address-limit') {
      addressLimit = true;
      break;
    }
  }
  if (addressLimit) {
    limitations.push(`stopped widening at ${deps.config.tracing.maxAddressesPerCase} crawled addresses (TRACEHOLD_MAX_ADDRESSES)`);
  }
  const report: TraceReport = {
    chain: kase.chain,
    model: scope.model,
    seeds: reportSeeds(kase.seeds),
    fromBlock: scope.fromBlock,
    toBlock: scope.toBlock,
    ...(runAfter.toBlockHash ? { toBlockHash: runAfter.toBlockHash } : {}),
    ...findings,
    assets: [...graph.assets].sort(),
    ignored: {
      zeroValue: graph.taint.ignored.zeroValue,
      untracedAssets: graph.taint.ignored.untracedAssets,
      selfTransfers: graph.taint.ignored.selfTransfers,
    },
    limitations,
    stats: {
      addresses: walletAddresses.size,
      transfers: graph.transfers.size,
      rpcCalls: runStats.rpcCalls,
      ms: Date.now() - (runAfter.startedAt ?? runAfter.createdAt).getTime(),
      hops: runStats.hops,
    },
  };
  await deps.store.runs.saveResult(job.runId, {
    report,
    nodes: graphNodes(graph, nodes),
    flows: graphFlows(graph),
    endpoints: report.endpoints.map((e) => ({ ...e, amount: BigInt(e.amount) })),
  });
  await deps.store.runs.setInputs(job.runId, await runInputs(deps, kase));
  await deps.store.runs.finish(job.runId, 'done');
  await deps.store.cases.setStatus(kase.id, 'traced', { hop: runStats.hops, addresses: addresses.size, rpcCalls: runStats.rpcCalls, done: true });
}

/**
 * Holdings capped at each wallet's real balance at toBlock (one batched read, cached in the
 * shared chain data), with a limitation per capped holding. A balance the node cannot give
 * for good leaves the holdings as modelled and says so; a transient failure retries the step.
 */
async function holdingsWithinBalances(source: ChainSource, deps: TraceDeps, findings: Findings, toBlock: number) {
  if (findings.holdings.length === 0) return { findings, limitations: [] as string[] };
  const queries = findings.holdings.map((h) => ({ address: h.address, asset: h.asset, blockNumber: toBlock }));
  let balances: BalanceTable;
  try {
    balances = await createChainData(deps.store, source).balances(queries);
  } catch (error) {
    if (shouldRetry(error)) throw error;
    return { findings, limitations: [`holdings not checked against real balances at block ${toBlock}: ${(error as Error).message}`] };
  }
  const cap = await capHoldings(findings.holdings, findings.accounting, (address, asset) => balances.get({ address, asset, blockNumber: toBlock }));
  const seeded = new Map(findings.accounting.map((a) => [a.asset, BigInt(a.seeded)]));
  const sanctions = sanctionsOf([...findings.endpoints, ...cap.holdings], seeded);
  return { findings: { ...findings, holdings: cap.holdings, accounting: cap.accounting, sanctions }, limitations: cap.limitations };
}

/** A step's figures, counted once however often the step runs. */
function recordStepStats(deps: TraceDeps, runId: string, step: string, rpcCalls: number, extra?: Record<string, number>): Promise<RunRow> {
  return deps.store.runs.recordStepStats(runId, step, rpcCalls, extra);
}

/**
 * The run's pinned `toBlock` must still have the hash recorded when it was pinned. A reorg
 * deeper than the chain's confirmations replaced it: the report would rest on blocks that no
 * longer exist, so the step fails with a retryable error (and the run with it, once retries
 * are spent) instead of saving a report.
 */
async function checkPinnedBlock(deps: TraceDeps, source: ChainSource, runId: string): Promise<void> {
  const run = await deps.store.runs.get(runId);
  if (!run?.toBlockHash || run.toBlock === null || !source.blockHash) return;
  const now = await source.blockHash(run.toBlock);
  if (now !== null && now.toLowerCase() !== run.toBlockHash.toLowerCase()) {
    throw new RetryableError(
      `chain reorganised: block ${run.toBlock} was ${run.toBlockHash} when the trace started and is now ${now}; re-trace the case`,
    );
  }
}

/**
 * A trace job failed for good outside the processor (BullMQ gave up on a job that stalled too
 * often): mark its run and case failed, unless the run already ended.
 */
export async function failStuckTrace(deps: TraceDeps, job: { caseId: string; runId: string }, reason: string): Promise<boolean> {
  const run = await deps.store.runs.get(job.runId);
  if (!run || runEnded(run)) return false;
  await failTrace(deps, job.caseId, job.runId, new Error(`trace step failed for good: ${reason}`));
  return true;
}

/** Mark a run and its case failed: the job will not be retried. */
export async function failTrace(deps: TraceDeps, caseId: string, runId: string, error: Error): Promise<void> {
  await deps.store.runs.finish(runId, 'failed', null, error.message);
  await deps.store.cases.setStatus(caseId, 'failed', { error: error.message });
}

/** What every step starts from; null when the run already ended (a late duplicate job). */
async function openStep(deps: TraceDeps, job: { caseId: string; runId: string }, { propagatedWindows }: { propagatedWindows: boolean }) {
  const kase = await deps.store.cases.get(job.caseId);
  const run = await deps.store.runs.get(job.runId);
  if (!kase || !run || run.caseId !== job.caseId) throw new NotFoundError(`case ${job.caseId} run ${job.runId} not found`);
  if (runEnded(run)) return null;
  const source = deps.chains.get(kase.chain);
  const before = source.stats().rpcCalls;
  const scope = await resolveScope(deps, source, kase, job.runId);
  const rows = await deps.store.runs.addresses(job.runId);
  const addresses = new Map<Address, RunAddress>();
  // The window each followed wallet's taint was last computed with (step-taint.ts): a hop
  // step's; the final step computes the whole case (~95,000 entries at the bench's 100k).
  const propagated = new Map<Address, number>();
  const turns = loopTurns();
  for (const a of rows) {
    if (turns.due()) await turns.give();
    addresses.set(a.address, { address: a.address, hop: a.hop, state: a.state as AddressState, fromBlock: a.fromBlock ?? scope.fromBlock });
    if (propagatedWindows && a.propagatedFrom != null) propagated.set(a.address, a.propagatedFrom);
  }
  return { kase, source, before, scope, addresses, propagated };
}

/** Block range and seeds of a run. The first step pins `toBlock` to the confirmed tip. */
async function resolveScope(deps: TraceDeps, source: ChainSource, kase: CaseRow, runId: string): Promise<CaseScope> {
  const seeds = await resolveSeeds(deps.store, source, kase.seeds);
  let run = await deps.store.runs.get(runId);
  if (run && run.toBlock === null) {
    const tip = await source.tip();
    const toBlock = kase.toBlock === null ? tip.number : Math.min(kase.toBlock, tip.number);
    await deps.store.runs.pinBlock(runId, toBlock, toBlock === tip.number ? tip.hash : null);
    run = await deps.store.runs.get(runId);
  }
  return {
    chain: kase.chain,
    model: kase.model,
    fromBlock: kase.fromBlock ?? seeds.firstSeedBlock ?? 0,
    toBlock: run!.toBlock!,
    assets: kase.assets,
    seedTransferIds: seeds.seedTransferIds,
  };
}

/**
 * Decide: the wallets the taint reached and not yet decided, triaged on labels, hop limit,
 * minimum and the address budget. Final states that changed are `decided`; the wallets to
 * crawl go on to be judged.
 */
async function decideStage(deps: TraceDeps, step: Step, candidates: Candidate[]): Promise<{ decided: RunAddress[]; toCrawl: Triage[] }> {
  const { kase, addresses } = step;
  if (candidates.length === 0) return { decided: [], toCrawl: [] };
  const labels = await deps.store.labels.lookup(kase.chain, candidates.map((c) => c.address));
  const crawledSoFar = [...addresses.values()].filter((a) => LEDGER_STATES.has(a.state)).length;
  const triaged = await triageSliced(candidates, labels, {
    maxHops: kase.maxHops,
    minAmount: minAmountOf(kase.minAmounts, kase.minAmount, defaultMinAmounts(chainConfig(deps.config, kase.chain))),
    stopCategories: deps.config.tracing.stopCategories,
    budget: deps.config.tracing.maxAddressesPerCase - crawledSoFar,
  });
  const decided: RunAddress[] = [];
  const toCrawl: Triage[] = [];
  const turns = loopTurns(); // a hop reaches ~90,000 wallets at the bench's 100k
  for (const t of triaged) {
    if (turns.due()) await turns.give();
    if (t.state === 'crawl') toCrawl.push(t);
    else if (addresses.get(t.address)?.state !== t.state) decided.push({ ...t, state: t.state });
  }
  return { decided, toCrawl };
}

/**
 * Judge the wallets to crawl: busy ones first, from recorded evidence or counted in the
 * database (their histories are never loaded here); then those that paid no exchange,
 * crawled on what the database says they paid; the rest on their own history (fetched now
 * with everyone's: they are the next hop's ledgers), as crawled, deposit or service-like.
 * A hop may reach tens of thousands of wallets: their histories are fetched in slices of
 * addresses, then loaded and judged a chunk at a time (judgeChunks), so what the step holds
 * of them does not grow with their number. A verdict rests on the wallet's own history and
 * its counterparties' labels only: it is the same whatever the chunk.
 */
async function judgeStage(
  deps: TraceDeps, step: Step, assets: ReadonlySet<Asset>, toCrawl: Triage[],
): Promise<{ judged: RunAddress[]; chunks: number; withoutHistory: number }> {
  if (toCrawl.length === 0) return { judged: [], chunks: 0, withoutHistory: 0 };
  const { kase, source, scope } = step;
  const chain = chainConfig(deps.config, kase.chain);
  const { judgeChunkAddresses, judgeChunkTransfers } = deps.config.tracing;
  // Histories are fetched in reads of whole multiples of the addresses per eth_getLogs and
  // trace_filter call: the calls those of one read of every wallet (the receipts they need
  // come through the source's cache). Tron's adapter has a per-call count of its own: one read.
  const perCall = chain.addressesPerLogCall;
  const readSlice = chain.kind === 'evm' ? { addresses: Math.max(1, Math.round(judgeChunkAddresses / perCall)) * perCall, wholeRangeBlocks: chain.denseLogMaxBlocks } : undefined;
  const chainData = createChainData(deps.store, source, readSlice ? { readSlice } : {});
  const params = judgeParams(deps, kase.chain);
  const busy = await judgeBusyWallets(
    deps.store, chainData, kase.chain, toCrawl, scope.toBlock, params.serviceLikeCounterparties, assets, scope.assets,
    chain.maxLogRange, deps.config.tracing.serviceLikeSentTxs,
  );
  const states = new Map<Address, RunAddress['state']>();
  // A hop judges ~90,000 wallets at the bench's 100k: the loops give the event loop turns.
  const turns = loopTurns();
  const paidNoExchange = await paidNoExchangeOf(deps, kase.chain, busy.rest, scope.toBlock);
  const toLoad: HistoryWindow[] = [];
  for (const w of busy.rest) {
    if (turns.due()) await turns.give();
    // No more counterparties than the limit and no exchange paid: judgeHistory says crawled
    // (no service, and a deposit address is one that swept to its exchange), so the history
    // is not loaded. A hop's last wallets are mostly such (they received and hold).
    if (paidNoExchange.has(w.address) && (busy.counterparties.get(w.address) ?? Infinity) <= params.serviceLikeCounterparties) states.set(w.address, 'crawled');
    else toLoad.push(w);
  }
  // A chunk is up to 20,000 transfers of 2,000 wallets: judged with turns for the event loop
  // (in one go, a chunk of the bench's 100k held it for 130 ms and more).
  const chunks = await judgeChunks(deps, kase.chain, toLoad, scope.toBlock, judgeChunkAddresses, judgeChunkTransfers);
  for (const chunk of chunks) {
    const histories = await historiesOf(chainData, chunk, scope.toBlock);
    const counterparties = new Set<Address>();
    for (const history of histories.values()) {
      if (turns.due()) await turns.give();
      for (const a of counterpartiesOf(history, assets)) counterparties.add(a);
    }
    const counterLabels = await deps.store.labels.lookup(kase.chain, [...counterparties]);
    const labelOf = (a: Address) => resolveLabel(counterLabels.get(a) ?? [], deps.config.tracing.stopCategories);
    // Pending fees first where the verdict may depend on them.
    const sweepers = chunk.filter((w) => judgementWeighsFees(w.address, histories.get(w.address) ?? [], source.nativeAsset, labelOf));
    if ((await chainData.ensureFees(sweepers, scope.toBlock)).size > 0) {
      for (const [address, history] of await historiesOf(chainData, sweepers, scope.toBlock)) histories.set(address, history);
    }
    for (const w of chunk) {
      if (turns.due()) await turns.give();
      states.set(w.address, judgeHistory(w.address, histories.get(w.address) ?? [], labelOf, params, assets).state);
    }
  }
  const judged: RunAddress[] = [];
  for (const t of toCrawl) {
    if (turns.due()) await turns.give();
    judged.push({ address: t.address, hop: t.hop, fromBlock: t.fromBlock, state: busy.serviceLike.has(t.address) ? 'service-like' : states.get(t.address)! });
  }
  return { judged, chunks: chunks.length, withoutHistory: busy.rest.length - toLoad.length };
}

/**
 * The wallets, of those given, that sent value to no exchange in their window (no stored
 * transfer, fees aside, to an address whose resolved label is of an exchange): read on the
 * sender index with the recipients' labels, no history loaded.
 */
async function paidNoExchangeOf(deps: TraceDeps, chain: string, windows: HistoryWindow[], toBlock: number): Promise<Set<Address>> {
  const recipients = await deps.store.chainData.exchangeLabelledRecipients(chain, windows, toBlock);
  const labels = await deps.store.labels.lookup(chain, [...new Set([...recipients.values()].flat())]);
  const isExchange = (a: Address) => resolveLabel(labels.get(a) ?? [], deps.config.tracing.stopCategories)?.category === 'exchange';
  // Every wallet judged (~380,000 at the bench's 400k), straight into the set with turns: mapped,
  // filtered and then made a set, they were one 200 ms stretch in two profiled 400k runs.
  const turns = loopTurns();
  const paidNoExchange = new Set<Address>();
  for (const w of windows) {
    if (turns.due()) await turns.give();
    if (!(recipients.get(w.address) ?? []).some(isExchange)) paidNoExchange.add(w.address);
  }
  return paidNoExchange;
}

/**
 * The wallets to judge on their history in chunks of at most `maxAddresses` wallets and
 * `maxTransfers` stored transfers (counted in the database first), in the order given. A
 * wallet with more transfers than that is a chunk of its own.
 */
async function judgeChunks(
  deps: TraceDeps, chain: string, windows: HistoryWindow[], toBlock: number, maxAddresses: number, maxTransfers: number,
): Promise<HistoryWindow[][]> {
  if (windows.length === 0) return [];
  const counts = await deps.store.chainData.transferCounts(chain, windows, toBlock, maxTransfers + 1);
  const chunks: HistoryWindow[][] = [];
  let chunk: HistoryWindow[] = [];
  let transfers = 0;
  for (const w of windows) {
    const n = counts.get(w.address) ?? 0;
    if (chunk.length > 0 && (chunk.length >= maxAddresses || transfers + n > maxTransfers)) {
      chunks.push(chunk);
      chunk = [];
      transfers = 0;
    }
    chunk.push(w);
    transfers += n;
  }
  chunks.push(chunk);
  return chunks;
}

async function historiesOf(chainData: ReturnType<typeof createChainData>, windows: { address: Address; fromBlock: number }[], toBlock: number) {
  const addresses = windows.map((w) => w.address);
  const fromBlock = windows.reduce((m, w) => Math.min(m, w.fromBlock), Infinity);
  const fromOf = new Map(windows.map((w) => [w.address, w.fromBlock]));
  const histories = new Map<Address, Transfer[]>();
  const turns = loopTurns();
  for (const t of await chainData.transfersOf(addresses, { fromBlock, toBlock })) {
    if (turns.due()) await turns.give();
    for (const a of [t.from, t.to]) {
      if (a === null || !fromOf.has(a) || t.blockNumber < fromOf.get(a)!) continue;
      const list = histories.get(a) ?? [];
      if (list[list.length - 1] !== t) list.push(t);
      histories.set(a, list);
    }
  }
  return histories;
}

export function judgeParams(deps: TraceDeps, chainName: string) {
  const chain = chainConfig(deps.config, chainName);
  return {
    serviceLikeCounterparties: deps.config.tracing.serviceLikeCounterparties,
    maxDelayBlocks: Math.max(1, Math.ceil(deps.config.tracing.depositSweepWindowSeconds / chain.blockTimeSeconds)),
    minForwardShareBps: deps.config.tracing.depositMinForwardBps,
  };
}

/**
 * Symbol, decimals and issuer of every tainted asset: from config/ for the tokens a
 * deployment lists (USDT, USDC and their issuers), else as the token contract says.
 */
async function assetInfoOf(deps: TraceDeps, source: ChainSource, chainName: string, graph: CaseGraph): Promise<Map<Asset, AssetInfo>> {
  const chain = chainConfig(deps.config, chainName);
  const listed = new Map(chain.tokens.map((t) => [t.address, t]));
  const infos = new Map<Asset, AssetInfo>();
  for (const asset of new Set([...graph.taint.accounts.values()].map((a) => a.asset))) {
    const token = listed.get(asset);
    if (asset === source.nativeAsset) infos.set(asset, { symbol: asset, decimals: chain.kind === 'bitcoin' ? 8 : chain.kind === 'tron' ? 6 : 18 });
    else if (token) infos.set(asset, { symbol: token.symbol, decimals: token.decimals, ...(token.issuer ? { issuer: token.issuer } : {}) });
    else {
      // Only a definite "no symbol/decimals" leaves them out; a transient error fails the step.
      const read = await source.assetInfo?.(asset).catch((error: unknown) => {
        if (shouldRetry(error)) throw error;
        return null;
      });
      if (read) infos.set(asset, read);
    }
  }
  return infos;
}

/** Labels and deposit evidence for every address the report mentions. */
async function nodeInfo(
  deps: TraceDeps, source: ChainSource, kase: CaseRow, scope: CaseScope, graph: CaseGraph, addresses: Map<Address, RunAddress>,
): Promise<Map<Address, NodeInfo>> {
  // ~100,000 accounts at the bench's 100k: spread, mapped and deduplicated in one go, part of
  // a 135 ms stretch of the final step in a profiled run; here with turns for the event loop.
  const turns = loopTurns();
  const taintedSet = new Set<Address>();
  for (const a of graph.taint.accounts.values()) {
    if (turns.due()) await turns.give();
    taintedSet.add(a.address);
  }
  const tainted = [...taintedSet];
  const labels = await deps.store.labels.lookup(kase.chain, tainted);
  const deposits = await filterWithTurns([...addresses.values()], (a) => a.state === 'deposit', turns);
  const chainData = createChainData(deps.store, source);
  const histories = deposits.length ? await historiesOf(chainData, deposits, scope.toBlock) : new Map<Address, Transfer[]>();
  const counterLabels = await deps.store.labels.lookup(kase.chain, [...new Set([...histories.values()].flatMap((h) => counterpartiesOf(h, graph.assets)))]);
  const params = judgeParams(deps, kase.chain);
  const nodes = new Map<Address, NodeInfo>();
  // Most nodes are their state alone (no label, no deposit evidence): one read-only object per
  // state, shared. ~95,000 at the bench's 100k, each made by a spread (with its properties out
  // of the object) were 7.7 MB of the final step's heap in a snapshot.
  const stateOnly = new Map<NodeInfo['state'], NodeInfo>();
  for (const address of tainted) {
    if (turns.due()) await turns.give();
    const known = labels.get(address) ?? [];
    const label: Label | undefined = resolveLabel(known, deps.config.tracing.stopCategories);
    const run = addresses.get(address);
    const state = run?.state ?? 'max-hops';
    if (!label && state !== 'deposit') {
      let info = stateOnly.get(state);
      if (info === undefined) stateOnly.set(state, (info = { state }));
      nodes.set(address, info);
      continue;
    }
    const info: NodeInfo = label ? { state, label, labels: allLabels(known, deps.config.tracing.stopCategories) } : { state };
    if (state === 'deposit') {
      const verdict = judgeHistory(address, histories.get(address) ?? [], (a) => resolveLabel(counterLabels.get(a) ?? [], deps.config.tracing.stopCategories), params, graph.assets);
      if (verdict.deposit) info.deposit = verdict.deposit;
    }
    nodes.set(address, info);
  }
  return nodes;
}

/**
 * The saved graph's nodes, one at a time as the store writes them (a 100k case has ~100,000
 * accounts: as rows all at once, tens of MB at the step's peak); the event loop gets turns.
 */
async function* graphNodes(graph: CaseGraph, nodes: Map<Address, NodeInfo>): AsyncGenerator<NewCaseNode> {
  const turns = loopTurns();
  for (const a of graph.taint.accounts.values()) {
    if (turns.due()) await turns.give();
    const node = nodes.get(a.address);
    yield {
      address: a.address,
      asset: a.asset,
      hop: graph.hops.accountHop.of(a.address, a.asset) ?? null,
      role: node?.state ?? 'max-hops',
      entity: node?.deposit?.entity ?? node?.label?.entity ?? null,
      category: node?.deposit?.category ?? node?.label?.category ?? null,
      attribution: node?.deposit ? 'deposit-heuristic' : node?.label ? 'label' : null,
      taintedIn: a.taintedIn,
      taintedOut: a.taintedOut,
      taintedHeld: a.taintedHeld,
      toExposure: 0n,
    };
  }
}

/** The saved graph's flows: every tainted transfer, one at a time as the store writes them, with turns for the event loop. */
async function* graphFlows(graph: CaseGraph): AsyncGenerator<CaseFlowRow> {
  const turns = loopTurns();
  for (const [id, tainted] of graph.taint.tainted) {
    if (turns.due()) await turns.give();
    const t = graph.transfers.get(id);
    if (!t) continue;
    yield {
      txHash: t.txHash, ref: t.ref, from: t.from, to: t.to, asset: t.asset, amount: t.amount, tainted,
      hop: graph.hops.transferHop.get(id) ?? null, blockNumber: t.blockNumber,
    };
  }
}
