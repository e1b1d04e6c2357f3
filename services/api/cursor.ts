// Opaque page cursors. A cursor names the last item of the previous page; clients pass it
// back unchanged (`?cursor=`) and read the next one from `nextCursor`.
import { z } from 'zod';
import { isUuid } from '../store/values';
import type { RunListCursor } from '../paging/run-lists';

const PREFIX = 'after:';

export function encodeCursor(lastId: string | null): string | null {
  return lastId === null ? null : Buffer.from(PREFIX + lastId, 'utf8').toString('base64url');
}

/** A cursor query parameter: decodes to the id the page starts after, or fails with 400. */
export const cursorParam = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const decoded = /^[A-Za-z0-9_-]+$/.test(value) ? Buffer.from(value, 'base64url').toString('utf8') : '';
    if (!decoded.startsWith(PREFIX) || !isUuid(decoded.slice(PREFIX.length))) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor this API returned' });
      return z.NEVER;
    }
    return decoded.slice(PREFIX.length);
  })
  .meta({ description: 'The `nextCursor` of the previous page.', example: 'YWZ0ZXI6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw' });

export const limitParam = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback).meta({ description: `Items per page (1 to ${max}).` });

/**
 * Where the next page is, for every paged list: `X-Next-Cursor` and an RFC 8288
 * `Link: <…>; rel="next"` with the request's own query and the new cursor. Lists that answer a
 * bare array (alerts, partners, re-trace runs: their shape predates pages) carry their
 * continuation only here; page objects carry it in `nextCursor` as well.
 */
export function setNextPageHeaders(req: { originalUrl: string }, res: { setHeader(name: string, value: string): unknown }, nextCursor: string | null): void {
  if (nextCursor === null) return;
  const url = new URL(req.originalUrl, 'http://placeholder');
  url.searchParams.set('cursor', nextCursor);
  res.setHeader('X-Next-Cursor', nextCursor);
  res.setHeader('Link', `<${url.pathname}${url.search}>; rel="next"`);
}

/** One page more than asked tells whether another follows, without a count. */
export function pageOfRows<T extends { id: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(rows.length > limit ? items[items.length - 1]!.id : null) };
}

/** The headers a paged answer documents (OpenAPI response headers). */
export const NEXT_PAGE_HEADERS = {
  'X-Next-Cursor': { description: 'Present when more items follow: pass it back as `cursor`.', schema: { type: 'string' } },
  Link: { description: 'Present when more items follow: `<url of the next page>; rel="next"` (RFC 8288).', schema: { type: 'string' } },
} as const;

/** The cursor of a run's lists (paging/run-lists.ts): the pinned run(s) and two offsets. */
export type { RunListCursor };

const RUN_PREFIX = 'runs:';
const runCursorShape = z.strictObject({
  r: z.array(z.uuid()).min(1).max(64),
  a: z.number().int().min(0).max(1e9),
  b: z.number().int().min(0).max(1e9),
});

export function encodeRunCursor(cursor: RunListCursor): string {
  return Buffer.from(RUN_PREFIX + JSON.stringify({ r: cursor.runs, a: cursor.first, b: cursor.second }), 'utf8').toString('base64url');
}

export const runCursorParam = z
  .string()
  .max(4000)
  .transform((value, ctx): RunListCursor => {
    const decoded = /^[A-Za-z0-9_-]+$/.test(value) ? Buffer.from(value, 'base64url').toString('utf8') : '';
    let parsed: z.infer<typeof runCursorShape> | undefined;
    if (decoded.startsWith(RUN_PREFIX)) {
      try {
        const result = runCursorShape.safeParse(JSON.parse(decoded.slice(RUN_PREFIX.length)));
        if (result.success) parsed = result.data;
      } catch {
        parsed = undefined;
      }
    }
    if (!parsed) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor this API returned' });
      return z.NEVER;
    }
    return { runs: parsed.r, first: parsed.a, second: parsed.b };
  })
  .meta({ description: 'The `nextCursor` of the previous page (it pins the run the first page was read from).', example: 'cnVuczp7InIiOlsiNmYxYzJhNTYtMmIxZS00YzBlLTlhNTEtMmY3YTBjM2Q5ZTEwIl0sImEiOjUwMCwiYiI6NTAwfQ' });
