// Turns a taint result into what an analyst acts on: endpoints at services, exposure per
// entity, holdings still sitting at unattributed wallets, what was not followed and why,
// and a per-asset account of where every seeded unit went. Pure.
import type { DepositEvidence } from './deposit-heuristic';
import type { HopResult } from './hops';
import type {
  ReportAccounting, ReportEndpoint, ReportExposure, ReportHolding, ReportHop, ReportLabel, ReportSanction, ReportStopped,
} from './report';
import { runSteps, runStepsSliced, sortSteps, STEP, type SliceOptions, type Steps } from './taint/steps';
import type { AccountKeyed } from './taint/types';
import { transferId, type Address, type Asset, type Label, type Transfer } from './types';

/** What the tracer decided about an address that received taint. */
export type NodeState =
  | 'source' | 'crawled' | 'stop' | 'deposit' | 'service-like' | 'max-hops' | 'min-amount' | 'address-limit';

export interface NodeInfo {
  state: NodeState;
  /** The resolved label, if any (stop or not). */
  label?: Label;
  /** Every label of the address, best first; `label` is the first. */
  labels?: Label[];
  deposit?: DepositEvidence;
  /** How `label` was found when it is not the address's own (bitcoin: a co-spend cluster's). Default 'label'. */
  attribution?: 'label' | 'cluster';
}

export interface AccountView {
  address: Address;
  asset: Asset;
  taintedIn: bigint;
  taintedOut: bigint;
  taintedHeld: bigint;
  /** Taint created at this address as a source, and by seed transfers it sent (see taint/types.ts). */
  sourced: bigint;
  seeded: bigint;
  /**
   * Per-output chains (bitcoin) decide per output, not per address: of `taintedIn`, what was
   * not followed, by why. Account chains leave it out (the address's state says it all).
   */
  stopped?: ReadonlyMap<ReportStopped['reason'], bigint>;
}

/** The part of the taint engine's result that findings read. */
export interface TaintView {
  tainted: ReadonlyMap<string, bigint>;
  parents: ReadonlyMap<string, string[]>;
  /** Keyed `${address}|${asset}`; asked by address and asset (`of`), no key string built. */
  accounts: AccountKeyed<AccountView>;
  sinks: Map<Asset, bigint>;
  gaps: { address: Address; asset: Asset }[];
}

export interface AssetInfo {
  symbol?: string;
  decimals?: number;
  issuer?: string;
}

export interface FindingsInput {
  transfers: ReadonlyMap<string, Transfer>;
  taint: TaintView;
  hops: HopResult;
  nodes: ReadonlyMap<Address, NodeInfo>;
  sources: ReadonlySet<Address>;
  seedTransfers: ReadonlySet<string>;
  assetInfo: (asset: Asset) => AssetInfo;
  maxPathsPerEndpoint?: number;
}

export interface Findings {
  endpoints: ReportEndpoint[];
  exposure: ReportExposure[];
  sanctions: ReportSanction[];
  holdings: ReportHolding[];
  stopped: ReportStopped[];
  hops: ReportHop[];
  accounting: ReportAccounting[];
}

const STOPPED_STATES = new Set<NodeState>(['service-like', 'max-hops', 'min-amount', 'address-limit']);

export function buildFindings(input: FindingsInput): Findings {
  return runSteps(findingsSteps(input));
}

/**
 * The same as buildFindings, giving the event loop a turn at least every `sliceMs` (default
 * 25 ms): a report over a hundred thousand accounts is seconds of work, too long for a queue
 * worker to keep its loop.
 */
export function buildFindingsSliced(input: FindingsInput, options: SliceOptions = {}): Promise<Findings> {
  return runStepsSliced(findingsSteps(input), options);
}

