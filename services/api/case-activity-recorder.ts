// Writes the case activity trail for the case actions other routers carry out (create,
// trace, cancel, close, draft freeze requests): it hooks their successful JSON answers, so those
// routes stay as they are. The workbench's own routes record their actions in their use cases.
import type { RequestHandler } from 'express';
import type { TraceDeps } from '../tracing/deps';
import { recordCaseActivity, type CaseAction } from '../workbench/activity';

const UUID = '[0-9a-fA-F-]{36}';
const WATCHED: { method: string; path: RegExp; action: CaseAction }[] = [
  { method: 'POST', path: /^\/cases\/?$/, action: 'case.created' },
  { method: 'POST', path: new RegExp(`^/cases/(${UUID})/trace/?$`), action: 'case.traced' },
  { method: 'POST', path: new RegExp(`^/cases/(${UUID})/cancel/?$`), action: 'case.cancelled' },
  { method: 'POST', path: new RegExp(`^/cases/(${UUID})/close/?$`), action: 'case.closed' },
  { method: 'POST', path: new RegExp(`^/cases/(${UUID})/freeze-requests/?$`), action: 'freeze.drafted' },
];

export function recordCaseActions(deps: TraceDeps): RequestHandler {
  return (req, res, next) => {
    const watched = WATCHED.find((w) => w.method === req.method && w.path.test(req.path));
    if (!watched) return next();
    // Recorded before the answer leaves, so whoever reads the trail next sees the action.
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const caseId = watched.path.exec(req.path)?.[1] ?? (body as { id?: unknown } | undefined)?.id;
      if (res.statusCode < 200 || res.statusCode >= 300 || !req.principal || typeof caseId !== 'string') return json(body);
      void recordCaseActivity(deps, caseId, watched.action, req.principal, details(watched.action, body)).finally(() => json(body));
      return res;
    };
    next();
  };
}

function details(action: CaseAction, answer: unknown): Record<string, unknown> | undefined {
  const a = answer as Record<string, unknown> | undefined;
  if (action === 'case.created' && a) return { title: a.title, chain: a.chain, model: a.model, seeds: Array.isArray(a.seeds) ? a.seeds.length : undefined };
  if (action === 'case.traced' && a) return { runId: a.runId };
  if (action === 'freeze.drafted' && Array.isArray(answer)) {
    return { requests: answer.length, partners: answer.map((r) => (r as { partner?: { name?: string } }).partner?.name).filter(Boolean) };
  }
  return undefined;
}
