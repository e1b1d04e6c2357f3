// The taint a hop step needs, at the cost of what is new. A step only decides about the
// wallets taint reached (services/tracing/trace-step.ts, decide); what it needs of the taint
// is, per reached wallet, the taint it received per asset, when it first arrived and its hop.
//
// The last step left every tainted transfer with its taint and hop in the store (run_taint).
// Taint and hops through a wallet depend only on its own history, its opening balances and
// the taint and hops of what it received, so a step recomputes only the `dirty` ledgers:
// - ledgers not computed yet with their current window (new, widened, or a new run's);
// - closed over what they send: a ledger that receives from a dirty one (in the sender's
//   window, where its taint can change) is dirty too, as its own taint may change.
// Everything else keeps its rows. The dirty ledgers' histories are propagated with the taint
// and hops of what clean ledgers sent them read back as given (the engine's `inflowTaint`,
// the hops' `fixedHops`), which is what the whole case's propagation gives them: the same
// inputs in the same order. Their new rows replace their old ones in one transaction.
//
// The final report still propagates the whole case once (case-graph.ts). With
// TRACEHOLD_VERIFY_STEPS=1 each step also does and refuses to go on if the two differ (the
// test suite runs so).
import { chainConfig } from '../../config';
import type { ChainSource } from '../chains/source';
import { computeHopsSliced } from '../domain/hops';
import { propagateTaintSliced, type TaintResult } from '../domain/taint';
import { ColumnSubset } from '../domain/taint/column-map';
import { filterWithTurns, loopTurns } from '../domain/taint/steps';
import { transferId, type Address, type Asset, type Transfer } from '../domain/types';
import type { RunTaintRow } from '../store/run-taint-repo';
import {
  computeCaseGraph, engineInputs, ensureNativeFees, FINAL_STATES, historyInWindows, LEDGER_STATES, lateWindows, ledgersOf, ledgerSpecs, MAX_CONVERGENCE_ROUNDS, mergeInStoreOrder,
  neededOpenings, openingQueries, seedTransfers, stopsOf, withSeeds, type CaseGraph, type CaseScope, type RunAddress,
} from './case-graph';
import { createChainData } from './chain-data';
import type { Candidate } from './classify';
import type { TraceDeps } from './deps';
import { tracedAssets } from './traced-assets';

export interface StepTaint {
  /** Wallets taint reached that have no final state yet, with what reached them. */
  candidates: Candidate[];
  /** The assets traced (see traced-assets.ts). */
  assets: ReadonlySet<Asset>;
  /** Ledgers whose window opened too late and was widened (already set in `addresses`). */
  widened: RunAddress[];
  /** Ledgers recomputed, the transfers propagated for them, and the milliseconds propagation and hops took. */
  recomputed: { ledgers: number; transfers: number; ms: number };
  /**
   * Writes the recomputed rows in place of the senders' old ones. The step calls it after its
   * decisions are written: a step that dies before then left the last state whole, and its
   * re-run recomputes the same (its new wallets, decided now, join in as a whole-case
   * recomputation would have them).
   */
  save(): Promise<void>;
}

export async function computeStepTaint(
  deps: TraceDeps, source: ChainSource, runId: string, scope: CaseScope, addresses: Map<Address, RunAddress>,
  /** Followed wallet → the window its rows in run_taint were computed with. */
  propagated: ReadonlyMap<Address, number>,
  firstStep: boolean,
): Promise<StepTaint> {
  const check = process.env.TRACEHOLD_VERIFY_STEPS === '1' ? new Map([...addresses].map(([a, r]) => [a, { ...r }])) : null;
  const result = await incrementalStepTaint(deps, source, runId, scope, addresses, propagated, firstStep);
  if (check) {
    const { graph, widened } = await computeCaseGraph(deps, source, scope, check);
    const whole = JSON.stringify(normal(candidatesOf(graph, check), widened));
    const step = JSON.stringify(normal(result.candidates, result.widened));
    if (whole !== step) throw new Error(`step taint differs from the whole case's (TRACEHOLD_VERIFY_STEPS): ${step} vs ${whole}`);
  }
  return result;
}