function* findingsSteps(input: FindingsInput): Steps<Findings> {
  const inflows = yield* taintedInflowsByAccount(input);
  const endpoints: ReportEndpoint[] = [];
  const holdings: ReportHolding[] = [];
  const stopped: ReportStopped[] = [];

  let k = 0;
  for (const account of yield* sortedAccounts(input.taint.accounts)) {
    if (++k % 1024 === 0) yield;
    const node = input.nodes.get(account.address);
    const hops = input.hops.accountHop.of(account.address, account.asset) ?? input.hops.addressHop.get(account.address) ?? 0;
    const arrivals = inflows.get(account) ?? [];
    const info = input.assetInfo(account.asset);
    if (node?.state === 'stop' || node?.state === 'deposit') {
      if (account.taintedIn === 0n) continue;
      const deposit = node.state === 'deposit' ? node.deposit : undefined;
      endpoints.push(definedOnly({
        address: account.address,
        entity: deposit?.entity ?? node.label?.entity ?? 'unknown',
        category: deposit?.category ?? node.label?.category ?? 'other',
        attribution: deposit ? 'deposit-heuristic' as const : node.attribution ?? 'label' as const,
        asset: account.asset,
        amount: account.taintedIn.toString(),
        hops,
        paths: pathsTo(input, arrivals, input.maxPathsPerEndpoint ?? 3),
        labels: reportLabels(node),
        sweptTo: deposit?.hotWallets,
        confidence: node.label?.confidence,
        symbol: info.symbol,
        decimals: info.decimals,
        firstSeen: arrivals.length ? arrivals.reduce((m, t) => Math.min(m, t.timestamp), Infinity) : undefined,
        lastSeen: arrivals.length ? arrivals.reduce((m, t) => Math.max(m, t.timestamp), -Infinity) : undefined,
      }));
    } else if (node && STOPPED_STATES.has(node.state)) {
      if (account.taintedIn === 0n) continue;
      stopped.push({ address: account.address, asset: account.asset, amount: account.taintedIn.toString(), hops, reason: node.state as ReportStopped['reason'] });
    } else {
      for (const [reason, amount] of account.stopped ?? []) {
        if (amount > 0n) stopped.push({ address: account.address, asset: account.asset, amount: amount.toString(), hops, reason });
      }
      if (account.taintedHeld === 0n) continue;
      const labels = node?.label ? reportLabels(node) : undefined;
      holdings.push(definedOnly({
        address: account.address, asset: account.asset, amount: account.taintedHeld.toString(), hops, labels,
        symbol: info.symbol, decimals: info.decimals, issuer: info.issuer,
        lastSeen: arrivals.length ? arrivals.reduce((m, t) => Math.max(m, t.timestamp), -Infinity) : undefined,
      }));
    }
  }

  const accounting = accountFor(input, endpoints, holdings, stopped);
  const seeded = new Map(accounting.map((a) => [a.asset, BigInt(a.seeded)]));
  yield;
  const sortedEndpoints = yield* sortedByAmount(endpoints, (a, b) => a.hops - b.hops || cmp(a.address, b.address) || cmp(a.asset, b.asset));
  const sortedHoldings = yield* sortedByAmount(holdings, (a, b) => cmp(a.address, b.address) || cmp(a.asset, b.asset));
  const sortedStopped = yield* sortedByAmount(stopped, (a, b) => cmp(a.address, b.address) || cmp(a.asset, b.asset));
  const hops = yield* perHop(input);
  return {
    endpoints: sortedEndpoints,
    exposure: exposureOf(sortedEndpoints, seeded),
    sanctions: sanctionsOf([...sortedEndpoints, ...sortedHoldings], seeded),
    holdings: sortedHoldings,
    stopped: sortedStopped,
    hops,
    accounting,
  };
}

/** Largest amount first, then `tie`: each amount parsed once, the sort in steps. */
function* sortedByAmount<T extends { amount: string }>(rows: T[], tie: (a: T, b: T) => number): Steps<T[]> {
  const amounts = rows.map((r) => BigInt(r.amount));
  const order = yield* sortSteps(Int32Array.from(rows.keys()), (a, b) => cmpBig(amounts[b]!, amounts[a]!) || tie(rows[a]!, rows[b]!));
  return Array.from(order, (i) => rows[i]!);
}

/** Endpoints summed per entity and asset, with their share of what the seeds put in. */
export function exposureOf(endpoints: readonly ReportEndpoint[], seeded: ReadonlyMap<Asset, bigint>): ReportExposure[] {
  const groups = new Map<string, ReportExposure & { total: bigint }>();
  for (const e of endpoints) {
    const k = `${e.entity}\u0000${e.category}\u0000${e.asset}`;
    const g = groups.get(k) ?? { entity: e.entity, category: e.category, asset: e.asset, amount: '0', share: 0, total: 0n };
    g.total += BigInt(e.amount);
    groups.set(k, g);
  }
  return [...groups.values()]
    .map(({ total, ...g }) => ({ ...g, amount: total.toString(), share: ratio(total, seeded.get(g.asset) ?? 0n) }))
    .sort((a, b) => cmpBig(BigInt(b.amount), BigInt(a.amount)) || cmp(a.entity, b.entity) || cmp(a.asset, b.asset));
}

