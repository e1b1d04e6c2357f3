// Everything one trace run knows at a point in time, assembled from the store, and the
// taint over it. Each hop step and the final report start here, so a step that runs twice
// (a retried or stalled job) computes the same thing from the same rows.
import { chainConfig } from '../../config';
import type { ChainSource } from '../chains/source';
import { computeHopsSliced, type HopResult } from '../domain/hops';
import { propagateTaintSliced, type LedgerSpec, type TaintResult } from '../domain/taint';
import { filterWithTurns, loopTurns, runStepsSliced, STEP, type LoopTurns, type Steps } from '../domain/taint/steps';
import { compareStoreOrder, transferId, type Address, type Asset, type TaintModel, type Transfer } from '../domain/types';
import { createChainData, type ChainData, type OpeningQuery } from './chain-data';
import { MapView } from '../domain/map-view';
import type { BalanceTable } from '../store/balance-table';
import type { TraceDeps } from './deps';
import { tracedAssetsOfGraph } from './traced-assets';

/** How the tracer treats an address of a run. Only `source` and `crawled` pass taint on. */
export type AddressState =
  | 'source' | 'crawled' | 'stop' | 'deposit' | 'service-like' | 'max-hops' | 'min-amount' | 'address-limit';

export const LEDGER_STATES: ReadonlySet<AddressState> = new Set(['source', 'crawled']);
export const FINAL_STATES: ReadonlySet<AddressState> = new Set(['source', 'crawled', 'stop', 'deposit', 'service-like']);

export interface RunAddress {
  address: Address;
  hop: number;
  fromBlock: number;
  state: AddressState;
}

export interface CaseScope {
  chain: string;
  model: TaintModel;
  fromBlock: number;
  toBlock: number;
  assets: Asset[] | null;
  seedTransferIds: Set<string>;
}

export interface CaseGraph {
  transfers: ReadonlyMap<string, Transfer>;
  taint: TaintResult;
  hops: HopResult;
  sources: Set<Address>;
  /** The assets traced (see traced-assets.ts); transfers of others are ignored. */
  assets: ReadonlySet<Asset>;
}

export const MAX_CONVERGENCE_ROUNDS = 8;

/**
 * Compute taint over the stored graph. Before trusting it, make sure every ledger has its
 * opening balance for each asset it handles tainted value in, and that no tainted inflow
 * arrived before a ledger's window: fix what is missing and compute again.
 */