async function incrementalStepTaint(
  deps: TraceDeps, source: ChainSource, runId: string, scope: CaseScope, addresses: Map<Address, RunAddress>,
  propagated: ReadonlyMap<Address, number>, firstStep: boolean,
): Promise<StepTaint> {
  const chain = chainConfig(deps.config, scope.chain);
  const chainData = createChainData(deps.store, source, { balanceTokensReadDirectly: chain.balanceTokensReadDirectly ?? [] });
  // A hop at the bench's 100k has ~100,000 ledgers and 150,000 transfers: the loops over
  // them give the event loop turns.
  const turns = loopTurns();
  let ledgers = await ledgersOf(addresses, turns);
  // The wallets followed are the ledgers; the step changes no state (it widens windows only).
  const followed = { has: (a: Address) => LEDGER_STATES.has(addresses.get(a)?.state ?? 'max-hops') };
  const sources = new Set<Address>();
  const dirty = new Set<Address>();
  for (const l of ledgers) {
    if (turns.due()) await turns.give();
    if (l.state === 'source') sources.add(l.address);
    if (propagated.get(l.address) !== l.fromBlock) dirty.add(l.address);
  }
  const seeds = await seedTransfers(deps, scope);

  // The traced assets depend on the sources' transfers and the seeds only.
  const sourceLedgers = await filterWithTurns(ledgers, (l) => sources.has(l.address), turns);
  // Which assets are traced depends on which transactions the sources signed: their fees first.
  await chainData.ensureFees(sourceLedgers, scope.toBlock);
  const sourceHistory = scope.assets ? new Map<string, Transfer>() : await historyInWindows(chainData, scope, ledgers, sourceLedgers);
  const assets = tracedAssets({
    requested: scope.assets, nativeAsset: source.nativeAsset, listedTokens: chain.tokens.map((t) => t.address),
    seedTransferIds: scope.seedTransferIds, sources, transfers: [...sourceHistory.values(), ...seeds],
  });

  // The dirty ledgers' histories, closed over what they send to other ledgers.
  let history = new Map<string, Transfer>();
  // What the store says each dirty ledger received, the sender, taint and hop of each only,
  // under the history's own id strings: a hop at the bench's 100k reads ~93,000 such rows,
  // and held whole, each with an id string of its own, they were an estimated ~30 MB.
  const given = new GivenRows();
  const readDirty = async (read: RunAddress[]) => {
    while (read.length) {
      history = await mergeInStoreOrder(history, await historyInWindows(chainData, scope, ledgers, read));
      const rows = new Map<string, RunTaintRow>();
      for (const row of await deps.store.runTaint.taintInto(runId, read.map((l) => l.address))) {
        if (turns.due()) await turns.give();
        rows.set(transferId(row), row);
      }
      const keep = (id: string, t: Transfer) => {
        const row = rows.get(id);
        if (row) given.set(id, t.from, row.tainted, row.hop);
      };
      for (const t of seeds) {
        const id = transferId(t);
        if (!history.has(id)) keep(id, t);
      }
      const reached = new Set<Address>();
      for (const [id, t] of history) {
        if (turns.due()) await turns.give();
        keep(id, t);
        const sender = addresses.get(t.from);
        if (t.to && dirty.has(t.from) && sender && t.blockNumber >= sender.fromBlock && followed.has(t.to) && !dirty.has(t.to)) reached.add(t.to);
      }
      for (const a of reached) dirty.add(a);
      read = [...reached].map((a) => addresses.get(a)!);
    }
  };
  await readDirty(await filterWithTurns(ledgers, (l) => dirty.has(l.address), turns));

  const widened = new Map<Address, RunAddress>();
  const wanted = openingQueries();
  const stops = await stopsOf(addresses, turns);
  let taint: TaintResult;
  let transfers: ReadonlyMap<string, Transfer>;
  let engineMs = 0;
  let examined = 0;
  for (let round = 0; ; round++) {
    const recomputed = await filterWithTurns(ledgers, (l) => dirty.has(l.address), turns);
    transfers = withSeeds(history, seeds);
    const openings = await neededOpenings(recomputed, transfers, sources, assets, source.nativeAsset, scope.seedTransferIds, null, followed);
    // Fees where the native coin may carry taint (the dirty ledgers only: the others kept
    // theirs from the step that computed them, and one that newly may is dirty).
    const feesRead = await ensureNativeFees(chainData, scope.toBlock, openings, source.nativeAsset, recomputed);
    if (feesRead.length) {
      history = await mergeInStoreOrder(history, await historyInWindows(chainData, scope, ledgers, feesRead));
      transfers = withSeeds(history, seeds);
    }
    for (const q of openings) {
      if (turns.due()) await turns.give();
      wanted.add(q);
    }
    const balances = await chainData.balances(wanted.list, { historyTo: scope.toBlock });
    const { transferList, transferIds } = await engineInputs(transfers, turns);
    const started = performance.now();
    taint = await propagateTaintSliced({
      model: scope.model,
      transfers: transferList,
      transferIds,
      ledgers: await ledgerSpecs(recomputed, balances, sources),
      seedTransfers: scope.seedTransferIds,
      stops,
      assets,
      inflowTaint: given.taintFromClean(dirty),
      parents: false,
    });
    engineMs += performance.now() - started;
    examined += transfers.size;
    let missing = 0;
    for (const q of await neededOpenings(recomputed, transfers, sources, assets, source.nativeAsset, scope.seedTransferIds, taint, followed)) {
      if (turns.due()) await turns.give();
      if (wanted.add(q)) missing++;
    }
    const late = lateWindows(taint, addresses, transfers);
    if ((missing === 0 && late.length === 0) || round >= MAX_CONVERGENCE_ROUNDS) break;
    if (late.length) {
      await chainData.ensureHistory(late, scope.toBlock, scope.assets);
      for (const w of late) {
        addresses.set(w.address, w);
        widened.set(w.address, w);
      }
      ledgers = await ledgersOf(addresses, turns);
      await readDirty(late);
    }
  }

  // Hops of what the dirty ledgers sent; what others sent keeps its hop.
  const fixedHops = given.hopsFromClean(dirty);
  const ids: string[] = [];
  const taintedTransfers: Transfer[] = [];
  for (const id of taint.tainted.keys()) {
    if (turns.due()) await turns.give();
    ids.push(id);
    taintedTransfers.push(transfers.get(id)!);
  }
  const hopsStarted = performance.now();
  const hops = await computeHopsSliced({ transfers: taintedTransfers, transferIds: ids, seedTransfers: scope.seedTransferIds, sources, fixedHops, transfersOnly: true });
  engineMs += performance.now() - hopsStarted;

  // Rows of what the dirty ledgers sent, and of seeds sent by wallets that are no ledger.
  // ~93,000 dirty ledgers at the bench's 100k: added with turns (spread into one new Set,
  // they were part of a 131 ms stretch in a profiled run).
  const senders = new Set<Address>();
  for (const a of dirty) {
    if (turns.due()) await turns.give();
    senders.add(a);
  }
  for (const t of seeds) if (!followed.has(t.from)) senders.add(t.from);
  const rows: RunTaintRow[] = [];
  const recipients = new Set<Address>();
  for (const [id, amount] of taint.tainted) {
    if (turns.due()) await turns.give();
    const t = transfers.get(id)!;
    if (!senders.has(t.from)) continue;
    rows.push({ txHash: t.txHash, ref: t.ref, from: t.from, to: t.to, asset: t.asset, blockNumber: t.blockNumber, tainted: amount, hop: hops.transferHop.get(id) ?? null });
    if (t.to !== null) recipients.add(t.to);
  }
  const windows = new Map<Address, number>();
  for (const a of dirty) {
    if (turns.due()) await turns.give();
    windows.set(a, addresses.get(a)!.fromBlock);
  }

  // Candidates: wallets that just received, and those still without a final state (a
  // label, the hop limit or the budget may decide otherwise now), from every sender's rows;
  // on a run's first step every wallet reached (a resumed run carries rows over, see
  // services/retrace, and decides again what the last run left undecided).
  for (const a of addresses.values()) {
    if (turns.due()) await turns.give();
    if (!FINAL_STATES.has(a.state)) recipients.add(a.address);
  }
  if (firstStep) for (const a of await deps.store.runTaint.recipients(runId)) recipients.add(a);
  // The open recipients and their set, and the candidates below, made with turns: these loops
  // had none, and the step's own code was 103 ms of a 225 ms block and 175 ms of a 212 ms one in
  // a profiled 200k run (the profile does not say which of its lines).
  const open: Address[] = [];
  const openSet = new Set<Address>();
  for (const a of recipients) {
    if (turns.due()) await turns.give();
    if (FINAL_STATES.has(addresses.get(a)?.state ?? 'max-hops')) continue;
    open.push(a);
    openSet.add(a);
  }
  // What the other senders left in the store, and what this step computed for its senders.
  const received = await deps.store.runTaint.receivedBy(runId, open, senders);
  for (const r of rows) {
    if (turns.due()) await turns.give();
    if (r.to !== null && openSet.has(r.to)) received.push({ address: r.to, asset: r.asset, tainted: r.tainted, firstBlock: r.blockNumber, hop: r.hop });
  }
  const byAddress = new Map<Address, { candidate: Candidate; hop: number | undefined }>();
  for (const row of received) {
    if (turns.due()) await turns.give();
    const entry = byAddress.get(row.address) ?? { candidate: { address: row.address, hop: 0, received: new Map(), firstTaintedBlock: row.firstBlock }, hop: undefined };
    const c = entry.candidate;
    c.received.set(row.asset, (c.received.get(row.asset) ?? 0n) + row.tainted);
    c.firstTaintedBlock = Math.min(c.firstTaintedBlock, row.firstBlock);
    if (row.hop !== null) entry.hop = Math.min(entry.hop ?? Infinity, row.hop);
    byAddress.set(row.address, entry);
  }
  const candidates: Candidate[] = [];
  for (const { candidate, hop } of byAddress.values()) {
    if (turns.due()) await turns.give();
    if (hop !== undefined) candidates.push({ ...candidate, hop });
  }
  return {
    candidates, assets, widened: [...widened.values()], recomputed: { ledgers: dirty.size, transfers: examined, ms: Math.round(engineMs) },
    save: replaceRows(deps, runId, senders, windows, rows),
  };
}

