// Opaque page cursors. A cursor names the last item of the previous page; clients pass it
// back unchanged (`?cursor=`) and read the next one from `nextCursor`.
import { z } from 'zod';
import { isUuid } from '../store/values';

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