export async function computeCaseGraph(
  deps: TraceDeps,
  source: ChainSource,
  scope: CaseScope,
  addresses: Map<Address, RunAddress>,
): Promise<{ graph: CaseGraph; widened: RunAddress[] }> {
  const chainData = createChainData(deps.store, source, { balanceTokensReadDirectly: chainConfig(deps.config, scope.chain).balanceTokensReadDirectly ?? [] });
  const widened = new Map<Address, RunAddress>();
  const wanted = openingQueries();
  const turns = loopTurns(); // ~90,000 openings at the bench's 100k
  // Read once; a later round adds only the histories of the windows it widened (a wider
  // window only adds transfers of its own address), and a round that only found openings
  // missing reads nothing again.
  let ledgers = await ledgersOf(addresses, turns);
  // The sources' fees first: which assets are traced depends on which transactions they signed.
  await chainData.ensureFees(ledgers.filter((a) => a.state === 'source'), scope.toBlock);
  let history = await historyInWindows(chainData, scope, ledgers, ledgers);
  const seeds = await seedTransfers(deps, scope);
  let transfers = withSeeds(history, seeds);
  for (let round = 0; ; round++) {
    const sources = new Set<Address>();
    for (const a of ledgers) if (a.state === 'source') sources.add(a.address);
    const assets = await tracedAssetsOfGraph({
      requested: scope.assets, nativeAsset: source.nativeAsset, listedTokens: chainConfig(deps.config, scope.chain).tokens.map((t) => t.address),
      seedTransferIds: scope.seedTransferIds, sources, transfers: transfers.values(),
    }, turns);
    const openings = await neededOpenings(ledgers, transfers, sources, assets, source.nativeAsset, scope.seedTransferIds, null);
    const feesRead = await ensureNativeFees(chainData, scope.toBlock, openings, source.nativeAsset, ledgers);
    if (feesRead.length) {
      history = await mergeInStoreOrder(history, await historyInWindows(chainData, scope, ledgers, feesRead));
      transfers = withSeeds(history, seeds);
    }
    for (const q of openings) {
      if (turns.due()) await turns.give();
      wanted.add(q);
    }
    // Every ledger's history is stored up to toBlock (or the scanned ranges say which is
    // not): openings are derived from one read at toBlock where that is exact.
    const balances = await chainData.balances([...wanted.list], { historyTo: scope.toBlock });
    const { transferList, transferIds } = await engineInputs(transfers, turns);
    const taint = await propagateTaintSliced({
      model: scope.model,
      transfers: transferList,
      transferIds,
      ledgers: await ledgerSpecs(ledgers, balances, sources),
      seedTransfers: scope.seedTransferIds,
      stops: await stopsOf(addresses, turns),
      assets,
    });
    // Openings of assets that turned out tainted, and windows opened too late: fix, then again.
    let missing = 0;
    for (const q of await neededOpenings(ledgers, transfers, sources, assets, source.nativeAsset, scope.seedTransferIds, taint)) {
      if (turns.due()) await turns.give();
      if (wanted.add(q)) missing++;
    }
    const late = lateWindows(taint, addresses, transfers);
    if ((missing === 0 && late.length === 0) || round >= MAX_CONVERGENCE_ROUNDS) {
      // The taint result's own id and account key strings go along (a million rebuilt ids are ~80 MB).
      const ids: string[] = [];
      const tainted: Transfer[] = [];
      for (const id of taint.tainted.keys()) {
        if (turns.due()) await turns.give();
        const t = transfers.get(id);
        if (t) {
          ids.push(id);
          tainted.push(t);
        }
      }
      const hops = await computeHopsSliced({ transfers: tainted, transferIds: ids, seedTransfers: scope.seedTransferIds, sources });
      return { graph: { transfers, taint, hops, sources, assets }, widened: [...widened.values()] };
    }
    if (late.length) {
      await chainData.ensureHistory(late, scope.toBlock, scope.assets);
      for (const w of late) {
        addresses.set(w.address, w);
        widened.set(w.address, w);
      }
      ledgers = await ledgersOf(addresses, turns);
      const added = await historyInWindows(chainData, scope, ledgers, late);
      if (added.size > 0) {
        history = await mergeInStoreOrder(history, added);
        transfers = withSeeds(history, seeds);
      }
    }
  }
}

export async function seedTransfers(deps: TraceDeps, scope: CaseScope): Promise<Transfer[]> {
  const out: Transfer[] = [];
  const seedTxs = new Set([...scope.seedTransferIds].map((id) => id.split('#')[0]!));
  for (const txHash of seedTxs) {
    for (const t of await deps.store.chainData.transfersOfTx(scope.chain, txHash)) if (inScope(scope, t)) out.push(t);
  }
  return out;
}

/**
 * The stored histories of `read` (some of the ledgers), kept where they fall inside a
 * ledger's window, in the store's chain order: the store may hold an address's earlier
 * transfers too (fetched along with its neighbours' windows, or by another case), which
 * carry no taint here and are no part of this case's graph.
 */
export async function historyInWindows(chainData: ChainData, scope: CaseScope, ledgers: RunAddress[], read: RunAddress[]): Promise<Map<string, Transfer>> {
  const byId = new Map<string, Transfer>();
  if (read.length === 0) return byId;
  const fromBlock = read.reduce((m, l) => Math.min(m, l.fromBlock), scope.fromBlock);
  // Every ledger (~100,000 at the bench's 100k), with turns for the event loop.
  const ledgerOf = new Map<Address, RunAddress>();
  const turns = loopTurns();
  for (const l of ledgers) {
    if (turns.due()) await turns.give();
    ledgerOf.set(l.address, l);
  }
  const inWindow = (a: Address | null, block: number) => {
    const ledger = a === null ? undefined : ledgerOf.get(a);
    return ledger !== undefined && block >= ledger.fromBlock;
  };
  // Page by page: a case's histories are read whole here, and the database rows of all of
  // them at once would outweigh the transfers kept. A kept transfer (each read's are objects
  // of its own) names a ledger by the ledger's own string: read apart, each address was a
  // string per read again (at the bench's 100k, every one of 95,000 addresses held three
  // times over in a step).
  await chainData.eachTransfer(read.map((l) => l.address), { fromBlock, toBlock: scope.toBlock }, (t) => {
    if ((inWindow(t.from, t.blockNumber) || inWindow(t.to, t.blockNumber)) && inScope(scope, t)) {
      t.from = ledgerOf.get(t.from)?.address ?? t.from;
      if (t.to !== null) t.to = ledgerOf.get(t.to)?.address ?? t.to;
      byId.set(transferId(t), t);
    }
  });
  return byId;
}

