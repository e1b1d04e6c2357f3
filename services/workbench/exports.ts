// Exports of a case (GraphML, flows CSV, the PDF case report), each recorded in the case's
// activity trail.
import type { Principal } from '../auth/api-keys';
import { NotFoundError } from '../errors';
import type { TraceDeps } from '../tracing/deps';
import { recordCaseActivity } from './activity';
import { loadCaseExport } from './case-export';
import { caseReportPdf } from './case-report-pdf';
import { caseFlowsCsv } from './flows-csv';
import { caseGraphml } from './graphml';

export const CASE_EXPORTS = {
  'graph.graphml': { type: 'application/graphml+xml', extension: 'graphml' },
  'flows.csv': { type: 'text/csv', extension: 'csv' },
  'report.pdf': { type: 'application/pdf', extension: 'pdf' },
} as const;
export type CaseExportFormat = keyof typeof CASE_EXPORTS;

export async function exportCase(deps: TraceDeps, caseId: string, format: CaseExportFormat, principal: Principal) {
  const spec = CASE_EXPORTS[format];
  if (!spec) throw new NotFoundError(`no ${format} export`);
  const data = await loadCaseExport(deps, caseId);
  let body: string | Buffer;
  if (format === 'graph.graphml') body = caseGraphml(data);
  else if (format === 'flows.csv') body = caseFlowsCsv(data);
  else {
    const partners = new Map((await deps.store.partners.list()).map((p) => [p.id, p.name]));
    const requests = await deps.store.freezeRequests.listForCase(caseId);
    const evidence = requests.map((r) => ({ label: `Freeze request to ${partners.get(r.partnerId) ?? r.partnerId} (${r.id}, rev. ${r.revision}, ${r.status})`, sha256: r.evidenceSha256 }));
    body = await caseReportPdf(data, evidence, new Date());
  }
  await recordCaseActivity(deps, caseId, 'export', principal, { format });
  return { body, type: spec.type, filename: `tracehold-case-${caseId}.${spec.extension}`, reportSha256: data.reportSha256 };
}
