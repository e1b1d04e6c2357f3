// Hop distance of tainted transfers and addresses from the seeds. A path must respect
// time: a transfer's hop is one more than its sender's hop in that asset *when it was
// sent*, so money that reaches an address later by a shorter route does not shorten
// earlier hops. Assets are counted apart: a USDT trail is not shortened by an ETH one.
import { compareChainOrder, transferId, type Address, type Asset, type Transfer } from './types';

export interface HopInput {
  /** Tainted transfers only, any order. */
  transfers: Transfer[];
  seedTransfers: ReadonlySet<string>;
  /** Seed wallets: hop 0 in every asset. */
  sources: ReadonlySet<Address>;
}

export interface HopResult {
  transferHop: Map<string, number>;
  /** Smallest hop at which taint of an asset reached an address, keyed `${address}|${asset}`. */
  accountHop: Map<string, number>;
  /** Smallest hop over all assets (0 for sources). */
  addressHop: Map<Address, number>;
}

export function computeHops(input: HopInput): HopResult {
  const sorted = [...input.transfers].sort((a, b) => compareChainOrder(a, b) || cmp(transferId(a), transferId(b)));
  const transferHop = new Map<string, number>();
  const accountHop = new Map<string, number>();
  const addressHop = new Map<Address, number>();
  for (const source of input.sources) addressHop.set(source, 0);
  const hopOf = (address: Address, asset: Asset) => (input.sources.has(address) ? 0 : accountHop.get(`${address}|${asset}`));
  for (const t of sorted) {
    const id = transferId(t);
    const senderHop = hopOf(t.from, t.asset);
    const hop = input.seedTransfers.has(id) ? 1 : senderHop === undefined ? undefined : senderHop + 1;
    if (hop === undefined) continue;
    transferHop.set(id, hop);
    if (t.to === null) continue;
    const k = `${t.to}|${t.asset}`;
    if (!(accountHop.get(k)! <= hop)) accountHop.set(k, hop);
    if (!(addressHop.get(t.to)! <= hop)) addressHop.set(t.to, hop);
  }
  for (const source of input.sources) {
    for (const k of accountHop.keys()) if (k.startsWith(`${source}|`)) accountHop.set(k, 0);
  }
  return { transferHop, accountHop, addressHop };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