/**
 * Two window-filtered histories as one, in the store's chain order (block, transaction
 * index, seq, hash, ref): what one read of every history gives. Each is in that order (a
 * read of the store, or a merge): merged in one pass, with turns for the event loop (sorted
 * whole, 150,000 transfers at the bench's 100k were a 140 ms stretch). A transfer in both
 * is taken from `b`. Sorted after all if one turns out not to be in order.
 */
export async function mergeInStoreOrder(a: Map<string, Transfer>, b: Map<string, Transfer>): Promise<Map<string, Transfer>> {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  const out = new Map<string, Transfer>();
  const turns = loopTurns();
  const ia = a.entries();
  const ib = b.entries();
  let x = ia.next();
  let y = ib.next();
  let last: Transfer | undefined;
  while (!x.done || !y.done) {
    if (turns.due()) await turns.give();
    let next: [string, Transfer];
    if (y.done || (!x.done && compareStoreOrder(x.value[1], y.value[1]) < 0)) {
      next = x.value as [string, Transfer]; // x is not done where y is
      x = ia.next();
      if (b.has(next[0])) continue;
    } else {
      next = y.value;
      y = ib.next();
    }
    if (last && compareStoreOrder(last, next[1]) > 0) return sortedInStoreOrder(a, b);
    out.set(next[0], next[1]);
    last = next[1];
  }
  return out;
}

function sortedInStoreOrder(a: Map<string, Transfer>, b: Map<string, Transfer>): Map<string, Transfer> {
  const all = new Map(a);
  for (const [id, t] of b) all.set(id, t);
  return new Map([...all].sort(([, x], [, y]) => compareStoreOrder(x, y)));
}

/** The engine's transfers and their ids, made with turns (250,000 transfers at the bench's 200k). */
export async function engineInputs(transfers: ReadonlyMap<string, Transfer>, turns: LoopTurns): Promise<{ transferList: Transfer[]; transferIds: string[] }> {
  const transferList: Transfer[] = [];
  const transferIds: string[] = [];
  for (const [id, t] of transfers) {
    if (turns.due()) await turns.give();
    transferIds.push(id);
    transferList.push(t);
  }
  return { transferList, transferIds };
}

/** The ledgers (sources and crawled wallets) among the addresses, with turns: ~100,000 at the bench's 200k. */
export function ledgersOf(addresses: ReadonlyMap<Address, RunAddress>, turns: LoopTurns): Promise<RunAddress[]> {
  return filterWithTurns([...addresses.values()], (a) => LEDGER_STATES.has(a.state), turns);
}

/** The addresses in a final state (taint stops there), with turns: ~190,000 addresses at the bench's 200k. */
export async function stopsOf(addresses: ReadonlyMap<Address, RunAddress>, turns: LoopTurns): Promise<Set<Address>> {
  const stops = new Set<Address>();
  for (const a of addresses.values()) {
    if (turns.due()) await turns.give();
    if (!LEDGER_STATES.has(a.state)) stops.add(a.address);
  }
  return stops;
}

/**
 * The graph's transfers: the histories, then the seed transactions' transfers not among them
 * (as one read gives them). No copy of the histories: a hop step's seeds are mostly no part
 * of the histories it reads (its dirty ledgers'), and the copy of ~97,000 transfers at the
 * bench's 100k was a 3.7 MB table (a heap snapshot). `history` must not change afterwards.
 */
export function withSeeds(history: ReadonlyMap<string, Transfer>, seeds: Transfer[]): ReadonlyMap<string, Transfer> {
  const more = new Map<string, Transfer>();
  for (const t of seeds) {
    const id = transferId(t);
    if (!history.has(id)) more.set(id, t);
  }
  return more.size === 0 ? history : new MapThenMore(history, more);
}

/** A Map's entries, then more under keys of their own: what a copy with them added reads as. */
class MapThenMore<K, V> extends MapView<K, V> {
  constructor(private readonly first: ReadonlyMap<K, V>, private readonly more: ReadonlyMap<K, V>) {
    super();
  }

  get size(): number {
    return this.first.size + this.more.size;
  }

  get(key: K): V | undefined {
    const value = this.first.get(key);
    return value !== undefined || this.first.has(key) ? value : this.more.get(key);
  }

