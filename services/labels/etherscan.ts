// Etherscan account labels as scraped by brianleect/etherscan-labels:
// `{ "<address>": { "name": "Binance 14", "labels": ["binance"] } }`, all on Ethereum.
// Etherscan has no `exchange` word on most exchange wallets; the exchange's own slug
// (`binance`, `coinbase`…) is the label, so the slugs below are the exchange list.
import type { LabelCategory } from '../domain/types';
import { entityFromName } from '../domain/attribution';
import { BadRequestError, InvalidInputError } from '../errors';
import { normalizeLabelAddress } from './address';
import { IssueList, countSkip, type ImportedLabel, type ParsedLabels } from './result';

export interface EtherscanOptions {
  chain?: string;
  /** Default 50: a curated commercial source (GraphSense `trusted_provider`). */
  confidence?: number;
  source?: string;
}

/** Etherscan slug → exchange name. */
const EXCHANGES: Record<string, string> = {
  abcc: 'ABCC', allbit: 'Allbit', ascendex: 'AscendEX', bgogo: 'Bgogo', binance: 'Binance',
  'binance-deposit': 'Binance', bitfinex: 'Bitfinex', bithumb: 'Bithumb', bitmart: 'BitMart',
  bitmex: 'BitMEX', bitstamp: 'Bitstamp', bittrex: 'Bittrex', changenow: 'ChangeNOW',
  cobinhood: 'Cobinhood', coinbase: 'Coinbase', coinhako: 'Coinhako', coinlist: 'CoinList',
  coinmetro: 'CoinMetro', coinone: 'Coinone', coinsquare: 'Coinsquare', 'coss-io': 'COSS.io',
  crex24: 'CREX24', 'crypto-com': 'Crypto.com', deribit: 'Deribit', digifinex: 'DigiFinex',
  ftx: 'FTX', 'gate-io': 'Gate.io', gemini: 'Gemini', hitbtc: 'HitBTC', 'hoo-com': 'Hoo.com',
  hotbit: 'Hotbit', huobi: 'Huobi', korbit: 'Korbit', kraken: 'Kraken', kryptono: 'Kryptono',
  kucoin: 'KuCoin', latoken: 'LATOKEN', 'lcx-ag': 'LCX', liquid: 'Liquid', maskex: 'MaskEX',
  okx: 'OKX', paribu: 'Paribu', poloniex: 'Poloniex', quadrigacx: 'QuadrigaCX',
  remitano: 'Remitano', tidex: 'Tidex', topbtc: 'TopBTC', upbit: 'Upbit', yunbi: 'Yunbi',
  'zb-com': 'ZB.com',
};

// A name under an exchange slug that is not one of its wallets: its token, pool, deployer.
// (`Binance: Binance-Peg Tokens` is a wallet: it holds the tokens pegged on BSC.)
const NOT_A_WALLET = /\b(token|coin|stablecoin|usd|treasury|pool|deployer|charity|nft|cdcnft|contract|proxy|recovery)\b/i;

const SCAM_NAME = /phish|fake|scam|fraud/i;
const HACK_NAME = /exploit|hack|heist|attacker|drainer/i;
const OFAC: ReadonlySet<string> = new Set(['ofac-sanctions-lists']);

/** Label words → category, checked in this order (the first match wins). */
const WORD_RULES: ReadonlyArray<readonly [LabelCategory, ReadonlySet<string>]> = [
  ['mixer', new Set(['tornado-cash', 'ethereum-mixer', 'mixer', 'typhoon-cash'])],
  // Not `take-action`: its "X Hack Alert n" accounts are the victims who approved a hacked contract.
  ['hack', new Set(['phish-hack', 'exploit', 'heist'])],
  ['sanctioned', new Set(['ofac-sanctions-lists'])],
  ['otc', new Set(['otc'])],
  ['miner', new Set(['mining', 'f2pool', 'miningpoolhub'])],
  ['gambling', new Set(['gambling', 'etheroll'])],
  ['bridge', new Set([
    'bridge', 'layer-2', 'polygon-matic', 'optimism', 'arbitrum', 'arbitrum-one', 'arbitrum-nova',
    'hop-protocol', 'across-protocol', 'multichain', 'wormhole', 'synapse', 'celer-network', 'connext',
    'ren', 'starknet', 'rhino-fi', 'metis-andromeda', 'poa-network', 'optics', 'fantom', 'avalanche',
  ])],
  ['dex', new Set([
    'dex', 'dex-ag', '0x-protocol', '0x-protocol-ecosystem', '1inch', 'airswap', 'balancer', 'bancor',
    'cow-protocol', 'curve-fi', 'hydro-protocol', 'idex', 'kyberswap', 'loopring', 'metamask',
    'pancakeswap', 'paraswap', 'sudoswap', 'sushiswap', 'swipeswap', 'tokenlon', 'uniswap', 'dydx',
  ])],
  ['issuer', new Set(['stablecoin', 'centre', 'trusttoken', 'wrapped-bitcoin', 'wbtc-merchant'])],
  ['defi', new Set([
    'defi', 'aave', 'compound', 'maker', 'maker-vault-owner', 'lido', 'yearn-finance', 'loans', 'yield-farming',
    'staking', 'synthetix', 'rocket-pool', 'cream-finance', 'idle-finance', 'mstable', 'convex-finance',
    'alchemix-finance', 'liquity', 'rari-capital', 'enzyme-finance', 'instadapp', 'set-protocol',
    'index-protocol', 'reflexer-finance', 'abracadabra-money', 'aura-finance', 'zapper-fi', 'vaults',
  ])],
  ['service', new Set(['fiat-gateway', 'payments', 'hot-wallet', 'cold-wallet', 'wallet-app', 'blockfi', 'nexo', 'celsius-network'])],
  ['sanctioned', new Set(['blocked'])],
];

