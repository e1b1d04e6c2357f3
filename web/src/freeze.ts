// Freeze-request shapes shared by the staff pages and the partner portal.
export interface FreezeTarget {
  rank: number; kind: string; address: string; asset: string; symbol?: string; decimals?: number; amount: string; hops: number; score: number;
  attribution?: string; confidence?: number; bank?: string; evidence: { paths: string[][] }; frozenAmount: string | null; frozenSource: string | null;
}
export interface FreezeResponse { id: string; source: string; status: string; targets: unknown; fiatWithdrawals: { iban: string; bank: string; amount: string; currency: string }[]; note: string | null; createdAt: string }
export interface FreezeRequest {
  id: string; revision: number; status: string; partner: { id: string; name: string; kind: string; jurisdiction: string | null };
  parentId: string | null; issuedAt: string | null; targets: FreezeTarget[]; evidenceSha256: string;
  requestingAuthority?: string; legalBasis?: string; action?: string; durationDays?: number; urgency?: string; deadline?: string;
  contact?: { name: string; email: string; phone?: string }; note?: string; caseReference?: string;
  caseId?: string; draftedBy?: { id: string; name: string }; approvedBy?: string | null; approvedAt?: string | null; sentAt?: string | null;
  delivery?: { sends: number; attempts: number; lastError: string | null }; responses?: FreezeResponse[];
  history?: { at: string; action: string; actor: { id: string; name: string }; before: unknown; after: unknown }[];
  [extra: string]: unknown;
}

export function targetAmount(t: { amount: string | null; decimals?: number; symbol?: string; asset: string }, value: string | null = t.amount): string {
  if (value === null) return '—';
  const decimals = t.decimals ?? 0;
  const v = BigInt(value);
  const base = 10n ** BigInt(decimals);
  const whole = (v / base).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = decimals ? (v % base).toString().padStart(decimals, '0').replace(/0+$/, '') : '';
  return `${whole}${frac ? '.' + frac : ''} ${t.symbol ?? t.asset}`;
}

/** Minor units of a fiat currency (ISO 4217 exponents for the common ones; 2 otherwise). */
export function fiatExponent(currency: string): number {
  return ({ JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 } as Record<string, number>)[currency.toUpperCase()] ?? 2;
}

export const STATUS_TEXT: Record<string, string> = {
  draft: 'draft — needs a supervisor', approved: 'approved — ready to send', sending: 'sending', sent: 'sent — awaiting the partner',
  delivery_failed: 'delivery failed', received: 'received by the partner', frozen: 'frozen', partially_frozen: 'partially frozen',
  declined: 'declined', funds_moved: 'funds moved',
};