  has(key: K): boolean {
    return this.first.has(key) || this.more.has(key);
  }

  *entries(): MapIterator<[K, V]> {
    yield* this.first.entries();
    yield* this.more.entries();
  }
}

function inScope(scope: CaseScope, t: Transfer): boolean {
  return t.blockNumber <= scope.toBlock && (!scope.assets || scope.assets.includes(t.asset));
}

/**
 * Opening balances a ledger needs: a source's every asset (all it held was the
 * fraudster's); for a crawled wallet, each asset it may have received taint in — anything
 * that came from another ledger or a seed transfer — and, once taint is known, each asset
 * it did receive taint in. Clean assets cannot carry taint and cost no balance look-up.
 * Poison needs them too: a poisoned wallet holds its whole balance, opening included.
 */
/** The same as neededOpeningsSteps, giving the event loop a turn every few thousand transfers. */
export function neededOpenings(...args: Parameters<typeof neededOpeningsSteps>): Promise<OpeningQuery[]> {
  return runStepsSliced(neededOpeningsSteps(...args));
}

function* neededOpeningsSteps(
  ledgers: RunAddress[], transfers: ReadonlyMap<string, Transfer>, sources: Set<Address>, assets: ReadonlySet<Asset>, nativeAsset: Asset,
  seedTransfers: ReadonlySet<string>, taint: TaintResult | null, followed?: Pick<ReadonlySet<Address>, 'has'>,
): Steps<OpeningQuery[]> {
  let n = 0;
  // Made here, not as the parameter's default: a default is built when the generator is
  // made, before its first slice (a profiled run of the bench's 100k: ~100,000 ledgers, one
  // ~110 ms stretch).
  let ledgerSet = followed;
  if (ledgerSet === undefined) {
    const all = new Set<Address>();
    for (const l of ledgers) {
      if (++n % STEP === 0) yield;
      all.add(l.address);
    }
    ledgerSet = all;
  }
  const assetsOf = new Map<Address, Set<Asset>>();
  const add = (address: Address, asset: Asset) => {
    if (!assets.has(asset)) return; // an asset not traced is no part of the case, opening included
    const set = assetsOf.get(address) ?? new Set<Asset>();
    set.add(asset);
    assetsOf.set(address, set);
  };
  for (const s of sources) add(s, nativeAsset);
  for (const [id, t] of transfers) {
    if (++n % STEP === 0) yield;
    if (sources.has(t.from)) add(t.from, t.asset);
    if (t.to && sources.has(t.to)) add(t.to, t.asset);
    if (t.to && ledgerSet.has(t.to) && (ledgerSet.has(t.from) || seedTransfers.has(id))) add(t.to, t.asset);
  }
  if (taint) {
    for (const account of taint.accounts.values()) {
      if (++n % STEP === 0) yield;
      if (account.taintedIn > 0n && ledgerSet.has(account.address)) add(account.address, account.asset);
    }
  }
  const queries: OpeningQuery[] = [];
  for (const ledger of ledgers) {
    if (++n % STEP === 0) yield;
    for (const asset of assetsOf.get(ledger.address) ?? []) {
      queries.push({ address: ledger.address, asset, blockNumber: openingBlock(ledger.fromBlock) });
    }
  }
  return queries;
}

/**
 * Fees are read where they can matter: a history read leaves them pending (see
 * ChainSource.histories), and a fee moves only its sender's native coin, which carries
 * taint only in a ledger that may receive it tainted: a source, or a wallet that received
 * the native coin from another ledger or in a seed transfer (neededOpenings' rule, by the
 * transfers alone). Reads those ledgers' pending fees; returns the ledgers that got some
 * (their histories changed: read them again).
 */
export async function ensureNativeFees(
  chainData: ChainData, toBlock: number, openings: readonly OpeningQuery[], nativeAsset: Asset, ledgers: readonly RunAddress[],
): Promise<RunAddress[]> {
  const native = new Set<Address>();
  for (const q of openings) if (q.asset === nativeAsset) native.add(q.address);
  if (native.size === 0) return [];
  const windows = ledgers.filter((l) => native.has(l.address)).map((l) => ({ address: l.address, fromBlock: l.fromBlock }));
  const got = await chainData.ensureFees(windows, toBlock);
  return got.size === 0 ? [] : ledgers.filter((l) => got.has(l.address));
}

