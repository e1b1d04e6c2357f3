// Four eyes: a supervisor other than the drafter approves a draft. Nothing leaves unapproved.
import { ForbiddenError } from '../errors';
import type { Actor, FreezeRequestRow } from '../store';
import type { TraceDeps } from '../tracing/deps';
import { getFreezeRequest } from './read';

export async function approveFreezeRequest(deps: TraceDeps, id: string, actor: Actor): Promise<FreezeRequestRow> {
  const request = await getFreezeRequest(deps, id);
  // The same key, or another key of the same person, is the same pair of eyes.
  if (request.draftedBy === actor.id || request.draftedByName === actor.name) {
    throw new ForbiddenError('the drafter of a freeze request cannot approve it (four eyes)');
  }
  return deps.store.freezeRequests.transition(id, { from: ['draft'], to: 'approved', action: 'approved', actor, approvedBy: actor.id });
}
