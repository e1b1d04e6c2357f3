// The flow graph tab: filters, the path from a seed to an endpoint, the canvas, and a side
// panel for the wallet or flow clicked (labels, tainted in and out, transactions, notes).
import type { Core } from 'cytoscape';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { api, saveBlob } from '../api';
import { Badge, ErrorBox, Hash, Labels, Loading, useLoad } from '../components/common';
import { parseUnits } from '../format';
import { GraphView, KIND_COLORS, nodeLabel, type Selection } from '../graph/GraphView';
import { buildView, findPath, isEndpointKind, listOrder, type ViewGraph, type ViewNode } from '../graph/model';
import { graphSvg } from '../graph/svg';
import type { CaseGraph, Report } from '../types';
import type { CaseTabProps } from './Case';

export interface Note { address: string; text: string; author: string | null; updatedAt: string }

const GROUP_THRESHOLD = 25;

declare global {
  // Figures and the canvas, for the browser tests and anyone measuring in the console.
  interface Window { __workbench?: { graphRenderMs?: number; graphNodes?: number; lastSelectMs?: number; cy?: Core } }
}

export function GraphTab({ id, report, book }: CaseTabProps & { report: Report }) {
  const graph = useLoad(() => api<CaseGraph>(`/v1/cases/${id}/graph`), [id, report]);
  const notes = useLoad(() => api<Note[]>(`/v1/cases/${id}/notes`), [id]);
  const [asset, setAsset] = useState<string>('');
  const [minText, setMinText] = useState('');
  const [maxHop, setMaxHop] = useState('');
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [selection, setSelection] = useState<Selection | null>(null);
  const [pathFrom, setPathFrom] = useState('');
  const [pathTo, setPathTo] = useState('');
  const [ready, setReady] = useState<{ ms: number } | null>(null);
  const cyRef = useRef<Core | null>(null);
  const selectStarted = useRef(0);
  const panelHeading = useRef<HTMLHeadingElement>(null);

  let minAmount = 0n;
  let minError: string | null = null;
  if (asset && minText.trim()) {
    try { minAmount = parseUnits(minText, book.get(asset).decimals); } catch (e) { minError = (e as Error).message; }
  }
  const view = useMemo<ViewGraph | null>(() => graph.data ? buildView(graph.data, {
    asset: asset || null, minAmount, maxHop: maxHop.trim() ? Number(maxHop) : null, expanded, groupThreshold: GROUP_THRESHOLD,
  }) : null, [graph.data, asset, minAmount, maxHop, expanded]);

  const seeds = useMemo(() => view?.nodes.filter((n) => n.kind === 'seed') ?? [], [view]);
  const endpoints = useMemo(() => view?.nodes.filter((n) => isEndpointKind(n.kind)) ?? [], [view]);
  const to = pathTo || '';
  const path = useMemo(() => (view && to ? findPath(view, pathFrom ? [pathFrom] : seeds.map((s) => s.id), to) : null), [view, pathFrom, seeds, to]);
  useEffect(() => setReady(null), [view]);
  const notedSet = useMemo(() => new Set((notes.data ?? []).map((n) => n.address.toLowerCase())), [notes.data]);

  useEffect(() => {
    if (!selection || !selectStarted.current) return;
    const ms = performance.now() - selectStarted.current;
    window.__workbench = { ...window.__workbench, lastSelectMs: ms };
    selectStarted.current = 0;
  }, [selection]);

  const select = (s: Selection | null, focus = false) => {
    selectStarted.current = performance.now();
    setSelection(s);
    if (focus) setTimeout(() => panelHeading.current?.focus(), 0);
    const cy = cyRef.current;
    if (cy) {
      cy.elements().unselect();
      if (s) cy.getElementById(s.id).select();
    }
  };

  if (graph.error) return <ErrorBox error={graph.error} />;
  if (!view) return <Loading what="Loading the graph" />;

  const exportPng = () => {
    const cy = cyRef.current;
    if (!cy) return;
    const blob = cy.png({ full: true, scale: 2, bg: '#ffffff', output: 'blob' }) as unknown as Blob;
    saveBlob(blob, `tracehold-case-${id.slice(0, 8)}-graph.png`);
  };
  const exportSvg = () => {
    const cy = cyRef.current;
    if (!cy) return;
    saveBlob(new Blob([graphSvg(cy, view)], { type: 'image/svg+xml' }), `tracehold-case-${id.slice(0, 8)}-graph.svg`);
  };

  return (
    <div className="graph-tab">
      <form className="toolbar graph-filters" onSubmit={(e) => e.preventDefault()} aria-label="Graph filters">
        <label htmlFor="g-asset">Asset</label>
        <select id="g-asset" value={asset} onChange={(e) => { setAsset(e.target.value); setMinText(''); }}>
          <option value="">all assets</option>
          {view.assets.map((a) => <option key={a} value={a}>{book.get(a).symbol}</option>)}
        </select>
        <label htmlFor="g-min">Min. tainted</label>
        <input id="g-min" className="short" disabled={!asset} value={minText} onChange={(e) => setMinText(e.target.value)} placeholder={asset ? book.get(asset).symbol : 'pick an asset'} aria-invalid={!!minError} />
        <label htmlFor="g-hop">Up to hop</label>
        <input id="g-hop" className="short" inputMode="numeric" value={maxHop} onChange={(e) => setMaxHop(e.target.value.replace(/\D/g, ''))} placeholder="all" />
        <span className="spacer" />
        <button type="button" onClick={exportSvg}>SVG</button>
        <button type="button" onClick={exportPng}>PNG</button>
      </form>
      {minError ? <p className="error" role="alert">{minError}</p> : null}
      <form className="toolbar path-chooser" onSubmit={(e) => e.preventDefault()} aria-label="Highlight a path">
        <label htmlFor="p-from">Path from seed</label>
        <select id="p-from" value={pathFrom} onChange={(e) => setPathFrom(e.target.value)}>
          <option value="">any seed</option>
          {seeds.map((s) => <option key={s.id} value={s.id}>{nodeLabel(s).replace('\n', ' ')}</option>)}
        </select>
        <label htmlFor="p-to">to endpoint</label>
        <select id="p-to" value={to} onChange={(e) => setPathTo(e.target.value)}>
          <option value="">— choose —</option>
          {endpoints.map((n) => <option key={n.id} value={n.id}>{nodeLabel(n).replace('\n', ' ')}</option>)}
        </select>
        {to ? <button type="button" onClick={() => setPathTo('')}>Clear</button> : null}
        {to && !path ? <span className="muted" role="status">No flow path from {pathFrom ? 'this seed' : 'the seeds'} to that endpoint.</span> : null}
      </form>
      <div className="graph-layout">
        <div className="graph-main">
          <Legend />
          <GraphView view={view} book={book} path={path} noted={notedSet}
            onSelect={(s) => select(s)}
            onReady={(cy, ms) => {
              cyRef.current = cy;
              setReady({ ms });
              window.__workbench = { ...window.__workbench, graphRenderMs: ms, graphNodes: view.nodes.length, cy };
            }} />
          <p className="muted small" data-testid="graph-status" data-ready={ready ? 'true' : 'false'} data-nodes={view.nodes.length} data-wallets={view.wallets.size}>
            {view.wallets.size} wallets, {view.nodes.length} nodes drawn, {view.edges.length} flows{ready ? ` · drawn in ${Math.round(ready.ms)} ms` : ''}. Drag to pan, scroll to zoom, click a node or a flow.
          </p>
          {path ? <PathList view={view} path={path} book={book} onPick={(nid) => select({ kind: 'node', id: nid }, true)} /> : null}
        </div>
        <aside className="side-panel card" aria-label="Details">
          {selection ? (
            <SidePanel key={selection.id} caseId={id} view={view} selection={selection} book={book} report={report} notes={notes.data ?? []}
              headingRef={panelHeading} onNotesChanged={notes.reload}
              onSelect={(s) => select(s, true)} onExpand={(gid) => { setExpanded(new Set([...expanded, gid])); select(null); }}
              onClose={() => select(null)} />
          ) : <p className="muted">Click a wallet or a flow in the graph, or pick one below, to see its labels, tainted amounts, transactions and notes.</p>}
          <WalletList view={view} onPick={(nid) => select({ kind: 'node', id: nid }, true)} />
        </aside>
      </div>
    </div>
  );
}

