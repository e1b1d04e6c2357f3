// Which addresses have a ledger, and when. A ledger only sees transfers inside its window
// (blockNumber >= fromBlock): before it, the opening balance already accounts for them.
import type { Address, Asset, TaintModel } from '../../../services/domain/types';
import { createLedger, type Ledger } from './ledger';
import type { AccountRole, LedgerSpec, TaintInput } from './types';

export interface LedgerBook {
  role(address: Address): AccountRole;
  isSource(address: Address): boolean;
  /** The ledger of (address, asset) if it is tracked at this block; created on first use. */
  at(address: Address, asset: Asset, blockNumber: number): Ledger | null;
  /** Tainted opening balances of sources, in a fixed order (address, then asset). */
  taintedOpenings(): { address: Address; asset: Asset; amount: bigint }[];
  /** The tainted balance of (address, asset) at this point; 0 without a ledger. */
  taintedHeld(address: Address, asset: Asset): bigint;
}

export function createLedgerBook(input: Pick<TaintInput, 'model' | 'ledgers' | 'stops'>): LedgerBook {
  const specs = new Map<Address, LedgerSpec>();
  for (const [address, spec] of input.ledgers) {
    for (const [asset, amount] of spec.opening) {
      if (typeof amount !== 'bigint' || amount < 0n) {
        throw new RangeError(`ledger ${address}: opening ${asset} must be a non-negative bigint`);
      }
    }
    // A stop absorbs; tracking its balance would only let taint leave it.
    if (!input.stops.has(address)) specs.set(address, spec);
  }
  // Per address, then per asset: no key string is built per transfer (the hot path).
  const ledgers = new Map<Address, Map<Asset, Ledger>>();

  const open = (model: TaintModel, address: Address, asset: Asset, spec: LedgerSpec): Ledger => {
    let byAsset = ledgers.get(address);
    if (byAsset === undefined) {
      byAsset = new Map();
      ledgers.set(address, byAsset);
    }
    let ledger = byAsset.get(asset);
    if (ledger === undefined) {
      ledger = createLedger(model, spec.opening.get(asset) ?? 0n, spec.source);
      byAsset.set(asset, ledger);
    }
    return ledger;
  };

  return {
    role: (address) => (input.stops.has(address) ? 'stop' : specs.has(address) ? 'ledger' : 'untracked'),
    isSource: (address) => specs.get(address)?.source === true,
    at(address, asset, blockNumber) {
      const spec = specs.get(address);
      if (spec === undefined || blockNumber < spec.fromBlock) return null;
      return open(input.model, address, asset, spec);
    },
    taintedOpenings() {
      const out: { address: Address; asset: Asset; amount: bigint }[] = [];
      for (const address of [...specs.keys()].sort(byString)) {
        const spec = specs.get(address)!;
        if (!spec.source) continue;
        for (const asset of [...spec.opening.keys()].sort(byString)) {
          const amount = spec.opening.get(asset)!;
          if (amount > 0n) out.push({ address, asset, amount });
        }
      }
      return out;
    },
    taintedHeld(address, asset) {
      const spec = specs.get(address);
      return spec === undefined ? 0n : open(input.model, address, asset, spec).taintedHeld();
    },
  };
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
