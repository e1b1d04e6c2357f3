// Review of a draft before approval: the analyst puts its targets in the order the partner
// should act on them. The evidence hash covers the order, so it is computed again.
import { InvalidInputError } from '../errors';
import type { Actor, FreezeRequestRow } from '../store';
import type { TraceDeps } from '../tracing/deps';
import { evidenceSha256 } from './evidence';
import { getFreezeRequest } from './read';

/** `order` lists the targets' current positions (ranks − 1), first to last: a permutation of them. */
export async function reorderTargets(deps: TraceDeps, id: string, order: readonly number[], actor: Actor): Promise<FreezeRequestRow> {
  const request = await getFreezeRequest(deps, id);
  const targets = await deps.store.freezeRequests.targets(id);
  const byPosition = new Map(targets.map((t) => [t.position, t]));
  if (order.length !== targets.length || new Set(order).size !== order.length || order.some((p) => !byPosition.has(p))) {
    throw new InvalidInputError(`order must list each of the ${targets.length} targets' positions (0–${targets.length - 1}) once`);
  }
  const reordered = order.map((p) => byPosition.get(p)!);
  return deps.store.freezeRequests.reorderTargets(id, order, evidenceSha256(request.content.caseReference, request.content.chain, reordered), actor);
}
