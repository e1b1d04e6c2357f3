// The case graph as GraphML for Gephi, yEd and Maltego: one node per wallet (address, entity,
// category, attribution, hop, kind, tainted in/out/held per asset in display units) and one
// edge per tainted transfer (asset, amount, tainted amount, transaction hash, block, hop).
import type { CaseExport } from './case-export';

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
/** GraphML key ids: letters, digits and underscores. */
const keyPart = (s: string) => s.replace(/[^A-Za-z0-9]/g, '_');

export function caseGraphml(data: CaseExport): string {
  const { graph, kase } = data;
  const assets = [...new Set([...graph.nodes.map((n) => n.asset), ...graph.edges.map((e) => e.asset)])].sort();
  const symbolKey = new Map<string, string>();
  for (const a of assets) {
    let key = keyPart(data.asset(a).symbol);
    if ([...symbolKey.values()].includes(key)) key = `${key}_${keyPart(a).slice(0, 10)}`;
    symbolKey.set(a, key);
  }
  type Wallet = { address: string; hop: number | null; role: string; entity: string | null; category: string | null; attribution: string | null; figures: Map<string, { in: bigint; out: bigint; held: bigint }> };
  const wallets = new Map<string, Wallet>();
  const wallet = (address: string): Wallet => {
    const id = address.toLowerCase();
    let w = wallets.get(id);
    if (!w) wallets.set(id, (w = { address, hop: null, role: 'counterparty', entity: null, category: null, attribution: null, figures: new Map() }));
    return w;
  };
  for (const n of graph.nodes) {
    const w = wallet(n.address);
    if (n.hop !== null && (w.hop === null || n.hop < w.hop)) w.hop = n.hop;
    if (w.role === 'counterparty' || n.role === 'stop' || n.role === 'deposit') w.role = n.role;
    w.entity ??= n.entity;
    w.category ??= n.category;
    w.attribution ??= n.attribution;
    w.figures.set(n.asset, { in: n.taintedIn, out: n.taintedOut, held: n.taintedHeld });
  }
  for (const e of graph.edges) {
    wallet(e.from);
    if (e.to) wallet(e.to);
  }
  const keys: string[] = [
    key('address', 'node', 'string'), key('label', 'node', 'string'), key('entity', 'node', 'string'),
    key('category', 'node', 'string'), key('attribution', 'node', 'string'), key('role', 'node', 'string'), key('hop', 'node', 'int'),
  ];
  for (const a of assets) {
    const s = symbolKey.get(a)!;
    for (const what of ['tainted_in', 'tainted_out', 'tainted_held']) keys.push(key(`${what}_${s}`, 'node', 'double'));
  }
  keys.push(
    key('asset', 'edge', 'string'), key('asset_id', 'edge', 'string'), key('amount', 'edge', 'double'), key('tainted', 'edge', 'double'),
    key('amount_base_units', 'edge', 'string'), key('tainted_base_units', 'edge', 'string'), key('tx_hash', 'edge', 'string'),
    key('ref', 'edge', 'string'), key('block', 'edge', 'long'), key('edge_hop', 'edge', 'int'),
  );
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    `  <!-- tracehold case ${xml(kase.id)} "${xml(kase.title)}", ${xml(kase.chain)}, model ${xml(data.report.model)}; amounts in display units, report sha256 ${data.reportSha256} -->`,
    ...keys.map((k) => `  ${k}`),
    `  <graph id="${xml(kase.id)}" edgedefault="directed">`,
  ];
  for (const [id, w] of wallets) {
    const d: [string, string | number | null][] = [
      ['address', w.address], ['label', w.entity ? `${w.entity} ${w.address.slice(0, 10)}` : w.address], ['entity', w.entity], ['category', w.category],
      ['attribution', w.attribution], ['role', w.role], ['hop', w.hop],
    ];
    for (const [a, f] of w.figures) {
      const s = symbolKey.get(a)!;
      d.push([`tainted_in_${s}`, data.units(f.in, a)], [`tainted_out_${s}`, data.units(f.out, a)], [`tainted_held_${s}`, data.units(f.held, a)]);
    }
    lines.push(`    <node id="${xml(id)}">${dataCells(d)}</node>`);
  }
  graph.edges.forEach((e, i) => {
    if (!e.to) return;
    const d: [string, string | number | null][] = [
      ['asset', data.asset(e.asset).symbol], ['asset_id', e.asset], ['amount', data.units(e.amount, e.asset)], ['tainted', data.units(e.tainted, e.asset)],
      ['amount_base_units', e.amount.toString()], ['tainted_base_units', e.tainted.toString()], ['tx_hash', e.txHash], ['ref', e.ref],
      ['block', e.blockNumber], ['edge_hop', e.hop],
    ];
    lines.push(`    <edge id="e${i}" source="${xml(e.from.toLowerCase())}" target="${xml(e.to.toLowerCase())}">${dataCells(d)}</edge>`);
  });
  lines.push('  </graph>', '</graphml>');
  return lines.join('\n') + '\n';
}

/** Attribute names equal their ids: one name per column in Gephi, no spaces for scripts. */
function key(id: string, domain: 'node' | 'edge', type: string): string {
  return `<key id="${xml(id)}" for="${domain}" attr.name="${xml(id)}" attr.type="${type}"/>`;
}

function dataCells(d: [string, string | number | null][]): string {
  return d.filter(([, v]) => v !== null && v !== '').map(([k, v]) => `<data key="${xml(k)}">${xml(String(v))}</data>`).join('');
}
