// From the case graph the API returns (nodes per address and asset, tainted flows) to what
// the flow view draws: one node per wallet in the column of its hop, flows merged per pair
// and asset, and the leaf wallets of a crowded hop folded into one group until expanded.
import type { CaseGraph, GraphEdge, GraphNode } from '../types';

export type NodeKind = 'seed' | 'wallet' | 'deposit' | 'exchange' | 'mixer' | 'service' | 'holding' | 'stopped' | 'group';

export interface AssetFigures { taintedIn: bigint; taintedOut: bigint; taintedHeld: bigint }

export interface ViewNode {
  id: string;
  kind: NodeKind;
  column: number;
  address: string | null;
  entity: string | null;
  category: string | null;
  attribution: string | null;
  role: string | null;
  assets: Map<string, AssetFigures>;
  /** Sum of tainted value in, over the assets in view (ranks node size). */
  weight: bigint;
  members?: string[];
}

export interface ViewEdge {
  id: string;
  from: string;
  to: string;
  asset: string;
  tainted: bigint;
  amount: bigint;
  txs: string[];
  hop: number | null;
}

export interface ViewGraph {
  nodes: ViewNode[];
  edges: ViewEdge[];
  byId: Map<string, ViewNode>;
  /** Every wallet of the case after filtering, grouped or not (for the side panel and the list). */
  wallets: Map<string, ViewNode>;
  columns: number;
  assets: string[];
}

export interface ViewFilter {
  asset: string | null;
  /** Base units of the chosen asset; ignored without one. */
  minAmount: bigint;
  maxHop: number | null;
  expanded: ReadonlySet<string>;
  groupThreshold: number;
}

const ENDPOINT_KINDS: ReadonlySet<NodeKind> = new Set(['deposit', 'exchange', 'mixer', 'service']);
export const isEndpointKind = (k: NodeKind) => ENDPOINT_KINDS.has(k);

function kindOf(n: GraphNode, held: bigint, isSeed: boolean): NodeKind {
  if (isSeed || n.role === 'source') return 'seed';
  if (n.role === 'deposit') return 'deposit';
  if (n.role === 'stop') {
    if (n.category === 'exchange') return 'exchange';
    if (n.category === 'mixer') return 'mixer';
    return 'service';
  }
  if (n.role === 'max-hops' || n.role === 'min-amount' || n.role === 'address-limit' || n.role === 'service-like' || n.role === 'frontier') return held > 0n ? 'holding' : 'stopped';
  return held > 0n ? 'holding' : 'wallet';
}

const big = (s: string | null | undefined): bigint => {
  try { return BigInt(s ?? 0); } catch { return 0n; }
};

