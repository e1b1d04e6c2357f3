// The text drawn in a pdfkit PDF (its content streams, inflated; strings are hex in TJ/Tj operators).
import * as zlib from 'node:zlib';

export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  let out = '';
  // Each stream's bytes by its dictionary's /Length: compressed data may end in a carriage
  // return (1 in 256), which a match up to "\r?\nendstream" would cut off.
  for (const m of raw.matchAll(/\/Length (\d+)\b[^>]*>>\s*stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    const end = start + Number(m[1]);
    // A length that does not end at "endstream" (an indirect /Length, say): up to the keyword.
    const data = /^\s*endstream/.test(raw.slice(end, end + 12)) ? raw.slice(start, end) : raw.slice(start, raw.indexOf('endstream', start)).replace(/\r?\n$/, '');
    let body: string;
    try { body = zlib.inflateSync(Buffer.from(data, 'latin1')).toString('latin1'); } catch { body = data; }
    for (const t of body.matchAll(/\[(.*?)\] TJ|<([0-9a-f]+)> Tj/g)) {
      if (t[1]) out += [...t[1].matchAll(/<([0-9a-f]+)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join('');
      else if (t[2]) out += Buffer.from(t[2], 'hex').toString('latin1');
    }
    out += '\n';
  }
  return out;
}
