// The trail of what people did on this case: created, traced, model changed, notes, exports, drafts.
import { api } from '../api';
import { ErrorBox, Loading, useLoad, Value } from '../components/common';
import { dateTime } from '../format';
import type { CaseTabProps } from './Case';

interface Activity { id: string; at: string; action: string; actor: { id: string | null; name: string | null; role: string | null }; details: Record<string, unknown> | null }

const TEXT: Record<string, string> = {
  'case.created': 'created the case', 'case.traced': 'started a trace', 'case.model_changed': 'changed the model', 'case.closed': 'closed the case',
  'note.saved': 'saved a note', 'note.deleted': 'deleted a note', 'export': 'exported', 'freeze.drafted': 'drafted freeze requests',
};

export function ActivityTab({ id, kase }: CaseTabProps) {
  const list = useLoad(() => api<Activity[]>(`/v1/cases/${id}/activity`), [id, kase.updatedAt]);
  if (list.error) return <ErrorBox error={list.error} />;
  if (!list.data) return <Loading what="Loading the activity" />;
  if (!list.data.length) return <p className="muted">Nothing recorded yet.</p>;
  return (
    <ol className="activity">
      {list.data.map((a) => (
        <li key={a.id}>
          <span className="muted nowrap">{dateTime(a.at)}</span>{' '}
          <strong>{a.actor.name ?? 'someone'}</strong>{a.actor.role ? <span className="muted small"> ({a.actor.role})</span> : null} {TEXT[a.action] ?? a.action}
          {a.details && Object.keys(a.details).length ? <span className="small"> — <Value value={a.details} /></span> : null}
        </li>
      ))}
    </ol>
  );
}
