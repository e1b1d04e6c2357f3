// Seeds on the left, endpoints on the right, one column per hop. Within a column, nodes are
// ordered by the mean height of what flows into them (one barycentre sweep), so flows run
// mostly straight and rarely cross. Positions are computed here, not by a generic layered
// layout: the column is a fact of the trace (the hop), not something a layout should choose.
import { isEndpointKind, type ViewGraph } from './model';

export const COLUMN_GAP = 240;
export const ROW_GAP = 64;

export function columnLayout(view: ViewGraph): Map<string, { x: number; y: number }> {
  const maxColumn = view.nodes.reduce((m, n) => Math.max(m, isEndpointKind(n.kind) ? 0 : n.column), 0);
  // Endpoints all go to one column at the right edge.
  const columnOf = (id: string) => {
    const n = view.byId.get(id)!;
    return isEndpointKind(n.kind) ? maxColumn + 1 : n.column;
  };
  const byColumn = new Map<number, string[]>();
  for (const n of view.nodes) {
    const c = columnOf(n.id);
    const list = byColumn.get(c) ?? [];
    list.push(n.id);
    byColumn.set(c, list);
  }
  const parents = new Map<string, string[]>();
  for (const e of view.edges) {
    const list = parents.get(e.to) ?? [];
    list.push(e.from);
    parents.set(e.to, list);
  }
  const pos = new Map<string, { x: number; y: number }>();
  for (const c of [...byColumn.keys()].sort((a, b) => a - b)) {
    const ids = byColumn.get(c)!;
    const key = (id: string) => {
      const ys = (parents.get(id) ?? []).map((p) => pos.get(p)?.y).filter((y): y is number => y !== undefined);
      return ys.length ? ys.reduce((s, y) => s + y, 0) / ys.length : 0;
    };
    const keyed = ids.map((id) => ({ id, k: key(id), w: view.byId.get(id)!.weight }));
    keyed.sort((a, b) => a.k - b.k || (b.w > a.w ? 1 : b.w < a.w ? -1 : 0) || a.id.localeCompare(b.id));
    // Crowded columns pack tighter (their labels are off at the zoom that shows them whole).
    const gap = keyed.length > 60 ? ROW_GAP / 3 : ROW_GAP;
    const height = (keyed.length - 1) * gap;
    keyed.forEach((n, i) => pos.set(n.id, { x: c * COLUMN_GAP, y: i * gap - height / 2 }));
  }
  return pos;
}
