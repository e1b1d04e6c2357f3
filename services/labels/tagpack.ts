// GraphSense TagPack YAML → labels. Header fields (everything but `tags`) are inherited by
// every tag; a tag's own fields override them. Public packs are curated by others and do
// hold a few broken addresses (a TRON address under `currency: BTC`, a lower-cased base58
// one, an Avalanche X-chain address under AVAX), so tags on chains tracehold cannot name
// and tags whose address is not one of their chain are skipped and counted (with the
// first few in `skippedExamples`), unless `strict`. A pack-level fault (an unknown
// confidence level, a tag with neither label nor actor) fails the whole file.
import YAML from 'yaml';
import { DEFAULT_LABEL_CONFIDENCE, entityFromName } from '../domain/attribution';
import { BadRequestError, InvalidInputError } from '../errors';
import { chainOfAddressShape, normalizeLabelAddress } from './address';
import { scanFlatTagPack } from './flat-yaml';
import { OFAC_ENTITY } from './ofac';
import { IssueList, MAX_SKIPPED_EXAMPLES, countSkip, type ImportedLabel, type LabelIssue, type ParsedLabels } from './result';
import { MULTI_CHAIN_CURRENCIES, categoryOfGraphSense, chainOfCurrency, parseConfidence } from './vocabulary';

export interface TagPackOptions {
  /** Actor id → display name (from `parseActorPack`); a few well-known exchanges are built in. */
  actors?: ReadonlyMap<string, string>;
  /** `source` for tags that have none. */
  defaultSource?: string;
  /** Fail on a bad address instead of skipping the tag. */
  strict?: boolean;
  /** Use the fast flat reader when the file allows it (default true; false forces the `yaml` package). */
  fastPath?: boolean;
}

// Display names of actors found in public packs, used when no ActorPack is given, so that
// `actor: okex` gives entity `OKX` rather than the pack's `okx reserves wallets`.
const KNOWN_ACTORS: Record<string, string> = {
  binance: 'Binance', bitfinex: 'Bitfinex', bitmex: 'BitMEX', bitstamp: 'Bitstamp', bittrex: 'Bittrex',
  bybit: 'Bybit', coinbase: 'Coinbase', cryptocom: 'Crypto.com', deribit: 'Deribit', gemini: 'Gemini',
  huobi: 'Huobi', kraken: 'Kraken', kucoin: 'KuCoin', okex: 'OKX', okx: 'OKX', poloniex: 'Poloniex',
  swissborg: 'SwissBorg', tornado: 'Tornado Cash', lazarusgroup: 'Lazarus Group',
  blenderio: 'Blender.io', sinbadio: 'Sinbad.io',
};

const SANCTIONS_LIST = /\bOFAC\b|sanctions? list/i;

