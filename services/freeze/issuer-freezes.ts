// Stablecoin issuers freeze by blacklisting an address in the token contract. For requests
// to an issuer, read the contract (isBlackListed(address) on USDT-style tokens,
// isBlacklisted(address) on USDC-style ones) and mark the targets the chain shows frozen,
// without waiting for the issuer to reply.
import type { ChainSource } from '../chains/source';
import type { FreezeRequestRow, FreezeStatus, FreezeTargetRow, TargetFrozen } from '../store';
import type { TraceDeps } from '../tracing/deps';
import { systemActor } from './actor';

const IS_BLACK_LISTED = '0xe47d6060'; // isBlackListed(address): Tether
const IS_BLACKLISTED = '0xfe575a87'; // isBlacklisted(address): Circle
const CHECKABLE: readonly FreezeStatus[] = ['sending', 'sent', 'delivery_failed', 'received', 'partially_frozen', 'funds_moved', 'declined'];
const actor = systemActor('onchain-check');

export interface IssuerCheck {
  requestId: string;
  checked: number;
  frozen: number;
  status: FreezeStatus;
}

/** Checks one request, or every open request to an issuer. */
export async function verifyIssuerFreezes(deps: TraceDeps, requestId?: string): Promise<IssuerCheck[]> {
  const requests = requestId
    ? [await deps.store.freezeRequests.get(requestId)].filter((r): r is FreezeRequestRow => r !== null)
    : await deps.store.freezeRequests.openIssuerRequests();
  const out: IssuerCheck[] = [];
  for (const request of requests) out.push(await checkRequest(deps, request));
  return out;
}

async function checkRequest(deps: TraceDeps, request: FreezeRequestRow): Promise<IssuerCheck> {
  // A request of a multi-chain case names each target's chain; otherwise the request's chain.
  const sourceOf = (t: FreezeTargetRow): ChainSource => deps.chains.get(t.chain ?? request.content.chain);
  const targets = (await deps.store.freezeRequests.targets(request.id)).filter((t) => {
    if (t.kind !== 'holding') return false;
    const source = sourceOf(t);
    return !!source.callView && t.asset.toUpperCase() !== source.nativeAsset.toUpperCase();
  });
  const result = { requestId: request.id, checked: targets.length, frozen: 0, status: request.status };
  if (targets.length === 0 || !CHECKABLE.includes(request.status)) return result;

  const newlyFrozen: TargetFrozen[] = [];
  let frozenCount = 0;
  for (const target of targets) {
    if (!(await isBlacklisted(sourceOf(target), target))) continue;
    frozenCount++;
    if (target.frozenSource !== 'onchain') newlyFrozen.push({ position: target.position, frozenAmount: target.amount });
  }
  result.frozen = frozenCount;
  if (newlyFrozen.length === 0) return result;
  const allTargets = await deps.store.freezeRequests.targets(request.id);
  const status: FreezeStatus = frozenCount === targets.length && targets.length === allTargets.length ? 'frozen' : 'partially_frozen';
  const { request: updated } = await deps.store.freezeRequests.respond(request.id, {
    source: 'onchain', status: status === 'frozen' ? 'frozen' : 'partially_frozen', from: CHECKABLE, targets: newlyFrozen,
    targetsJson: newlyFrozen.map((f) => {
      const t = targets.find((x) => x.position === f.position)!;
      return { address: t.address, asset: t.asset, frozenAmount: f.frozenAmount.toString() };
    }),
    fiatWithdrawals: [], note: 'blacklisted in the token contract (read on-chain)', actor,
  });
  await deps.store.alerts.raise({ kind: 'issuer_freeze', caseId: request.caseId, requestId: request.id,
    message: `${newlyFrozen.length} address(es) blacklisted on-chain by the issuer`, details: { addresses: newlyFrozen.length } });
  return { ...result, status: updated.status };
}

async function isBlacklisted(source: ChainSource, target: FreezeTargetRow): Promise<boolean> {
  const arg = source.addressWord?.(target.address) ?? target.address.toLowerCase().replace(/^0x/, '').padStart(64, '0');
  for (const selector of [IS_BLACK_LISTED, IS_BLACKLISTED]) {
    const answer = await source.callView!(target.asset, selector + arg).catch(() => null);
    // A contract without the function reverts (error) or answers nothing: try the other style.
    if (answer && /^0x[0-9a-fA-F]{64}/.test(answer)) return BigInt(answer.slice(0, 66)) !== 0n;
  }
  return false;
}
