// Only payments count. A transfer moves value of a traced asset from one address to another,
// or it is noise the tracer must not read anything into:
// - a transfer from an address to itself moves nothing (its fee, a separate transfer, does);
// - a zero-value transfer moves nothing, and costs an attacker nothing to forge
//   (`transferFrom(victim, lookalike, 0)` is the address-poisoning classic);
// - a transfer of an asset the case does not trace: any contract can emit `Transfer` events
//   naming any addresses, so a token nobody asked for is not evidence of anything.
// Every judgement (taint, deposit heuristic, service-like fan-in/out, counterparties) reads
// transfers through `isPayment`, so one rule holds everywhere.
import type { Asset, Transfer } from './types';

/** The assets a case traces; null: every asset. */
export type AssetScope = ReadonlySet<Asset> | null;

export type TransferClass = 'payment' | 'self-transfer' | 'zero-value' | 'untraced-asset';

export function classifyTransfer(t: Pick<Transfer, 'asset' | 'amount' | 'from' | 'to'>, assets: AssetScope): TransferClass {
  if (assets !== null && !assets.has(t.asset)) return 'untraced-asset';
  if (t.amount === 0n) return 'zero-value';
  if (t.to !== null && sameAddress(t.from, t.to)) return 'self-transfer';
  return 'payment';
}

export function isPayment(t: Pick<Transfer, 'asset' | 'amount' | 'from' | 'to'>, assets: AssetScope): boolean {
  return classifyTransfer(t, assets) === 'payment';
}

/** How many transfers were left out, by reason. */
export interface IgnoredTransfers {
  selfTransfers: number;
  zeroValue: number;
  untracedAssets: number;
}

export function countIgnored(transfers: Iterable<Pick<Transfer, 'asset' | 'amount' | 'from' | 'to'>>, assets: AssetScope): IgnoredTransfers {
  const counts: IgnoredTransfers = { selfTransfers: 0, zeroValue: 0, untracedAssets: 0 };
  for (const t of transfers) {
    const c = classifyTransfer(t, assets);
    if (c === 'self-transfer') counts.selfTransfers++;
    else if (c === 'zero-value') counts.zeroValue++;
    else if (c === 'untraced-asset') counts.untracedAssets++;
  }
  return counts;
}

// EVM hex compares case-insensitively; base58 (tron, legacy bitcoin) does not, and a
// lower-cased base58 string is a different address, so only hex is folded.
function sameAddress(a: string, b: string): boolean {
  return a === b || (a.startsWith('0x') && b.startsWith('0x') && a.toLowerCase() === b.toLowerCase());
}
