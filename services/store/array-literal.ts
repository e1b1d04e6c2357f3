// Long array parameters as Postgres array literals, made with event-loop turns. node-postgres
// makes the literal of an array parameter in one go when it binds the statement: the 189,000
// addresses a hop's judgement and history reads name at the bench's 200k were blocks of
// 157-216 ms of the worker's loop, about half of them garbage collection (CPU profiles of
// the bench's 200k runs), past the 200 ms a worker may hold it. The literal is the driver's
// own (arrayString in pg/lib/utils.js: each element quoted with `\` and `"` escaped, null and
// undefined as NULL), so the statement means what it meant.
import { loopTurns, type LoopTurns } from '../domain/taint/steps';

/** Arrays shorter than this are left to the driver (made in one go, they take a few milliseconds at most). */
export const LONG_ARRAY = 5_000;

/** Elements joined per piece: the literal is joined from pieces, not grown one element at a time. */
const PIECE = 5_000;

/** `params` with each long array as its literal; the same array when none is long. */
export async function withArrayLiterals(params: unknown[]): Promise<unknown[]> {
  if (!params.some(isLong)) return params;
  const out: unknown[] = [];
  for (const p of params) out.push(isLong(p) ? await arrayLiteral(p) : p);
  return out;
}

/** Whether any parameter is an array long enough to be made here (runQuery awaits nothing otherwise). */
export function hasLongArray(params: readonly unknown[] | undefined): params is unknown[] {
  return params !== undefined && params.some(isLong);
}

function isLong(p: unknown): p is readonly unknown[] {
  return Array.isArray(p) && p.length >= LONG_ARRAY;
}

/**
 * The driver's literal of a flat array of strings, numbers, bigints, booleans and nulls. Any
 * other array (nested, of buffers or dates) is given back as it is, for the driver to make.
 */
export async function arrayLiteral(values: readonly unknown[], turns: LoopTurns = loopTurns()): Promise<string | readonly unknown[]> {
  const pieces: string[] = [];
  let piece: string[] = [];
  for (const v of values) {
    if (turns.due()) await turns.give();
    if (v === null || v === undefined) piece.push('NULL');
    else if (typeof v === 'string') piece.push(quoted(v));
    else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') piece.push(quoted(String(v)));
    else return values;
    if (piece.length === PIECE) {
      pieces.push(piece.join(','));
      piece = [];
    }
  }
  if (piece.length > 0) pieces.push(piece.join(','));
  return `{${pieces.join(',')}}`;
}

function quoted(text: string): string {
  if (!text.includes('\\') && !text.includes('"')) return `"${text}"`;
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