export function buildView(graph: CaseGraph, filter: ViewFilter): ViewGraph {
  const assets = [...new Set([...graph.nodes.map((n) => n.asset), ...graph.edges.map((e) => e.asset)])].sort();
  const keepEdge = (e: GraphEdge) =>
    !!e.to && (!filter.asset || e.asset === filter.asset) && (filter.maxHop === null || e.hop === null || e.hop <= filter.maxHop) &&
    (!filter.asset || big(e.tainted) >= filter.minAmount) && big(e.tainted) > 0n;

  // Flows merged per (from, to, asset).
  const merged = new Map<string, ViewEdge>();
  for (const e of graph.edges) {
    if (!keepEdge(e)) continue;
    const from = e.from.toLowerCase();
    const to = e.to!.toLowerCase();
    const id = `${from}>${to}|${e.asset}`;
    const m = merged.get(id) ?? { id, from, to, asset: e.asset, tainted: 0n, amount: 0n, txs: [], hop: e.hop };
    m.tainted += big(e.tainted);
    m.amount += big(e.amount);
    if (!m.txs.includes(e.txHash)) m.txs.push(e.txHash);
    if (e.hop !== null && (m.hop === null || e.hop < m.hop)) m.hop = e.hop;
    merged.set(id, m);
  }
  const edges = [...merged.values()];
  const inbound = new Set(edges.map((e) => e.to));

  // Wallets: every address that is a node (in the asset filter) or a flow's end.
  const wallets = new Map<string, ViewNode>();
  const touch = (address: string): ViewNode => {
    const id = address.toLowerCase();
    let w = wallets.get(id);
    if (!w) {
      w = { id, kind: 'wallet', column: 0, address, entity: null, category: null, attribution: null, role: null, assets: new Map(), weight: 0n };
      wallets.set(id, w);
    }
    return w;
  };
  const hopOf = new Map<string, number>();
  const rolesOf = new Map<string, GraphNode>();
  for (const n of graph.nodes) {
    if (filter.asset && n.asset !== filter.asset) continue;
    if (filter.maxHop !== null && n.hop !== null && n.hop > filter.maxHop) continue;
    const w = touch(n.address);
    w.entity ??= n.entity;
    w.category ??= n.category;
    w.attribution ??= n.attribution;
    const figures = { taintedIn: big(n.taintedIn), taintedOut: big(n.taintedOut), taintedHeld: big(n.taintedHeld) };
    w.assets.set(n.asset, figures);
    w.weight += figures.taintedIn;
    if (n.hop !== null) hopOf.set(w.id, Math.min(hopOf.get(w.id) ?? Infinity, n.hop));
    const prev = rolesOf.get(w.id);
    if (!prev || rank(n.role) > rank(prev.role)) rolesOf.set(w.id, n);
  }
  for (const e of edges) {
    touch(e.from);
    touch(e.to);
    if (e.hop !== null) hopOf.set(e.to, Math.min(hopOf.get(e.to) ?? Infinity, e.hop));
  }
  // A wallet nothing flowed into (in view) that sends is where the money started: column 0.
  for (const w of wallets.values()) {
    const n = rolesOf.get(w.id);
    const held = [...w.assets.values()].reduce((s, a) => s + a.taintedHeld, 0n);
    const isSeed = !inbound.has(w.id) && edges.some((e) => e.from === w.id);
    w.role = n?.role ?? null;
    w.kind = n ? kindOf(n, held, isSeed) : isSeed ? 'seed' : 'wallet';
    w.column = w.kind === 'seed' ? 0 : Math.max(1, hopOf.get(w.id) ?? 1);
  }
  // Endpoints sit right of everything that flows into them.
  let columns = 0;
  for (const w of wallets.values()) columns = Math.max(columns, w.column);
  for (const w of wallets.values()) if (isEndpointKind(w.kind)) w.column = Math.max(w.column, 1);

  // Fold the leaf wallets of a crowded column into one group node per column, then, again
  // and again, the wallets of a crowded column whose every outflow goes into a group: a wide
  // fan-out collapses to a few nodes, and every path to an endpoint stays drawn.
  const targets = new Map<string, Set<string>>();
  for (const e of edges) {
    const set = targets.get(e.from) ?? new Set<string>();
    set.add(e.to);
    targets.set(e.from, set);
  }
  const groupOf = new Map<string, string>();
  const members = new Map<string, ViewNode[]>();
  for (let changed = true; changed;) {
    changed = false;
    const candidates = new Map<number, ViewNode[]>();
    for (const w of wallets.values()) {
      if (groupOf.has(w.id) || isEndpointKind(w.kind) || w.kind === 'seed') continue;
      const out = targets.get(w.id);
      if (out && ![...out].every((t) => groupOf.has(t))) continue;
      const list = candidates.get(w.column) ?? [];
      list.push(w);
      candidates.set(w.column, list);
    }
    for (const [column, list] of candidates) {
      const gid = `group:${column}`;
      const current = members.get(gid) ?? [];
      if (filter.expanded.has(gid) || current.length + list.length <= filter.groupThreshold) continue;
      for (const w of list) groupOf.set(w.id, gid);
      members.set(gid, [...current, ...list]);
      changed = true;
    }
  }
  const groups: ViewNode[] = [];
  for (const [gid, list] of members) {
    const g: ViewNode = { id: gid, kind: 'group', column: list[0]!.column, address: null, entity: null, category: null, attribution: null, role: null, assets: new Map(), weight: 0n, members: [] };
    for (const w of list) {
      g.members!.push(w.id);
      g.weight += w.weight;
      for (const [asset, f] of w.assets) {
        const acc = g.assets.get(asset) ?? { taintedIn: 0n, taintedOut: 0n, taintedHeld: 0n };
        acc.taintedIn += f.taintedIn; acc.taintedOut += f.taintedOut; acc.taintedHeld += f.taintedHeld;
        g.assets.set(asset, acc);
      }
    }
    groups.push(g);
  }
  let viewEdges = edges;
  if (groupOf.size) {
    const folded = new Map<string, ViewEdge>();
    for (const e of edges) {
      const from = groupOf.get(e.from) ?? e.from;
      const to = groupOf.get(e.to) ?? e.to;
      if (from === e.from && to === e.to) {
        folded.set(e.id, e);
        continue;
      }
      if (from === to) continue;
      const id = `${from}>${to}|${e.asset}`;
      const f = folded.get(id) ?? { ...e, id, from, to, tainted: 0n, amount: 0n, txs: [] };
      f.tainted += e.tainted;
      f.amount += e.amount;
      if (f.txs.length < 200) f.txs.push(...e.txs.slice(0, 200 - f.txs.length));
      folded.set(id, f);
    }
    viewEdges = [...folded.values()];
  }
  const nodes = [...[...wallets.values()].filter((w) => !groupOf.has(w.id)), ...groups];
  return { nodes, edges: viewEdges, byId: new Map(nodes.map((n) => [n.id, n])), wallets, columns, assets };
}

