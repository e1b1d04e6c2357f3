// Address clustering over the bitcoin transactions a trace has read. Pure.
// - co-spend (multi-input): addresses spent together in one transaction are one owner,
//   unless the transaction looks like a CoinJoin (many equal-value outputs), where inputs
//   belong to different people by design.
// - one-time change (optional, off by default): a conservative guess that one output of a
//   two-output payment is the sender's change. Every cluster and attribution that rests on
//   it says so (`viaChange`).
// - a cluster with a labelled address carries that label to its other addresses
//   (attribution `cluster`).
import { addressKey, resolveLabel } from './attribution';
import type { Address, Label } from './types';
import type { UtxoTx } from './utxo';

export interface CoinJoinGuard {
  /** At least this many outputs of one equal value… */
  minEqualOutputs: number;
  /** …and at least this many inputs. */
  minInputs: number;
}

export const DEFAULT_COINJOIN_GUARD: CoinJoinGuard = Object.freeze({ minEqualOutputs: 3, minInputs: 2 });

export interface ClusterOptions {
  coinJoin?: CoinJoinGuard;
  /** One-time change heuristic; off by default. */
  changeHeuristic?: boolean;
}

export interface ChangeLink {
  txid: string;
  /** An input address of the transaction. */
  from: Address;
  /** The output address taken for change. */
  change: Address;
}

export interface Cluster {
  /** The smallest address key of the cluster: stable whatever the input order. */
  id: string;
  addresses: Address[];
  /** Some link of this cluster comes from the change heuristic. */
  viaChange: boolean;
}

export interface Clustering {
  clusters: Cluster[];
  /** The cluster of an address, or undefined if no transaction read mentions it. */
  clusterOf(address: Address): Cluster | undefined;
  skippedCoinJoins: string[];
  changeLinks: ChangeLink[];
}

export function looksLikeCoinJoin(tx: UtxoTx, guard: CoinJoinGuard = DEFAULT_COINJOIN_GUARD): boolean {
  if (tx.inputs.length < guard.minInputs) return false;
  const counts = new Map<bigint, number>();
  for (const o of tx.outputs) if (o.address !== null) counts.set(o.value, (counts.get(o.value) ?? 0) + 1);
  for (const n of counts.values()) if (n >= guard.minEqualOutputs) return true;
  return false;
}

export function clusterAddresses(txs: readonly UtxoTx[], options: ClusterOptions = {}): Clustering {
  const guard = options.coinJoin ?? DEFAULT_COINJOIN_GUARD;
  const sorted = [...txs].sort((a, b) => compare(a.txid, b.txid));
  const parent = new Map<string, string>();
  const shown = new Map<string, Address>();
  const changeLinked = new Set<string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let node = k;
    while (node !== root) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const add = (address: Address): string => {
    const k = addressKey(address);
    if (!parent.has(k)) {
      parent.set(k, k);
      shown.set(k, address);
    }
    return k;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    // The smaller key becomes the root, so the result never depends on the order of unions.
    if (ra < rb) parent.set(rb, ra);
    else parent.set(ra, rb);
  };

  // How often each address receives, for the one-time change test.
  const receipts = new Map<string, number>();
  for (const tx of sorted) for (const o of tx.outputs) if (o.address) receipts.set(addressKey(o.address), (receipts.get(addressKey(o.address)) ?? 0) + 1);

  const skippedCoinJoins: string[] = [];
  const changeLinks: ChangeLink[] = [];
  for (const tx of sorted) {
    for (const o of tx.outputs) if (o.address) add(o.address);
    const inputs = tx.inputs.filter((i) => i.address !== null).map((i) => add(i.address!));
    if (looksLikeCoinJoin(tx, guard)) {
      skippedCoinJoins.push(tx.txid);
      continue;
    }
    for (const k of inputs.slice(1)) union(inputs[0]!, k);
    if (options.changeHeuristic) {
      const change = oneTimeChange(tx, receipts);
      if (change !== undefined && inputs.length > 0) {
        const from = tx.inputs.find((i) => i.address !== null)!.address!;
        union(inputs[0]!, add(change));
        changeLinked.add(addressKey(change));
        changeLinks.push({ txid: tx.txid, from, change });
      }
    }
  }

  const byRoot = new Map<string, string[]>();
  for (const k of parent.keys()) {
    const r = find(k);
    const list = byRoot.get(r);
    if (list) list.push(k);
    else byRoot.set(r, [k]);
  }
  const clusterByKey = new Map<string, Cluster>();
  const clusters: Cluster[] = [];
  for (const [root, keys] of [...byRoot].sort((a, b) => compare(a[0], b[0]))) {
    keys.sort(compare);
    const cluster: Cluster = {
      id: root,
      addresses: keys.map((k) => shown.get(k)!),
      viaChange: keys.some((k) => changeLinked.has(k)),
    };
    clusters.push(cluster);
    for (const k of keys) clusterByKey.set(k, cluster);
  }
  return {
    clusters,
    clusterOf: (address) => clusterByKey.get(addressKey(address)),
    skippedCoinJoins,
    changeLinks,
  };
}