/**
 * What the store says the dirty ledgers received: per transfer (the history's own id string),
 * its sender, taint and hop, in columns. Held as an object each, and read as the engine's
 * inflow taint and the fixed hops through a Map each, a hop at the bench's 100k held ~93,000
 * of them three times over (~15 MB of the step's heap in a snapshot).
 */
class GivenRows {
  private readonly rows = new Map<string, number>();
  private readonly from: Address[] = [];
  private readonly tainted: bigint[] = [];
  private readonly hop: (number | null)[] = [];

  set(id: string, from: Address, tainted: bigint, hop: number | null): void {
    let row = this.rows.get(id);
    if (row === undefined) this.rows.set(id, (row = this.from.length));
    this.from[row] = from;
    this.tainted[row] = tainted;
    this.hop[row] = hop;
  }

  /** The taint of what the ledgers not in `dirty` sent (the engine's `inflowTaint`); `dirty` must not change while it is used. */
  taintFromClean(dirty: ReadonlySet<Address>): ReadonlyMap<string, bigint> {
    return new ColumnSubset(this.rows, this.tainted, (row) => !dirty.has(this.from[row]!));
  }

  /** The hops of what the ledgers not in `dirty` sent, where they have one (the hops' `fixedHops`). */
  hopsFromClean(dirty: ReadonlySet<Address>): ReadonlyMap<string, number> {
    return new ColumnSubset(this.rows, this.hop as readonly number[], (row) => this.hop[row] !== null && !dirty.has(this.from[row]!));
  }
}