/** Endpoints and holdings at addresses with a `sanctioned` label, per sanctioned entity and asset. */
export function sanctionsOf(
  places: readonly { address: Address; asset: Asset; amount: string; labels?: readonly ReportLabel[] }[],
  seeded: ReadonlyMap<Asset, bigint>,
): ReportSanction[] {
  const groups = new Map<string, { entity: string; source?: string; asset: Asset; total: bigint; addresses: Set<Address> }>();
  for (const p of places) {
    // Most places carry no sanctioned label (a 100k case's ~90,000 holdings): no Set made for them.
    if (!p.labels?.some((label) => label.category === 'sanctioned')) continue;
    const seen = new Set<string>();
    for (const label of p.labels) {
      if (label.category !== 'sanctioned' || seen.has(label.entity)) continue;
      seen.add(label.entity); // one address counts once per sanctioned entity, whatever its sources
      const k = `${label.entity}\u0000${p.asset}`;
      const g = groups.get(k) ?? { entity: label.entity, source: label.source, asset: p.asset, total: 0n, addresses: new Set<Address>() };
      g.total += BigInt(p.amount);
      g.addresses.add(p.address);
      groups.set(k, g);
    }
  }
  return [...groups.values()]
    .map((g) => definedOnly({
      entity: g.entity, source: g.source, asset: g.asset, amount: g.total.toString(),
      share: ratio(g.total, seeded.get(g.asset) ?? 0n), addresses: [...g.addresses].sort(),
    }))
    .sort((a, b) => cmpBig(BigInt(b.amount), BigInt(a.amount)) || cmp(a.entity, b.entity) || cmp(a.asset, b.asset));
}

function reportLabels(node: NodeInfo | undefined): ReportLabel[] {
  const labels = node?.labels ?? (node?.label ? [node.label] : []);
  return labels.map((l) => definedOnly({ entity: l.entity, category: l.category, source: l.source, confidence: l.confidence }));
}

function accountFor(input: FindingsInput, endpoints: ReportEndpoint[], holdings: ReportHolding[], stopped: ReportStopped[]): ReportAccounting[] {
  const rows = new Map<Asset, { seeded: bigint; endpoints: bigint; holdings: bigint; stopped: bigint; fees: bigint; gaps: number }>();
  const row = (asset: Asset) => {
    let r = rows.get(asset);
    if (!r) rows.set(asset, (r = { seeded: 0n, endpoints: 0n, holdings: 0n, stopped: 0n, fees: 0n, gaps: 0 }));
    return r;
  };
  // What the seeds put in, once: taint created at sources (openings, and inflows only for the
  // part not tainted already: a round trip back to a seed adds nothing) and by seed transfers.
  for (const account of input.taint.accounts.values()) {
    const created = account.sourced + account.seeded;
    if (created > 0n) row(account.asset).seeded += created;
  }
  for (const e of endpoints) row(e.asset).endpoints += BigInt(e.amount);
  for (const h of holdings) row(h.asset).holdings += BigInt(h.amount);
  for (const s of stopped) row(s.asset).stopped += BigInt(s.amount);
  for (const [asset, fees] of input.taint.sinks) if (fees > 0n) row(asset).fees += fees;
  for (const gap of input.taint.gaps) if (rows.has(gap.asset)) row(gap.asset).gaps += 1;
  return [...rows.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([asset, r]) => ({
      asset, seeded: r.seeded.toString(), endpoints: r.endpoints.toString(), holdings: r.holdings.toString(),
      stopped: r.stopped.toString(), fees: r.fees.toString(), balanceGaps: r.gaps,
    }));
}

/**
 * Per hop, how much tainted value arrived and how much of it went on to exchanges. What a
 * wallet passes on is assumed to carry its inflows' exchange exposure in proportion
 * (the haircut view), solved by iterating to a fixed point because wallets can form cycles.
 */
