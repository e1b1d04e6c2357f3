// The alerts inbox: funds that moved before a freeze first, then the newest.
import { useState } from 'react';
import { apiPage, withCursor } from '../api';
import { Badge, ErrorBox, Loading, useAction, useLoad, Value } from '../components/common';
import { dateTime } from '../format';
import { Link } from '../router';

interface Alert { id: string; kind: string; caseId: string | null; requestId: string | null; message: string; details: unknown; createdAt: string; urgent?: boolean }

export const isUrgent = (a: Alert) => a.kind === 'funds_moved_before_freeze' || a.urgent === true;

export function AlertsPage() {
  // Newest first, a page at a time: older pages are added below on request.
  const first = useLoad(() => apiPage<Alert>('/v1/alerts?limit=100'), []);
  const [older, setOlder] = useState<{ items: Alert[]; nextCursor: string | null } | null>(null);
  const more = useAction();
  const alerts = { ...first, data: first.data ? [...first.data.items, ...(older?.items ?? [])] : null };
  const nextCursor = older ? older.nextCursor : first.data?.nextCursor ?? null;
  const loadOlder = () => void more.run(async () => {
    const page = await apiPage<Alert>(withCursor('/v1/alerts?limit=100', nextCursor!));
    setOlder({ items: [...(older?.items ?? []), ...page.items], nextCursor: page.nextCursor });
  });
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
      <ErrorBox error={more.error} />
      {nextCursor ? <p><button type="button" onClick={loadOlder}>Show older alerts</button></p> : null}
    </section>
  );
}
