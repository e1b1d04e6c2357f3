// The SHA-256 every rendering of a request carries (JSON, CSV, PDF): over a canonical JSON
// of what the request asserts (case reference, chain, and per target the address, asset,
// amount, hops and transaction-hash paths), so anyone can recompute and compare it.
import { createHash } from 'node:crypto';
import type { NewFreezeTarget } from '../store';

export function evidenceDocument(caseReference: string, chain: string, targets: readonly NewFreezeTarget[]) {
  return {
    caseReference,
    chain,
    targets: targets.map((t) => ({ kind: t.kind, address: t.address, asset: t.asset, amount: t.amount.toString(), hops: t.hops, paths: t.paths })),
  };
}

export function evidenceSha256(caseReference: string, chain: string, targets: readonly NewFreezeTarget[]): string {
  return createHash('sha256').update(JSON.stringify(evidenceDocument(caseReference, chain, targets)), 'utf8').digest('hex');
}
