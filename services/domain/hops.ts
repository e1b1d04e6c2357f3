// Hop distance of tainted transfers and addresses from the seeds. A path must respect
// time: a transfer's hop is one more than its sender's hop in that asset *when it was
// sent*, so money that reaches an address later by a shorter route does not shorten
// earlier hops. Assets are counted apart: a USDT trail is not shortened by an ETH one.
//
// Cost: addresses and assets are interned to small integers, hops kept per (address, asset)
// under an integer key, one sort (none when the transfers come in chain order, as the taint
// result lists them); the accounts' and addresses' hops are read from those integer keys
// (views), with no key string per account.
import { aboutToGrow, compareStrings, runSteps, runStepsSliced, sortSteps, STEP, type SliceOptions, type Steps } from './taint/steps';
import { isTransferIdOf, transferId, type Address, type Asset, type Transfer } from './types';
import { createInterner, type Interner } from './interner';
import { MapView } from './map-view';
import { accountKey, KeyedByAccount, type AccountKeyed } from './taint/types';

export interface HopInput {
  /** Tainted transfers only, any order. */
  transfers: Transfer[];
  seedTransfers: ReadonlySet<string>;
  /** Seed wallets: hop 0 in every asset. */
  sources: ReadonlySet<Address>;
  /**
   * Optional: the transferId of each of `transfers`, in the same order — the keys of a taint
   * result, say. The result then keys by these very strings instead of building new ones
   * (a million ids are ~90 MB).
   */
  transferIds?: readonly string[];
  /**
   * transferId → its hop, for transfers whose sender this input does not follow: an earlier
   * computation gave them that hop (see services/tracing/step-taint.ts). Seeds stay at 1.
   */
  fixedHops?: ReadonlyMap<string, number>;
  /**
   * Only the transfers' hops: `accountHop` and `addressHop` come back empty. A hop step needs
   * no more (services/tracing/step-taint.ts); at the bench's 100k accountHop alone was ~95,000
   * `address|asset` strings (10 MB in a heap snapshot) besides its entries.
   */
  transfersOnly?: boolean;
}

export interface HopResult {
  transferHop: Map<string, number>;
  /**
   * Smallest hop at which taint of an asset reached an address, keyed `${address}|${asset}`,
   * in the order the addresses first got a hop, each address's assets likewise.
   */
  accountHop: AccountKeyed<number>;
  /** Smallest hop over all assets (0 for sources): the sources first, then in the order the addresses first got a hop. */
  addressHop: ReadonlyMap<Address, number>;
}

export function computeHops(input: HopInput): HopResult {
  return runSteps(hopSteps(input));
}

/** The same as computeHops, giving the event loop a turn at least every `sliceMs` (default 25 ms). */
export function computeHopsSliced(input: HopInput, options: SliceOptions = {}): Promise<HopResult> {
  return runStepsSliced(hopSteps(input), options);
}

function* hopSteps(input: HopInput): Steps<HopResult> {
  const transfers = input.transfers;
  const n = transfers.length;
  // The given ids are used as they are (checked); otherwise built once, flat.
  const given = input.transferIds;
  const ids: readonly string[] = given ?? new Array<string>(n);
  const order = new Int32Array(n);
  const assetOf = new Int32Array(n);
  const assetIds = createInterner<Asset>();
  const assets = assetIds.values;
  const internAsset = assetIds.id;
  const fixedHops = input.fixedHops !== undefined && input.fixedHops.size > 0 ? input.fixedHops : null;
  if (given !== undefined && given.length !== n) {
    throw new RangeError(`computeHops: ${given.length} transferIds for ${n} transfers`);
  }
  for (let i = 0; i < n; i++) {
    const t = transfers[i]!;
    if (given === undefined) (ids as string[])[i] = transferId(t);
    else {
      if (!isTransferIdOf(given[i], t)) {
        throw new RangeError(`computeHops: transferIds[${i}] is ${JSON.stringify(given[i])}, not the id of ${transferId(t)}`);
      }
    }
    order[i] = i;
    assetOf[i] = internAsset(t.asset);
    if ((i + 1) % STEP === 0) yield;
  }
  // Stable, like the sort it replaces: copies of one transfer keep their input order.
  const sorted = yield* sortSteps(order, (a, b) => {
    const x = transfers[a]!;
    const y = transfers[b]!;
    return x.blockNumber - y.blockNumber || x.txIndex - y.txIndex || x.seq - y.seq || compareStrings(ids[a]!, ids[b]!);
  });

  const addressIndex = new Map<Address, number>();
  const addresses: Address[] = [];
  const intern = (a: Address): number => {
    let x = addressIndex.get(a);
    if (x === undefined) {
      x = addresses.length;
      addressIndex.set(a, x);
      addresses.push(a);
    }
    return x;
  };
  for (const source of input.sources) intern(source);
  const sourceCount = addresses.length;
  const isSource = (x: number) => x < sourceCount;

  const transferHop = new Map<string, number>();
  // Per (address, asset): the smallest hop so far, under the integer key address * width +
  // asset (a small integer: no boxed number per key), in the order the accounts first got a
  // hop; per address, its smallest hop over its assets.
  const hops = new Map<number, number>();
  const addressBest: number[] = [];
  let reached = 0;
  const width = assets.length;
  for (let p = 0; p < n; p++) {
    if (p % STEP === STEP - 1) yield;
    const i = sorted[p]!;
    const t = transfers[i]!;
    const id = ids[i]!;
    const asset = assetOf[i]!;
    const from = intern(t.from);
    const senderHop = isSource(from) ? 0 : hops.get(from * width + asset);
    const hop = input.seedTransfers.has(id) ? 1 : (fixedHops?.get(id) ?? (senderHop === undefined ? undefined : senderHop + 1));
    if (hop === undefined) continue;
    if (aboutToGrow(transferHop.size)) yield;
    transferHop.set(id, hop);
    if (t.to === null) continue;
    const to = intern(t.to);
    const key = to * width + asset;
    const known = hops.get(key);
    if (known === undefined) {
      if (aboutToGrow(hops.size)) yield;
      hops.set(key, hop);
    } else if (hop < known) hops.set(key, hop);
    if (isSource(to)) continue; // 0 already
    const best = addressBest[to];
    if (best === undefined) {
      reached++;
      addressBest[to] = hop;
    } else if (hop < best) addressBest[to] = hop;
  }

  if (input.transfersOnly) return { transferHop, accountHop: new KeyedByAccount<number>(), addressHop: new Map<Address, number>() };
  const index: HopIndex = { addressIndex, addresses, assetIds, width, sourceCount, hops, addressBest, reached };
  return { transferHop, accountHop: new AccountHops(index), addressHop: new AddressHops(index) };
}

