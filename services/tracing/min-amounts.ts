// Minimum tainted amounts worth following, per asset. Analysts think in display units
// ("100 USDT", "0.05 ETH"), and one base-unit figure for every asset is meaningless: 0.01 ETH
// in wei is 10,000 USDT in USDT's units. So minimums are given per asset — by symbol (the
// chain's native symbol, or a token listed in config) or by token address — in display units,
// converted to base units with that asset's decimals. The chain's config may set defaults
// (`minAmounts` in config/chains.json); a case's own figure for an asset wins.
import type { ChainConfig } from '../../config';
import type { Asset } from '../domain/types';
import { InvalidInputError } from '../errors';

/** A minimum as given: an asset key (symbol or address) and a display amount. */
export interface MinAmountEntry {
  key: string;
  display: string;
}

/** Decimals of the chain's native coin. */
export function nativeDecimals(chain: Pick<ChainConfig, 'kind'>): number {
  return chain.kind === 'bitcoin' ? 8 : chain.kind === 'tron' ? 6 : 18;
}

/** "0.05" with 18 decimals → 50000000000000000n. More fraction digits than decimals is an error. */
export function toBaseUnits(display: string, decimals: number, what: string): bigint {
  const m = /^(\d{1,78})(?:\.(\d+))?$/.exec(display.trim());
  if (!m) throw new InvalidInputError(`${what} must be a non-negative decimal amount in display units, e.g. 100 or 0.05; got "${display}"`);
  const fraction = m[2] ?? '';
  if (fraction.length > decimals) throw new InvalidInputError(`${what} has ${fraction.length} decimals; the asset has ${decimals}`);
  return BigInt(m[1]! + fraction.padEnd(decimals, '0'));
}

/**
 * The asset a key names on this chain, and its decimals when config knows them (native coin,
 * listed token); a token address config does not list comes back with decimals null.
 */
export function assetOfKey(chain: ChainConfig, key: string, normalize: (address: string) => string): { asset: Asset; decimals: number | null } {
  if (key.toUpperCase() === chain.nativeAsset.toUpperCase()) return { asset: chain.nativeAsset, decimals: nativeDecimals(chain) };
  const bySymbol = chain.tokens.filter((t) => t.symbol.toUpperCase() === key.toUpperCase());
  if (bySymbol.length === 1) return { asset: bySymbol[0]!.address, decimals: bySymbol[0]!.decimals };
  if (bySymbol.length > 1) throw new InvalidInputError(`minimum amount: symbol ${key} names ${bySymbol.length} tokens on ${chain.name}; use the token address`);
  let asset: Asset;
  try {
    asset = normalize(key);
  } catch {
    const known = [chain.nativeAsset, ...chain.tokens.map((t) => t.symbol)].join(', ');
    throw new InvalidInputError(`minimum amount: "${key}" is neither a known symbol on ${chain.name} (${known}) nor a token address`);
  }
  const listed = chain.tokens.find((t) => t.address === asset.toLowerCase());
  return { asset: listed?.address ?? asset, decimals: listed?.decimals ?? null };
}

/**
 * Base-unit minimums per asset. `decimalsOf` is asked only for token addresses config does not
 * list (the token contract says); a token with no decimals is refused.
 */
export async function resolveMinAmounts(
  chain: ChainConfig, entries: readonly MinAmountEntry[], normalize: (address: string) => string,
  decimalsOf: (asset: Asset) => Promise<number | null>,
): Promise<Map<Asset, bigint>> {
  const out = new Map<Asset, bigint>();
  for (const { key, display } of entries) {
    const { asset, decimals } = assetOfKey(chain, key, normalize);
    const d = decimals ?? (await decimalsOf(asset));
    if (d === null) throw new InvalidInputError(`minimum amount for ${key}: the token states no decimals; list it in config`);
    out.set(asset, toBaseUnits(display, d, `minimum amount for ${key}`));
  }
  return out;
}

/** The chain's default minimums (config/chains.json `minAmounts`), in base units; only native and listed symbols. */
export function defaultMinAmounts(chain: ChainConfig): Map<Asset, bigint> {
  const out = new Map<Asset, bigint>();
  for (const [key, display] of Object.entries(chain.minAmounts ?? {})) {
    const { asset, decimals } = assetOfKey(chain, key, (a) => a.toLowerCase());
    if (decimals !== null) out.set(asset, toBaseUnits(display, decimals, `chains.${chain.name}.minAmounts.${key}`));
  }
  return out;
}

/**
 * The minimum for each asset in a trace: the case's own figure for it, else the case's
 * legacy all-asset base-unit figure (when not 0), else the chain's default; null: none.
 */
export function minAmountOf(caseAmounts: ReadonlyMap<Asset, bigint>, legacy: bigint, defaults: ReadonlyMap<Asset, bigint>): (asset: Asset) => bigint | null {
  return (asset) => caseAmounts.get(asset) ?? (legacy > 0n ? legacy : null) ?? defaults.get(asset) ?? null;
}
