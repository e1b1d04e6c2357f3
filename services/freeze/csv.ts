// The targets of a freeze request as CSV, one row per target, ranked. The header rows carry
// the request id, revision, case reference and the evidence SHA-256.
import { csvCell as cell } from '../format';
import type { FreezeRequestDocument } from './document';

export function freezeTargetsCsv(doc: FreezeRequestDocument): string {
  const lines = [
    `# freeze request ${doc.id} revision ${doc.revision}; case ${doc.caseReference}; partner ${doc.partner.name}; action ${doc.action}; deadline ${doc.deadline}`,
    `# evidence sha256 ${doc.evidenceSha256}`,
    'rank,kind,address,asset,symbol,decimals,amount,hops,score,attribution,bank,paths,frozen_amount',
    ...doc.targets.map((t) => [
      t.rank, t.kind, t.address, t.asset, t.symbol ?? '', t.decimals ?? '', t.amount, t.hops, t.score, t.attribution ?? '', t.bank ?? '',
      t.evidence.paths.map((p) => p.join('>')).join(' | '), t.frozenAmount ?? '',
    ].map(cell).join(',')),
  ];
  return lines.join('\n') + '\n';
}
