// Partner routes: the registry (admin), and the partner's own side (its requests, its
// answers). A partner asking for anything not its own gets 404, never 403.
import type { Request } from 'express';
import { actorOf } from '../../freeze/actor';
import { registerPartner } from '../../freeze/partners';
import { getPartnerFreezeRequest } from '../../freeze/read';
import { respondToFreezeRequest } from '../../freeze/respond';
import { partnerView, responseView } from '../../freeze/views';
import type { PartnerRow } from '../../store';
import type { TraceDeps } from '../../tracing/deps';
import { pageOfRows, setNextPageHeaders } from '../cursor';
import { apiRouter } from '../route-spec';
import { routes } from '../schemas/freeze';
import { sendDocuments } from './freeze-documents';

/** Mounted at /v1/partners. */
export function partnersRouter(deps: TraceDeps) {
  const api = apiRouter('/v1/partners');
  api.route(routes.registerPartner, async ({ body }, req, res) => {
    const { partner, apiKey } = await registerPartner(deps, body, actorOf(req.principal!));
    res.status(201).location(`/v1/partners/${partner.id}`).json({ ...partnerJson(partner), apiKey });
  });
  api.route(routes.listPartners, async ({ query }, req, res) => {
    const page = pageOfRows(await deps.store.partners.page({ after: query.cursor ?? null, limit: query.limit + 1 }), query.limit);
    setNextPageHeaders(req, res, page.nextCursor);
    res.json(page.items.map(partnerJson));
  });
  return api.router;
}

/** Mounted at /v1/partner: the partner's own view. */
export function partnerSideRouter(deps: TraceDeps) {
  const api = apiRouter('/v1/partner');
  const me = (req: Request): string => req.principal!.partnerId!;
  api.route(routes.partnerList, async (_input, req, res) => {
    const requests = await deps.store.freezeRequests.listForPartner(me(req));
    res.json(await Promise.all(requests.map((r) => partnerView(deps.store, r))));
  });
  api.route(routes.partnerGet, async ({ params }, req, res) => {
    res.json(await partnerView(deps.store, await getPartnerFreezeRequest(deps, params.id, me(req))));
  });
  api.route(routes.partnerCsv, async ({ params }, req, res) => {
    await sendDocuments(deps, res, await getPartnerFreezeRequest(deps, params.id, me(req)), 'targets.csv');
  });
  api.route(routes.partnerPdf, async ({ params }, req, res) => {
    await sendDocuments(deps, res, await getPartnerFreezeRequest(deps, params.id, me(req)), 'notice.pdf');
  });
  api.route(routes.partnerAnswer, async ({ params, body }, req, res) => {
    const answer = await respondToFreezeRequest(deps, params.id, me(req), body, actorOf(req.principal!));
    res.status(201).json({
      id: answer.request.id,
      status: answer.request.status,
      response: responseView(answer.response),
      // The partner learns that a follow-up exists, not what else the case holds.
      followUps: answer.followUps.map((f) => ({ id: f.id, status: f.status })),
      leads: answer.leads.length,
    });
  });
  return api.router;
}

function partnerJson(p: PartnerRow) {
  return {
    id: p.id, name: p.name, kind: p.kind, entities: p.entities, channel: p.channel, webhookUrl: p.webhookUrl,
    contactEmail: p.contactEmail, jurisdiction: p.jurisdiction, createdAt: p.createdAt,
  };
}
