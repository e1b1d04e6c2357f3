// What changed between two traces of the same case, as the alerts an analyst acts on. Pure.
//   new_endpoint               tainted value reached a service it had not reached before (or more of it)
//   new_movement               tainted value left a wallet where the last trace saw it sitting
//   new_holding                tainted value now sits at a wallet where it did not before
//   funds_moved_before_freeze  (urgent) the wallet left is a target of a sent request not yet frozen
import type { ReportEndpoint, ReportHolding, TraceReport } from './report';
import type { Address, Asset } from './types';

export type MovementAlertKind = 'new_endpoint' | 'new_movement' | 'new_holding' | 'funds_moved_before_freeze';

export interface MovementAlert {
  kind: MovementAlertKind;
  urgent: boolean;
  address: Address;
  asset: Asset;
  /** The change, in base units. */
  amount: bigint;
  entity?: string;
  requestId?: string;
  message: string;
}

/** A target of a freeze request that was sent and is not (yet) confirmed frozen. */
export interface WatchedTarget {
  requestId: string;
  address: Address;
  asset: Asset;
}

export function movementAlerts(prev: TraceReport, next: TraceReport, watched: readonly WatchedTarget[] = []): MovementAlert[] {
  const alerts: MovementAlert[] = [];
  const before = amounts(prev.endpoints);
  for (const [k, e] of grouped(next.endpoints)) {
    const delta = e.amount - (before.get(k) ?? 0n);
    if (delta > 0n) {
      alerts.push({ kind: 'new_endpoint', urgent: false, address: e.address, asset: e.asset, amount: delta, entity: e.entity,
        message: `${delta} of ${e.asset} newly reached ${e.entity} (${e.attribution}) at ${e.address}` });
    }
  }
  const heldBefore = amounts(prev.holdings);
  const heldNow = amounts(next.holdings);
  const watchedAt = new Map(watched.map((w) => [key(w.address, w.asset), w]));
  for (const [k, h] of grouped(prev.holdings)) {
    const left = h.amount - (heldNow.get(k) ?? 0n);
    if (left <= 0n) continue;
    const target = watchedAt.get(k);
    alerts.push(target
      ? { kind: 'funds_moved_before_freeze', urgent: true, address: h.address, asset: h.asset, amount: left, requestId: target.requestId,
          message: `URGENT: ${left} of ${h.asset} left ${h.address}, a target of freeze request ${target.requestId} not yet confirmed frozen` }
      : { kind: 'new_movement', urgent: false, address: h.address, asset: h.asset, amount: left,
          message: `${left} of ${h.asset} moved out of ${h.address}` });
  }
  for (const [k, h] of grouped(next.holdings)) {
    if (heldBefore.has(k)) continue;
    alerts.push({ kind: 'new_holding', urgent: false, address: h.address, asset: h.asset, amount: h.amount,
      message: `${h.amount} of ${h.asset} now sits at ${h.address}` });
  }
  return alerts.sort((a, b) => Number(b.urgent) - Number(a.urgent) || a.kind.localeCompare(b.kind) || a.address.localeCompare(b.address) || a.asset.localeCompare(b.asset));
}

/** The endpoints of `next` with only what is new since `prev` (amounts are the increase). */
export function newEndpoints(prev: TraceReport, next: TraceReport): ReportEndpoint[] {
  const before = amounts(prev.endpoints);
  const out: ReportEndpoint[] = [];
  for (const e of next.endpoints) {
    const delta = BigInt(e.amount) - (before.get(key(e.address, e.asset)) ?? 0n);
    if (delta > 0n) out.push({ ...e, amount: delta.toString() });
  }
  return out;
}

function grouped<T extends ReportEndpoint | ReportHolding>(rows: readonly T[]): Map<string, T & { amount: bigint }> {
  const out = new Map<string, T & { amount: bigint }>();
  for (const r of rows) {
    const k = key(r.address, r.asset);
    const existing = out.get(k);
    out.set(k, { ...r, amount: (existing?.amount ?? 0n) + BigInt(r.amount) });
  }
  return out;
}

function amounts(rows: readonly (ReportEndpoint | ReportHolding)[]): Map<string, bigint> {
  return new Map([...grouped(rows)].map(([k, r]) => [k, r.amount]));
}

function key(address: Address, asset: Asset): string {
  return `${address.toLowerCase()}|${asset.toLowerCase()}`;
}
