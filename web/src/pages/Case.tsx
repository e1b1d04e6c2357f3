// One case: its state and live progress, then the report, the graph, the models side by
// side, its freeze requests and the trail of what the analysts did.
import { useEffect, useMemo, type ReactNode } from 'react';
import { api, download } from '../api';
import { Badge, ErrorBox, Hash, Loading, useAction, useLoad } from '../components/common';
import { AssetBook, dateTime } from '../format';
import { Link } from '../router';
import { useSession } from '../session';
import type { CaseSummary, Report } from '../types';
import { ReportView } from './Report';
import { GraphTab } from './GraphTab';
import { ModelsTab } from './Models';
import { CaseFreezeTab } from './CaseFreeze';
import { ActivityTab } from './Activity';

const TABS = [
  ['report', 'Report'], ['graph', 'Flow graph'], ['models', 'Models compared'], ['freeze', 'Freeze requests'], ['activity', 'Activity'],
] as const;

export function CasePage({ id, tab }: { id: string; tab: string }) {
  const { session, chains } = useSession();
  const kase = useLoad(() => api<CaseSummary>(`/v1/cases/${id}`), [id]);
  const running = kase.data?.status === 'queued' || kase.data?.status === 'tracing';
  const report = useLoad(async () => (kase.data?.status === 'traced' || kase.data?.status === 'failed' || kase.data?.status === 'new' ? api<Report>(`/v1/cases/${id}/report`).catch(() => null) : null), [id, kase.data?.status, kase.data?.updatedAt]);
  const action = useAction();

  // Live progress: poll while the trace runs.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void kase.reload(), 1000);
    return () => clearInterval(timer);
  }, [running, kase.reload]);

  const c = kase.data;
  const book = useMemo(() => {
    const b = new AssetBook(chains.find((x) => x.name === (c?.chain ?? report.data?.chain)));
    for (const list of [report.data?.endpoints ?? [], report.data?.holdings ?? []]) for (const e of list) b.learn(e.asset, e.symbol, e.decimals);
    return b;
  }, [chains, c?.chain, report.data]);

  if (kase.error) return <ErrorBox error={kase.error} />;
  if (!c) return <Loading what="Loading the case" />;

  const post = (what: 'trace' | 'cancel') => action.run(async () => {
    await api(`/v1/cases/${id}/${what}`, { method: 'POST' });
    await kase.reload();
  });
  const exportAs = (path: string, filename: string) => action.run(() => download(`/v1/cases/${id}/${path}`, filename));
  const base = `tracehold-case-${id.slice(0, 8)}`;
  const active = TABS.some(([t]) => t === tab) ? tab : 'report';

  return (
    <article aria-labelledby="case-title">
      <div className="page-head">
        <div>
          <p className="crumbs"><Link to="/cases">Cases</Link> ›</p>
          <h1 id="case-title">{c.title}</h1>
          <p className="muted">{c.reference ? <>{c.reference} · </> : null}{c.chain} · model <strong>{c.model}</strong> · up to {c.maxHops} hops · created {dateTime(c.createdAt)}</p>
        </div>
        <div className="head-actions">
          <Badge kind={c.status}>{c.status}</Badge>
          {running ? <button type="button" onClick={() => post('cancel')}>Cancel the trace</button> : null}
          {session?.role === 'analyst' ? <button type="button" onClick={() => post('trace')} disabled={running || action.busy}>{c.status === 'new' ? 'Trace' : 'Trace again'}</button> : null}
        </div>
      </div>
      <Progress kase={c} />
      <ErrorBox error={action.error} />
      <details className="seeds card">
        <summary>{c.seeds.length} seed{c.seeds.length === 1 ? '' : 's'}</summary>
        <ul className="plain">
          {c.seeds.map((s, i) => {
            const tx = typeof s.txHash === 'string' ? s.txHash : null;
            const addr = typeof s.address === 'string' ? s.address : null;
            return <li key={i}>{tx ? <>transaction <Hash value={tx} href={book.explorerTx(tx)} full />{s.index !== undefined ? `:${String(s.index)}` : s.ref !== undefined ? `:${s.ref}` : ''}</> : <>wallet <Hash value={addr ?? JSON.stringify(s)} href={addr ? book.explorerAddress(addr) : null} full /></>}</li>;
          })}
        </ul>
      </details>
      {report.data ? (
        <div className="exports" role="group" aria-label="Exports">
          <span className="muted">Export:</span>
          <button type="button" onClick={() => exportAs('report', `${base}-report.json`)}>Report JSON</button>
          <button type="button" onClick={() => exportAs('report.pdf', `${base}-report.pdf`)}>Case report PDF</button>
          <button type="button" onClick={() => exportAs('flows.csv', `${base}-flows.csv`)}>Flows CSV</button>
          <button type="button" onClick={() => exportAs('graph.graphml', `${base}.graphml`)}>GraphML (Gephi, Maltego)</button>
        </div>
      ) : null}
      <nav className="tabs" aria-label="Case sections">
        <ul>
          {TABS.map(([t, label]) => (
            <li key={t}><Link to={`/cases/${id}/${t}`} aria-current={active === t ? 'page' : undefined}>{label}</Link></li>
          ))}
        </ul>
      </nav>
      <section className="tab-body" aria-label={TABS.find(([t]) => t === active)![1]}>
        {tabBody(active, { id, kase: c, report: report.data, reportLoading: report.loading, book, reloadCase: kase.reload })}
      </section>
    </article>
  );
}