const ROLE_RANK: Record<string, number> = { stop: 5, deposit: 5, source: 4, 'service-like': 3, crawled: 2 };
const rank = (role: string) => ROLE_RANK[role] ?? 1;

/**
 * The shortest flow path (fewest hops) from any of `sources` to `to`, as node and edge ids,
 * following one asset all the way (a path that changes asset would not be the same money).
 */
export function findPath(view: ViewGraph, sources: readonly string[], to: string): { nodes: string[]; edges: string[] } | null {
  const out = new Map<string, ViewEdge[]>();
  for (const e of view.edges) {
    const list = out.get(e.from) ?? [];
    list.push(e);
    out.set(e.from, list);
  }
  // States are (node, asset); a source starts every asset it sends.
  const key = (node: string, asset: string) => `${node}|${asset}`;
  const prev = new Map<string, ViewEdge>();
  const seen = new Set<string>();
  const queue: [string, string][] = [];
  for (const s of sources) {
    for (const e of out.get(s) ?? []) {
      if (seen.has(key(s, e.asset))) continue;
      seen.add(key(s, e.asset));
      queue.push([s, e.asset]);
    }
  }
  let end: string | null = null;
  while (queue.length) {
    const [at, asset] = queue.shift()!;
    if (at === to) { end = key(at, asset); break; }
    for (const e of out.get(at) ?? []) {
      if (e.asset !== asset || seen.has(key(e.to, asset))) continue;
      seen.add(key(e.to, asset));
      prev.set(key(e.to, asset), e);
      queue.push([e.to, asset]);
    }
  }
  if (!end) return null;
  const nodes = [to];
  const edges: string[] = [];
  for (let k = end; prev.has(k);) {
    const e = prev.get(k)!;
    edges.unshift(e.id);
    nodes.unshift(e.from);
    k = key(e.from, e.asset);
  }
  return { nodes, edges };
}

const LIST_ORDER: Record<NodeKind, number> = { seed: 0, deposit: 1, exchange: 1, mixer: 1, service: 1, group: 2, holding: 3, wallet: 4, stopped: 5 };

/** Nodes as the side list shows them: seeds, endpoints, groups, holdings, then the rest; larger first. */
export function listOrder(nodes: readonly ViewNode[]): ViewNode[] {
  return [...nodes].sort((a, b) => LIST_ORDER[a.kind] - LIST_ORDER[b.kind] || (b.weight > a.weight ? 1 : b.weight < a.weight ? -1 : 0) || a.id.localeCompare(b.id));
}
