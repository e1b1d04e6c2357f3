// The freeze request as a partner receives it: one document that the API, the webhook body,
// the CSV and the PDF all render, so they always say the same thing.
import type { FreezeContent, FreezeRequestRow, FreezeTargetRow, PartnerRow } from '../store';

export interface FreezeTargetDocument {
  rank: number;
  kind: string;
  /** The target's chain, when the request gathers several (a multi-chain case). */
  chain?: string;
  address: string;
  asset: string;
  symbol?: string;
  decimals?: number;
  amount: string;
  hops: number;
  score: number;
  attribution?: string;
  confidence?: number;
  lastSeen?: number;
  bank?: string;
  evidence: { paths: string[][] };
  frozenAmount: string | null;
  frozenSource: 'partner' | 'onchain' | null;
}

export interface FreezeRequestDocument extends FreezeContent {
  id: string;
  revision: number;
  status: string;
  partner: { id: string; name: string; kind: string; jurisdiction: string | null };
  parentId: string | null;
  issuedAt: string | null;
  targets: FreezeTargetDocument[];
  evidenceSha256: string;
}

export function freezeRequestDocument(request: FreezeRequestRow, partner: PartnerRow, targets: readonly FreezeTargetRow[]): FreezeRequestDocument {
  return {
    id: request.id,
    revision: request.revision,
    status: request.status,
    ...request.content,
    partner: { id: partner.id, name: partner.name, kind: partner.kind, jurisdiction: partner.jurisdiction },
    parentId: request.parentId,
    issuedAt: (request.sentAt ?? request.approvedAt)?.toISOString() ?? null,
    targets: targets.map((t, i) => ({
      rank: i + 1,
      kind: t.kind,
      ...(t.chain !== undefined ? { chain: t.chain } : {}),
      address: t.address,
      asset: t.asset,
      ...(t.symbol !== undefined ? { symbol: t.symbol } : {}),
      ...(t.decimals !== undefined ? { decimals: t.decimals } : {}),
      amount: t.amount.toString(),
      hops: t.hops,
      score: t.score,
      ...(t.attribution !== undefined ? { attribution: t.attribution } : {}),
      ...(t.confidence !== undefined ? { confidence: t.confidence } : {}),
      ...(t.lastSeen !== undefined ? { lastSeen: t.lastSeen } : {}),
      ...(t.bank !== undefined ? { bank: t.bank } : {}),
      evidence: { paths: t.paths },
      frozenAmount: t.frozenAmount === null ? null : t.frozenAmount.toString(),
      frozenSource: t.frozenSource,
    })),
    evidenceSha256: request.evidenceSha256,
  };
}

/** The document of a stored request, read fresh. */
export async function loadFreezeDocument(
  store: { partners: { get(id: string): Promise<PartnerRow | null> }; freezeRequests: { targets(id: string): Promise<FreezeTargetRow[]> } },
  request: FreezeRequestRow,
): Promise<FreezeRequestDocument> {
  const partner = await store.partners.get(request.partnerId);
  if (!partner) throw new Error(`partner ${request.partnerId} of freeze request ${request.id} is missing`);
  return freezeRequestDocument(request, partner, await store.freezeRequests.targets(request.id));
}
