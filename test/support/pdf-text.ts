// The text drawn in a pdfkit PDF (its content streams, inflated; strings are hex in TJ/Tj operators).
import * as zlib from 'node:zlib';

export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  let out = '';
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let body: string;
    try { body = zlib.inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1'); } catch { body = m[1]!; }
    for (const t of body.matchAll(/\[(.*?)\] TJ|<([0-9a-f]+)> Tj/g)) {
      if (t[1]) out += [...t[1].matchAll(/<([0-9a-f]+)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join('');
      else if (t[2]) out += Buffer.from(t[2], 'hex').toString('latin1');
    }
    out += '\n';
  }
  return out;
}
