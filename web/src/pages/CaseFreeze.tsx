// Freeze requests of a case: draft them from the trace, and the list with their state.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { Badge, ErrorBox, Loading, useAction, useLoad } from '../components/common';
import { dateTime } from '../format';
import { STATUS_TEXT, targetAmount, type FreezeRequest } from '../freeze';
import { Link } from '../router';
import { useSession } from '../session';
import type { CaseTabProps } from './Case';

export function CaseFreezeTab({ id, kase }: CaseTabProps) {
  const { session } = useSession();
  const list = useLoad(() => api<FreezeRequest[]>(`/v1/cases/${id}/freeze-requests`), [id]);
  const leads = useLoad(() => api<Record<string, unknown>[]>(`/v1/cases/${id}/leads`).catch(() => []), [id]);
  const canDraft = (session?.role === 'analyst' || session?.role === 'supervisor') && kase.status === 'traced';
  return (
    <div>
      {canDraft ? <DraftForm caseId={id} reference={kase.reference} onDrafted={list.reload} /> : null}
      <h2>Requests</h2>
      <ErrorBox error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && !list.data.length ? <p className="muted">No freeze requests drafted for this case yet.</p> : null}
      {list.data?.length ? (
        <table className="data">
          <caption className="sr-only">Freeze requests of this case</caption>
          <thead><tr><th scope="col">Partner</th><th scope="col">Status</th><th scope="col">Targets</th><th scope="col">Largest target</th><th scope="col">Drafted by</th><th scope="col">Updated</th></tr></thead>
          <tbody>
            {list.data.map((r) => (
              <tr key={r.id}>
                <td><Link to={`/freeze-requests/${r.id}`}>{r.partner.name}</Link> <span className="muted small">{r.partner.kind}{r.parentId ? ', follow-up' : ''}</span></td>
                <td><Badge kind={r.status}>{STATUS_TEXT[r.status] ?? r.status}</Badge></td>
                <td>{r.targets.length}</td>
                <td>{r.targets[0] ? targetAmount(r.targets[0]) : '—'}</td>
                <td>{r.draftedBy?.name ?? '—'}</td>
                <td className="nowrap">{dateTime(r.updatedAt as string)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {leads.data?.length ? (
        <>
          <h2>Leads <span className="muted small">withdrawals to banks that are not partners</span></h2>
          <ul className="plain">{leads.data.map((l, i) => <li key={i} className="card">{['bank', 'iban', 'amount', 'currency'].map((k) => l[k] !== undefined ? <span key={k}><em>{k}</em> {String(l[k])} · </span> : null)}</li>)}</ul>
        </>
      ) : null}
    </div>
  );
}

function DraftForm({ caseId, reference, onDrafted }: { caseId: string; reference: string | null; onDrafted: () => Promise<void> }) {
  const { session } = useSession();
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({ requestingAuthority: '', legalBasis: '', action: 'freeze', durationDays: '90', urgency: 'urgent', contactName: session?.name ?? '', contactEmail: '', contactPhone: '', note: '' });
  const action = useAction();
  const [result, setResult] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const body = {
        requestingAuthority: f.requestingAuthority, legalBasis: f.legalBasis, action: f.action, durationDays: Number(f.durationDays), urgency: f.urgency,
        contact: { name: f.contactName, email: f.contactEmail, ...(f.contactPhone.trim() ? { phone: f.contactPhone } : {}) },
        ...(f.note.trim() ? { note: f.note } : {}),
      };
      const drafted = await api<FreezeRequest[]>(`/v1/cases/${caseId}/freeze-requests`, { method: 'POST', body });
      setResult(drafted.length ? `Drafted ${drafted.length} request${drafted.length > 1 ? 's' : ''}: ${drafted.map((d) => d.partner.name).join(', ')}. A supervisor other than you approves them.` : 'No partner covers the entities this case reached: nothing to draft.');
      setOpen(false);
      await onDrafted();
    });
  };
  if (!open) return (
    <div className="card callout">
      <p>Turn this trace into freeze requests: one per partner exchange, bank or issuer the funds reached{reference ? ` (case ${reference})` : ''}.</p>
      <button type="button" className="primary" onClick={() => setOpen(true)}>Draft freeze requests</button>
      {result ? <p role="status">{result}</p> : null}
    </div>
  );
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="draft-title">
      <h2 id="draft-title">Draft freeze requests</h2>
      <div className="field"><label htmlFor="d-authority">Requesting authority</label><input id="d-authority" required value={f.requestingAuthority} onChange={set('requestingAuthority')} placeholder="Financial Intelligence Unit, Cyber Fraud Team" /></div>
      <div className="field"><label htmlFor="d-basis">Legal basis</label><textarea id="d-basis" required rows={2} value={f.legalBasis} onChange={set('legalBasis')} placeholder="Art. 12 AML Act; prosecutor order 2026/117" /></div>
      <div className="row">
        <div className="field"><label htmlFor="d-action">Action</label><select id="d-action" value={f.action} onChange={set('action')}><option value="freeze">freeze</option><option value="preserve">preserve records</option></select></div>
        <div className="field"><label htmlFor="d-duration">Duration (days)</label><input id="d-duration" inputMode="numeric" value={f.durationDays} onChange={set('durationDays')} /></div>
        <div className="field"><label htmlFor="d-urgency">Urgency</label><select id="d-urgency" value={f.urgency} onChange={set('urgency')}><option value="immediate">immediate (24 h)</option><option value="urgent">urgent (72 h)</option><option value="routine">routine (14 days)</option></select></div>
      </div>
      <div className="row">
        <div className="field"><label htmlFor="d-cname">Contact name</label><input id="d-cname" required value={f.contactName} onChange={set('contactName')} /></div>
        <div className="field"><label htmlFor="d-cemail">Contact email</label><input id="d-cemail" type="email" required value={f.contactEmail} onChange={set('contactEmail')} /></div>
        <div className="field"><label htmlFor="d-cphone">Phone <span className="muted">(optional)</span></label><input id="d-cphone" value={f.contactPhone} onChange={set('contactPhone')} /></div>
      </div>
      <div className="field"><label htmlFor="d-note">Note to the partner <span className="muted">(optional)</span></label><textarea id="d-note" rows={2} value={f.note} onChange={set('note')} /></div>
      <ErrorBox error={action.error} />
      <div className="actions"><button type="button" onClick={() => setOpen(false)}>Cancel</button><button type="submit" className="primary" disabled={action.busy}>{action.busy ? 'Drafting…' : 'Draft'}</button></div>
    </form>
  );
}
