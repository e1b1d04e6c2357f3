// Display helpers: exact base units to a decimal string, never through floating point.
export function formatUnits(amount: bigint | string, decimals: number | undefined): string {
  const value = typeof amount === 'string' ? BigInt(amount) : amount;
  if (!decimals) return value.toString();
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const fraction = (abs % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? '.' + fraction : ''}`;
}

/**
 * A plain-text table, columns padded to their widest cell. Widths are found by a loop: as
 * `Math.max`'s arguments, a column of ~125,000 cells (a big case's holdings) overflowed the stack.
 */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h) => h.length);
  for (const r of rows) {
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, (r[i] ?? '').length);
  }
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A CSV cell: quoted when needed; spreadsheet formulas (a cell starting = + - @) neutralised. */
export function csvCell(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
