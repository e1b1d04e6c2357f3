// Attribution: which label speaks for an address, and whether tracing stops there.
// Pure functions of data in, data out (style point 2).
import type { Label, LabelCategory } from './types';

/** Confidence assumed for a label that carries none (the middle of the 0..100 scale). */
export const DEFAULT_LABEL_CONFIDENCE = 50;

/** Categories where tracing stops by default: services that pool customers' funds. */
export const DEFAULT_STOP_CATEGORIES: readonly LabelCategory[] = Object.freeze([
  'exchange', 'bridge', 'mixer', 'otc', 'gambling', 'service', 'issuer', 'dex',
] as const);

export function isStopCategory(
  category: LabelCategory | undefined,
  stopCategories: readonly LabelCategory[] = DEFAULT_STOP_CATEGORIES,
): boolean {
  return category !== undefined && stopCategories.includes(category);
}

// Tie break between equally confident labels: the most actionable attribution first. An
// exchange can freeze; `other` says nothing about who controls the address, so it is last.
const CATEGORY_RANK: Record<LabelCategory, number> = {
  exchange: 0, otc: 1, service: 2, issuer: 3, bridge: 4, dex: 5, mixer: 6, gambling: 7,
  defi: 8, miner: 9, sanctioned: 10, hack: 11, ransomware: 12, scam: 13, other: 14,
};

export function labelConfidence(label: Pick<Label, 'confidence'>): number {
  return label.confidence ?? DEFAULT_LABEL_CONFIDENCE;
}

/**
 * Order labels best first: a label of a stop category before any other (an address with any
 * such label is a stop whatever else it carries: an OFAC listing does not make a sanctioned
 * exchange a wallet to crawl through), then any specific category before `other` (an `other`
 * label only speaks when nothing else does), then higher confidence, then category rank,
 * then entity, source and address, so the result never depends on the input order.
 */
export function compareLabels(a: Label, b: Label, stopCategories: readonly LabelCategory[] = DEFAULT_STOP_CATEGORIES): number {
  return (
    Number(!stopCategories.includes(a.category)) - Number(!stopCategories.includes(b.category)) ||
    Number(a.category === 'other') - Number(b.category === 'other') ||
    labelConfidence(b) - labelConfidence(a) ||
    CATEGORY_RANK[a.category] - CATEGORY_RANK[b.category] ||
    compareStrings(a.entity, b.entity) ||
    compareStrings(a.source ?? '', b.source ?? '') ||
    compareStrings(a.address.toLowerCase(), b.address.toLowerCase()) ||
    compareStrings(a.chain, b.chain)
  );
}

/** The label that speaks for an address among all the labels known for it. */
export function resolveLabel(labels: readonly Label[], stopCategories: readonly LabelCategory[] = DEFAULT_STOP_CATEGORIES): Label | undefined {
  let best: Label | undefined;
  for (const label of labels) if (best === undefined || compareLabels(label, best, stopCategories) < 0) best = label;
  return best;
}

/** Every label of an address, best first, each (entity, category, source) once. */
export function allLabels(labels: readonly Label[], stopCategories: readonly LabelCategory[] = DEFAULT_STOP_CATEGORIES): Label[] {
  const seen = new Set<string>();
  return [...labels].sort((a, b) => compareLabels(a, b, stopCategories)).filter((l) => {
    const k = `${entityKey(l.entity)}\u0000${l.category}\u0000${l.source ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The organisation behind a label's name: `Binance 14` → `Binance`,
 * `Upbit: Cold Wallet` → `Upbit`, `Tornado.Cash: 10 ETH` → `Tornado.Cash`. Names with no
 * such pattern are returned trimmed, unchanged otherwise.
 */
export function entityFromName(name: string): string {
  let entity = name.trim().replace(/\s+/g, ' ');
  const colon = entity.indexOf(': ');
  if (colon > 0) entity = entity.slice(0, colon).trim();
  entity = entity.replace(/ #?\d+$/, '');
  return entity || name.trim();
}

/** Canonical key of an entity name, for comparing `Binance` and ` binance `. */
export function entityKey(entity: string): string {
  return entity.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function sameEntity(a: string, b: string): boolean {
  return entityKey(a) === entityKey(b);
}

/**
 * Key under which an address is compared: EVM hex and bech32 are case-insensitive,
 * base58 (legacy bitcoin, tron) is not.
 */
export function addressKey(address: string): string {
  return /^(0x|bc1|tb1|bcrt1)/i.test(address) ? address.toLowerCase() : address;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
