// The tainted flows of a case as CSV, amounts in display units with the symbol beside them
// (and the exact base units for whoever recomputes), entities named, in chain order. Plain
// CSV with one header row, so any reader parses it.
import { csvCell } from '../format';
import type { CaseExport } from './case-export';

export function caseFlowsCsv(data: CaseExport): string {
  const entityOf = new Map<string, string>();
  for (const n of data.graph.nodes) if (n.entity) entityOf.set(n.address.toLowerCase(), n.entity);
  const header = ['block', 'tx_hash', 'transfer', 'hop', 'from', 'from_entity', 'to', 'to_entity', 'symbol', 'amount', 'tainted', 'asset', 'amount_base_units', 'tainted_base_units'];
  const flows = [...data.graph.edges].sort((a, b) => a.blockNumber - b.blockNumber || a.txHash.localeCompare(b.txHash) || a.ref.localeCompare(b.ref));
  const rows = flows.map((e) => [
    e.blockNumber, e.txHash, e.ref, e.hop ?? '', e.from, entityOf.get(e.from.toLowerCase()) ?? '', e.to ?? '', e.to ? entityOf.get(e.to.toLowerCase()) ?? '' : '',
    data.asset(e.asset).symbol, data.units(e.amount, e.asset), data.units(e.tainted, e.asset), e.asset, e.amount.toString(), e.tainted.toString(),
  ].map((v) => csvCell(v)).join(','));
  return [header.join(','), ...rows].join('\n') + '\n';
}
