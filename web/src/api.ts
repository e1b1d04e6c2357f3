// The one way the workbench talks to the API: the key from session storage as a bearer
// token (never in a URL), errors as the API words them.
const KEY = 'tracehold.key';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY);
}
export function storeKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string, public details?: unknown) {
    super(message);
  }
}

export async function api<T = unknown>(path: string, options: { method?: string; body?: unknown; contentType?: string; key?: string } = {}): Promise<T> {
  const res = await send(path, options);
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

/**
 * A list and where its next page is: lists that answer a bare array (alerts, partners)
 * name the next page's cursor in X-Next-Cursor; page objects in `nextCursor`.
 */
export async function apiPage<T>(path: string): Promise<{ items: T[]; nextCursor: string | null }> {
  const res = await send(path, {});
  const text = await res.text();
  const page = listOf<T>(text ? JSON.parse(text) : null);
  return { items: page.items, nextCursor: page.nextCursor ?? res.headers.get('x-next-cursor') };
}

/** Every page of a list (short lists the workbench shows whole, such as partners). */
export async function apiAll<T>(path: string, maxPages = 50): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const next: { items: T[]; nextCursor: string | null } = await apiPage<T>(cursor ? withCursor(path, cursor) : path);
    items.push(...next.items);
    cursor = next.nextCursor;
    if (!cursor) break;
  }
  return items;
}

export function withCursor(path: string, cursor: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;
}

async function send(path: string, options: { method?: string; body?: unknown; contentType?: string; key?: string }): Promise<Response> {
  const key = options.key ?? storedKey();
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method: options.method ?? 'GET', headers, body });
  } catch (error) {
    throw new ApiError(0, 'network', `the server cannot be reached (${(error as Error).message})`);
  }
  if (!res.ok) {
    let code = `http_${res.status}`;
    let message = res.statusText || `HTTP ${res.status}`;
    let details: unknown;
    try {
      const parsed = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
      if (parsed.error) ({ code = code, message = message, details } = parsed.error as { code?: string; message?: string; details?: unknown });
    } catch { /* not JSON */ }
    throw new ApiError(res.status, code, message, details);
  }
  return res;
}

/** Fetch a document with the key and hand it to the browser as a download. */
export async function download(path: string, filename: string): Promise<void> {
  const res = await send(path, {});
  const blob = await res.blob();
  saveBlob(blob, filename);
}

export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A list answer may be a bare array or a page ({items|cases|data, nextCursor}). */
export function listOf<T>(answer: unknown): { items: T[]; nextCursor: string | null } {
  if (Array.isArray(answer)) return { items: answer as T[], nextCursor: null };
  const o = (answer ?? {}) as Record<string, unknown>;
  const items = (o.items ?? o.cases ?? o.data ?? o.results ?? []) as T[];
  const next = (o.nextCursor ?? o.next_cursor ?? o.cursor ?? null) as string | null;
  return { items: Array.isArray(items) ? items : [], nextCursor: typeof next === 'string' ? next : null };
}