/**
 * Opening balances asked for, each once, in the order first asked (`list`). Known by address
 * (the ledger's own string) and then asset and block, not by an `address|asset|block` string
 * per query: a hop at the bench's 100k asks ~93,000, and such keys were ~10 MB of its heap.
 */
export function openingQueries(): { add(q: OpeningQuery): boolean; readonly list: OpeningQuery[] } {
  const byAddress = new Map<Address, OpeningQuery | OpeningQuery[]>();
  const list: OpeningQuery[] = [];
  return {
    list,
    /** Adds the query; false when it was already asked. */
    add(q) {
      const known = byAddress.get(q.address);
      const same = (k: OpeningQuery) => k.asset === q.asset && k.blockNumber === q.blockNumber;
      if (known === undefined) byAddress.set(q.address, q);
      else if (Array.isArray(known)) {
        if (known.some(same)) return false;
        known.push(q);
      } else {
        if (same(known)) return false;
        byAddress.set(q.address, [known, q]);
      }
      list.push(q);
      return true;
    },
  };
}

/** The balance before `fromBlock`: the end of the previous block (genesis for block 0). */
export function openingBlock(fromBlock: number): number {
  return Math.max(0, fromBlock - 1);
}

/** Each ledger's window and openings, in time slices (a case's ledgers and balances are 100,000s). */
export function ledgerSpecs(ledgers: RunAddress[], balances: BalanceTable, sources: Set<Address>): Promise<Map<Address, LedgerSpec>> {
  return runStepsSliced(ledgerSpecsSteps(ledgers, balances, sources));
}

function* ledgerSpecsSteps(ledgers: RunAddress[], balances: BalanceTable, sources: Set<Address>): Steps<Map<Address, LedgerSpec>> {
  const specs = new Map<Address, LedgerSpec>();
  const byAddress = new Map<Address, Map<Asset, bigint>>();
  const ledgerOf = new Map<Address, RunAddress>();
  let n = 0;
  for (const l of ledgers) {
    if (++n % STEP === 0) yield;
    ledgerOf.set(l.address, l);
  }
  for (const { address, asset, blockNumber, amount } of balances.rows()) {
    if (++n % STEP === 0) yield;
    // A zero opening is no opening (the ledgers read an absent one as 0): no map of its own.
    if (amount === 0n) continue;
    const ledger = ledgerOf.get(address);
    if (!ledger || blockNumber !== openingBlock(ledger.fromBlock)) continue;
    const opening = byAddress.get(ledger.address) ?? new Map<Asset, bigint>();
    opening.set(asset, amount);
    byAddress.set(ledger.address, opening);
  }
  // Ledgers without an opening share one spec per window start and role (the engine only
  // reads specs): ~93,000 at the bench's 100k, an object each was 3.7 MB of the step's heap.
  const shared = new Map<number, LedgerSpec>();
  for (const ledger of ledgers) {
    if (++n % STEP === 0) yield;
    const source = sources.has(ledger.address);
    const opening = byAddress.get(ledger.address);
    let spec: LedgerSpec | undefined;
    if (opening !== undefined) spec = { fromBlock: ledger.fromBlock, opening, source };
    else {
      const key = 2 * ledger.fromBlock + (source ? 1 : 0);
      spec = shared.get(key);
      if (spec === undefined) shared.set(key, (spec = { fromBlock: ledger.fromBlock, opening: NO_OPENING, source }));
    }
    specs.set(ledger.address, spec);
  }
  return specs;
}

/**
 * The opening of every ledger without one, shared: a Map each cost ~600 bytes of heap, 55 MB
 * for the 93,000 ledgers of the bench's 100k case. Read only (LedgerSpec.opening is a
 * ReadonlyMap).
 */
const NO_OPENING: ReadonlyMap<Asset, bigint> = new Map();

export function lateWindows(taint: TaintResult, addresses: Map<Address, RunAddress>, transfers: ReadonlyMap<string, Transfer>): RunAddress[] {
  const earliest = new Map<Address, number>();
  for (const late of taint.lateInflows) {
    const t = transfers.get(late.transferId);
    if (!t) continue;
    earliest.set(late.address, Math.min(earliest.get(late.address) ?? Infinity, t.blockNumber));
  }
  const widened: RunAddress[] = [];
  for (const [address, block] of earliest) {
    const current = addresses.get(address);
    if (current && block < current.fromBlock) widened.push({ ...current, fromBlock: block });
  }
  return widened;
}
