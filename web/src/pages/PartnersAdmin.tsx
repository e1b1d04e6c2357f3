// Partners: who receives freeze requests. Admins register them (the partner's key is shown once).
import { useState, type FormEvent } from 'react';
import { api, apiAll } from '../api';
import { ErrorBox, Loading, useAction, useLoad } from '../components/common';
import { useSession } from '../session';

interface Partner { id: string; name: string; kind: string; entities: string[]; channel?: string; webhookUrl: string | null; contactEmail: string | null; jurisdiction: string | null }

export function PartnersAdminPage() {
  const { session } = useSession();
  const list = useLoad(() => apiAll<Partner>('/v1/partners'), []);
  return (
    <section aria-labelledby="partners-title">
      <h1 id="partners-title">Partners</h1>
      <p className="muted">Exchanges, banks and stablecoin issuers that receive freeze requests for the entities they cover.</p>
      <ErrorBox error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data ? (
        list.data.length ? (
          <table className="data">
            <caption className="sr-only">Registered partners</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Entities covered</th><th scope="col">Delivery</th><th scope="col">Contact</th></tr></thead>
            <tbody>{list.data.map((p) => (
              <tr key={p.id}><td>{p.name}</td><td>{p.kind}</td><td>{p.entities.join(', ')}</td><td>{p.webhookUrl ? 'signed webhook' : 'manual (CSV/PDF)'}</td><td>{p.contactEmail ?? '—'}{p.jurisdiction ? ` · ${p.jurisdiction}` : ''}</td></tr>
            ))}</tbody>
          </table>
        ) : <p className="card muted">No partners registered.</p>
      ) : null}
      {session?.role === 'admin' ? <RegisterPartner onDone={list.reload} /> : null}
    </section>
  );
}

function RegisterPartner({ onDone }: { onDone: () => Promise<void> }) {
  const [f, setF] = useState({ name: '', kind: 'exchange', entities: '', webhookUrl: '', webhookSecret: '', contactEmail: '', jurisdiction: '' });
  const action = useAction();
  const [key, setKey] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const body: Record<string, unknown> = { name: f.name, kind: f.kind, entities: f.entities.split(',').map((s) => s.trim()).filter(Boolean) };
      for (const k of ['webhookUrl', 'webhookSecret', 'contactEmail', 'jurisdiction'] as const) if (f[k].trim()) body[k] = f[k].trim();
      const created = await api<{ apiKey: string }>('/v1/partners', { method: 'POST', body });
      setKey(created.apiKey);
      await onDone();
    });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="reg-title">
      <h2 id="reg-title">Register a partner</h2>
      <div className="row">
        <div className="field"><label htmlFor="p-name">Name</label><input id="p-name" required value={f.name} onChange={set('name')} /></div>
        <div className="field"><label htmlFor="p-kind">Kind</label><select id="p-kind" value={f.kind} onChange={set('kind')}><option>exchange</option><option>bank</option><option>issuer</option></select></div>
      </div>
      <div className="field"><label htmlFor="p-entities">Entities covered (comma-separated, as labels name them)</label><input id="p-entities" required value={f.entities} onChange={set('entities')} placeholder="Binance" /></div>
      <div className="row">
        <div className="field"><label htmlFor="p-hook">Webhook URL <span className="muted">(optional)</span></label><input id="p-hook" value={f.webhookUrl} onChange={set('webhookUrl')} /></div>
        <div className="field"><label htmlFor="p-secret">Webhook secret</label><input id="p-secret" type="password" value={f.webhookSecret} onChange={set('webhookSecret')} /></div>
      </div>
      <div className="row">
        <div className="field"><label htmlFor="p-email">Contact email</label><input id="p-email" type="email" value={f.contactEmail} onChange={set('contactEmail')} /></div>
        <div className="field"><label htmlFor="p-jur">Jurisdiction</label><input id="p-jur" value={f.jurisdiction} onChange={set('jurisdiction')} /></div>
      </div>
      <ErrorBox error={action.error} />
      {key ? <p role="status" className="ok">Registered. The partner's API key (shown once): <code className="wrap">{key}</code></p> : null}
      <div className="actions"><button type="submit" className="primary">Register</button></div>
    </form>
  );
}
