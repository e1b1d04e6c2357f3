// A new case whose seeds name their chain (`{chain, txHash}`…) and span several chains, or
// whose chain is "multi": split into one case input per chain, each validated as an ordinary
// case, so nothing is written unless every chain's part is valid.
import { chainConfig, type Config } from '../../config';
import { MULTI_CHAIN } from '../domain/multi-chain-report';
import { BadRequestError, InvalidInputError } from '../errors';
import { validateCaseInput, type AddressNormalizer, type CaseInput } from './case-input';

export interface MultiChainInput {
  parent: CaseInput;
  /** One ordinary case input per chain, by chain name order. */
  parts: CaseInput[];
}

/** Null when the body is an ordinary one-chain case. */
export function splitMultiChainInput(config: Config, normalize: AddressNormalizer, raw: unknown): MultiChainInput | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const body = raw as Record<string, unknown>;
  if (!Array.isArray(body.seeds)) return null;
  const seeds = body.seeds as unknown[];
  const chainOf = (seed: unknown, i: number): string => {
    const named = seed && typeof seed === 'object' && !Array.isArray(seed) ? (seed as Record<string, unknown>).chain : undefined;
    if (named !== undefined && typeof named !== 'string') throw new BadRequestError(`seeds[${i}].chain must be a string`);
    const chain = named ?? (body.chain === MULTI_CHAIN ? undefined : body.chain);
    if (typeof chain !== 'string') throw new InvalidInputError(`seeds[${i}] needs a chain: the case is on several chains`);
    if (chain === MULTI_CHAIN) throw new InvalidInputError(`seeds[${i}].chain must name a chain`);
    chainConfig(config, chain); // an unknown chain is refused by name
    return chain;
  };
  const named = seeds.some((s) => s && typeof s === 'object' && 'chain' in (s as object));
  if (!named && body.chain !== MULTI_CHAIN) return null;
  if (body.chain !== undefined && typeof body.chain !== 'string') throw new BadRequestError('chain must be a string');

  const groups = new Map<string, unknown[]>();
  seeds.forEach((seed, i) => {
    const chain = chainOf(seed, i);
    const { chain: _chain, ...rest } = seed as Record<string, unknown>;
    groups.set(chain, [...(groups.get(chain) ?? []), rest]);
  });
  if (groups.size === 1 && body.chain !== MULTI_CHAIN) {
    // Every seed on one chain: an ordinary case.
    const [[chain, only]] = [...groups];
    return { parent: validateCaseInput(config, normalize, { ...body, chain, seeds: only }), parts: [] };
  }
  if (body.fromBlock != null || body.toBlock != null) {
    throw new InvalidInputError('fromBlock and toBlock are block numbers of one chain: leave them out of a case on several chains');
  }
  const assets = Array.isArray(body.assets) ? (body.assets as unknown[]) : null;
  const used = new Set<unknown>();
  const parts = [...groups.keys()].sort().map((chain) => {
    const native = chainConfig(config, chain).nativeAsset;
    // Each chain traces the assets that are its own: its native symbol or a token address it accepts.
    const own = assets?.filter((a) => typeof a === 'string' && (a.toUpperCase() === native || accepts(normalize, chain, a)));
    for (const a of own ?? []) used.add(a);
    return validateCaseInput(config, normalize, { ...body, chain, seeds: groups.get(chain), ...(assets ? { assets: own } : {}) });
  });
  const unused = (assets ?? []).filter((a) => !used.has(a));
  if (unused.length > 0) throw new InvalidInputError(`assets not on any of the case's chains: ${unused.map(String).join(', ')}`);
  const parent: CaseInput = { ...parts[0]!, chain: MULTI_CHAIN, seeds: [], fromBlock: null, toBlock: null, assets: null };
  return { parent, parts };
}

function accepts(normalize: AddressNormalizer, chain: string, asset: string): boolean {
  try {
    normalize(chain, asset);
    return true;
  } catch {
    return false;
  }
}
