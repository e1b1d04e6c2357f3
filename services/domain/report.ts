// The trace report of ../shared/contract.md, as TypeScript. Amounts are strings of base
// units so the JSON is exact; `share` is the only float.
import type { Address, Asset, LabelCategory, Seed, TaintModel } from './types';

export type Attribution = 'label' | 'deposit-heuristic' | 'cluster';

export interface ReportEndpoint {
  address: Address;
  entity: string;
  category: LabelCategory;
  attribution: Attribution;
  asset: Asset;
  amount: string;
  hops: number;
  paths: string[][];
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
  /** Non-stop labels on the address (scam, sanctioned, hack…). */
  labels?: { entity: string; category: LabelCategory }[];
  symbol?: string;
  decimals?: number;
  issuer?: string;
  lastSeen?: number;
}

/** Tainted value the trace did not follow further, and why. */
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
}

export interface ReportSeed {
  address?: Address;
  txHash?: string;
  index?: number;
}

/** A case's seeds as the report lists them. */
export function reportSeeds(seeds: readonly Seed[]): ReportSeed[] {
  return seeds.map((s) => ('address' in s ? { address: s.address } : s.index === undefined ? { txHash: s.txHash } : { txHash: s.txHash, index: s.index }));
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
  holdings: ReportHolding[];
  stopped: ReportStopped[];
  hops: ReportHop[];
  accounting: ReportAccounting[];
  /** What the chain source could not provide (internal transfers, archive state…). */
  limitations: string[];
  stats: { addresses: number; transfers: number; rpcCalls: number; ms: number; hops: number };
}
