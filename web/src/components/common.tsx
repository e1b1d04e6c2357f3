// Small pieces every page uses: loading and error states, addresses and hashes with their
// explorer links, a generic view of fields the page does not know yet.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api';
import { shortHash } from '../format';

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: Error | null; loading: boolean; reload: () => Promise<void> } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const value = await load();
      if (mine === seq.current) {
        setData(value);
        setError(null);
      }
    } catch (e) {
      if (mine === seq.current) setError(e as Error);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => {
    setLoading(true);
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}

/** Runs an action (a click, a form), keeping its error — cleared on each run — and whether it is under way. */
export function useAction(): { run: (fn: () => Promise<unknown>) => Promise<boolean>; error: unknown; busy: boolean } {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (fn: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, error, busy };
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error as Error;
  const api = e instanceof ApiError ? e : null;
  return (
    <div className="error" role="alert">
      <strong>{api ? `${api.status ? api.status + ' ' : ''}${api.code}` : 'Error'}</strong>: {e.message}
      {api?.details !== undefined && api.details !== null ? <pre className="details">{JSON.stringify(api.details, null, 2)}</pre> : null}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return <p className="muted" role="status">{what}…</p>;
}

export function Hash({ value, href, full = false }: { value: string; href?: string | null; full?: boolean }) {
  const text = full ? value : shortHash(value);
  return (
    <span className="hash" title={value}>
      {href ? <a href={href} target="_blank" rel="noreferrer noopener" title={`${value} on the explorer`}>{text}</a> : <code>{text}</code>}
    </span>
  );
}

export function Badge({ kind, children }: { kind: string; children: ReactNode }) {
  return <span className={`badge badge-${kind.replace(/[^a-z0-9_-]/gi, '')}`}>{children}</span>;
}

/** Fields the page does not render on purpose, shown as data rather than dropped. */
export function ExtraFields({ value, known, title = 'Other fields' }: { value: Record<string, unknown>; known: string[]; title?: string }) {
  const extra = Object.entries(value).filter(([k, v]) => !known.includes(k) && v !== undefined && v !== null);
  if (!extra.length) return null;
  return (
    <details className="extra">
      <summary>{title} ({extra.map(([k]) => k).join(', ')})</summary>
      <dl>{extra.map(([k, v]) => (<div key={k}><dt>{k}</dt><dd><Value value={v} /></dd></div>))}</dl>
    </details>
  );
}

/** Any JSON value, readable: strings and numbers inline, lists and objects nested. */
export function Value({ value }: { value: unknown }): ReactNode {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return <span>{String(value)}</span>;
  if (Array.isArray(value)) {
    if (!value.length) return <span className="muted">none</span>;
    if (value.every((v) => typeof v !== 'object' || v === null)) return <span>{value.map(String).join(', ')}</span>;
    return <ul className="plain">{value.map((v, i) => <li key={i}><Value value={v} /></li>)}</ul>;
  }
  return (
    <span className="kv">
      {Object.entries(value as Record<string, unknown>).map(([k, v]) => (<span key={k}><em>{k}</em>: <Value value={v} />; </span>))}
    </span>
  );
}

/** Labels of an endpoint, whatever shape the report gives them (strings or label objects). */
export function Labels({ labels }: { labels: unknown }) {
  if (!Array.isArray(labels) || !labels.length) return <span className="muted">—</span>;
  return (
    <ul className="labels">
      {labels.map((l, i) => {
        if (typeof l === 'string') return <li key={i}><Badge kind="label">{l}</Badge></li>;
        const o = (l ?? {}) as Record<string, unknown>;
        const text = [o.entity ?? o.label ?? o.name, o.category].filter(Boolean).join(' · ');
        const meta = [o.source ? `source ${o.source}` : null, o.confidence !== undefined ? `confidence ${o.confidence}` : null].filter(Boolean).join(', ');
        return <li key={i}><Badge kind="label">{text || JSON.stringify(o)}</Badge>{meta ? <span className="muted small"> {meta}</span> : null}</li>;
      })}
    </ul>
  );
}
