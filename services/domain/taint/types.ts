// The taint engine's input and output. Kept apart from the shared vocabulary in ../types.ts
// because only the engine and its callers need them.
import type { AssetScope, IgnoredTransfers } from '../payments';
import { flatJoin, type Address, type Asset, type TaintModel, type Transfer } from '../types';

export interface LedgerSpec {
  /** History of this address is complete from this block on: every transfer it sent or received at blockNumber >= fromBlock is in `transfers`. */
  fromBlock: number;
  /** Balance per asset at the end of block fromBlock-1. Missing asset = 0. */
  opening: ReadonlyMap<Asset, bigint>;
  /** A seed wallet: its opening balance and every inflow are tainted in full. */
  source: boolean;
}

export interface TaintInput {
  model: TaintModel;
  /** One chain. Any order; duplicates (same transferId) are processed once. */
  transfers: readonly Transfer[];
  /**
   * Optional: the transferId of each of `transfers`, in the same order (the keys of the Map
   * they came from, say). The result is then keyed by these very strings instead of new ones
   * (an id is ~100 bytes; a case's histories hold 100,000s). Checked against the transfers.
   */
  transferIds?: readonly string[];
  /** Addresses whose balance we track; only they pass taint on. */
  ledgers: ReadonlyMap<Address, LedgerSpec>;
  /** transferIds tainted in full (a victim's payment), whoever sent them. */
  seedTransfers: ReadonlySet<string>;
  /** Endpoints: absorb taint, never pass it on. A stop's ledger spec is ignored. */
  stops: ReadonlySet<Address>;
  /** The assets traced; transfers of any other asset are ignored (see ../payments.ts). Default: every asset. */
  assets?: AssetScope;
  /**
   * transferId → the taint it carries, for transfers whose sender has no ledger in this input
   * but had one when an earlier computation gave it that taint (a step that recomputes only
   * part of a case: see services/tracing/step-taint.ts). Ignored where the sender has a
   * ledger here, and for seed transfers (tainted in full).
   */
  inflowTaint?: ReadonlyMap<string, bigint>;
  /**
   * false: no parents wanted; `parents` comes back empty and the ledgers remember no inflows
   * for them (a hop step needs none: at the bench's 100k, ~95,000 ledgers' top inflows and
   * ~97,000 parent arrays were ~12 MB of its heap). Default true.
   */
  parents?: boolean;
}

/**
 * How an address holds taint:
 * - `ledger`: tracked; passes taint on; held = the ledger's tainted balance at the end
 *   (+ tainted inflows that arrived before its window, which stay put — see `lateInflows`);
 * - `stop`: absorbs; held = everything tainted it received;
 * - `untracked`: no ledger, so it cannot pass taint on; held = everything tainted it received.
 */
export type AccountRole = 'ledger' | 'stop' | 'untracked';

export interface AccountTaint {
  address: Address;
  asset: Asset;
  role: AccountRole;
  /** Tainted received: tainted transfers in, a source's tainted opening balance, and a source's inflows in full. */
  taintedIn: bigint;
  /** Tainted sent (fees included): the sum of τ over the transfers it sent. */
  taintedOut: bigint;
  /**
   * Taint created at a source: its tainted opening balance plus, per inflow in its window, the
   * part its sender had not already tainted (value coming back to a seed is not seeded again).
   */
  sourced: bigint;
  /**
   * Taint created by seed transfers this address sent: for each, its amount minus the taint
   * the sender's own ledger gave up for it (the whole amount for a victim without a ledger).
   */
  seeded: bigint;
  /** See AccountRole. For every model but poison: taintedIn + seeded == taintedOut + taintedHeld. */
  taintedHeld: bigint;
  /** Of tainted inflows (transfers); null if none, e.g. a source whose only taint is its opening balance. */
  firstTaintedBlock: number | null;
  firstTaintedTimestamp: number | null;
  /** Of the last tainted inflow in chain order. */
  lastTaintedTimestamp: number | null;
}

export interface Gap {
  address: Address;
  asset: Asset;
  transferId: string;
  /** The part of the outflow the known balance could not cover; treated as clean funds of unknown origin. */
  amount: bigint;
}

export interface LateInflow {
  address: Address;
  transferId: string;
  /** Taint carried by the transfer; not propagated. The caller should widen the window. */
  amount: bigint;
}

export interface TaintResult {
  /** transferId → tainted amount τ (> 0 only), in chain order. */
  tainted: ReadonlyMap<string, bigint>;
  /**
   * Tainted transferId → up to 3 inflow transferIds of its sender it drew from, largest first.
   * Empty for seed transfers and for taint drawn only from a source's opening balance.
   * A parent may be missing from `tainted`: a source's inflow is tainted on arrival, not in transit.
   * Outflows with the same parents may share one array: read them, do not change them.
   * Empty when the input said `parents: false`.
   */
  parents: ReadonlyMap<string, string[]>;
  /** Key `${address}|${asset}`; every address that received, sent or holds taint, in the order it first did (see account-map.ts). */
  accounts: AccountKeyed<AccountTaint>;
  /** Tainted fees per asset. */
  sinks: Map<Asset, bigint>;
  gaps: Gap[];
  lateInflows: LateInflow[];
  /** Transfers left out because they are no payment: self-transfers, zero values, untraced assets. */
  ignored: IgnoredTransfers;
}

/** An account's key, `${address}|${asset}`, as one flat string (see flatJoin). */
export function accountKey(address: Address, asset: Asset): string {
  return flatJoin(address, '|', asset);
}

/**
 * A Map keyed `${address}|${asset}` that also answers by address and asset without a key
 * string: a report's look-ups per transfer and per account would each build one (~95,000
 * accounts at the bench's 100k: their keys were 10 MB of the final step's heap).
 */
export interface AccountKeyed<V> extends ReadonlyMap<string, V> {
  of(address: Address, asset: Asset): V | undefined;
}

/** A Map keyed `${address}|${asset}` whose `of` builds the key (a small result: Bitcoin's findings). */
export class KeyedByAccount<V> extends Map<string, V> implements AccountKeyed<V> {
  of(address: Address, asset: Asset): V | undefined {
    return this.get(accountKey(address, asset));
  }
}
