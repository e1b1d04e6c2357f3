// Funds an exchange reports gone to a bank account: draft the follow-up to that bank if it
// is a partner (a draft, so it still needs a supervisor's approval), record a lead if not.
import type { Actor, FreezeRequestRow, LeadRow, NewFreezeTarget } from '../store';
import type { TraceDeps } from '../tracing/deps';
import { evidenceSha256 } from './evidence';

export interface FiatWithdrawal {
  iban: string;
  bank: string;
  amount: bigint;
  currency: string;
}

export async function draftBankFollowUps(deps: TraceDeps, parent: FreezeRequestRow, withdrawals: readonly FiatWithdrawal[], actor: Actor): Promise<{ followUps: FreezeRequestRow[]; leads: LeadRow[] }> {
  const followUps: FreezeRequestRow[] = [];
  const leads: LeadRow[] = [];
  if (withdrawals.length === 0) return { followUps, leads };
  const parentTargets = await deps.store.freezeRequests.targets(parent.id);
  const paths = parentTargets.flatMap((t) => t.paths);
  const hops = Math.max(0, ...parentTargets.map((t) => t.hops)) + 1;

  const byBank = new Map<string, { partnerId: string | null; items: FiatWithdrawal[] }>();
  for (const w of withdrawals) {
    const bankPartner = (await deps.store.partners.coveringEntities([w.bank])).find((p) => p.kind === 'bank');
    const key = bankPartner?.id ?? `lead:${w.bank.toLowerCase()}`;
    const group = byBank.get(key) ?? { partnerId: bankPartner?.id ?? null, items: [] };
    group.items.push(w);
    byBank.set(key, group);
  }
  for (const { partnerId, items } of byBank.values()) {
    if (!partnerId) {
      for (const w of items) leads.push(await deps.store.alerts.addLead({ caseId: parent.caseId, requestId: parent.id, ...w }));
      continue;
    }
    const targets: NewFreezeTarget[] = items.map((w) => ({
      kind: 'bank-account', address: w.iban, asset: w.currency, amount: w.amount, hops, score: 1, bank: w.bank,
      attribution: 'partner-report', confidence: 1, paths,
    }));
    const content = { ...parent.content, note: `Follow-up of freeze request ${parent.id}: funds reported withdrawn to these accounts by the exchange.` };
    followUps.push(await deps.store.freezeRequests.create({
      caseId: parent.caseId, partnerId, parentId: parent.id, content,
      evidenceSha256: evidenceSha256(content.caseReference, content.chain, targets), draftedBy: actor.id, draftedByName: actor.name,
    }, targets, actor));
  }
  if (leads.length > 0) {
    await deps.store.alerts.raise({ kind: 'bank_lead', caseId: parent.caseId, requestId: parent.id,
      message: `funds left to ${leads.length} bank account(s) at banks that are not partners`, details: { leads: leads.map((l) => l.id) } });
  }
  return { followUps, leads };
}
