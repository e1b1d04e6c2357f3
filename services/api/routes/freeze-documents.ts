// CSV and PDF renderings of a freeze request, served to staff and to the partner alike.
import type { Response } from 'express';
import { freezeTargetsCsv } from '../../freeze/csv';
import { loadFreezeDocument } from '../../freeze/document';
import { freezeNoticePdf } from '../../freeze/pdf';
import { NotFoundError } from '../../errors';
import type { FreezeRequestRow } from '../../store';
import type { TraceDeps } from '../../tracing/deps';

export async function sendDocuments(deps: TraceDeps, res: Response, request: FreezeRequestRow, format: string): Promise<void> {
  const document = await loadFreezeDocument(deps.store, request);
  if (format === 'targets.csv') {
    res.type('text/csv').setHeader('Content-Disposition', `attachment; filename="freeze-request-${request.id}-targets.csv"`);
    res.send(freezeTargetsCsv(document));
    return;
  }
  if (format === 'notice.pdf') {
    const pdf = await freezeNoticePdf(document);
    res.type('application/pdf').setHeader('Content-Disposition', `attachment; filename="freeze-request-${request.id}.pdf"`);
    res.setHeader('X-Evidence-SHA256', document.evidenceSha256);
    res.send(pdf);
    return;
  }
  throw new NotFoundError(`no ${format} rendering`);
}
