// Which traced funds to ask each partner to freeze, and in what order. Pure: a trace report,
// the partners and a clock reading in, ranked targets per partner out.
//
// A target's score (0..1) weighs four things an exchange analyst would weigh:
//   amount     0.40  the target's share of what the victims paid in that asset
//   hops       0.20  1 / (1 + hops): fewer hops, a shorter chain to explain
//   confidence 0.20  how sure the attribution is (a label's confidence, else by method)
//   recency    0.20  funds that arrived lately are likelier still there (half-life 7 days)
import type { ReportEndpoint, ReportHolding, TraceReport } from './report';

export interface FreezePartner {
  id: string;
  kind: 'exchange' | 'bank' | 'issuer';
  /** Lower-case entity names. */
  entities: string[];
}

export interface TokenInfo {
  address: string;
  symbol: string;
  decimals: number;
  issuer?: string;
}

export interface RankedTarget {
  kind: 'deposit' | 'wallet' | 'holding';
  address: string;
  asset: string;
  symbol?: string;
  decimals?: number;
  amount: bigint;
  hops: number;
  score: number;
  attribution?: string;
  confidence?: number;
  lastSeen?: number;
  paths: string[][];
}

export const SCORE_WEIGHTS = { amount: 0.4, hops: 0.2, confidence: 0.2, recency: 0.2 } as const;
const HALF_LIFE_SECONDS = 7 * 24 * 3600;
const METHOD_CONFIDENCE: Record<string, number> = { label: 0.9, 'deposit-heuristic': 0.75, cluster: 0.6, holding: 1 };

export function scoreTarget(input: { amount: bigint; seeded: bigint; hops: number; confidence: number; lastSeen?: number; now: number }): number {
  const amount = input.seeded > 0n ? Math.min(1, Number((input.amount * 1_000_000n) / input.seeded) / 1_000_000) : 0;
  const hops = 1 / (1 + Math.max(0, input.hops));
  const confidence = Math.min(1, Math.max(0, input.confidence));
  const age = input.lastSeen === undefined ? undefined : Math.max(0, input.now - input.lastSeen);
  const recency = age === undefined ? 0.5 : 0.5 ** (age / HALF_LIFE_SECONDS);
  const score = SCORE_WEIGHTS.amount * amount + SCORE_WEIGHTS.hops * hops + SCORE_WEIGHTS.confidence * confidence + SCORE_WEIGHTS.recency * recency;
  return Math.round(score * 1e6) / 1e6;
}

/** Best first; ties by amount, then address and asset, so the order is deterministic. */
export function rankTargets<T extends { score: number; amount: bigint; address: string; asset: string }>(targets: readonly T[]): T[] {
  return [...targets].sort((a, b) =>
    b.score - a.score || (b.amount > a.amount ? 1 : b.amount < a.amount ? -1 : 0) || a.address.localeCompare(b.address) || a.asset.localeCompare(b.asset));
}

/**
 * Targets per partner id: endpoints at an entity a partner covers go to that partner;
 * stablecoin holdings at unattributed wallets go to the issuer partner of the token (named
 * by the token's `issuer` or its contract address among the partner's entities).
 */
export function selectFreezeTargets(report: TraceReport, partners: readonly FreezePartner[], tokens: readonly TokenInfo[], now: number): Map<string, RankedTarget[]> {
  const seeded = new Map(report.accounting.map((a) => [a.asset.toLowerCase(), BigInt(a.seeded)]));
  const tokenOf = new Map(tokens.map((t) => [t.address.toLowerCase(), t]));
  const out = new Map<string, RankedTarget[]>();
  const push = (partnerId: string, target: RankedTarget) => {
    const list = out.get(partnerId) ?? [];
    list.push(target);
    out.set(partnerId, list);
  };

  for (const e of report.endpoints) {
    const covering = partners.filter((p) => p.kind !== 'issuer' && p.entities.includes(e.entity.toLowerCase()));
    for (const p of covering) push(p.id, endpointTarget(e, seeded, now));
  }
  for (const h of report.holdings) {
    const token = tokenOf.get(h.asset.toLowerCase());
    const issuer = (h.issuer ?? token?.issuer)?.toLowerCase();
    const names = [issuer, h.asset.toLowerCase()].filter((n): n is string => !!n);
    const covering = partners.filter((p) => p.kind === 'issuer' && names.some((n) => p.entities.includes(n)));
    for (const p of covering) push(p.id, holdingTarget(h, token, seeded, now));
  }
  for (const [id, list] of out) out.set(id, rankTargets(list.filter((t) => t.amount > 0n)));
  for (const [id, list] of out) if (list.length === 0) out.delete(id);
  return out;
}

function endpointTarget(e: ReportEndpoint, seeded: Map<string, bigint>, now: number): RankedTarget {
  const confidence = e.confidence !== undefined ? e.confidence / 100 : METHOD_CONFIDENCE[e.attribution] ?? 0.5;
  const amount = BigInt(e.amount);
  return {
    kind: e.attribution === 'deposit-heuristic' ? 'deposit' : 'wallet',
    address: e.address, asset: e.asset,
    ...(e.symbol !== undefined ? { symbol: e.symbol } : {}), ...(e.decimals !== undefined ? { decimals: e.decimals } : {}),
    amount, hops: e.hops, attribution: e.attribution, confidence,
    ...(e.lastSeen !== undefined ? { lastSeen: e.lastSeen } : {}),
    paths: e.paths,
    score: scoreTarget({ amount, seeded: seeded.get(e.asset.toLowerCase()) ?? 0n, hops: e.hops, confidence, lastSeen: e.lastSeen, now }),
  };
}

function holdingTarget(h: ReportHolding, token: TokenInfo | undefined, seeded: Map<string, bigint>, now: number): RankedTarget {
  const amount = BigInt(h.amount);
  const symbol = h.symbol ?? token?.symbol;
  const decimals = h.decimals ?? token?.decimals;
  const confidence = METHOD_CONFIDENCE.holding!;
  return {
    kind: 'holding', address: h.address, asset: h.asset,
    ...(symbol !== undefined ? { symbol } : {}), ...(decimals !== undefined ? { decimals } : {}),
    amount, hops: h.hops, attribution: 'holding', confidence,
    ...(h.lastSeen !== undefined ? { lastSeen: h.lastSeen } : {}),
    paths: [],
    score: scoreTarget({ amount, seeded: seeded.get(h.asset.toLowerCase()) ?? 0n, hops: h.hops, confidence, lastSeen: h.lastSeen, now }),
  };
}
