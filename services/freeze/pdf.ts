// The freeze request as a PDF notice: the same document as the JSON and the CSV, laid out
// the way law-enforcement requests to exchanges are (who asks, on what legal basis, what,
// by when, whom to contact; then the targets with their fund-flow evidence), footed with
// the evidence SHA-256.
import PDFDocument from 'pdfkit';
import type { FreezeRequestDocument } from './document';

export function freezeNoticePdf(doc: FreezeRequestDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pdf = new PDFDocument({ size: 'A4', margin: 48, info: { Title: `Freeze request ${doc.id}`, Author: doc.requestingAuthority, Subject: doc.caseReference } });
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);

    pdf.font('Helvetica-Bold').fontSize(16).text(`${doc.action === 'freeze' ? 'Request to freeze' : 'Request to preserve'} funds — ${doc.urgency.toUpperCase()}`);
    pdf.moveDown(0.5).font('Helvetica').fontSize(10);
    const line = (label: string, value: string) => pdf.font('Helvetica-Bold').text(`${label}: `, { continued: true }).font('Helvetica').text(value);
    line('To', `${doc.partner.name} (${doc.partner.kind}${doc.partner.jurisdiction ? `, ${doc.partner.jurisdiction}` : ''})`);
    line('Request', `${doc.id}, revision ${doc.revision}${doc.parentId ? `, follow-up of ${doc.parentId}` : ''}`);
    line('Case reference', doc.caseReference);
    line('Requesting authority', doc.requestingAuthority);
    line('Legal basis', doc.legalBasis);
    line('Action asked', `${doc.action} for ${doc.durationDays} days`);
    line('Respond by', doc.deadline);
    line('Contact', `${doc.contact.name} <${doc.contact.email}>${doc.contact.phone ? `, ${doc.contact.phone}` : ''}`);
    line('Chain', doc.chain);
    if (doc.note) line('Note', doc.note);

    pdf.moveDown().font('Helvetica-Bold').fontSize(12).text(`Targets (${doc.targets.length}), ranked`);
    pdf.fontSize(9);
    for (const t of doc.targets) {
      pdf.moveDown(0.5).font('Helvetica-Bold').text(`${t.rank}. ${t.kind} ${t.address}${t.bank ? ` at ${t.bank}` : ''}`);
      pdf.font('Helvetica').text(`asset ${t.symbol ? `${t.symbol} ` : ''}${t.asset}; amount ${t.amount} base units${t.decimals !== undefined ? ` (${t.decimals} decimals)` : ''}; ${t.hops} hops; score ${t.score}${t.attribution ? `; ${t.attribution}` : ''}`);
      for (const [i, p] of t.evidence.paths.entries()) pdf.font('Courier').fontSize(7).text(`path ${i + 1}: ${p.join(' > ')}`).fontSize(9);
    }
    pdf.moveDown().font('Helvetica-Bold').fontSize(9).text('Evidence SHA-256: ', { continued: true }).font('Courier').text(doc.evidenceSha256);
    pdf.font('Helvetica').fontSize(8).text('SHA-256 of the canonical JSON of the case reference, chain and targets (address, asset, amount, hops, paths); the JSON and CSV renderings carry the same value.');
    pdf.end();
  });
}
