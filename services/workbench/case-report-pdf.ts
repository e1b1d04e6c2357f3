// The case report as a PDF an analyst files or hands to a prosecutor: the case, the
// exposure per entity, the endpoints with their paths, the holdings, what was not followed,
// the accounting and limitations, and the evidence hashes (the report's, and each freeze
// request's) anyone can recompute.
import PDFDocument from 'pdfkit';
import type { CaseExport } from './case-export';

export interface EvidenceLine { label: string; sha256: string }

export function caseReportPdf(data: CaseExport, evidence: EvidenceLine[], generatedAt: Date): Promise<Buffer> {
  const { kase, report } = data;
  return new Promise((resolve, reject) => {
    const pdf = new PDFDocument({ size: 'A4', margin: 48, info: { Title: `Case report: ${kase.title}`, Subject: kase.reference ?? kase.id, Creator: 'tracehold' } });
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    const amount = (v: bigint | string, asset: string) => `${data.units(v, asset)} ${data.asset(asset).symbol}`;
    const heading = (text: string) => pdf.moveDown().font('Helvetica-Bold').fontSize(12).text(text).font('Helvetica').fontSize(9);
    const line = (label: string, value: string) => pdf.font('Helvetica-Bold').text(`${label}: `, { continued: true }).font('Helvetica').text(value);

    pdf.font('Helvetica-Bold').fontSize(16).text(`Case report — ${kase.title}`);
    pdf.moveDown(0.5).font('Helvetica').fontSize(9);
    line('Case', `${kase.id}${kase.reference ? ` (reference ${kase.reference})` : ''}`);
    line('Chain and model', `${report.chain}, taint model ${report.model}`);
    line('Blocks', `${report.fromBlock} to ${report.toBlock}${report.toBlockHash ? ` (block hash ${report.toBlockHash})` : ''}`);
    line('Seeds', report.seeds.map((s) => Object.values(s).join(':')).join(', '));
    line('Generated', generatedAt.toISOString());

    heading('Exposure');
    if (!report.exposure.length) pdf.text('The tainted funds reached no attributed service.');
    for (const x of [...report.exposure].sort((a, b) => b.share - a.share)) {
      pdf.text(`${x.entity} (${x.category}): ${amount(x.amount, x.asset)}, ${(x.share * 100).toFixed(2)} % of what the seeds put in`);
    }

    heading(`Endpoints (${report.endpoints.length})`);
    for (const e of report.endpoints) {
      pdf.moveDown(0.3).font('Helvetica-Bold').text(`${e.address}`, { continued: true }).font('Helvetica')
        .text(` — ${e.entity ?? 'unattributed'}${e.category ? ` (${e.category})` : ''}, ${e.attribution}, ${e.hops} hops: ${amount(e.amount, e.asset)}`);
      const labels = (e as { labels?: unknown }).labels;
      if (Array.isArray(labels) && labels.length) pdf.text(`labels: ${labels.map((l) => (typeof l === 'string' ? l : Object.values(l as object).join(' '))).join('; ')}`);
      for (const [i, p] of e.paths.entries()) pdf.font('Courier').fontSize(6.5).text(`path ${i + 1}: ${p.join(' > ')}`).font('Helvetica').fontSize(9);
    }

    heading(`Holdings (${report.holdings.length})`);
    if (!report.holdings.length) pdf.text('No tainted funds left at unattributed wallets.');
    for (const h of report.holdings) pdf.text(`${h.address}: ${amount(h.amount, h.asset)} after ${h.hops} hops`);

    heading('Not followed');
    if (!report.stopped.length) pdf.text('Everything tainted was followed to an endpoint or a holding.');
    for (const s of report.stopped as unknown as Record<string, unknown>[]) {
      const asset = typeof s.asset === 'string' ? s.asset : null;
      pdf.text(`${String(s.address ?? '')} ${String(s.reason ?? '')}${asset && s.amount !== undefined ? `: ${amount(String(s.amount), asset)}` : ''}`);
    }

    heading('Accounting per asset');
    for (const a of report.accounting as unknown as Record<string, string>[]) {
      const asset = String(a.asset);
      pdf.text(`${data.asset(asset).symbol}: seeded ${amount(a.seeded!, asset)} = endpoints ${amount(a.endpoints!, asset)} + holdings ${amount(a.holdings!, asset)} + not followed ${amount(a.stopped!, asset)} + fees ${amount(a.fees!, asset)}`);
    }
    if (report.limitations.length) {
      heading('Limitations');
      for (const l of report.limitations) pdf.text(`• ${l}`);
    }

    heading('Evidence hashes (SHA-256)');
    pdf.font('Helvetica-Bold').text('Trace report (JSON as served by the API): ', { continued: true }).font('Courier').text(data.reportSha256).font('Helvetica');
    for (const e of evidence) pdf.font('Helvetica-Bold').text(`${e.label}: `, { continued: true }).font('Courier').text(e.sha256).font('Helvetica');
    pdf.end();
  });
}
