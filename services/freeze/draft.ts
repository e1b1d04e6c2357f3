// Draft freeze requests from a traced case: one per partner whose entities the trace
// reached (and one per stablecoin issuer partner for holdings in its token), each with its
// targets ranked. A partner that already has a request on this case is skipped.
import { chainConfig } from '../../config';
import { selectFreezeTargets } from '../domain/freeze-targets';
import { ConflictError } from '../errors';
import { createStore, type Actor, type FreezeContent, type FreezeRequestRow, type NewFreezeTarget } from '../store';
import { MULTI_CHAIN } from '../domain/multi-chain-report';
import { caseReport, getCase, multiChainReport } from '../tracing/cases';
import type { TraceDeps } from '../tracing/deps';
import { evidenceSha256 } from './evidence';
import { validateDraftInput } from './input';

export interface DraftedRequest {
  request: FreezeRequestRow;
  targets: NewFreezeTarget[];
}

export async function draftFreezeRequests(deps: TraceDeps, caseId: string, raw: unknown, actor: Actor, now = new Date()): Promise<DraftedRequest[]> {
  const kase = await getCase(deps, caseId);
  const input = validateDraftInput(raw, now);
  // A case on several chains drafts one request per partner with the targets of every chain.
  const sections = kase.chain === MULTI_CHAIN
    ? (await multiChainReport(deps, kase)).sections.map((x) => ({ chain: x.chain, report: x.report, tag: true }))
    : [{ chain: kase.chain, report: await caseReport(deps, caseId), tag: false }];

  const reached = [...new Set(sections.flatMap((x) => x.report.endpoints.map((e) => e.entity.toLowerCase())))];
  const issuers = (await deps.store.partners.list()).filter((p) => p.kind === 'issuer');
  const partners = [...(await deps.store.partners.coveringEntities(reached)).filter((p) => p.kind !== 'issuer'), ...issuers];
  const perPartner = new Map<string, NewFreezeTarget[]>();
  for (const section of sections) {
    const tokens = chainConfig(deps.config, section.chain).tokens;
    for (const [partnerId, ranked] of selectFreezeTargets(section.report, partners, tokens, Math.floor(now.getTime() / 1000))) {
      const tagged = section.tag ? ranked.map((t) => ({ ...t, chain: section.chain })) : ranked;
      perPartner.set(partnerId, [...(perPartner.get(partnerId) ?? []), ...tagged]);
    }
  }
  if (sections.length > 1) for (const list of perPartner.values()) list.sort((a, b) => b.score - a.score);

  const already = new Set((await deps.store.freezeRequests.listForCase(caseId)).map((r) => r.partnerId));
  const fresh = [...perPartner].filter(([partnerId]) => !already.has(partnerId));
  if (fresh.length === 0) {
    throw new ConflictError(perPartner.size === 0
      ? `no partner covers what case ${caseId} reached`
      : `every partner the case reached already has a freeze request`, { details: { entities: reached } });
  }

  const content: FreezeContent = {
    caseReference: kase.reference ?? kase.id,
    requestingAuthority: input.requestingAuthority,
    legalBasis: input.legalBasis,
    action: input.action,
    durationDays: input.durationDays,
    urgency: input.urgency,
    deadline: input.deadline.toISOString(),
    contact: input.contact,
    chain: kase.chain,
    ...(input.note ? { note: input.note } : {}),
  };
  // All or none: a request per partner, in one transaction.
  const drafted = await deps.store.db.transaction(async (tx) => {
    const store = createStore(tx);
    const out: DraftedRequest[] = [];
    for (const [partnerId, ranked] of fresh) {
      const targets: NewFreezeTarget[] = ranked;
      const request = await store.freezeRequests.create(
        { caseId, partnerId, content, evidenceSha256: evidenceSha256(content.caseReference, content.chain, targets), draftedBy: actor.id, draftedByName: actor.name },
        targets, actor,
      );
      out.push({ request, targets });
    }
    return out;
  }).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === '23505') throw new ConflictError(`freeze requests for case ${caseId} are being drafted already`, { cause: error });
    throw error;
  });
  deps.log.info('freeze requests drafted', { caseId, requests: drafted.length });
  return drafted;
}
