// Pieces of a freeze request both staff and partners read: the request terms, the targets
// with their evidence, and the partner's answers.
import { Badge, Hash, Value } from './common';
import { dateTime } from '../format';
import { fiatExponent, targetAmount, type FreezeRequest, type FreezeResponse } from '../freeze';

export function RequestTerms({ r }: { r: FreezeRequest }) {
  return (
    <dl className="facts grid">
      <div><dt>Partner</dt><dd>{r.partner.name} <span className="muted">({r.partner.kind}{r.partner.jurisdiction ? `, ${r.partner.jurisdiction}` : ''})</span></dd></div>
      <div><dt>Requesting authority</dt><dd>{r.requestingAuthority ?? '—'}</dd></div>
      <div><dt>Legal basis</dt><dd>{r.legalBasis ?? '—'}</dd></div>
      <div><dt>Action</dt><dd>{r.action ?? '—'} for {r.durationDays ?? '?'} days</dd></div>
      <div><dt>Urgency</dt><dd>{r.urgency ?? '—'}{r.deadline ? `, answer by ${dateTime(r.deadline)}` : ''}</dd></div>
      <div><dt>Contact</dt><dd>{r.contact ? `${r.contact.name} <${r.contact.email}>${r.contact.phone ? `, ${r.contact.phone}` : ''}` : '—'}</dd></div>
      {r.note ? <div><dt>Note</dt><dd>{r.note}</dd></div> : null}
      <div><dt>Evidence SHA-256</dt><dd><code className="wrap">{r.evidenceSha256}</code></dd></div>
      <div><dt>Revision</dt><dd>{r.revision}{r.issuedAt ? `, issued ${dateTime(r.issuedAt)}` : ''}</dd></div>
    </dl>
  );
}

export function TargetsTable({ r, explorerAddress, explorerTx, onMove }: {
  r: FreezeRequest; explorerAddress?: (a: string) => string | null; explorerTx?: (t: string) => string | null;
  /** Set while the request is a draft: move the target of this rank one place up (-1) or down (+1). */
  onMove?: (rank: number, delta: -1 | 1) => void;
}) {
  return (
    <table className="data">
      <caption className="sr-only">Targets, ranked</caption>
      <thead><tr><th scope="col" className="num">Rank</th><th scope="col">Target</th><th scope="col">Address</th><th scope="col" className="num">Traced amount</th><th scope="col" className="num">Hops</th><th scope="col" className="num">Score</th><th scope="col" className="num">Frozen</th><th scope="col">Evidence</th>{onMove ? <th scope="col">Order</th> : null}</tr></thead>
      <tbody>
        {r.targets.map((t) => (
          <tr key={`${t.address}|${t.asset}`}>
            <td className="num">{t.rank}</td>
            <td>{t.kind}{t.attribution ? <div className="muted small">{t.attribution}</div> : null}</td>
            <td><Hash value={t.address} href={explorerAddress?.(t.address) ?? null} /></td>
            <td className="num">{targetAmount(t)}</td>
            <td className="num">{t.hops}</td>
            <td className="num">{t.score.toFixed(3)}</td>
            <td className="num">{t.frozenAmount !== null ? <>{targetAmount(t, t.frozenAmount)} <span className="muted small">{t.frozenSource}</span></> : '—'}</td>
            <td><details><summary>{t.evidence.paths.length} path{t.evidence.paths.length === 1 ? '' : 's'}</summary>
              <ol className="paths">{t.evidence.paths.map((p, i) => <li key={i}>{p.map((tx, k) => <span key={k}>{k ? ' → ' : ''}<Hash value={tx} href={explorerTx?.(tx) ?? null} /></span>)}</li>)}</ol>
            </details></td>
            {onMove ? (
              <td className="nowrap">
                <button type="button" className="small-button" aria-label={`Move target ${t.rank} up`} disabled={t.rank === 1} onClick={() => onMove(t.rank, -1)}>↑</button>{' '}
                <button type="button" className="small-button" aria-label={`Move target ${t.rank} down`} disabled={t.rank === r.targets.length} onClick={() => onMove(t.rank, 1)}>↓</button>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Responses({ responses }: { responses: FreezeResponse[] }) {
  if (!responses.length) return <p className="muted">No answer yet.</p>;
  return (
    <ol className="timeline">
      {responses.map((x) => (
        <li key={x.id} className="card">
          <p><Badge kind={x.status}>{x.status}</Badge> <span className="muted">from {x.source}, {dateTime(x.createdAt)}</span></p>
          {x.note ? <p>“{x.note}”</p> : null}
          {Array.isArray(x.targets) && x.targets.length ? <div><strong>Frozen per target:</strong> <Value value={x.targets} /></div> : null}
          {x.fiatWithdrawals?.length ? (
            <table className="data compact">
              <caption>Fiat withdrawals that took funds</caption>
              <thead><tr><th scope="col">Bank</th><th scope="col">IBAN</th><th scope="col" className="num">Amount</th></tr></thead>
              <tbody>{x.fiatWithdrawals.map((f, i) => {
                const exp = fiatExponent(f.currency);
                const v = BigInt(f.amount);
                const text = exp ? `${(v / 10n ** BigInt(exp)).toString()}.${(v % 10n ** BigInt(exp)).toString().padStart(exp, '0')}` : v.toString();
                return <tr key={i}><td>{f.bank}</td><td><code>{f.iban}</code></td><td className="num">{text} {f.currency}</td></tr>;
              })}</tbody>
            </table>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
