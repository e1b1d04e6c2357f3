// The alerts inbox: funds that moved before a freeze first, then the newest.
import { api } from '../api';
import { Badge, ErrorBox, Loading, useLoad, Value } from '../components/common';
import { dateTime } from '../format';
import { Link } from '../router';

interface Alert { id: string; kind: string; caseId: string | null; requestId: string | null; message: string; details: unknown; createdAt: string; urgent?: boolean }

export const isUrgent = (a: Alert) => a.kind === 'funds_moved_before_freeze' || a.urgent === true;

export function AlertsPage() {
  const alerts = useLoad(() => api<Alert[]>('/v1/alerts'), []);
  const sorted = [...(alerts.data ?? [])].sort((a, b) => Number(isUrgent(b)) - Number(isUrgent(a)) || b.createdAt.localeCompare(a.createdAt));
  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <ErrorBox error={alerts.error} />
      {alerts.loading && !alerts.data ? <Loading /> : null}
      {alerts.data && !sorted.length ? <p className="muted card">No alerts. New movement of traced funds, new endpoints, failed deliveries and funds moved before a freeze show up here.</p> : null}
      <ul className="alerts plain">
        {sorted.map((a) => (
          <li key={a.id} className={`card alert ${isUrgent(a) ? 'urgent' : ''}`}>
            <p>{isUrgent(a) ? <Badge kind="urgent">urgent</Badge> : null} <Badge kind={a.kind}>{a.kind.replace(/_/g, ' ')}</Badge> <span className="muted small">{dateTime(a.createdAt)}</span></p>
            <p>{a.message}</p>
            <p className="small">
              {a.caseId ? <Link to={`/cases/${a.caseId}`}>Open the case</Link> : null}
              {a.requestId ? <> · <Link to={`/freeze-requests/${a.requestId}`}>Open the freeze request</Link></> : null}
            </p>
            {a.details ? <details><summary>Details</summary><Value value={a.details} /></details> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
