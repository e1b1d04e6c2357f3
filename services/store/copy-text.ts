// Rows → Postgres COPY text format (one line per row, tab-separated, `\N` for null), so both
// drivers bulk-load through COPY instead of parameterised INSERTs. Produced in slices of
// rows: neither the whole payload nor one long synchronous loop is ever needed at once.
import { loopTurns } from '../domain/taint/steps';
import { bigintAsString, jsonParam } from './values';

/** A COPY text field: backslash, tab, newline and carriage return escaped, null as `\N`. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : typeof value === 'bigint' || typeof value === 'number' ? String(value) : JSON.stringify(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, escapeChar) : text;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escapeChar = (c: string) => ESCAPES[c]!;

/** The COPY text of `rows`, in slices of at most `sliceRows` rows each. */
export function* copyTextSlices(rows: Iterable<readonly unknown[]>, sliceRows = 2_000): Generator<string> {
  let lines: string[] = [];
  for (const row of rows) {
    lines.push(row.map(copyField).join('\t'));
    if (lines.length >= sliceRows) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
  }
  if (lines.length) yield lines.join('\n') + '\n';
}

/** `COPY table (columns) FROM <source>`: table and column names are code, never input. */
export function copyStatement(table: string, columns: readonly string[], source: string): string {
  const name = /^[a-z_][a-z0-9_]*$/;
  if (!name.test(table) || !columns.every((c) => name.test(c))) throw new TypeError(`bad COPY target ${table}(${columns.join(', ')})`);
  return `copy ${table} (${columns.join(', ')}) from ${source}`;
}

/**
 * `value` as JSON (jsonParam's text) in one COPY text field, in pieces (see jsonPieces): the
 * pieces joined are copyField(jsonParam(value)). A 100k case's report (90,000 holdings, 33 MB)
 * written in one go held the worker's event loop for half a second, and again as one query
 * parameter.
 */
export async function* jsonCopyField(value: unknown, pieceChars = 1 << 20, sliceMs = 25): AsyncGenerator<string> {
  // JSON text has no raw tab, newline or carriage return: a piece escapes on its own.
  for await (const piece of jsonPieces(value, pieceChars, sliceMs)) yield copyField(piece);
}

/**
 * `value` as JSON (jsonParam's text: bigints as decimal strings) in pieces of about
 * `pieceChars`, with event-loop turns between: the pieces joined are jsonParam(value). The
 * long arrays of an object (1,000 elements and more) are written element by element;
 * anything else at once.
 */
export async function* jsonPieces(value: unknown, pieceChars = 1 << 20, sliceMs = 25): AsyncGenerator<string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    yield jsonParam(value);
    return;
  }
  let parts: string[] = [];
  let size = 0;
  const turns = loopTurns(sliceMs);
  const add = (text: string) => {
    parts.push(text);
    size += text.length;
  };
  const piece = () => {
    const text = parts.join('');
    parts = [];
    size = 0;
    return text;
  };
  add('{');
  let first = true;
  for (const [key, v] of Object.entries(value)) {
    const long = Array.isArray(v) && v.length >= 1_000;
    const text = long ? '' : JSON.stringify(v, bigintAsString);
    if (!long && text === undefined) continue;
    add(`${first ? '' : ','}${JSON.stringify(key)}:`);
    first = false;
    if (!long) {
      add(text);
      continue;
    }
    add('[');
    const items = v as unknown[];
    for (let i = 0; i < items.length; i++) {
      add(`${i === 0 ? '' : ','}${JSON.stringify(items[i], bigintAsString) ?? 'null'}`);
      if (size >= pieceChars) yield piece();
      if (turns.due()) await turns.give();
    }
    add(']');
  }
  add('}');
  yield piece();
}
