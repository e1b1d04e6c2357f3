// The cytoscape canvas: draws a ViewGraph at the column layout, reports taps, and shows a
// highlighted path. Cytoscape renders to canvas and takes preset positions, so thousands of
// elements draw in one pass.
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import { useEffect, useRef } from 'react';
import type { AssetBook } from '../format';
import { shortHash } from '../format';
import { columnLayout } from './layout';
import type { ViewGraph } from './model';

export const KIND_COLORS: Record<string, string> = {
  seed: '#b42318', wallet: '#667085', deposit: '#b54708', exchange: '#175cd3', mixer: '#6941c6', service: '#0e7090',
  holding: '#067647', stopped: '#98a2b3', group: '#475467',
};
const KIND_SHAPES: Record<string, string> = {
  seed: 'diamond', wallet: 'ellipse', deposit: 'round-rectangle', exchange: 'round-rectangle', mixer: 'hexagon', service: 'round-rectangle',
  holding: 'round-triangle', stopped: 'ellipse', group: 'round-rectangle',
};

export interface Selection { kind: 'node' | 'edge'; id: string }

export function nodeLabel(n: ViewGraph['nodes'][number]): string {
  if (n.kind === 'group') return `${n.members!.length} wallets`;
  return n.entity ? `${n.entity}\n${shortHash(n.address ?? '', 4)}` : shortHash(n.address ?? n.id, 4);
}

export function GraphView({ view, book, path, noted, onSelect, onReady }: {
  view: ViewGraph; book: AssetBook; path: { nodes: string[]; edges: string[] } | null; noted: ReadonlySet<string>;
  onSelect: (s: Selection | null) => void; onReady: (cy: Core, ms: number) => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;

  useEffect(() => {
    const started = performance.now();
    const positions = columnLayout(view);
    const maxTaint = view.edges.reduce((m, e) => (e.tainted > m ? e.tainted : m), 1n);
    const logMax = Math.log10(Number(maxTaint) + 1);
    const maxWeight = view.nodes.reduce((m, n) => (n.weight > m ? n.weight : m), 1n);
    const logWeight = Math.log10(Number(maxWeight) + 1);
    const elements: ElementDefinition[] = [];
    // A big graph labels only what an analyst looks for first (seeds, endpoints, groups, holdings
    // of note); every other wallet is named in the side panel and the node list.
    const big = view.nodes.length > 400;
    const labelled = (kind: string) => !big || kind === 'seed' || kind === 'group' || kind === 'deposit' || kind === 'exchange' || kind === 'mixer' || kind === 'service';
    for (const n of view.nodes) {
      const scale = logWeight ? Math.log10(Number(n.weight) + 1) / logWeight : 0;
      elements.push({
        group: 'nodes',
        data: { id: n.id, label: labelled(n.kind) ? nodeLabel(n) : '', kind: n.kind, size: n.kind === 'group' ? 46 : 22 + 22 * scale },
        position: positions.get(n.id)!,
        classes: [n.kind, noted.has(n.id) ? 'noted' : ''].join(' '),
      });
    }
    for (const e of view.edges) {
      const scale = logMax ? Math.log10(Number(e.tainted) + 1) / logMax : 0;
      elements.push({ group: 'edges', data: { id: e.id, source: e.from, target: e.to, width: 1 + 9 * scale, label: book.amount(e.tainted, e.asset) } });
    }
    const cy = cytoscape({
      container: container.current!,
      elements,
      layout: { name: 'preset' },
      minZoom: 0.02,
      maxZoom: 3,
      wheelSensitivity: 0.3,
      pixelRatio: 1,
      textureOnViewport: big,
      hideEdgesOnViewport: big,
      motionBlur: false,
      style: [
        { selector: 'node', style: {
          'background-color': '#667085', width: 'data(size)', height: 'data(size)', label: 'data(label)', 'font-size': 10, color: '#1d2939',
          'text-valign': 'bottom', 'text-margin-y': 4, 'text-wrap': 'wrap', 'text-max-width': '140px', 'border-width': 0,
          'min-zoomed-font-size': 8,
        } },
        ...Object.keys(KIND_COLORS).map((kind) => ({ selector: `node.${kind}`, style: { 'background-color': KIND_COLORS[kind], shape: KIND_SHAPES[kind] } })),
        { selector: 'node.group', style: { 'background-opacity': 0.85, 'border-width': 2, 'border-style': 'dashed', 'border-color': '#1d2939' } },
        { selector: 'node.noted', style: { 'border-width': 3, 'border-color': '#f79009' } },
        { selector: 'edge', style: big
          ? { width: 'data(width)', 'line-color': '#98a2b3', 'curve-style': 'haystack', 'haystack-radius': 0, opacity: 0.7 }
          : { width: 'data(width)', 'line-color': '#98a2b3', 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'target-arrow-color': '#98a2b3', 'arrow-scale': 0.8, opacity: 0.8 } },
        { selector: ':selected', style: { 'overlay-color': '#175cd3', 'overlay-opacity': 0.2, 'overlay-padding': 6 } },
        { selector: '.faded', style: { opacity: 0.15 } },
        { selector: 'edge.on-path', style: { 'line-color': '#f04438', 'target-arrow-color': '#f04438', opacity: 1, 'z-index': 10, label: 'data(label)', 'font-size': 9, 'text-background-color': '#fff', 'text-background-opacity': 0.9 } },
        { selector: 'node.on-path', style: { 'border-width': 4, 'border-color': '#f04438', opacity: 1 } },
      ] as unknown as cytoscape.StylesheetJson,
    });
    (window as unknown as { __cyTiming?: unknown }).__cyTiming = { constructed: performance.now() - started };
    cy.on('tap', 'node', (ev) => onSelectRef.current({ kind: 'node', id: ev.target.id() as string }));
    cy.on('tap', 'edge', (ev) => onSelectRef.current({ kind: 'edge', id: ev.target.id() as string }));
    cy.on('tap', (ev) => { if (ev.target === cy) onSelectRef.current(null); });
    cy.fit(undefined, 30);
    cyRef.current = cy;
    cy.one('render', () => onReady(cy, performance.now() - started));
    return () => {
      cy.destroy();
      cyRef.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      cy.elements().removeClass('on-path faded');
      if (!path) return;
      cy.elements().addClass('faded');
      for (const id of [...path.nodes, ...path.edges]) cy.getElementById(id).removeClass('faded').addClass('on-path');
    });
  }, [path, view]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.nodes().forEach((n) => { if (noted.has(n.id())) n.addClass('noted'); else n.removeClass('noted'); });
  }, [noted, view]);

  return <div ref={container} className="cy" role="img" aria-label={`Flow graph: ${view.nodes.length} nodes and ${view.edges.length} flows, seeds on the left, endpoints on the right. The list of wallets beside it reaches every node by keyboard.`} data-testid="graph-canvas" />;
}
