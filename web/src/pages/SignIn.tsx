import { useState, type FormEvent } from 'react';
import { ErrorBox } from '../components/common';
import { useSession } from '../session';

export function SignInPage() {
  const { signIn } = useSession();
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(key.trim());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="signin">
      <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <p className="brand big"><span className="logo" aria-hidden="true">◆</span> tracehold</p>
        <h1 id="signin-title">Sign in to the workbench</h1>
        <p className="muted">Follow stolen funds, read where they went, and ask the exchanges and issuers holding them to freeze them.</p>
        <label htmlFor="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autoComplete="off" spellCheck={false} required value={key}
          onChange={(e) => setKey(e.target.value)} placeholder="th_analyst_…" />
        <p className="hint">Your key is kept in this tab only (session storage) and sent as a bearer token; it never appears in a URL.
          Analysts, supervisors and admins get keys with <code>tracehold keys create</code>; partners get theirs when registered.</p>
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy || !key.trim()}>{busy ? 'Checking…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