function* perHop(input: FindingsInput): Steps<ReportHop[]> {
  const exchangeBound = (address: Address) => {
    const node = input.nodes.get(address);
    return node?.state === 'deposit' || (node?.state === 'stop' && node.label?.category === 'exchange');
  };
  // Each account's tainted outflows to an account that received taint, resolved once to the
  // index of that account; the rounds below only do arithmetic. An account is computed again
  // only when an account it pays changed since (`dirty`): what it would compute otherwise is
  // what it has, so every round ends with the values recomputing every account gives.
  // Indexed by the account itself: a key string each was ~95,000 more strings at the bench's 100k.
  const accounts: Array<{ bound: boolean; taintedIn: bigint; outs: { tainted: bigint; next: number; nextIn: bigint }[]; payers: number[] }> = [];
  const indexOf = new Map<AccountView, number>();
  const indexOfAccount = (address: Address, asset: Asset) => {
    const account = input.taint.accounts.of(address, asset);
    return account === undefined ? undefined : indexOf.get(account);
  };
  let n = 0;
  for (const account of input.taint.accounts.values()) {
    if (++n % STEP === 0) yield;
    indexOf.set(account, accounts.length);
    accounts.push({ bound: exchangeBound(account.address), taintedIn: account.taintedIn, outs: [], payers: [] });
  }
  for (const [id, amount] of input.taint.tainted) {
    if (++n % STEP === 0) yield;
    const t = input.transfers.get(id);
    if (!t || amount === 0n || t.to === null) continue;
    const from = indexOfAccount(t.from, t.asset);
    const next = indexOfAccount(t.to, t.asset);
    if (from === undefined || next === undefined || accounts[next]!.taintedIn === 0n) continue;
    accounts[from]!.outs.push({ tainted: amount, next, nextIn: accounts[next]!.taintedIn });
    accounts[next]!.payers.push(from);
  }
  const toExchanges: bigint[] = accounts.map(() => 0n);
  const dirty = new Uint8Array(accounts.length).fill(1);
  for (let round = 0; round < 50; round++) {
    let changed = false;
    for (let i = 0; i < accounts.length; i++) {
      if (i % STEP === STEP - 1) yield;
      if (dirty[i] === 0) continue;
      dirty[i] = 0;
      const { bound, taintedIn, outs, payers } = accounts[i]!;
      let value: bigint;
      if (bound) value = taintedIn;
      else {
        value = 0n;
        for (const o of outs) value += (o.tainted * toExchanges[o.next]!) / o.nextIn;
        if (value > taintedIn) value = taintedIn;
      }
      if (value !== toExchanges[i]) {
        toExchanges[i] = value;
        changed = true;
        for (const p of payers) dirty[p] = 1;
      }
    }
    if (!changed) break;
  }
  const groups = new Map<string, ReportHop & { addressSet: Set<Address>; taintedSum: bigint; exchSum: bigint }>();
  let visited = 0;
  for (const account of input.taint.accounts.values()) {
    if (++visited % STEP === 0) yield;
    if (account.taintedIn === 0n) continue;
    const hop = input.hops.accountHop.of(account.address, account.asset) ?? input.hops.addressHop.get(account.address);
    if (hop === undefined) continue;
    const k = `${hop}\u0000${account.asset}`;
    const g = groups.get(k) ?? { hop, asset: account.asset, addresses: 0, tainted: '0', toExchanges: '0', addressSet: new Set(), taintedSum: 0n, exchSum: 0n };
    g.addressSet.add(account.address);
    g.taintedSum += account.taintedIn;
    g.exchSum += toExchanges[indexOf.get(account)!]!;
    groups.set(k, g);
  }
  return [...groups.values()]
    .sort((a, b) => a.hop - b.hop || cmp(a.asset, b.asset))
    .map((g) => ({ hop: g.hop, addresses: g.addressSet.size, asset: g.asset, tainted: g.taintedSum.toString(), toExchanges: g.exchSum.toString() }));
}

/**
 * Each account's tainted arrivals, keyed by the account itself: a key string each would be
 * another ~95,000 strings (as many as the taint result's keys, 10 MB in a heap snapshot) at
 * the bench's 100k.
 */
function* taintedInflowsByAccount(input: FindingsInput): Steps<Map<AccountView, Transfer[]>> {
  const byAccount = new Map<AccountView, Transfer[]>();
  let n = 0;
  for (const [id, amount] of input.taint.tainted) {
    if (++n % STEP === 0) yield;
    const t = input.transfers.get(id);
    if (!t || t.to === null || amount === 0n) continue;
    const account = input.taint.accounts.of(t.to, t.asset);
    if (account) pushTo(byAccount, account, t);
  }
  return byAccount;
}

/** Transaction-hash paths from a seed transaction to the arrivals carrying the most taint. */
function pathsTo(input: FindingsInput, arrivals: Transfer[], max: number): string[][] {
  const tainted = (t: Transfer) => input.taint.tainted.get(transferId(t)) ?? 0n;
  const chosen = [...arrivals].sort((a, b) => cmpBig(tainted(b), tainted(a)) || cmp(transferId(a), transferId(b))).slice(0, max);
  const paths: string[][] = [];
  const seen = new Set<string>();
  for (const arrival of chosen) {
    const hashes: string[] = [];
    const visited = new Set<string>();
    for (let id: string | undefined = transferId(arrival); id && !visited.has(id); id = input.taint.parents.get(id)?.[0]) {
      visited.add(id);
      const t = input.transfers.get(id);
      if (!t) break;
      if (hashes[0] !== t.txHash) hashes.unshift(t.txHash);
    }
    const k = hashes.join(',');
    if (!seen.has(k)) {
      seen.add(k);
      paths.push(hashes);
    }
  }
  return paths;
}

function* sortedAccounts(accounts: ReadonlyMap<string, AccountView>): Steps<AccountView[]> {
  const list = [...accounts.values()];
  const order = yield* sortSteps(Int32Array.from(list.keys()), (i, j) => cmp(list[i]!.address, list[j]!.address) || cmp(list[i]!.asset, list[j]!.asset));
  return Array.from(order, (i) => list[i]!);
}

/** Share with six decimals, computed exactly in bigint. */
function ratio(part: bigint, whole: bigint): number {
  if (whole === 0n) return 0;
  return Number((part * 1_000_000n) / whole) / 1_000_000;
}

function pushTo<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
