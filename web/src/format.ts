// Amounts are integer base units in strings; people read them in display units with a symbol.
import type { ChainDisplay, Asset } from './types';

export function formatUnits(amount: string | bigint | number | null | undefined, decimals: number): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  let value: bigint;
  try {
    value = BigInt(amount);
  } catch {
    return String(amount);
  }
  const negative = value < 0n;
  const abs = negative ? -value : value;
  if (!decimals) return (negative ? '-' : '') + group(abs.toString());
  const base = 10n ** BigInt(decimals);
  const whole = group((abs / base).toString());
  let fraction = (abs % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  if (fraction.length > 6 && abs / base > 0n) fraction = fraction.slice(0, 6).replace(/0+$/, '');
  return (negative ? '-' : '') + whole + (fraction ? '.' + fraction : '');
}

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Display units → base units (exact; refuses more decimals than the asset has). */
export function parseUnits(text: string, decimals: number): bigint {
  const s = text.trim().replace(/,/g, '');
  if (!/^\d+(\.\d+)?$/.test(s)) throw new Error(`"${text}" is not an amount`);
  const [whole, fraction = ''] = s.split('.') as [string, string?];
  if (fraction.length > decimals) throw new Error(`"${text}" has more than ${decimals} decimals`);
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt((fraction || '').padEnd(decimals, '0') || '0');
}

export function shortHash(value: string, keep = 6): string {
  return value.length > keep * 2 + 3 ? `${value.slice(0, keep + 2)}…${value.slice(-keep)}` : value;
}

export function percent(share: number | undefined): string {
  return typeof share === 'number' ? `${(share * 100).toFixed(share < 0.001 ? 3 : 1)} %` : '—';
}

export function dateTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

/** The assets a case shows: the report's own symbols and decimals first, then the chain's configuration. */
export class AssetBook {
  private known = new Map<string, Asset>();
  constructor(private chain: ChainDisplay | undefined) {}

  learn(asset: string, symbol?: unknown, decimals?: unknown): void {
    if (typeof symbol === 'string' && typeof decimals === 'number') this.known.set(asset.toLowerCase(), { asset, symbol, decimals });
  }

  get(asset: string): Asset {
    const hit = this.known.get(asset.toLowerCase());
    if (hit) return hit;
    const c = this.chain;
    if (c && asset === c.nativeAsset) return { asset, symbol: c.nativeAsset, decimals: c.nativeDecimals };
    const token = c?.tokens.find((t) => t.address.toLowerCase() === asset.toLowerCase());
    if (token) return { asset, symbol: token.symbol, decimals: token.decimals };
    return { asset, symbol: shortHash(asset, 4), decimals: 0 };
  }

  amount(value: string | bigint | null | undefined, asset: string): string {
    const a = this.get(asset);
    return `${formatUnits(value, a.decimals)} ${a.symbol}`;
  }

  explorerTx(tx: string): string | null {
    return this.chain?.explorer ? this.chain.explorer.tx.replace('{tx}', encodeURIComponent(tx)) : null;
  }
  explorerAddress(address: string): string | null {
    return this.chain?.explorer ? this.chain.explorer.address.replace('{address}', encodeURIComponent(address)) : null;
  }
}
