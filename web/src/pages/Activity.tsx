// The trail of what people did on this case: created, traced, model changed, notes, exports, drafts.
import { api, listOf } from '../api';
import { Badge, ErrorBox, Loading, useLoad, Value } from '../components/common';
import { dateTime } from '../format';
import type { CaseTabProps } from './Case';

interface Activity { id: string; at: string; action: string; actor: { id: string | null; name: string | null; role: string | null }; details: Record<string, unknown> | null }

const TEXT: Record<string, string> = {
  'case.created': 'created the case', 'case.traced': 'started a trace', 'case.cancelled': 'cancelled the trace', 'case.model_changed': 'changed the model', 'case.closed': 'closed the case',
  'note.saved': 'saved a note', 'note.deleted': 'deleted a note', 'export': 'exported', 'freeze.drafted': 'drafted freeze requests',
};

interface Run { id: string; status: string; createdAt: string; finishedAt: string | null; error: string | null; stats: Record<string, unknown> | null }

export function ActivityTab({ id, kase }: CaseTabProps) {
  const list = useLoad(() => api<Activity[]>(`/v1/cases/${id}/activity`), [id, kase.updatedAt]);
  const runs = useLoad(async () => listOf<Run>(await api(`/v1/cases/${id}/runs?limit=20`)).items, [id, kase.updatedAt]);
  if (list.error) return <ErrorBox error={list.error} />;
  if (!list.data) return <Loading what="Loading the activity" />;
  return (
    <>
      <h2>What people did</h2>
      {list.data.length ? <Trail list={list.data} /> : <p className="muted">Nothing recorded yet.</p>}
      <h2>Trace runs</h2>
      {runs.error ? <ErrorBox error={runs.error} /> : null}
      {runs.data?.length ? (
        <table className="data">
          <caption className="sr-only">Trace runs of this case, newest first</caption>
          <thead><tr><th scope="col">Started</th><th scope="col">Status</th><th scope="col">Finished</th><th scope="col" className="num">Hops</th><th scope="col" className="num">RPC calls</th><th scope="col">Error</th></tr></thead>
          <tbody>{runs.data.map((r) => (
            <tr key={r.id}><td className="nowrap">{dateTime(r.createdAt)}</td><td><Badge kind={r.status}>{r.status}</Badge></td><td className="nowrap">{dateTime(r.finishedAt)}</td>
              <td className="num">{String(r.stats?.hops ?? '—')}</td><td className="num">{String(r.stats?.rpcCalls ?? '—')}</td><td>{r.error ?? ''}</td></tr>
          ))}</tbody>
        </table>
      ) : <p className="muted">No runs yet.</p>}
    </>
  );
}

function Trail({ list }: { list: Activity[] }) {
  return (
    <ol className="activity">
      {list.map((a) => (
        <li key={a.id}>
          <span className="muted nowrap">{dateTime(a.at)}</span>{' '}
          <strong>{a.actor.name ?? 'someone'}</strong>{a.actor.role ? <span className="muted small"> ({a.actor.role})</span> : null} {TEXT[a.action] ?? a.action}
          {a.details && Object.keys(a.details).length ? <span className="small"> — <Value value={a.details} /></span> : null}
        </li>
      ))}
    </ol>
  );
}
