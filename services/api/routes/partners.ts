// Partner routes: the registry (admin), and the partner's own side (its requests, its
// answers). A partner asking for anything not its own gets 404, never 403.
import { Router } from 'express';
import { NotFoundError } from '../../errors';
import { actorOf } from '../../freeze/actor';
import { registerPartner } from '../../freeze/partners';
import { getPartnerFreezeRequest } from '../../freeze/read';
import { respondToFreezeRequest } from '../../freeze/respond';
import { partnerView, responseView } from '../../freeze/views';
import type { PartnerRow } from '../../store';
import { isUuid } from '../../store/values';
import type { TraceDeps } from '../../tracing/deps';
import { allow } from '../auth';
import { sendDocuments } from './freeze-documents';

/** Mounted at /v1/partners. */
export function partnersRouter(deps: TraceDeps): Router {
  const router = Router();
  router.post('/', allow('admin'), async (req, res) => {
    const { partner, apiKey } = await registerPartner(deps, req.body, actorOf(req.principal!));
    res.status(201).location(`/v1/partners/${partner.id}`).json({ ...partnerJson(partner), apiKey });
  });
  router.get('/', allow('admin', 'analyst', 'supervisor'), async (_req, res) => {
    res.json((await deps.store.partners.list()).map(partnerJson));
  });
  return router;
}

/** Mounted at /v1/partner: the partner's own view. */
export function partnerSideRouter(deps: TraceDeps): Router {
  const router = Router();
  router.param('id', (_req, _res, next, id: string) => next(isUuid(id) ? undefined : new NotFoundError(`freeze request ${id} not found`)));
  const me = (req: { principal?: { partnerId: string | null } }): string => req.principal!.partnerId!;
  router.get('/freeze-requests', allow('partner'), async (req, res) => {
    const requests = await deps.store.freezeRequests.listForPartner(me(req));
    res.json(await Promise.all(requests.map((r) => partnerView(deps.store, r))));
  });
  router.get('/freeze-requests/:id', allow('partner'), async (req, res) => {
    res.json(await partnerView(deps.store, await getPartnerFreezeRequest(deps, req.params.id as string, me(req))));
  });
  for (const format of ['targets.csv', 'notice.pdf']) {
    router.get(`/freeze-requests/:id/${format}`, allow('partner'), async (req, res) => {
      await sendDocuments(deps, res, await getPartnerFreezeRequest(deps, req.params.id as string, me(req)), format);
    });
  }
  router.post('/freeze-requests/:id/responses', allow('partner'), async (req, res) => {
    const answer = await respondToFreezeRequest(deps, req.params.id as string, me(req), req.body, actorOf(req.principal!));
    res.status(201).json({
      id: answer.request.id,
      status: answer.request.status,
      response: responseView(answer.response),
      // The partner learns that a follow-up exists, not what else the case holds.
      followUps: answer.followUps.map((f) => ({ id: f.id, status: f.status })),
      leads: answer.leads.length,
    });
  });
  return router;
}

function partnerJson(p: PartnerRow) {
  return {
    id: p.id, name: p.name, kind: p.kind, entities: p.entities, channel: p.channel, webhookUrl: p.webhookUrl,
    contactEmail: p.contactEmail, jurisdiction: p.jurisdiction, createdAt: p.createdAt,
  };
}
