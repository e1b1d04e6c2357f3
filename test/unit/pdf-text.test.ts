// The test helper that reads the text of the PDFs the API makes (test/support/pdf-text.ts).
import * as zlib from 'node:zlib';
import { expect } from 'chai';
import { pdfText } from '../support/pdf-text';

/** A PDF-like file of one content stream drawing `text`, compressed as pdfkit does. */
function pdfWith(text: string): { pdf: Buffer; data: Buffer } {
  const data = zlib.deflateSync(Buffer.from(`BT\n<${Buffer.from(text, 'latin1').toString('hex')}> Tj\nET`, 'latin1'));
  const pdf = Buffer.concat([Buffer.from(`%PDF-1.3\n1 0 obj\n<<\n/Length ${data.length}\n/Filter /FlateDecode\n>>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
  return { pdf, data };
}

describe('pdfText (test helper)', () => {
  it('reads a content stream whose compressed bytes end in a carriage return', () => {
    // The last byte of a zlib stream is its checksum's (the sum of the bytes): find a text
    // whose is \r (texts of other lengths, so that the sums spread).
    const text = (n: number) => `endpoint ${n} ${'z'.repeat(n % 97)}`;
    let n = 0;
    let made = pdfWith(text(n));
    while (made.data.at(-1) !== 0x0d && n < 100_000) made = pdfWith(text(++n));
    expect(made.data.at(-1), 'a text whose stream ends in \\r').to.equal(0x0d);
    expect(pdfText(made.pdf)).to.contain(text(n));
    expect(pdfText(pdfWith('endpoint plain').pdf)).to.contain('endpoint plain');
  });
});