function Legend() {
  const items: [string, string][] = [['seed', 'seed'], ['wallet', 'wallet'], ['deposit', 'deposit address'], ['exchange', 'exchange'], ['mixer', 'mixer'], ['service', 'other service'], ['holding', 'holding'], ['stopped', 'not followed'], ['group', 'group of wallets']];
  return (
    <ul className="legend" aria-label="Legend">
      {items.map(([k, label]) => <li key={k}><span className={`dot dot-${k}`} style={{ background: KIND_COLORS[k] }} aria-hidden="true" />{label}</li>)}
    </ul>
  );
}

function PathList({ view, path, book, onPick }: { view: ViewGraph; path: { nodes: string[]; edges: string[] }; book: CaseTabProps['book']; onPick: (id: string) => void }) {
  const edges = new Map(view.edges.map((e) => [e.id, e]));
  return (
    <div className="card path-list" data-testid="highlighted-path">
      <h3>Highlighted path ({path.edges.length} hop{path.edges.length === 1 ? '' : 's'})</h3>
      <ol>
        {path.nodes.map((nid, i) => {
          const n = view.byId.get(nid)!;
          const e = i < path.edges.length ? edges.get(path.edges[i]!) : null;
          return (
            <li key={nid}>
              <button type="button" className="link" onClick={() => onPick(nid)}>{nodeLabel(n).replace('\n', ' ')}</button> <Badge kind={n.kind}>{n.kind}</Badge>
              {e ? <div className="muted small">→ {book.amount(e.tainted, e.asset)} in {e.txs.slice(0, 3).map((tx) => <Hash key={tx} value={tx} href={book.explorerTx(tx)} />)}{e.txs.length > 3 ? ` +${e.txs.length - 3}` : ''}</div> : null}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

/** Every node in view as a keyboard-reachable list: the canvas is not. */
function WalletList({ view, onPick }: { view: ViewGraph; onPick: (id: string) => void }) {
  const [filter, setFilter] = useState('');
  const f = filter.trim().toLowerCase();
  const list = useMemo(() => listOrder(view.nodes), [view]).filter((n) => !f || n.id.includes(f) || (n.entity ?? '').toLowerCase().includes(f) || n.kind.includes(f));
  const shown = list.slice(0, 200);
  const onKey = (e: KeyboardEvent<HTMLUListElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (next) { e.preventDefault(); next.focus(); }
  };
  return (
    <div className="wallet-list">
      <h3 id="wallets-title">Nodes in view</h3>
      <label htmlFor="wallet-filter" className="sr-only">Filter nodes</label>
      <input id="wallet-filter" type="search" placeholder="Filter by address, entity or kind" value={filter} onChange={(e) => setFilter(e.target.value)} />
      <ul aria-labelledby="wallets-title" onKeyDown={onKey}>
        {shown.map((n) => (
          <li key={n.id}><button type="button" className="node-button" data-node-id={n.id} data-kind={n.kind} onClick={() => onPick(n.id)}>
            <span className="dot" style={{ background: KIND_COLORS[n.kind] }} aria-hidden="true" />{nodeLabel(n).replace('\n', ' ')} <span className="muted small">{n.kind}, hop {n.column}</span>
          </button></li>
        ))}
      </ul>
      {list.length > shown.length ? <p className="muted small">{list.length - shown.length} more: filter to find them.</p> : null}
    </div>
  );
}

function SidePanel({ caseId, view, selection, book, report, notes, headingRef, onNotesChanged, onSelect, onExpand, onClose }: {
  caseId: string; view: ViewGraph; selection: Selection; book: CaseTabProps['book']; report: Report; notes: Note[];
  headingRef: React.RefObject<HTMLHeadingElement>; onNotesChanged: () => Promise<void>;
  onSelect: (s: Selection) => void; onExpand: (groupId: string) => void; onClose: () => void;
}) {
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => { if (e.key === 'Escape') onClose(); };
  if (selection.kind === 'edge') {
    const e = view.edges.find((x) => x.id === selection.id);
    if (!e) return null;
    return (
      <div className="panel" onKeyDown={onKey} data-testid="side-panel">
        <h2 tabIndex={-1} ref={headingRef}>Flow</h2>
        <dl className="facts">
          <div><dt>from</dt><dd><button type="button" className="link" onClick={() => onSelect({ kind: 'node', id: e.from })}>{nodeLabel(view.byId.get(e.from)!).replace('\n', ' ')}</button></dd></div>
          <div><dt>to</dt><dd><button type="button" className="link" onClick={() => onSelect({ kind: 'node', id: e.to })}>{nodeLabel(view.byId.get(e.to)!).replace('\n', ' ')}</button></dd></div>
          <div><dt>tainted</dt><dd>{book.amount(e.tainted, e.asset)}</dd></div>
          <div><dt>moved</dt><dd>{book.amount(e.amount, e.asset)}</dd></div>
        </dl>
        <h3>Transactions</h3>
        <ul className="plain">{e.txs.map((tx) => <li key={tx}><Hash value={tx} href={book.explorerTx(tx)} /></li>)}</ul>
        <button type="button" onClick={onClose}>Close</button>
      </div>
    );
  }
  const n = view.byId.get(selection.id) ?? view.wallets.get(selection.id);
  if (!n) return null;
  if (n.kind === 'group') return <GroupPanel n={n} view={view} book={book} headingRef={headingRef} onExpand={onExpand} onSelect={onSelect} onKey={onKey} />;
  const address = n.address ?? n.id;
  const inFlows = view.edges.filter((e) => e.to === n.id);
  const outFlows = view.edges.filter((e) => e.from === n.id);
  const endpointLabels = report.endpoints.filter((e) => e.address.toLowerCase() === n.id).flatMap((e) => (Array.isArray(e.labels) ? e.labels : []));
  return (
    <div className="panel" onKeyDown={onKey} data-testid="side-panel">
      <h2 tabIndex={-1} ref={headingRef}>{n.entity ?? 'Wallet'} <Badge kind={n.kind}>{n.kind}</Badge></h2>
      <p className="address"><Hash value={address} href={book.explorerAddress(address)} full /></p>
      <dl className="facts">
        <div><dt>hop</dt><dd>{n.column}</dd></div>
        {n.category ? <div><dt>category</dt><dd>{n.category}</dd></div> : null}
        {n.attribution ? <div><dt>attribution</dt><dd>{n.attribution}</dd></div> : null}
        {n.role ? <div><dt>tracer</dt><dd>{n.role}</dd></div> : null}
        {endpointLabels.length ? <div><dt>labels</dt><dd><Labels labels={endpointLabels} /></dd></div> : null}
      </dl>
      {n.assets.size ? (
        <table className="data compact">
          <caption>Tainted amounts</caption>
          <thead><tr><th scope="col">Asset</th><th scope="col" className="num">In</th><th scope="col" className="num">Out</th><th scope="col" className="num">Held</th></tr></thead>
          <tbody>{[...n.assets].map(([a, f]) => (
            <tr key={a}><td>{book.get(a).symbol}</td><td className="num">{book.amount(f.taintedIn, a)}</td><td className="num">{book.amount(f.taintedOut, a)}</td><td className="num">{book.amount(f.taintedHeld, a)}</td></tr>
          ))}</tbody>
        </table>
      ) : null}
      <FlowList title="Tainted in" flows={inFlows} other={(e) => e.from} view={view} book={book} onSelect={onSelect} />
      <FlowList title="Tainted out" flows={outFlows} other={(e) => e.to} view={view} book={book} onSelect={onSelect} />
      <NoteEditor caseId={caseId} address={address} notes={notes} onSaved={onNotesChanged} />
      <button type="button" onClick={onClose}>Close</button>
    </div>
  );
}

function FlowList({ title, flows, other, view, book, onSelect }: {
  title: string; flows: ViewGraph['edges']; other: (e: ViewGraph['edges'][number]) => string; view: ViewGraph; book: CaseTabProps['book']; onSelect: (s: Selection) => void;
}) {
  if (!flows.length) return null;
  return (
    <>
      <h3>{title}</h3>
      <ul className="plain flows">
        {flows.slice(0, 50).map((e) => (
          <li key={e.id}>
            <button type="button" className="link" onClick={() => onSelect({ kind: 'node', id: other(e) })}>{nodeLabel(view.byId.get(other(e))!).replace('\n', ' ')}</button>{' '}
            <strong>{book.amount(e.tainted, e.asset)}</strong>
            <div className="small">{e.txs.slice(0, 4).map((tx) => <Hash key={tx} value={tx} href={book.explorerTx(tx)} />)}{e.txs.length > 4 ? ` +${e.txs.length - 4} more` : ''}</div>
          </li>
        ))}
      </ul>
      {flows.length > 50 ? <p className="muted small">{flows.length - 50} more flows.</p> : null}
    </>
  );
}

function GroupPanel({ n, view, book, headingRef, onExpand, onSelect, onKey }: {
  n: ViewNode; view: ViewGraph; book: CaseTabProps['book']; headingRef: React.RefObject<HTMLHeadingElement>;
  onExpand: (id: string) => void; onSelect: (s: Selection) => void; onKey: (e: KeyboardEvent<HTMLDivElement>) => void;
}) {
  const members = n.members!.map((m) => view.wallets.get(m)!).sort((a, b) => (b.weight > a.weight ? 1 : b.weight < a.weight ? -1 : 0));
  return (
    <div className="panel" onKeyDown={onKey} data-testid="side-panel">
      <h2 tabIndex={-1} ref={headingRef}>{members.length} wallets at hop {n.column} <Badge kind="group">group</Badge></h2>
      <p className="muted">The wallets of a crowded hop whose funds end there (or only flow on into other folded wallets) are folded into one node, so big graphs stay fluid. Paths to endpoints stay drawn.</p>
      <table className="data compact">
        <caption>Tainted amounts, together</caption>
        <thead><tr><th scope="col">Asset</th><th scope="col" className="num">In</th><th scope="col" className="num">Held</th></tr></thead>
        <tbody>{[...n.assets].map(([a, f]) => <tr key={a}><td>{book.get(a).symbol}</td><td className="num">{book.amount(f.taintedIn, a)}</td><td className="num">{book.amount(f.taintedHeld, a)}</td></tr>)}</tbody>
      </table>
      <button type="button" className="primary" onClick={() => onExpand(n.id)}>Expand into {members.length} nodes</button>
      <h3>Largest</h3>
      <ul className="plain">{members.slice(0, 20).map((m) => (
        <li key={m.id}><button type="button" className="link" onClick={() => onSelect({ kind: 'node', id: m.id })}>{nodeLabel(m).replace('\n', ' ')}</button> <span className="muted small">{m.kind}</span></li>
      ))}</ul>
    </div>
  );
}

function NoteEditor({ caseId, address, notes, onSaved }: { caseId: string; address: string; notes: Note[]; onSaved: () => Promise<void> }) {
  const existing = notes.find((n) => n.address.toLowerCase() === address.toLowerCase());
  const [text, setText] = useState(existing?.text ?? '');
  const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<unknown>(null);
  const save = async () => {
    setState('saving');
    setError(null);
    try {
      await api(`/v1/cases/${caseId}/notes/${encodeURIComponent(address)}`, { method: 'PUT', body: { text } });
      await onSaved();
      setState('saved');
    } catch (e) {
      setError(e);
      setState('idle');
    }
  };
  return (
    <div className="note-editor">
      <h3><label htmlFor="node-note">Note</label></h3>
      <textarea id="node-note" rows={3} maxLength={4000} value={text} onChange={(e) => { setText(e.target.value); setState('idle'); }} placeholder="What you know about this wallet (saved with the case)" />
      {existing ? <p className="muted small">Last saved by {existing.author ?? 'someone'} at {existing.updatedAt.replace('T', ' ').slice(0, 16)}</p> : null}
      <ErrorBox error={error} />
      <button type="button" onClick={save} disabled={state === 'saving' || text === (existing?.text ?? '')}>{state === 'saving' ? 'Saving…' : 'Save note'}</button>
      {state === 'saved' ? <span role="status" className="muted small"> Saved.</span> : null}
    </div>
  );
}