/**
 * The change output of a plain payment, if a conservative reading can tell: exactly two
 * outputs with addresses; every input of one script type; exactly one output of that type;
 * that output's address received exactly once in what was read (one-time) and is not an input
 * address; and the other output is not itself an input address (no address reuse for change).
 */
function oneTimeChange(tx: UtxoTx, receipts: ReadonlyMap<string, number>): Address | undefined {
  if (tx.outputs.length !== 2 || tx.outputs.some((o) => o.address === null)) return undefined;
  const inputAddresses = tx.inputs.map((i) => i.address);
  if (inputAddresses.some((a) => a === null) || tx.inputs.length === 0) return undefined;
  const inputKeys = new Set(inputAddresses.map((a) => addressKey(a!)));
  const inputTypes = new Set(tx.inputs.map((i) => scriptTypeOfAddress(i.address!)));
  if (inputTypes.size !== 1) return undefined;
  const [inputType] = inputTypes;
  const sameType = tx.outputs.filter((o) => scriptTypeOfAddress(o.address!) === inputType);
  if (sameType.length !== 1) return undefined;
  const change = sameType[0]!;
  const payment = tx.outputs.find((o) => o !== change)!;
  const changeKey = addressKey(change.address!);
  if (inputKeys.has(changeKey) || inputKeys.has(addressKey(payment.address!))) return undefined;
  if (receipts.get(changeKey) !== 1) return undefined;
  return change.address!;
}

/** Address family from its form (no decoding needed: the adapter validated it). */
function scriptTypeOfAddress(address: Address): string {
  const lower = address.toLowerCase();
  if (/^(bc1|tb1|bcrt1)q/.test(lower)) return lower.length > 50 ? 'p2wsh' : 'p2wpkh';
  if (/^(bc1|tb1|bcrt1)p/.test(lower)) return 'p2tr';
  if (/^[13mn2]/.test(address)) return address[0] === '1' || address[0] === 'm' || address[0] === 'n' ? 'p2pkh' : 'p2sh';
  return 'other';
}

export type ClusterAttribution = 'label' | 'cluster';

export interface AttributedLabel {
  label: Label;
  attribution: ClusterAttribution;
  /** The cluster that carried the label rests on the change heuristic. */
  viaChange: boolean;
  /** The labelled address that speaks for the cluster (the address itself for `label`). */
  labelledAddress: Address;
}

/**
 * The label for an address: its own if it has one, else the best label found on any
 * address of its cluster (attribution `cluster`).
 */
export function attributeByCluster(
  clustering: Clustering,
  labelsOf: (address: Address) => readonly Label[],
): (address: Address) => AttributedLabel | undefined {
  const memo = new Map<string, AttributedLabel | undefined>();
  const clusterLabel = (cluster: Cluster): AttributedLabel | undefined => {
    if (memo.has(cluster.id)) return memo.get(cluster.id);
    const found: Label[] = [];
    for (const a of cluster.addresses) found.push(...labelsOf(a));
    const best = resolveLabel(found);
    const result = best && {
      label: best, attribution: 'cluster' as const, viaChange: cluster.viaChange, labelledAddress: best.address,
    };
    memo.set(cluster.id, result);
    return result;
  };
  return (address) => {
    const own = resolveLabel(labelsOf(address));
    if (own) return { label: own, attribution: 'label', viaChange: false, labelledAddress: address };
    const cluster = clustering.clusterOf(address);
    return cluster ? clusterLabel(cluster) : undefined;
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
