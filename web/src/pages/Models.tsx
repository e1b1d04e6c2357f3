// The five taint models side by side for one case: each model's latest finished trace, what
// it puts at each entity and what it leaves held, per asset.
import { useState } from 'react';
import { api } from '../api';
import { ErrorBox, Loading, useLoad } from '../components/common';
import { dateTime, percent } from '../format';
import { useSession } from '../session';
import type { Report } from '../types';
import type { CaseTabProps } from './Case';

interface ModelRun { model: string; runId: string | null; finishedAt: string | null; report: Pick<Report, 'exposure' | 'holdings' | 'endpoints' | 'accounting'> | null }
interface ModelsAnswer { current: string; models: ModelRun[] }

export const MODEL_NAMES = ['fifo', 'lifo', 'haircut', 'poison', 'tiho'];

export function ModelsTab({ id, kase, book, reloadCase }: CaseTabProps) {
  const { session } = useSession();
  const data = useLoad(() => api<ModelsAnswer>(`/v1/cases/${id}/models`), [id, kase.updatedAt]);
  const [error, setError] = useState<unknown>(null);
  const running = kase.status === 'queued' || kase.status === 'tracing';
  if (data.error) return <ErrorBox error={data.error} />;
  if (!data.data) return <Loading what="Loading the models" />;
  const runs = MODEL_NAMES.map((m) => data.data!.models.find((x) => x.model === m) ?? { model: m, runId: null, finishedAt: null, report: null });

  const traceWith = async (model: string) => {
    setError(null);
    try {
      await api(`/v1/cases/${id}/model`, { method: 'PUT', body: { model } });
      await api(`/v1/cases/${id}/trace`, { method: 'POST' });
      await reloadCase();
    } catch (e) {
      setError(e);
    }
  };

  // Rows: each (entity, asset) any model reached, then each asset held.
  const rows = new Map<string, { label: string; asset: string; kind: 'exposure' | 'held' }>();
  for (const r of runs) {
    for (const x of r.report?.exposure ?? []) rows.set(`e|${x.entity}|${x.asset}`, { label: x.entity, asset: x.asset, kind: 'exposure' });
    for (const h of r.report?.holdings ?? []) rows.set(`h|${h.asset}`, { label: 'still held', asset: h.asset, kind: 'held' });
  }
  const cell = (r: ModelRun, key: string, row: { asset: string; kind: string; label: string }) => {
    if (!r.report) return <span className="muted">—</span>;
    if (row.kind === 'held') {
      const sum = r.report.holdings.filter((h) => h.asset === row.asset).reduce((s, h) => s + BigInt(h.amount), 0n);
      return book.amount(sum, row.asset);
    }
    const x = r.report.exposure.find((e) => `e|${e.entity}|${e.asset}` === key);
    return x ? <>{book.amount(x.amount, x.asset)} <span className="muted small">{percent(x.share)}</span></> : book.amount(0n, row.asset);
  };

  return (
    <div>
      <p className="muted">Each column is the latest finished trace of this case under that model (same seeds, same block range). The case's current model is <strong>{data.data.current}</strong>.
        {session?.role === 'analyst' ? ' Tracing under another model makes it the case\'s model (recorded in the activity).' : ''}</p>
      <ErrorBox error={error} />
      <div className="scroll-x">
        <table className="data models">
          <caption className="sr-only">Exposure and holdings under each taint model</caption>
          <thead>
            <tr><th scope="col">Where the funds are</th>{runs.map((r) => (
              <th scope="col" key={r.model} className={`num ${r.model === data.data!.current ? 'current' : ''}`}>
                {r.model}{r.model === data.data!.current ? ' (current)' : ''}
                <div className="muted small">{r.finishedAt ? dateTime(r.finishedAt) : 'not traced'}</div>
                {session?.role === 'analyst' && r.model !== data.data!.current ? <button type="button" className="small-button" disabled={running} onClick={() => traceWith(r.model)}>{r.runId ? 'Re-trace' : 'Trace'} with {r.model}</button> : null}
              </th>
            ))}</tr>
          </thead>
          <tbody>
            {[...rows].map(([key, row]) => (
              <tr key={key}><th scope="row">{row.label} <span className="muted small">{book.get(row.asset).symbol}</span></th>{runs.map((r) => <td key={r.model} className="num">{cell(r, key, row)}</td>)}</tr>
            ))}
            {!rows.size ? <tr><td colSpan={6} className="muted">No finished traces yet.</td></tr> : null}
          </tbody>
        </table>
      </div>
    </div>
  );
}
