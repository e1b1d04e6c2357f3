// What a reader needs to show a chain's amounts and link its hashes: no endpoints, no limits.
import type { Config, ExplorerConfig } from '../../config';

export interface ChainDisplay {
  name: string;
  kind: string;
  nativeAsset: string;
  nativeDecimals: number;
  tokens: { address: string; symbol: string; decimals: number; issuer?: string }[];
  explorer: ExplorerConfig | null;
}

export function nativeDecimals(kind: string): number {
  return kind === 'bitcoin' ? 8 : kind === 'tron' ? 6 : 18;
}

export function chainsForDisplay(config: Config): ChainDisplay[] {
  return Object.values(config.chains).map((c) => ({
    name: c.name,
    kind: c.kind,
    nativeAsset: c.nativeAsset,
    nativeDecimals: nativeDecimals(c.kind),
    tokens: c.tokens.map((t) => ({ address: t.address, symbol: t.symbol, decimals: t.decimals, ...(t.issuer ? { issuer: t.issuer } : {}) })),
    explorer: c.explorer ?? null,
  }));
}

/** Symbol and decimals of an asset of a chain; unknown tokens keep their address and count in base units. */
export function assetDisplay(config: Config, chain: string, asset: string): { symbol: string; decimals: number } {
  const c = config.chains[chain];
  if (!c) return { symbol: asset, decimals: 0 };
  if (asset === c.nativeAsset) return { symbol: c.nativeAsset, decimals: nativeDecimals(c.kind) };
  const token = c.tokens.find((t) => t.address === asset.toLowerCase() || t.address === asset);
  return token ? { symbol: token.symbol, decimals: token.decimals } : { symbol: asset, decimals: 0 };
}
