// The case list: search, filter by status, page through; arrow keys move between cases.
import { useState, type KeyboardEvent } from 'react';
import { api, listOf } from '../api';
import { Badge, ErrorBox, Loading, useLoad } from '../components/common';
import { dateTime } from '../format';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import type { CaseSummary } from '../types';

const STATUSES = ['new', 'queued', 'tracing', 'traced', 'failed'];

export function CasesPage() {
  const { session } = useSession();
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const status = query.get('status') ?? '';
  const cursor = query.get('cursor') ?? '';
  const [text, setText] = useState(q);
  const { data, error, loading } = useLoad(async () => {
    const params = new URLSearchParams();
    if (q) params.set('q', q);
    if (status) params.set('status', status);
    if (cursor) params.set('cursor', cursor);
    params.set('limit', '25');
    return listOf<CaseSummary>(await api(`/v1/cases?${params}`));
  }, [q, status, cursor]);

  const go = (next: Record<string, string>) => {
    const params = new URLSearchParams({ ...(q ? { q } : {}), ...(status ? { status } : {}), ...next });
    for (const [k, v] of [...params]) if (!v) params.delete(k);
    navigate(`/cases${params.size ? `?${params}` : ''}`);
  };

  const onKey = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const links = [...e.currentTarget.querySelectorAll<HTMLAnchorElement>('a.case-link')];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = links[Math.max(0, Math.min(links.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };

  return (
    <section aria-labelledby="cases-title">
      <div className="page-head">
        <h1 id="cases-title">Cases</h1>
        {session?.role === 'analyst' ? <Link to="/cases/new" className="button primary">New case</Link> : null}
      </div>
      <form className="toolbar" role="search" onSubmit={(e) => { e.preventDefault(); go({ q: text.trim(), cursor: '' }); }}>
        <label htmlFor="case-search" className="sr-only">Search cases</label>
        <input id="case-search" type="search" placeholder="Search title, reference, address or hash" value={text} onChange={(e) => setText(e.target.value)} />
        <label htmlFor="case-status">Status</label>
        <select id="case-status" value={status} onChange={(e) => go({ status: e.target.value, cursor: '' })}>
          <option value="">any</option>
          {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={error} />
      {loading && !data ? <Loading what="Loading cases" /> : null}
      {data ? (
        data.items.length === 0 ? (
          <div className="empty card">
            <p>No cases{q || status ? ' match this search' : ' yet'}.</p>
            {session?.role === 'analyst' && !q && !status ? <p><Link to="/cases/new">Open the first case</Link> by pasting the victims' payment transactions or the scam wallets.</p> : null}
          </div>
        ) : (
          <table className="data cases">
            <caption className="sr-only">Cases, newest first. Use the arrow keys to move between them.</caption>
            <thead><tr><th scope="col">Case</th><th scope="col">Chain</th><th scope="col">Model</th><th scope="col">Status</th><th scope="col">Seeds</th><th scope="col">Updated</th></tr></thead>
            <tbody onKeyDown={onKey}>
              {data.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/cases/${c.id}`} className="case-link">{c.title}</Link>
                    {c.reference ? <div className="muted small">{c.reference}</div> : null}
                  </td>
                  <td>{c.chain}</td>
                  <td>{c.model}</td>
                  <td><Badge kind={c.status}>{c.status}</Badge>{c.closed ? <> <Badge kind="closed">closed</Badge></> : null}</td>
                  <td>{Array.isArray(c.seeds) ? c.seeds.length : '—'}</td>
                  <td className="nowrap">{dateTime(c.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <div className="pager">
        {cursor ? <button type="button" onClick={() => go({ cursor: '' })}>First page</button> : null}
        {data?.nextCursor ? <button type="button" onClick={() => go({ cursor: data.nextCursor! })}>Next page</button> : null}
      </div>
    </section>
  );
}
