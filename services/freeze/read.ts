// Reading freeze requests: staff see any, a partner only its own once sent. A request that
// is not the partner's is "not found", never "forbidden": its existence is not disclosed.
import { NotFoundError } from '../errors';
import type { FreezeRequestRow } from '../store';
import type { TraceDeps } from '../tracing/deps';

export async function getFreezeRequest(deps: TraceDeps, id: string): Promise<FreezeRequestRow> {
  const request = await deps.store.freezeRequests.get(id);
  if (!request) throw new NotFoundError(`freeze request ${id} not found`);
  return request;
}

export async function getPartnerFreezeRequest(deps: TraceDeps, id: string, partnerId: string): Promise<FreezeRequestRow> {
  const request = await deps.store.freezeRequests.getForPartner(id, partnerId);
  if (!request) throw new NotFoundError(`freeze request ${id} not found`);
  return request;
}
