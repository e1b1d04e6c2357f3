// The words label files use, mapped onto tracehold's: chains, categories, confidence.
import { LABEL_CATEGORIES, type LabelCategory } from '../domain/types';

export function isLabelCategory(value: string): value is LabelCategory {
  return (LABEL_CATEGORIES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------
// Chains. TagPacks name a currency or network (`ETH`, `BTC`, `MATIC`, `BEP20`…); OFAC lists
// name an asset. Tokens that live on several chains (`USDT`) are resolved by address shape.

const CHAIN_OF_CURRENCY: Record<string, string> = {
  BTC: 'bitcoin', XBT: 'bitcoin', BITCOIN: 'bitcoin',
  ETH: 'ethereum', ETHEREUM: 'ethereum', ERC20: 'ethereum',
  BSC: 'bsc', BNB: 'bsc', BEP20: 'bsc',
  MATIC: 'polygon', POLYGON: 'polygon', POL: 'polygon',
  TRX: 'tron', TRON: 'tron', TRC20: 'tron',
  ARB: 'arbitrum', ARBITRUM: 'arbitrum', ARBITRUM_ONE: 'arbitrum',
  OP: 'optimism', OPTIMISM: 'optimism',
  BASE: 'base',
  AVAX: 'avalanche', AVALANCHE: 'avalanche',
  FTM: 'fantom', FANTOM: 'fantom',
};

/** Multi-chain tokens: the chain follows from the address (0x… → ethereum, T… → tron). */
export const MULTI_CHAIN_CURRENCIES = new Set(['USDT', 'USDC']);

/** `ethereum` for `ETH`, `undefined` for a currency tracehold has no chain for (LTC, BEP2, XMR…). */
export function chainOfCurrency(currency: string): string | undefined {
  return CHAIN_OF_CURRENCY[currency.trim().toUpperCase().replace(/[\s-]+/g, '_')];
}

// ---------------------------------------------------------------------------------------
// GraphSense categories: the INTERPOL Dark Web and Virtual Assets taxonomy (entity
// concepts) as used by TagPacks, plus older spellings found in real packs.

const GRAPHSENSE_CATEGORY: Record<string, LabelCategory> = {
  exchange: 'exchange',
  otc: 'otc', otc_broker: 'otc', otc_desk: 'otc',
  wallet_service: 'service', payment_processor: 'service', atm: 'service', hosting: 'service',
  vpn: 'service', shop: 'service', service: 'service', market: 'service', marketplace: 'service',
  escrow: 'service', custodian: 'service', faucet: 'service',
  mixing_service: 'mixer', mixer: 'mixer', coinjoin: 'mixer', tumbler: 'mixer',
  dex: 'dex', defi_dex: 'dex',
  bridge: 'bridge', defi_bridge: 'bridge',
  defi: 'defi',
  gambling: 'gambling', casino: 'gambling',
  miner: 'miner', mining_service: 'miner', mining_pool: 'miner',
  stablecoin: 'issuer', issuer: 'issuer', token_issuer: 'issuer',
  black_list: 'sanctioned', blacklist: 'sanctioned', sanction: 'sanctioned', sanctioned: 'sanctioned',
  perpetrator: 'scam', scam: 'scam', scammer: 'scam', fraud: 'scam',
  hacker: 'hack', hack: 'hack', service_hack: 'hack',
  ransomware: 'ransomware',
};

// Abuse concepts (what an address was used for, as opposed to who runs it).
const GRAPHSENSE_ABUSE: Record<string, LabelCategory> = {
  scam: 'scam', phishing: 'scam', investment_fraud: 'scam', ponzi_scheme: 'scam',
  sextortion: 'scam', advance_fee_fraud: 'scam', pig_butchering: 'scam', fraud: 'scam',
  service_hack: 'hack', hack: 'hack', hacker: 'hack', theft: 'hack', exploit: 'hack',
  ransomware: 'ransomware',
  sanction: 'sanctioned', sanctioned: 'sanctioned',
};

/** Categories that name the kind of service an address belongs to. */
const SERVICE_CATEGORIES = new Set<LabelCategory>([
  'exchange', 'otc', 'service', 'issuer', 'bridge', 'dex', 'defi', 'mixer', 'gambling', 'miner',
]);

/**
 * One category from a tag's `category` and `abuse`: a service category wins (a sanctioned
 * exchange is still where the funds pool), then the abuse, then the category (`user`,
 * `organization` and unknown words give `other`).
 */
export function categoryOfGraphSense(category: string | undefined, abuse: string | undefined): LabelCategory {
  const byCategory = category === undefined ? undefined : lookupConcept(GRAPHSENSE_CATEGORY, category);
  if (byCategory !== undefined && SERVICE_CATEGORIES.has(byCategory)) return byCategory;
  const byAbuse = abuse === undefined ? undefined : lookupConcept(GRAPHSENSE_ABUSE, abuse);
  return byAbuse ?? byCategory ?? 'other';
}

function lookupConcept(table: Record<string, LabelCategory>, word: string): LabelCategory | undefined {
  const key = word.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return table[key] ?? (key.startsWith('defi_') ? 'defi' : undefined);
}

// ---------------------------------------------------------------------------------------
// Confidence. GraphSense's named levels with their own 0..100 scores (tagpack-tool's
// confidence.csv), plus `ledger_immanent` (a fact read off the chain, e.g. Tether's
// blacklist events) and `forensic_investigation` (case material), which that table lacks.

export const CONFIDENCE_LEVELS: Readonly<Record<string, number>> = Object.freeze({
  override: 100,
  ownership: 100,
  ledger_immanent: 90,
  manual_transaction: 90,
  service_api: 70,
  authority_data: 60,
  forensic_investigation: 60,
  trusted_provider: 50,
  service_data: 50,
  forensic: 50,
  untrusted_transaction: 40,
  web_crawl: 20,
  heuristic: 10,
  unknown: 5,
});

export type ConfidenceParse = { ok: true; value: number } | { ok: false; reason: string };

/** A 0..100 score from a number (`80`, `"80"`) or a GraphSense level name (`service_data`). */
export function parseConfidence(raw: string): ConfidenceParse {
  const text = raw.trim();
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) {
    const value = Number(text);
    if (value < 0 || value > 100) return { ok: false, reason: `confidence ${text} is outside 0..100` };
    return { ok: true, value: Math.round(value) };
  }
  const level = CONFIDENCE_LEVELS[text.toLowerCase()];
  if (level !== undefined) return { ok: true, value: level };
  return {
    ok: false,
    reason: `unknown confidence ${JSON.stringify(text)} (a number 0..100 or one of ${Object.keys(CONFIDENCE_LEVELS).join(', ')})`,
  };
}
