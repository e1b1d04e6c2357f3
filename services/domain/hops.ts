// Hop distance of tainted transfers and addresses from the seeds. A path must respect
// time: a transfer's hop is one more than its sender's hop in that asset *when it was
// sent*, so money that reaches an address later by a shorter route does not shorten
// earlier hops. Assets are counted apart: a USDT trail is not shortened by an ETH one.
//
// Cost: addresses and assets are interned to small integers, hops kept per (address, asset)
// under an integer key, one sort (none when the transfers come in chain order, as the taint
// result lists them); string keys are built only for the result.
import { aboutToGrow, compareStrings, runSteps, runStepsSliced, sortSteps, STEP, type SliceOptions, type Steps } from './taint/steps';
import { flatJoin, isTransferIdOf, transferId, type Address, type Asset, type Transfer } from './types';
import { createInterner } from './interner';

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
  /**
   * Optional: the accounts of a taint result over these transfers. `accountHop` is then keyed
   * by their very `${address}|${asset}` strings, not new ones (~95,000 at the bench's 100k:
   * 10 MB of a hop step's heap in a snapshot, as many in the final step's).
   */
  accountKeys?: ReadonlyMap<string, { address: Address; asset: Asset }>;
}

export interface HopResult {
  transferHop: Map<string, number>;
  /** Smallest hop at which taint of an asset reached an address, keyed `${address}|${asset}`. */
  accountHop: Map<string, number>;
  /** Smallest hop over all assets (0 for sources). */
  addressHop: Map<Address, number>;
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
  // asset (a small integer: no boxed number per key); per address, its assets in the order
  // they got a hop.
  const hops = new Map<number, number>();
  const assetsOf: (number[] | undefined)[] = [];
  const accountOrder: number[] = [];
  /** Non-source addresses in the order they first got a hop, with their smallest hop. */
  const reached: number[] = [];
  const addressBest: number[] = [];
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
      const list = assetsOf[to];
      if (list === undefined) {
        assetsOf[to] = [asset];
        accountOrder.push(to);
      } else list.push(asset);
      hops.set(key, hop);
    } else if (hop < known) hops.set(key, hop);
    if (isSource(to)) continue; // 0 already
    const best = addressBest[to];
    if (best === undefined) {
      reached.push(to);
      addressBest[to] = hop;
    } else if (hop < best) addressBest[to] = hop;
  }

  const accountHop = new Map<string, number>();
  const addressHop = new Map<Address, number>();
  if (input.transfersOnly) return { transferHop, accountHop, addressHop };
  // Keyed `${address}|${asset}` only in the result (the given accounts' own strings where
  // there are some); addresses in the order they first got a hop (sources too, at 0), their
  // assets likewise.
  const keyOf = new Map<number, string>();
  let keysRead = 0;
  for (const [key, account] of input.accountKeys ?? []) {
    if (++keysRead % STEP === 0) yield;
    const x = addressIndex.get(account.address);
    const y = assetIds.get(account.asset);
    if (x !== undefined && y !== undefined) keyOf.set(x * width + y, key);
  }
  for (let k = 0; k < accountOrder.length; k++) {
    const to = accountOrder[k]!;
    for (const asset of assetsOf[to]!) {
      if (aboutToGrow(accountHop.size)) yield;
      accountHop.set(keyOf.get(to * width + asset) ?? flatJoin(addresses[to]!, '|', assets[asset]!), isSource(to) ? 0 : hops.get(to * width + asset)!);
    }
    if ((k + 1) % STEP === 0) yield;
  }
  for (const source of input.sources) addressHop.set(source, 0);
  // ~90,000 wallets at the bench's 100k: in one go, with the map's growth, part of a 135 ms
  // stretch of the final step (a profiled run).
  for (let k = 0; k < reached.length; k++) {
    if ((k + 1) % STEP === 0 || aboutToGrow(addressHop.size)) yield;
    const to = reached[k]!;
    addressHop.set(addresses[to]!, addressBest[to]!);
  }
  return { transferHop, accountHop, addressHop };
}