/**
 * The step's save, a closure over its rows alone. One made inside the step would share the
 * step's scope with the closures that read its histories, and keep all of it alive until the
 * step persists: at the bench's 100k, the L2 wallets' ~93,000 payouts through the 24 s in
 * which the next hop's histories are fetched and judged.
 */
function replaceRows(deps: TraceDeps, runId: string, senders: Set<Address>, windows: Map<Address, number>, rows: RunTaintRow[]): () => Promise<void> {
  return () => deps.store.runTaint.replaceFrom(runId, senders, windows, rows);
}

/** Addresses that received taint and have no final decision yet (from a whole-case graph). */
export function candidatesOf(graph: CaseGraph, addresses: Map<Address, RunAddress>): Candidate[] {
  const byAddress = new Map<Address, Candidate>();
  for (const [id, amount] of graph.taint.tainted) {
    const t = graph.transfers.get(id);
    if (!t || t.to === null || amount === 0n) continue;
    const known = addresses.get(t.to);
    if (known && FINAL_STATES.has(known.state)) continue;
    const hop = graph.hops.addressHop.get(t.to);
    if (hop === undefined) continue;
    const c = byAddress.get(t.to) ?? { address: t.to, hop, received: new Map<Asset, bigint>(), firstTaintedBlock: t.blockNumber };
    c.received.set(t.asset, (c.received.get(t.asset) ?? 0n) + amount);
    c.firstTaintedBlock = Math.min(c.firstTaintedBlock, t.blockNumber);
    byAddress.set(t.to, c);
  }
  return [...byAddress.values()];
}

function normal(candidates: Candidate[], widened: RunAddress[]) {
  return {
    candidates: candidates
      .map((c) => [c.address, c.hop, c.firstTaintedBlock, [...c.received].map(([a, v]) => `${a}=${v}`).sort()] as const)
      .sort((x, y) => (x[0] < y[0] ? -1 : 1)),
    widened: widened.map((w) => `${w.address}@${w.fromBlock}`).sort(),
  };
}
