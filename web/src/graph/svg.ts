// The graph as drawn, as a standalone SVG (positions from the canvas, colours by kind).
import type { Core } from 'cytoscape';
import { KIND_COLORS, nodeLabel } from './GraphView';
import type { ViewGraph } from './model';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function graphSvg(cy: Core, view: ViewGraph): string {
  const box = cy.elements().boundingBox({});
  const pad = 40;
  const parts: string[] = [];
  for (const e of view.edges) {
    const s = cy.getElementById(e.from).position();
    const t = cy.getElementById(e.to).position();
    const w = Number(cy.getElementById(e.id).data('width') ?? 1);
    if (!s || !t) continue;
    parts.push(`<line x1="${s.x}" y1="${s.y}" x2="${t.x}" y2="${t.y}" stroke="#98a2b3" stroke-width="${w.toFixed(1)}" stroke-opacity="0.8" marker-end="url(#arrow)"><title>${esc(e.txs.join(' '))}</title></line>`);
  }
  for (const n of view.nodes) {
    const p = cy.getElementById(n.id).position();
    const r = Number(cy.getElementById(n.id).data('size') ?? 20) / 2;
    const lines = nodeLabel(n).split('\n');
    parts.push(`<g><circle cx="${p.x}" cy="${p.y}" r="${r}" fill="${KIND_COLORS[n.kind] ?? '#667085'}"><title>${esc(n.address ?? n.id)}</title></circle>` +
      lines.map((l, i) => `<text x="${p.x}" y="${p.y + r + 12 + i * 12}" font-size="10" text-anchor="middle" fill="#1d2939">${esc(l)}</text>`).join('') + '</g>');
  }
  const w = box.w + pad * 2;
  const h = box.h + pad * 2;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="${box.x1 - pad} ${box.y1 - pad} ${w} ${h}" width="${w}" height="${h}" font-family="sans-serif">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#98a2b3"/></marker></defs>` +
    `<rect x="${box.x1 - pad}" y="${box.y1 - pad}" width="${w}" height="${h}" fill="#fff"/>${parts.join('')}</svg>\n`;
}
