// Hop distance of tainted transfers and addresses from the seeds. A path must respect
// time: a transfer's hop is one more than its sender's hop in that asset *when it was
// sent*, so money that reaches an address later by a shorter route does not shorten
// earlier hops. Assets are counted apart: a USDT trail is not shortened by an ETH one.
import { compareChainOrder, transferId, type Address, type Asset, type Transfer } from '../../../services/domain/types';

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
  const ordered = input.transfers.map((t) => ({ t, id: transferId(t) }));
  ordered.sort((a, b) => compareChainOrder(a.t, b.t) || cmp(a.id, b.id));
  const transferHop = new Map<string, number>();
  // Per address, then per asset while walking (no key string per transfer); keyed
  // `${address}|${asset}` only in the result.
  const hops = new Map<Address, Map<Asset, number>>();
  const addressHop = new Map<Address, number>();
  for (const source of input.sources) addressHop.set(source, 0);
  const hopOf = (address: Address, asset: Asset) => (input.sources.has(address) ? 0 : hops.get(address)?.get(asset));
  for (const { t, id } of ordered) {
    const senderHop = hopOf(t.from, t.asset);
    const hop = input.seedTransfers.has(id) ? 1 : senderHop === undefined ? undefined : senderHop + 1;
    if (hop === undefined) continue;
    transferHop.set(id, hop);
    if (t.to === null) continue;
    let byAsset = hops.get(t.to);
    if (byAsset === undefined) {
      byAsset = new Map();
      hops.set(t.to, byAsset);
    }
    if (!(byAsset.get(t.asset)! <= hop)) byAsset.set(t.asset, hop);
    if (!(addressHop.get(t.to)! <= hop)) addressHop.set(t.to, hop);
  }
  const accountHop = new Map<string, number>();
  for (const [address, byAsset] of hops) {
    const source = input.sources.has(address);
    for (const [asset, hop] of byAsset) accountHop.set(`${address}|${asset}`, source ? 0 : hop);
  }
  return { transferHop, accountHop, addressHop };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