/** Parse `combinedAccountLabels.json` (text or the parsed object). */
export function parseEtherscanLabels(json: string | Record<string, unknown>, options: EtherscanOptions = {}): ParsedLabels {
  let data: unknown = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json.charCodeAt(0) === 0xfeff ? json.slice(1) : json);
    } catch (error) {
      throw new BadRequestError(`Etherscan labels: not JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidInputError('Etherscan labels: expected an object {address: {name, labels[]}}');
  }

  const chain = options.chain ?? 'ethereum';
  const confidence = options.confidence ?? 50;
  const source = options.source ?? 'etherscan.io';
  const issues = new IssueList();
  const skipped: Record<string, number> = {};
  const labels: ImportedLabel[] = [];

  for (const [rawAddress, value] of Object.entries(data as Record<string, unknown>)) {
    const check = normalizeLabelAddress(chain, rawAddress);
    if (!check.ok) {
      issues.add({ entry: rawAddress, reason: check.reason });
      continue;
    }
    const record = (value ?? {}) as { name?: unknown; labels?: unknown };
    const name = typeof record.name === 'string' ? record.name.trim() : '';
    const words = Array.isArray(record.labels) ? record.labels.filter((w): w is string => typeof w === 'string') : [];
    const attribution = classify(name, words);
    if (attribution === undefined) {
      countSkip(skipped, 'no name and no label');
      continue;
    }
    const label: ImportedLabel = { chain, address: check.address, ...attribution, confidence, source };
    if (name && name !== attribution.entity) label.name = name;
    labels.push(label);
  }
  issues.throwIfAny('Etherscan labels');
  return { format: 'etherscan', labels, skipped };
}

/** Entity and category of one Etherscan entry, or undefined when it says nothing. */
export function classify(name: string, words: readonly string[]): { entity: string; category: LabelCategory } | undefined {
  const lower = words.map((w) => w.trim().toLowerCase());
  const has = (set: ReadonlySet<string>) => lower.some((w) => set.has(w));

  // A mixer or a hack says more about the address than an exchange slug next to it.
  for (const [rule, set] of WORD_RULES.slice(0, 2)) {
    if (!has(set)) continue;
    const category: LabelCategory = rule === 'hack' && SCAM_NAME.test(name) ? 'scam' : rule;
    return { entity: entityOf(name, lower, category), category };
  }

  const exchangeSlug = lower.find((w) => w in EXCHANGES) ?? (lower.includes('exchange') ? 'exchange' : undefined);
  if (exchangeSlug !== undefined && !(name && NOT_A_WALLET.test(name))) {
    const entity = EXCHANGES[exchangeSlug] ?? (name ? entityFromName(name) : 'exchange');
    return { entity, category: 'exchange' };
  }
  for (const [rule, set] of WORD_RULES.slice(2)) {
    if (!has(set)) continue;
    // `blocked` (frozen by a stablecoin issuer) on a named exploiter: the exploit is the news.
    const category: LabelCategory = rule === 'sanctioned' && !has(OFAC) && HACK_NAME.test(name) ? 'hack' : rule;
    return { entity: entityOf(name, lower, category), category };
  }
  if (name) {
    const exploiter = HACK_NAME.test(name) && !lower.includes('take-action') && !/hack alert/i.test(name);
    return { entity: entityFromName(name), category: exploiter ? 'hack' : 'other' };
  }
  if (lower.length > 0) return { entity: `etherscan:${lower[0]}`, category: 'other' };
  return undefined;
}

function entityOf(name: string, words: readonly string[], category: LabelCategory): string {
  if (category === 'mixer' && words.includes('tornado-cash')) return 'Tornado Cash';
  if (category === 'sanctioned' && words.includes('ofac-sanctions-lists') && (!name || name.startsWith('OFAC SDN'))) return 'OFAC SDN';
  if (name) return entityFromName(name);
  return category === 'sanctioned' ? 'Etherscan: blocked' : `etherscan:${words[0] ?? category}`;
}
