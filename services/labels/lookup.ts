// What tracehold knows about one address: every label stored for it, whether a trace stops
// there, and the shared service-like verdict with its evidence (migration 040). The address is
// checked with its chain's own parser, so a mistyped checksum is an error, not an empty answer.
import { getAddress } from 'ethers';
import { chainConfig, type Config } from '../../config';
import { normalizeBitcoinAddress, networkOf } from '../chains/bitcoin/script';
import { normalizeEvmAddress } from '../chains/evm/address';
import { normalizeTronAddress } from '../chains/tron/address';
import { BadRequestError, InvalidInputError, NotFoundError } from '../errors';
import type { LabelCategory } from '../domain/types';
import type { Store } from '../store';

export interface AddressLabel {
  entity: string;
  category: LabelCategory;
  /** 0..100; null: the source gave none. */
  confidence: number | null;
  source: string | null;
  importedAt: Date;
}

export interface AddressLookup {
  chain: string;
  /** The address as labels and reports store it (lower-case hex for EVM, lower-case bech32, `T…`). */
  address: string;
  /** EIP-55 form, for EVM chains. */
  checksumAddress: string | null;
  /** Highest confidence first. */
  labels: AddressLabel[];
  /** A trace stops here: one of its labels is of a stop category (whatever the others say). */
  stop: boolean;
  /** The recorded service-like verdict and what it rests on; null: never judged one. */
  serviceLike: { counterparties: number; fromBlock: number; toBlock: number; assets: string[] | null } | null;
}

/** The address in its chain's canonical form, or a 400 saying what is wrong with it. */
export function parseChainAddress(config: Config, chain: string, raw: string): string {
  const kind = chainKind(config, chain);
  try {
    if (kind === 'bitcoin') return normalizeBitcoinAddress(raw, networkOf('bitcoin'));
    if (kind === 'tron') return normalizeTronAddress(raw);
    return normalizeEvmAddress(raw);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new BadRequestError(`${chain}: ${error.message}`, { details: { chain, address: raw } });
    throw error;
  }
}

function chainKind(config: Config, chain: string): 'evm' | 'bitcoin' | 'tron' {
  try {
    return chainConfig(config, chain).kind;
  } catch (error) {
    // A chain is named in the path: one not configured names nothing.
    if (error instanceof InvalidInputError) throw new NotFoundError(error.message, { details: { chain, configured: Object.keys(config.chains) } });
    throw error;
  }
}

export async function lookupAddress(deps: { config: Config; store: Store }, chain: string, raw: string): Promise<AddressLookup> {
  const address = parseChainAddress(deps.config, chain, raw);
  const [labels, verdicts] = await Promise.all([
    deps.store.labels.lookup(chain, [address]),
    deps.store.chainData.serviceLikeEvidence(chain, [address]),
  ]);
  const rows = labels.get(address) ?? [];
  const stops = new Set<string>(deps.config.tracing.stopCategories);
  const verdict = verdicts[0];
  return {
    chain,
    address,
    checksumAddress: chainKind(deps.config, chain) === 'evm' ? getAddress(address) : null,
    labels: rows.map((l) => ({ entity: l.entity, category: l.category, confidence: l.confidence ?? null, source: l.source ?? null, importedAt: l.importedAt })),
    stop: rows.some((l) => stops.has(l.category)),
    serviceLike: verdict ? { counterparties: verdict.counterparties, fromBlock: verdict.fromBlock, toBlock: verdict.toBlock, assets: verdict.assets } : null,
  };
}
