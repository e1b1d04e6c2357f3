// The five taint models side by side: the latest finished trace of a case under each model
// it was traced with. Changing the case's model (before tracing it again) is recorded.
import { ConflictError } from '../errors';
import type { Principal } from '../auth/api-keys';
import { TAINT_MODELS, type TaintModel } from '../domain/types';
import type { TraceReport } from '../domain/report';
import { validateModel } from './model-input';
import { getCase } from '../tracing/cases';
import type { TraceDeps } from '../tracing/deps';
import { recordCaseActivity } from './activity';

export async function compareModels(deps: TraceDeps, caseId: string) {
  const kase = await getCase(deps, caseId);
  const latest = await deps.store.runs.latestReportPerModel(caseId);
  const byModel = new Map(latest.map((l) => [(l.report as TraceReport).model, l]));
  return {
    current: kase.model,
    models: TAINT_MODELS.map((model) => {
      const hit = byModel.get(model);
      if (!hit) return { model, runId: null, finishedAt: null, report: null };
      const report = hit.report as TraceReport;
      return {
        model, runId: hit.runId, finishedAt: hit.finishedAt,
        report: { exposure: report.exposure, holdings: report.holdings, endpoints: report.endpoints, accounting: report.accounting, stopped: report.stopped },
      };
    }),
  };
}

export async function changeModel(deps: TraceDeps, caseId: string, body: unknown, principal: Principal) {
  const model: TaintModel = validateModel(body);
  const before = await getCase(deps, caseId);
  if (before.status === 'queued' || before.status === 'tracing') throw new ConflictError(`case ${caseId} is ${before.status}: change the model once the trace is done`);
  if (before.model === model) return before;
  const after = await deps.store.cases.setModel(caseId, model);
  await recordCaseActivity(deps, caseId, 'case.model_changed', principal, { from: before.model, to: model });
  return after;
}
