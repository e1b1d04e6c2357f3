// Rows → Postgres COPY text format (one line per row, tab-separated, `\N` for null), so both
// drivers bulk-load through COPY instead of parameterised INSERTs. Produced in slices of
// rows: neither the whole payload nor one long synchronous loop is ever needed at once.

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
