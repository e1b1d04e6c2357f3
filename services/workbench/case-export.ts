// What every export of a case reads: the case, its latest report and graph, and how to show
// each asset (the report's own symbols and decimals first, then the chain's configuration).
import { createHash } from 'node:crypto';
import type { TraceReport } from '../domain/report';
import type { CaseGraph, CaseRow } from '../store';
import { caseGraph, caseReport, getCase } from '../tracing/cases';
import type { TraceDeps } from '../tracing/deps';
import { formatUnits } from '../format';
import { assetDisplay } from './chains';

export interface AssetView { symbol: string; decimals: number }

export interface CaseExport {
  kase: CaseRow;
  report: TraceReport;
  graph: CaseGraph;
  asset(asset: string): AssetView;
  /** An amount of base units in display units, without the symbol. */
  units(amount: bigint | string, asset: string): string;
  /** SHA-256 of the report as served (its JSON text): what the PDF and CSV rest on. */
  reportSha256: string;
}

export async function loadCaseExport(deps: TraceDeps, caseId: string): Promise<CaseExport> {
  const kase = await getCase(deps, caseId);
  const report = await caseReport(deps, caseId);
  const graph = await caseGraph(deps, caseId);
  const known = new Map<string, AssetView>();
  for (const e of [...report.endpoints, ...report.holdings] as { asset: string; symbol?: string; decimals?: number }[]) {
    if (typeof e.symbol === 'string' && typeof e.decimals === 'number') known.set(e.asset.toLowerCase(), { symbol: e.symbol, decimals: e.decimals });
  }
  const asset = (a: string) => known.get(a.toLowerCase()) ?? assetDisplay(deps.config, kase.chain, a);
  return {
    kase, report, graph, asset,
    units: (amount, a) => formatUnits(amount, asset(a).decimals),
    reportSha256: createHash('sha256').update(JSON.stringify(report), 'utf8').digest('hex'),
  };
}
