// Shapes shared by every route: the error body, ids, amounts, timestamps, pages.
import { z } from 'zod';

export const errorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable machine-readable code (`bad_request`, `not_found`, `conflict`…).' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({
    id: 'Error',
    example: { error: { code: 'bad_request', message: 'unknown key body.maxhops', details: { issues: [{ field: 'body', code: 'unrecognized_keys', message: 'Unrecognized key: "maxhops"', keys: ['maxhops'] }] } } },
  });

export const uuid = z.uuid().meta({ example: '6f1c2a56-2b1e-4c0e-9a51-2f7a0c3d9e10' });
export const timestamp = z.iso.datetime({ offset: true }).meta({ example: '2026-12-01T15:30:00.000Z' });
/** Integer base units as a decimal string: exact, never a float. */
export const amount = z.string().regex(/^\d{1,78}$/).meta({ description: 'Integer base units (wei, token units, satoshi) as a decimal string.', example: '125000000' });

export const idParams = z.strictObject({ id: uuid });

/** `{items, nextCursor}`: pass `nextCursor` back as `?cursor=` for the next page; null on the last. */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id });
}