export interface CaseTabProps {
  id: string;
  kase: CaseSummary;
  report: Report | null;
  reportLoading: boolean;
  book: AssetBook;
  reloadCase: () => Promise<void>;
}

function tabBody(tab: string, props: CaseTabProps): ReactNode {
  const needsReport = tab === 'report' || tab === 'graph';
  if (needsReport && !props.report) {
    if (props.reportLoading) return <Loading what="Loading the report" />;
    return <div className="empty card"><p>No finished trace yet{props.kase.status === 'failed' ? ': the last trace failed (see above)' : ''}.</p></div>;
  }
  if (needsReport && Array.isArray(props.report!.sections)) return <MultiChainReport report={props.report!} tab={tab} />;
  switch (tab) {
    case 'graph': return <GraphTab {...props} report={props.report!} />;
    case 'models': return <ModelsTab {...props} />;
    case 'freeze': return <CaseFreezeTab {...props} />;
    case 'activity': return <ActivityTab {...props} />;
    default: return <ReportView report={props.report!} book={props.book} />;
  }
}

interface ChainSection { chain: string; caseId: string; report: Report }

/** A case on several chains: one section per chain (its own case, report and graph). */
function MultiChainReport({ report, tab }: { report: Report; tab: string }) {
  const { chains } = useSession();
  const sections = report.sections as ChainSection[];
  return (
    <div>
      <p className="muted">This case spans {sections.length} chains; each is traced as its own case. {tab === 'graph' ? 'Open a chain to see its flow graph.' : ''}</p>
      {sections.map((s) => {
        const book = new AssetBook(chains.find((c) => c.name === s.chain));
        for (const e of [...s.report.endpoints, ...s.report.holdings]) book.learn(e.asset, e.symbol, e.decimals);
        return (
          <section key={s.caseId} className="chain-section" aria-label={`On ${s.chain}`}>
            <h2>On {s.chain} <Link to={`/cases/${s.caseId}/${tab}`} className="small">open this chain's case{tab === 'graph' ? ' and its graph' : ''}</Link></h2>
            {tab === 'report' ? <ReportView report={s.report} book={book} /> : null}
          </section>
        );
      })}
    </div>
  );
}

function Progress({ kase }: { kase: CaseSummary }) {
  const p = (kase.progress ?? {}) as Record<string, unknown>;
  if (p.chains && typeof p.chains === 'object' && (kase.status === 'queued' || kase.status === 'tracing')) {
    return (
      <div className="progress card" role="status" aria-live="polite">
        <span className="spinner" aria-hidden="true" />
        <strong>Tracing…</strong>
        {Object.entries(p.chains as Record<string, Record<string, unknown>>).map(([chain, c]) => (
          <span key={chain} className="figure"><span className="muted">{chain}</span> <strong>{String(c.status ?? '')}</strong>{c.hop !== undefined ? `, hop ${String(c.hop)}` : ''}{c.rpcCalls !== undefined ? `, ${String(c.rpcCalls)} RPC calls` : ''}</span>
        ))}
      </div>
    );
  }
  if (kase.status === 'failed') {
    return <div className="error" role="alert"><strong>The trace failed</strong>: {String(p.error ?? 'no reason given')}</div>;
  }
  if (kase.status !== 'queued' && kase.status !== 'tracing') return null;
  const figures = [
    ['hop', p.hop], ['wallets crawled', p.crawled ?? p.addresses], ['addresses seen', p.addresses], ['RPC calls', p.rpcCalls],
  ].filter(([, v]) => v !== undefined && v !== null) as [string, unknown][];
  return (
    <div className="progress card" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <strong>{kase.status === 'queued' ? 'Waiting for a worker…' : 'Tracing…'}</strong>
      {figures.map(([k, v]) => <span key={k} className="figure"><span className="muted">{k}</span> <strong>{String(v)}</strong></span>)}
    </div>
  );
}
