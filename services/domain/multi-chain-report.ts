// The report of a case whose seeds are on several chains: one section per chain (that chain's
// own trace report), the rows of every section tagged with their chain, and exposure per
// entity across chains ("Binance received X USDT on Tron and Y ETH on Ethereum"). Pure.
import type { LabelCategory } from './types';
import type { ReportAccounting, ReportEndpoint, ReportExposure, ReportHolding, ReportSanction, ReportSeed, ReportStopped, TraceReport } from './report';

export const MULTI_CHAIN = 'multi';

export interface ChainSection {
  chain: string;
  /** The per-chain case traced for this section. */
  caseId: string;
  report: TraceReport;
}

type OnChain<T> = T & { chain: string };

export interface EntityExposure {
  entity: string;
  category: LabelCategory;
  /** What reached the entity, per chain and asset; share is of that chain's seeded amount of the asset. */
  received: Array<{ chain: string; asset: string; symbol?: string; decimals?: number; amount: string; share: number }>;
}

export interface MultiChainReport {
  chain: typeof MULTI_CHAIN;
  chains: string[];
  model: TraceReport['model'];
  seeds: OnChain<ReportSeed>[];
  endpoints: OnChain<ReportEndpoint>[];
  exposure: OnChain<ReportExposure>[];
  /** Exposure per entity across chains. */
  entities: EntityExposure[];
  /** Exposure to sanctioned entities, per chain (each section's own `sanctions`, tagged). */
  sanctions: OnChain<ReportSanction>[];
  holdings: OnChain<ReportHolding>[];
  stopped: OnChain<ReportStopped>[];
  accounting: OnChain<ReportAccounting>[];
  sections: ChainSection[];
  /** Transfers read but ignored as no payment, over every chain. */
  ignored: NonNullable<TraceReport['ignored']>;
  limitations: string[];
  stats: TraceReport['stats'];
}

export function combineChainReports(sections: readonly ChainSection[]): MultiChainReport {
  const sorted = [...sections].sort((a, b) => a.chain.localeCompare(b.chain));
  const tag = <T>(pick: (r: TraceReport) => T[]) => sorted.flatMap((s) => pick(s.report).map((row) => ({ ...row, chain: s.chain })));
  const exposure = tag((r) => r.exposure);
  const endpoints = tag((r) => r.endpoints);

  const byEntity = new Map<string, EntityExposure>();
  for (const e of exposure) {
    const key = e.entity.toLowerCase();
    const entry = byEntity.get(key) ?? { entity: e.entity, category: e.category, received: [] };
    const shown = endpoints.find((p) => p.chain === e.chain && p.asset === e.asset && p.entity.toLowerCase() === key);
    entry.received.push({
      chain: e.chain, asset: e.asset,
      ...(shown?.symbol !== undefined ? { symbol: shown.symbol } : {}),
      ...(shown?.decimals !== undefined ? { decimals: shown.decimals } : {}),
      amount: e.amount, share: e.share,
    });
    byEntity.set(key, entry);
  }

  return {
    chain: MULTI_CHAIN,
    chains: sorted.map((s) => s.chain),
    model: sorted[0]?.report.model ?? 'fifo',
    seeds: tag((r) => r.seeds),
    endpoints,
    exposure,
    entities: [...byEntity.values()].sort((a, b) => a.entity.localeCompare(b.entity)),
    sanctions: tag((r) => r.sanctions ?? []),
    holdings: tag((r) => r.holdings),
    stopped: tag((r) => r.stopped),
    accounting: tag((r) => r.accounting),
    sections: sorted,
    ignored: {
      zeroValue: sum(sorted, (r) => r.ignored?.zeroValue ?? 0),
      untracedAssets: sum(sorted, (r) => r.ignored?.untracedAssets ?? 0),
      selfTransfers: sum(sorted, (r) => r.ignored?.selfTransfers ?? 0),
    },
    limitations: sorted.flatMap((s) => s.report.limitations.map((l) => `${s.chain}: ${l}`)),
    stats: {
      addresses: sum(sorted, (r) => r.stats.addresses),
      transfers: sum(sorted, (r) => r.stats.transfers),
      rpcCalls: sum(sorted, (r) => r.stats.rpcCalls),
      // The chains are traced side by side: the case took as long as its slowest chain.
      ms: Math.max(0, ...sorted.map((s) => s.report.stats.ms)),
      hops: Math.max(0, ...sorted.map((s) => s.report.stats.hops ?? 0)),
    },
  };
}

function sum(sections: readonly ChainSection[], pick: (r: TraceReport) => number): number {
  return sections.reduce((total, s) => total + (pick(s.report) ?? 0), 0);
}
