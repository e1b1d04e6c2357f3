// Routes the workbench adds to a case: exports (GraphML, flows CSV, PDF case report), notes
// on its wallets, the five models side by side and a model change, and the activity trail.
// Mounted at /v1/cases. Thin: parse, call the use case, shape the response.
import type { TraceDeps } from '../../tracing/deps';
import { caseActivity } from '../../workbench/activity';
import { exportCase, type CaseExportFormat } from '../../workbench/exports';
import { changeModel, compareModels } from '../../workbench/models';
import { listNotes, saveNote } from '../../workbench/notes';
import { apiRouter, type RouteSpec } from '../route-spec';
import { routes } from '../schemas/workbench';
import { caseJson } from './cases';

export function caseWorkbenchRouter(deps: TraceDeps) {
  const api = apiRouter('/v1/cases');
  const exports: [RouteSpec & typeof routes.graphml, CaseExportFormat][] = [[routes.graphml, 'graph.graphml'], [routes.flowsCsv, 'flows.csv'], [routes.reportPdf, 'report.pdf']];
  for (const [spec, format] of exports) {
    api.route(spec, async ({ params }, req, res) => {
      const out = await exportCase(deps, params.id, format, req.principal!);
      res.type(out.type).setHeader('Content-Disposition', `attachment; filename="${out.filename}"`);
      res.setHeader('X-Report-SHA256', out.reportSha256);
      res.send(out.body);
    });
  }
  api.route(routes.notes, async ({ params }, _req, res) => {
    res.json(await listNotes(deps, params.id));
  });
  api.route(routes.saveNote, async ({ params, body }, req, res) => {
    const note = await saveNote(deps, params.id, params.address, body, req.principal!);
    if (note) res.json(note);
    else res.status(204).end();
  });
  api.route(routes.models, async ({ params }, _req, res) => {
    res.json(await compareModels(deps, params.id));
  });
  api.route(routes.setModel, async ({ params, body }, req, res) => {
    res.json(caseJson(await changeModel(deps, params.id, body, req.principal!)));
  });
  api.route(routes.activity, async ({ params }, _req, res) => {
    res.json(await caseActivity(deps, params.id));
  });
  return api.router;
}
