// The partner portal: the requests sent to this partner, and the form to answer one —
// received, frozen amounts per target, declined with a reason, funds moved with the fiat
// withdrawals (a partial freeze may carry the withdrawals that took the rest).
import { useState, type FormEvent } from 'react';
import { api, download } from '../api';
import { Badge, ErrorBox, Loading, useLoad } from '../components/common';
import { RequestTerms, Responses, TargetsTable } from '../components/FreezeParts';
import { dateTime, parseUnits } from '../format';
import { fiatExponent, STATUS_TEXT, targetAmount, type FreezeRequest } from '../freeze';
import { Link } from '../router';

export function PartnerInboxPage() {
  const list = useLoad(() => api<FreezeRequest[]>('/v1/partner/freeze-requests'), []);
  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">Freeze requests to you</h1>
      <p className="muted">Requests sent to your organisation by the investigating authority. Open one to read it, download the notice and answer.</p>
      <ErrorBox error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && !list.data.length ? <p className="card muted">No requests yet.</p> : null}
      {list.data?.length ? (
        <table className="data">
          <caption className="sr-only">Requests sent to you</caption>
          <thead><tr><th scope="col">Request</th><th scope="col">From</th><th scope="col">Urgency</th><th scope="col">Targets</th><th scope="col">Status</th><th scope="col">Issued</th></tr></thead>
          <tbody>
            {list.data.map((r) => (
              <tr key={r.id}>
                <td><Link to={`/partner/requests/${r.id}`}>{r.action ?? 'freeze'} request {r.id.slice(0, 8)}</Link></td>
                <td>{r.requestingAuthority ?? '—'}</td>
                <td>{r.urgency ?? '—'}{r.deadline ? <div className="muted small">by {dateTime(r.deadline)}</div> : null}</td>
                <td>{r.targets.length}</td>
                <td><Badge kind={r.status}>{STATUS_TEXT[r.status] ?? r.status}</Badge></td>
                <td className="nowrap">{dateTime(r.issuedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

export function PartnerRequestPage({ id }: { id: string }) {
  const req = useLoad(() => api<FreezeRequest>(`/v1/partner/freeze-requests/${id}`), [id]);
  const [error, setError] = useState<unknown>(null);
  if (req.error) return <ErrorBox error={req.error} />;
  const r = req.data;
  if (!r) return <Loading what="Loading the request" />;
  return (
    <article aria-labelledby="preq-title">
      <p className="crumbs"><Link to="/partner">Requests to you</Link> ›</p>
      <div className="page-head">
        <h1 id="preq-title">{r.action === 'preserve' ? 'Preservation' : 'Freeze'} request {r.id.slice(0, 8)}</h1>
        <Badge kind={r.status}>{STATUS_TEXT[r.status] ?? r.status}</Badge>
      </div>
      <div className="card actions-bar" role="group" aria-label="Documents">
        <button type="button" onClick={() => download(`/v1/partner/freeze-requests/${id}/targets.csv`, `freeze-request-${id}-targets.csv`).catch(setError)}>Targets CSV</button>
        <button type="button" onClick={() => download(`/v1/partner/freeze-requests/${id}/notice.pdf`, `freeze-request-${id}.pdf`).catch(setError)}>Notice PDF</button>
      </div>
      <ErrorBox error={error} />
      <RequestTerms r={r} />
      <h2>Targets</h2>
      <TargetsTable r={r} />
      <h2>Your answers</h2>
      <Responses responses={r.responses ?? []} />
      <AnswerForm r={r} onAnswered={req.reload} />
    </article>
  );
}

interface Withdrawal { iban: string; bank: string; amount: string; currency: string }

function AnswerForm({ r, onAnswered }: { r: FreezeRequest; onAnswered: () => Promise<void> }) {
  const [status, setStatus] = useState('received');
  const [frozen, setFrozen] = useState<Record<string, string>>({});
  const [withdrawals, setWithdrawals] = useState<Withdrawal[]>([]);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const perTarget = status === 'frozen' || status === 'partially_frozen';
  const withFiat = status === 'funds_moved' || status === 'partially_frozen';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      const body: Record<string, unknown> = { status };
      if (perTarget) {
        body.targets = r.targets.filter((t) => (frozen[t.address + t.asset] ?? '').trim()).map((t) => ({
          address: t.address, asset: t.asset, frozenAmount: parseUnits(frozen[t.address + t.asset]!, t.decimals ?? 0).toString(),
        }));
      }
      if (withFiat && withdrawals.length) {
        body.fiatWithdrawals = withdrawals.map((w) => ({ iban: w.iban, bank: w.bank, currency: w.currency.toUpperCase(), amount: parseUnits(w.amount, fiatExponent(w.currency)).toString() }));
      }
      if (note.trim()) body.note = note.trim();
      const answer = await api<{ status: string; followUps: unknown[]; leads: number }>(`/v1/partner/freeze-requests/${r.id}/responses`, { method: 'POST', body });
      setDone(`Answer recorded: the request is now ${answer.status}.`);
      setWithdrawals([]);
      setNote('');
      await onAnswered();
    } catch (err) {
      setError(err);
    }
  };
  const setW = (i: number, k: keyof Withdrawal, v: string) => setWithdrawals(withdrawals.map((w, j) => (j === i ? { ...w, [k]: v } : w)));
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="answer-title">
      <h2 id="answer-title">Answer</h2>
      <fieldset>
        <legend>What happened</legend>
        {[['received', 'Received — we are looking into it'], ['frozen', 'Frozen'], ['partially_frozen', 'Partially frozen (the rest left, e.g. to a bank account)'], ['declined', 'Declined (give the reason)'], ['funds_moved', 'Funds had already moved']].map(([v, label]) => (
          <label key={v} className="radio"><input type="radio" name="status" value={v} checked={status === v} onChange={() => setStatus(v!)} /> {label}</label>
        ))}
      </fieldset>
      {perTarget ? (
        <fieldset>
          <legend>Frozen per target {status === 'frozen' ? <span className="muted">(leave empty: every target in full)</span> : null}</legend>
          {r.targets.map((t) => (
            <div className="field inline" key={t.address + t.asset}>
              <label htmlFor={`frozen-${t.rank}`}>#{t.rank} {t.address.slice(0, 12)}… (traced {targetAmount(t)})</label>
              <input id={`frozen-${t.rank}`} inputMode="decimal" value={frozen[t.address + t.asset] ?? ''} placeholder={t.symbol ?? t.asset}
                onChange={(e) => setFrozen({ ...frozen, [t.address + t.asset]: e.target.value })} />
            </div>
          ))}
        </fieldset>
      ) : null}
      {withFiat ? (
        <fieldset>
          <legend>Fiat withdrawals that took the funds</legend>
          {withdrawals.map((w, i) => (
            <div className="row" key={i}>
              <div className="field"><label htmlFor={`w-iban-${i}`}>IBAN</label><input id={`w-iban-${i}`} required value={w.iban} onChange={(e) => setW(i, 'iban', e.target.value)} /></div>
              <div className="field"><label htmlFor={`w-bank-${i}`}>Bank</label><input id={`w-bank-${i}`} required value={w.bank} onChange={(e) => setW(i, 'bank', e.target.value)} /></div>
              <div className="field"><label htmlFor={`w-amount-${i}`}>Amount</label><input id={`w-amount-${i}`} required inputMode="decimal" value={w.amount} onChange={(e) => setW(i, 'amount', e.target.value)} /></div>
              <div className="field"><label htmlFor={`w-cur-${i}`}>Currency</label><input id={`w-cur-${i}`} required maxLength={3} value={w.currency} onChange={(e) => setW(i, 'currency', e.target.value)} /></div>
              <button type="button" className="link" onClick={() => setWithdrawals(withdrawals.filter((_, j) => j !== i))}>Remove</button>
            </div>
          ))}
          <button type="button" onClick={() => setWithdrawals([...withdrawals, { iban: '', bank: '', amount: '', currency: 'EUR' }])}>Add a withdrawal</button>
        </fieldset>
      ) : null}
      <div className="field"><label htmlFor="answer-note">Note {status === 'declined' ? '(the reason, required)' : <span className="muted">(optional)</span>}</label>
        <textarea id="answer-note" rows={2} value={note} required={status === 'declined'} onChange={(e) => setNote(e.target.value)} /></div>
      <ErrorBox error={error} />
      {done ? <p role="status" className="ok">{done}</p> : null}
      <div className="actions"><button type="submit" className="primary">Send answer</button></div>
    </form>
  );
}
