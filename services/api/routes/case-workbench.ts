// Routes the workbench adds to a case: exports (GraphML, flows CSV, PDF case report), notes
// on its wallets, the five models side by side and a model change, and the activity trail.
// Mounted at /v1/cases. Thin: parse, call the use case, shape the response.
import { Router } from 'express';
import { NotFoundError } from '../../errors';
import { isUuid } from '../../store/values';
import type { TraceDeps } from '../../tracing/deps';
import { caseActivity } from '../../workbench/activity';
import { CASE_EXPORTS, exportCase, type CaseExportFormat } from '../../workbench/exports';
import { changeModel, compareModels } from '../../workbench/models';
import { listNotes, saveNote } from '../../workbench/notes';
import { caseJson } from './cases';
import { allow } from '../auth';

export function caseWorkbenchRouter(deps: TraceDeps): Router {
  const router = Router();
  router.param('id', (_req, _res, next, id: string) => next(isUuid(id) ? undefined : new NotFoundError(`case ${id} not found`)));

  for (const format of Object.keys(CASE_EXPORTS) as CaseExportFormat[]) {
    router.get(`/:id/${format}`, allow('analyst', 'supervisor'), async (req, res) => {
      const out = await exportCase(deps, req.params.id as string, format, req.principal!);
      res.type(out.type).setHeader('Content-Disposition', `attachment; filename="${out.filename}"`);
      res.setHeader('X-Report-SHA256', out.reportSha256);
      res.send(out.body);
    });
  }
  router.get('/:id/notes', allow('analyst', 'supervisor'), async (req, res) => {
    res.json(await listNotes(deps, req.params.id as string));
  });
  router.put('/:id/notes/:address', allow('analyst', 'supervisor'), async (req, res) => {
    const note = await saveNote(deps, req.params.id as string, req.params.address as string, req.body, req.principal!);
    if (note) res.json(note);
    else res.status(204).end();
  });
  router.get('/:id/models', allow('analyst', 'supervisor'), async (req, res) => {
    res.json(await compareModels(deps, req.params.id as string));
  });
  router.put('/:id/model', allow('analyst'), async (req, res) => {
    res.json(caseJson(await changeModel(deps, req.params.id as string, req.body, req.principal!)));
  });
  router.get('/:id/activity', allow('analyst', 'supervisor'), async (req, res) => {
    res.json(await caseActivity(deps, req.params.id as string));
  });
  return router;
}
