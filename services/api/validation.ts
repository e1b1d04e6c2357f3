// Parsing request parts with their zod schema: a failure is a 400 that names every
// offending field and every unknown key, so a misspelt `maxhops` is an error, not a default.
import type { z } from 'zod';
import { BadRequestError, InvalidInputError } from '../errors';

export type RequestPart = 'body' | 'query' | 'params' | 'headers';

export interface FieldIssue {
  /** Dotted path from the part (`body.seeds.0.txHash`). */
  field: string;
  code: string;
  message: string;
  /** Unknown keys, for `unrecognized_keys`. */
  keys?: string[];
}

export function parsePart<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    field: [part, ...issue.path.map(String)].join('.'),
    code: issue.code,
    message: issue.message,
    ...(issue.code === 'unrecognized_keys' ? { keys: issue.keys } : {}),
  }));
  // A body of the right shape with a value out of range or not in its list is well-formed
  // but invalid (422); a wrong type, a missing field, an unknown key or a string that is not
  // of its format (an id that is no UUID) is malformed (400), as is any bad query.
  const malformed = part !== 'body' || issues.some((i) => MALFORMED.has(i.code));
  throw new (malformed ? BadRequestError : InvalidInputError)(summary(issues), { details: { issues } });
}

const MALFORMED = new Set(['invalid_type', 'unrecognized_keys', 'invalid_union', 'invalid_key', 'invalid_element', 'invalid_format']);

function summary(issues: FieldIssue[]): string {
  const unknown = issues.flatMap((i) => (i.keys ?? []).map((k) => `${i.field}.${k}`));
  const other = issues.filter((i) => !i.keys).map((i) => `${i.field}: ${i.message}`);
  return [...(unknown.length ? [`unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`] : []), ...other].join('; ');
}
