// API keys for admins: who can sign in, with which role; create a staff key (shown once) or revoke one.
import { useState, type FormEvent } from 'react';
import { api, listOf } from '../api';
import { Badge, ErrorBox, Loading, useAction, useLoad } from '../components/common';
import { dateTime } from '../format';

interface Key { id: string; name: string; role: string; prefix: string; partnerId: string | null; createdAt: string; expiresAt: string | null; revokedAt: string | null; active: boolean }

export function KeysPage() {
  const list = useLoad(async () => listOf<Key>(await api('/v1/keys?limit=200')).items, []);
  const action = useAction();
  const revoke = (k: Key) => {
    if (!window.confirm(`Revoke the key of ${k.name} (${k.prefix}…)? It stops working at once.`)) return;
    void action.run(async () => {
      await api(`/v1/keys/${k.id}/revoke`, { method: 'POST' });
      await list.reload();
    });
  };
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <p className="muted">Each person signs in with their own key; the role decides what they see and may do. Keys are stored only as hashes: a lost key is revoked and replaced.</p>
      <ErrorBox error={list.error ?? action.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data ? (
        <table className="data">
          <caption className="sr-only">API keys, newest first</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Key starts</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">State</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>{list.data.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td><td>{k.role}</td><td><code>{k.prefix}…</code></td><td className="nowrap">{dateTime(k.createdAt)}</td><td className="nowrap">{dateTime(k.expiresAt)}</td>
              <td>{k.active ? <Badge kind="approved">active</Badge> : <Badge kind="failed">{k.revokedAt ? 'revoked' : 'expired'}</Badge>}</td>
              <td>{k.active ? <button type="button" className="small-button" onClick={() => revoke(k)}>Revoke</button> : null}</td>
            </tr>
          ))}</tbody>
        </table>
      ) : null}
      <NewKey onDone={list.reload} />
    </section>
  );
}

function NewKey({ onDone }: { onDone: () => Promise<void> }) {
  const [f, setF] = useState({ name: '', role: 'analyst', expiresAt: '' });
  const action = useAction();
  const [key, setKey] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setKey(null);
    void action.run(async () => {
      const body: Record<string, unknown> = { name: f.name.trim(), role: f.role };
      if (f.expiresAt) body.expiresAt = new Date(f.expiresAt + 'T23:59:59Z').toISOString();
      const created = await api<{ key: string }>('/v1/keys', { method: 'POST', body });
      setKey(created.key);
      setF({ ...f, name: '' });
      await onDone();
    });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="newkey-title">
      <h2 id="newkey-title">Create a key</h2>
      <div className="row">
        <div className="field"><label htmlFor="k-name">Name of the person</label><input id="k-name" required value={f.name} onChange={set('name')} /></div>
        <div className="field"><label htmlFor="k-role">Role</label><select id="k-role" value={f.role} onChange={set('role')}><option>analyst</option><option>supervisor</option><option>admin</option></select></div>
        <div className="field"><label htmlFor="k-exp">Expires <span className="muted">(optional)</span></label><input id="k-exp" type="date" value={f.expiresAt} onChange={set('expiresAt')} /></div>
      </div>
      <ErrorBox error={action.error} />
      {key ? <p role="status" className="ok">Created. Hand this key to its owner now; it is not shown again: <code className="wrap">{key}</code></p> : null}
      <div className="actions"><button type="submit" className="primary" disabled={action.busy}>Create</button></div>
    </form>
  );
}
