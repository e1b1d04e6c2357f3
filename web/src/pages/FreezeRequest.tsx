// One freeze request for staff: terms, targets, four-eyes approval, sending and delivery,
// the partner's answers and the audit history.
import { useEffect, useMemo, useState } from 'react';
import { api, download } from '../api';
import { Badge, ErrorBox, Loading, useLoad } from '../components/common';
import { RequestTerms, Responses, TargetsTable } from '../components/FreezeParts';
import { AssetBook, dateTime } from '../format';
import { STATUS_TEXT, type FreezeRequest } from '../freeze';
import { Link } from '../router';
import { useSession } from '../session';
import type { CaseSummary } from '../types';

export function FreezeRequestPage({ id }: { id: string }) {
  const { session, chains } = useSession();
  const req = useLoad(() => api<FreezeRequest>(`/v1/freeze-requests/${id}`), [id]);
  const kase = useLoad(async () => (req.data?.caseId ? api<CaseSummary>(`/v1/cases/${req.data.caseId}`) : null), [req.data?.caseId]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState('');
  const r = req.data;
  const inFlight = r?.status === 'sending';
  useEffect(() => {
    if (!inFlight) return;
    const t = setInterval(() => void req.reload(), 1000);
    return () => clearInterval(t);
  }, [inFlight, req.reload]);
  const book = useMemo(() => new AssetBook(chains.find((c) => c.name === kase.data?.chain)), [chains, kase.data?.chain]);

  if (req.error) return <ErrorBox error={req.error} />;
  if (!r) return <Loading what="Loading the freeze request" />;

  const act = async (what: string, path: string) => {
    setBusy(what);
    setError(null);
    try {
      await api(`/v1/freeze-requests/${id}/${path}`, { method: 'POST' });
      await req.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  };
  const move = async (rank: number, delta: -1 | 1) => {
    const order = r.targets.map((_t, i) => i);
    const [a, b] = [rank - 1, rank - 1 + delta];
    [order[a], order[b]] = [order[b]!, order[a]!];
    setError(null);
    try {
      await api(`/v1/freeze-requests/${id}/targets/order`, { method: 'POST', body: { order } });
      await req.reload();
    } catch (e) {
      setError(e);
    }
  };
  const isDrafter = !!session && (r.draftedBy?.id === session.keyId || r.draftedBy?.name === session.name);
  const isSupervisor = session?.role === 'supervisor';
  return (
    <article aria-labelledby="fr-title">
      <p className="crumbs"><Link to="/cases">Cases</Link> › {kase.data ? <Link to={`/cases/${kase.data.id}/freeze`}>{kase.data.title}</Link> : '…'} ›</p>
      <div className="page-head">
        <h1 id="fr-title">Freeze request to {r.partner.name}</h1>
        <Badge kind={r.status}>{STATUS_TEXT[r.status] ?? r.status}</Badge>
      </div>
      <div className="card actions-bar" role="group" aria-label="Actions">
        {r.status === 'draft' && isSupervisor ? (
          <>
            <button type="button" className="primary" disabled={isDrafter || !!busy} aria-describedby={isDrafter ? 'four-eyes' : undefined} onClick={() => act('approve', 'approve')}>Approve</button>
            {isDrafter ? <span id="four-eyes" className="muted">You drafted this request: another supervisor must approve it (four eyes).</span> : null}
          </>
        ) : null}
        {r.status === 'draft' && !isSupervisor ? <span className="muted">Waiting for a supervisor's approval (not the drafter).</span> : null}
        {(r.status === 'approved' || r.status === 'delivery_failed') ? <button type="button" className="primary" disabled={!!busy} onClick={() => act('send', 'send')}>{r.status === 'delivery_failed' ? 'Send again' : 'Send to partner'}</button> : null}
        {r.partner.kind === 'issuer' && !['draft', 'approved'].includes(r.status) ? <button type="button" disabled={!!busy} onClick={() => act('verify', 'verify-onchain')}>Check the freeze on-chain</button> : null}
        <span className="spacer" />
        <button type="button" onClick={() => download(`/v1/freeze-requests/${id}/targets.csv`, `freeze-request-${id}-targets.csv`).catch(setError)}>Targets CSV</button>
        <button type="button" onClick={() => download(`/v1/freeze-requests/${id}/notice.pdf`, `freeze-request-${id}.pdf`).catch(setError)}>Notice PDF</button>
      </div>
      {busy ? <p role="status" className="muted">{busy}…</p> : null}
      <ErrorBox error={error} />
      <RequestTerms r={r} />
      <p className="muted small">Drafted by {r.draftedBy?.name ?? '—'}{r.approvedAt ? `, approved ${dateTime(r.approvedAt)}` : ''}{r.sentAt ? `, sent ${dateTime(r.sentAt)}` : ''}
        {r.delivery ? ` · delivery: ${r.delivery.sends} send(s), ${r.delivery.attempts} attempt(s)${r.delivery.lastError ? `, last error: ${r.delivery.lastError}` : ''}` : ''}</p>
      <h2>Targets</h2>
      {r.status === 'draft' ? <p className="muted small">Review the targets: the partner acts on them in this order. Reordering recomputes the evidence hash.</p> : null}
      <TargetsTable r={r} explorerAddress={(a) => book.explorerAddress(a)} explorerTx={(t) => book.explorerTx(t)}
        {...(r.status === 'draft' ? { onMove: (rank: number, delta: -1 | 1) => void move(rank, delta) } : {})} />
      <h2>Partner answers</h2>
      <Responses responses={r.responses ?? []} />
      <h2>History</h2>
      <ol className="history">
        {(r.history ?? []).map((h, i) => <li key={i}><span className="nowrap muted">{dateTime(h.at)}</span> <strong>{h.action}</strong> by {h.actor.name}</li>)}
      </ol>
    </article>
  );
}