/** What the account and address hops are read from. */
interface HopIndex {
  addressIndex: ReadonlyMap<Address, number>;
  addresses: readonly Address[];
  assetIds: Interner<Asset>;
  width: number;
  /** The first `sourceCount` addresses are the sources, at hop 0 in every asset. */
  sourceCount: number;
  /** address * width + asset -> the account's smallest hop (a source's is read as 0), in the order the accounts first got one. */
  hops: ReadonlyMap<number, number>;
  /** Per non-source address that got a hop: its smallest. */
  addressBest: readonly (number | undefined)[];
  /** How many non-source addresses got a hop. */
  reached: number;
}

/** The addresses that first got a hop in the order they did, each with its assets in the order they did. */
function* accountsInOrder(at: HopIndex): Generator<[number, number[]]> {
  const byAddress = new Map<number, number[]>();
  for (const key of at.hops.keys()) {
    const x = Math.floor(key / at.width);
    const list = byAddress.get(x);
    if (list === undefined) byAddress.set(x, [key - x * at.width]);
    else list.push(key - x * at.width);
  }
  yield* byAddress;
}

class AccountHops extends MapView<string, number> implements AccountKeyed<number> {
  constructor(private readonly at: HopIndex) {
    super();
  }

  get size(): number {
    return this.at.hops.size;
  }

  of(address: Address, asset: Asset): number | undefined {
    const x = this.at.addressIndex.get(address);
    const y = this.at.assetIds.get(asset);
    if (x === undefined || y === undefined) return undefined;
    const hop = this.at.hops.get(x * this.at.width + y);
    return hop === undefined || x >= this.at.sourceCount ? hop : 0;
  }

  get(key: string): number | undefined {
    const bar = key.indexOf('|');
    return bar < 0 ? undefined : this.of(key.slice(0, bar), key.slice(bar + 1));
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  *entries(): MapIterator<[string, number]> {
    for (const [x, assets] of accountsInOrder(this.at)) {
      for (const y of assets) {
        yield [accountKey(this.at.addresses[x]!, this.at.assetIds.values[y]!), x < this.at.sourceCount ? 0 : this.at.hops.get(x * this.at.width + y)!];
      }
    }
  }
}

class AddressHops extends MapView<Address, number> {
  constructor(private readonly at: HopIndex) {
    super();
  }

  get size(): number {
    return this.at.sourceCount + this.at.reached;
  }

  get(address: Address): number | undefined {
    const x = this.at.addressIndex.get(address);
    if (x === undefined) return undefined;
    return x < this.at.sourceCount ? 0 : this.at.addressBest[x];
  }

  has(address: Address): boolean {
    return this.get(address) !== undefined;
  }

  *entries(): MapIterator<[Address, number]> {
    for (let x = 0; x < this.at.sourceCount; x++) yield [this.at.addresses[x]!, 0];
    for (const [x] of accountsInOrder(this.at)) if (x >= this.at.sourceCount) yield [this.at.addresses[x]!, this.at.addressBest[x]!];
  }
}
