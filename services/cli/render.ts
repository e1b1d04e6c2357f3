// The readable form of a trace report, for a terminal.
import type { TraceReport } from '../domain/report';
import { formatUnits, table } from '../format';

/**
 * Rows of holdings and of what was not followed the readable report shows (the report's first:
 * largest amounts first), and a line for the rest. A big case has a holding at most wallets it
 * reached (91,494 at the bench's 100k); every one is in the JSON report (`--json`). Endpoints,
 * what freeze requests are drafted for, are listed whole.
 */
export const LISTED_ROWS = 100;

export function renderReport(report: TraceReport): string {
  const unit = new Map<string, { symbol?: string; decimals?: number }>();
  for (const item of [...report.endpoints, ...report.holdings]) unit.set(item.asset, { symbol: item.symbol, decimals: item.decimals });
  const money = (asset: string, amount: string) => {
    const u = unit.get(asset);
    return u?.symbol ? `${formatUnits(amount, u.decimals)} ${u.symbol}` : `${amount} ${short(asset)}`;
  };
  const parts: string[] = [];
  parts.push(
    `Trace on ${report.chain}, model ${report.model}, blocks ${report.fromBlock}–${report.toBlock}: ` +
      `${report.stats.addresses} addresses, ${report.stats.transfers} transfers, ${report.stats.hops} hop steps, ` +
      `${report.stats.rpcCalls} RPC calls, ${(report.stats.ms / 1000).toFixed(1)} s`,
  );
  parts.push('\nExposure');
  parts.push(table(['entity', 'category', 'amount', 'share'],
    report.exposure.map((e) => [e.entity, e.category, money(e.asset, e.amount), `${(e.share * 100).toFixed(2)}%`])));
  parts.push('\nEndpoints (where tracing stopped at a service)');
  parts.push(table(['address', 'entity', 'attribution', 'amount', 'hops', 'path'],
    report.endpoints.map((e) => [e.address, e.entity, e.attribution, money(e.asset, e.amount), String(e.hops), (e.paths[0] ?? []).map(short).join(' → ')])));
  parts.push('\nHoldings (tainted funds still sitting at unattributed wallets)');
  parts.push(listed(['address', 'amount', 'hops'], report.holdings, 'holdings', (h) => [h.address, money(h.asset, h.amount), String(h.hops)]));
  if (report.stopped.length) {
    parts.push('\nNot followed');
    parts.push(listed(['address', 'amount', 'hops', 'reason'], report.stopped, 'not followed', (s) => [s.address, money(s.asset, s.amount), String(s.hops), s.reason]));
  }
  parts.push('\nAccounting (seeded = endpoints + holdings + not followed + fees)');
  parts.push(table(['asset', 'seeded', 'endpoints', 'holdings', 'not followed', 'fees'],
    report.accounting.map((a) => [short(a.asset), money(a.asset, a.seeded), money(a.asset, a.endpoints), money(a.asset, a.holdings), money(a.asset, a.stopped), money(a.asset, a.fees)])));
  if (report.limitations.length) parts.push('\nLimitations\n' + report.limitations.map((l) => `- ${l}`).join('\n'));
  return parts.join('\n');
}

/** The first LISTED_ROWS items as a table, and how many more there are. */
function listed<T>(headers: string[], items: readonly T[], what: string, row: (item: T) => string[]): string {
  const text = table(headers, items.slice(0, LISTED_ROWS).map(row));
  const more = items.length - LISTED_ROWS;
  return more > 0 ? `${text}\n… ${more.toLocaleString('en-US')} more ${what} not shown (${items.length.toLocaleString('en-US')} in all; every one is in the JSON report: --json)` : text;
}

function short(value: string): string {
  return value.length > 20 ? `${value.slice(0, 10)}…${value.slice(-6)}` : value;
}
