// A partner answers one of its requests: received, frozen (amounts per target), partially
// frozen, declined (with a reason) or funds moved. Funds that left an exchange for a bank
// account become a follow-up request to that bank when it is a partner, a lead otherwise.
import { InvalidInputError } from '../errors';
import type { Actor, FreezeRequestRow, FreezeResponseRow, FreezeStatus, LeadRow, TargetFrozen } from '../store';
import type { TraceDeps } from '../tracing/deps';
import { draftBankFollowUps } from './follow-up';
import { validateResponseInput } from './input';
import { getPartnerFreezeRequest } from './read';

/** Once sent (or while the delivery is in flight: a partner may answer from its webhook handler). */
const ANSWERABLE: readonly FreezeStatus[] = ['sending', 'sent', 'delivery_failed', 'received', 'frozen', 'partially_frozen', 'declined', 'funds_moved'];
const ACKNOWLEDGEABLE: readonly FreezeStatus[] = ['sending', 'sent', 'delivery_failed', 'received'];

export interface PartnerAnswer {
  request: FreezeRequestRow;
  response: FreezeResponseRow;
  followUps: FreezeRequestRow[];
  leads: LeadRow[];
}

export async function respondToFreezeRequest(deps: TraceDeps, id: string, partnerId: string, raw: unknown, actor: Actor): Promise<PartnerAnswer> {
  const request = await getPartnerFreezeRequest(deps, id, partnerId);
  const input = validateResponseInput(raw);
  const targets = await deps.store.freezeRequests.targets(id);

  const frozen: TargetFrozen[] = input.targets.map((t, i) => {
    const match = targets.find((x) => x.address.toLowerCase() === t.address.toLowerCase() && x.asset.toLowerCase() === t.asset.toLowerCase());
    if (!match) throw new InvalidInputError(`targets[${i}] (${t.address}, ${t.asset}) is not a target of this request`);
    return { position: match.position, frozenAmount: t.frozenAmount };
  });
  // "frozen" without amounts means every target in full.
  if (input.status === 'frozen' && frozen.length === 0) frozen.push(...targets.map((t) => ({ position: t.position, frozenAmount: t.amount })));

  const { request: answered, response } = await deps.store.freezeRequests.respond(id, {
    source: 'partner', status: input.status, from: input.status === 'received' ? ACKNOWLEDGEABLE : ANSWERABLE, targets: frozen,
    targetsJson: input.targets.map((t) => ({ ...t, frozenAmount: t.frozenAmount.toString() })),
    fiatWithdrawals: input.fiatWithdrawals.map((f) => ({ ...f, amount: f.amount.toString() })),
    note: input.note, actor,
  });
  const { followUps, leads } = await draftBankFollowUps(deps, request, input.fiatWithdrawals, actor);
  deps.log.info('partner answered a freeze request', { requestId: id, partnerId, status: input.status, followUps: followUps.length, leads: leads.length });
  return { request: answered, response, followUps, leads };
}