/** Parse a TagPack: all or nothing, apart from the counted skips (unknown chains, and bad addresses unless `strict`). */
export function parseTagPack(text: string, options: TagPackOptions = {}): ParsedLabels {
  const doc = readYaml(text, options.fastPath ?? true);
  const tags = doc['tags'];
  if (!Array.isArray(tags)) throw new InvalidInputError('TagPack: no `tags:` list');

  const header = new Map<string, string>();
  for (const [key, value] of Object.entries(doc)) if (typeof value === 'string' && value.trim()) header.set(key, value.trim());

  // Packs repeat the same few values on every tag: look each one up once.
  const chainOf = memo((currency: string) => chainOfCurrency(currency));
  const confidenceOf = memo((text: string) => parseConfidence(text));
  const categoryOf = memo((key: string) => {
    const [category, abuse] = key.split('\u0000');
    return categoryOfGraphSense(category || undefined, abuse || undefined);
  });
  const issues = new IssueList();
  const skipped: Record<string, number> = {};
  const skippedExamples: LabelIssue[] = [];
  const labels: ImportedLabel[] = [];
  const packMentionsSanctions = SANCTIONS_LIST.test(header.get('title') ?? '');

  tags.forEach((tag: unknown, position) => {
    const entry = `tags[${position}]`;
    if (tag === null || typeof tag !== 'object' || Array.isArray(tag)) {
      issues.add({ entry, reason: 'a tag must be a map' });
      return;
    }
    const own = tag as Record<string, unknown>;
    const field = (key: string): string | undefined => {
      const value = own[key];
      if (typeof value === 'string' && value.trim()) return value.trim();
      return header.get(key);
    };

    const rawAddress = field('address');
    if (rawAddress === undefined) {
      issues.add({ entry, reason: 'no address' });
      return;
    }
    const currency = field('network') ?? field('currency');
    if (currency === undefined) {
      countSkip(skipped, 'no currency or network');
      return;
    }
    let chain = chainOf(currency);
    if (chain === undefined && MULTI_CHAIN_CURRENCIES.has(currency.toUpperCase())) {
      const shape = chainOfAddressShape(rawAddress);
      if (shape !== 'bitcoin') chain = shape;
    }
    if (chain === undefined) {
      countSkip(skipped, `currency ${currency.toUpperCase()}`);
      return;
    }

    const problems: string[] = [];
    const check = normalizeLabelAddress(chain, rawAddress);
    if (!check.ok) {
      if (options.strict) {
        problems.push(check.reason);
      } else {
        countSkip(skipped, `invalid ${chain} address`);
        if (skippedExamples.length < MAX_SKIPPED_EXAMPLES) skippedExamples.push({ entry, reason: check.reason });
        return;
      }
    }

    const name = field('label');
    const actor = field('actor');
    const actorName = actor === undefined ? undefined : options.actors?.get(actor) ?? KNOWN_ACTORS[actor.toLowerCase()];
    const entity = actorName ?? (name !== undefined ? entityFromName(name) : actor);
    if (entity === undefined) problems.push('no label or actor');

    let confidence = DEFAULT_LABEL_CONFIDENCE;
    const confidenceText = field('confidence');
    if (confidenceText !== undefined) {
      const parsed = confidenceOf(confidenceText);
      if (parsed.ok) confidence = parsed.value;
      else problems.push(parsed.reason);
    }

    if (problems.length > 0 || !check.ok || entity === undefined) {
      issues.add({ entry: `${entry} (${rawAddress})`, reason: problems.join(', ') });
      return;
    }
    let category = categoryOf(`${field('category') ?? ''}\u0000${field('abuse') ?? ''}`);
    let labelEntity = entity;
    // INTERPOL's OFAC pack says `category: user` and nothing else; its title is the attribution.
    if (category === 'other' && (packMentionsSanctions || SANCTIONS_LIST.test(name ?? ''))) {
      category = 'sanctioned';
      if (actorName === undefined) labelEntity = OFAC_ENTITY;
    }
    const label: ImportedLabel = { chain, address: check.address, entity: labelEntity, category, confidence };
    const source = field('source') ?? options.defaultSource;
    if (source !== undefined) label.source = source;
    if (name !== undefined && name !== labelEntity) label.name = name;
    labels.push(label);
  });

  issues.throwIfAny(`TagPack${header.has('title') ? ` "${header.get('title')}"` : ''}`);
  const result: ParsedLabels = { format: 'tagpack', labels, skipped };
  if (skippedExamples.length > 0) result.skippedExamples = skippedExamples;
  return result;
}

/** Actor id → label from a GraphSense ActorPack (`actors:` list of `{id, label}`). */
export function parseActorPack(text: string): Map<string, string> {
  const doc = readYaml(text, false);
  const actors = doc['actors'];
  if (!Array.isArray(actors)) throw new InvalidInputError('ActorPack: no `actors:` list');
  const names = new Map<string, string>();
  for (const actor of actors as unknown[]) {
    if (actor === null || typeof actor !== 'object') continue;
    const { id, label } = actor as Record<string, unknown>;
    if (typeof id === 'string' && typeof label === 'string' && label.trim()) names.set(id, label.trim());
  }
  return names;
}

/** The top-level map of a YAML document, every scalar a string (failsafe schema). */
function readYaml(text: string, fastPath: boolean): Record<string, unknown> {
  if (fastPath) {
    const flat = scanFlatTagPack(text);
    if (flat !== null) return flat;
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text, { schema: 'failsafe', prettyErrors: true });
  } catch (error) {
    throw new BadRequestError(`YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidInputError('YAML: the document is not a map');
  return doc as Record<string, unknown>;
}

function memo<T>(compute: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined && !cache.has(key)) {
      value = compute(key);
      cache.set(key, value);
    }
    return value as T;
  };
}
