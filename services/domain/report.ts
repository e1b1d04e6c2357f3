// The trace report of ../shared/contract.md, as TypeScript. Amounts are strings of base
// units so the JSON is exact; `share` is the only float.
import type { Address, Asset, LabelCategory, Seed, TaintModel } from './types';

export type Attribution = 'label' | 'deposit-heuristic' | 'cluster';

/** One label known for an address, as the report lists it (every label is kept). */
export interface ReportLabel {
  entity: string;
  category: LabelCategory;
  source?: string;
  confidence?: number;
}

export interface ReportEndpoint {
  address: Address;
  entity: string;
  category: LabelCategory;
  attribution: Attribution;
  asset: Asset;
  amount: string;
  hops: number;
  paths: string[][];
  /** Every label of the address, best first (a stop category first): e.g. an exchange and its OFAC listing. */
  labels?: ReportLabel[];
  /** Deposit heuristic: the exchange wallets it swept to. */
  sweptTo?: Address[];
  confidence?: number;
  symbol?: string;
  decimals?: number;
  /** Unix seconds of the first and the last tainted arrival. */
  firstSeen?: number;
  lastSeen?: number;
}

export interface ReportExposure {
  entity: string;
  category: LabelCategory;
  asset: Asset;
  amount: string;
  share: number;
}

export interface ReportHolding {
  address: Address;
  asset: Asset;
  amount: string;
  hops: number;
  /** Labels on the address (scam, sanctioned, hack…: none of a stop category, or it would be an endpoint). */
  labels?: ReportLabel[];
  symbol?: string;
  decimals?: number;
  issuer?: string;
  lastSeen?: number;
}

/** Tainted value the trace did not follow further, and why. */
/**
 * Exposure to sanctioned entities: tainted value at endpoints and holdings that carry a
 * `sanctioned` label, per sanctioned entity and asset. A sanctioned exchange shows here and,
 * as an exchange, in `exposure`.
 */
export interface ReportSanction {
  entity: string;
  source?: string;
  asset: Asset;
  amount: string;
  share: number;
  addresses: Address[];
}

export interface ReportStopped {
  address: Address;
  asset: Asset;
  amount: string;
  hops: number;
  reason: 'max-hops' | 'min-amount' | 'service-like' | 'address-limit';
}

export interface ReportHop {
  hop: number;
  addresses: number;
  asset: Asset;
  /** Tainted value that arrived at addresses of this hop. */
  tainted: string;
  /** Of that, what went on (proportionally) to exchange endpoints. */
  toExchanges: string;
}

/** Per asset: where every seeded unit is. seeded = endpoints + holdings + stopped + fees (not for poison). */
export interface ReportAccounting {
  asset: Asset;
  seeded: string;
  endpoints: string;
  holdings: string;
  stopped: string;
  fees: string;
  /** Outflows larger than the known balance, treated as clean funds of unknown origin. */
  balanceGaps: number;
  /**
   * Tainted value the model held at wallets whose real balance at toBlock is smaller: it left
   * by outflows the trace did not see (holdings are capped; see limitations). With it,
   * seeded = endpoints + holdings + stopped + fees + missedOutflows.
   */
  missedOutflows?: string;
}

export interface ReportSeed {
  address?: Address;
  txHash?: string;
  index?: number;
  /** A native or internal transfer of the transaction: `tx`, `call:0.1`. */
  ref?: string;
}

/** A case's seeds as the report lists them. */
export function reportSeeds(seeds: readonly Seed[]): ReportSeed[] {
  return seeds.map((s) => ('address' in s ? { address: s.address }
    : { txHash: s.txHash, ...(s.index !== undefined ? { index: s.index } : {}), ...(s.ref !== undefined ? { ref: s.ref } : {}) }));
}

export interface TraceReport {
  chain: string;
  model: TaintModel;
  seeds: ReportSeed[];
  fromBlock: number;
  toBlock: number;
  /** Hash of toBlock as seen when the trace started: the chain state the report relies on. */
  toBlockHash?: string;
  endpoints: ReportEndpoint[];
  exposure: ReportExposure[];
  /** Older stored reports lack it. */
  sanctions?: ReportSanction[];
  holdings: ReportHolding[];
  stopped: ReportStopped[];
  hops: ReportHop[];
  accounting: ReportAccounting[];
  /** The assets traced: asked for, or the default set (see README); no other asset appears. */
  assets?: Asset[];
  /** Transfers read but ignored as no payment: spam and zero-value events, self-transfers. */
  ignored?: { zeroValue: number; untracedAssets: number; selfTransfers: number };
  /** What the chain source could not provide (internal transfers, archive state…). */
  limitations: string[];
  stats: { addresses: number; transfers: number; rpcCalls: number; ms: number; hops: number };
}
