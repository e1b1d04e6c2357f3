// The vocabulary shared by every layer: chain data in, taint out. Types, and the ids and
// orders of transfers every layer agrees on.
import { compareStrings } from './taint/steps';

/** Lower-case hex for EVM (0x + 40 hex), base58/bech32 for bitcoin. */
export type Address = string;

/** The chain's native symbol (`ETH`, `BNB`, `BTC`) or a lower-case ERC-20 contract address. */
export type Asset = string;

export const TAINT_MODELS = ['fifo', 'lifo', 'haircut', 'poison', 'tiho'] as const;
export type TaintModel = (typeof TAINT_MODELS)[number];

export const LABEL_CATEGORIES = [
  'exchange', 'bridge', 'mixer', 'dex', 'defi', 'otc', 'gambling', 'service', 'issuer',
  'miner', 'sanctioned', 'scam', 'hack', 'ransomware', 'other',
] as const;
export type LabelCategory = (typeof LABEL_CATEGORIES)[number];

export type TransferKind = 'native' | 'internal' | 'token' | 'fee';

/**
 * One movement of value, as found on chain. Unique per chain by (txHash, ref).
 * Chain order is (blockNumber, txIndex, seq).
 */
export interface Transfer {
  chain: string;
  txHash: string;
  blockNumber: number;
  blockHash: string;
  /** Unix seconds of the block. */
  timestamp: number;
  txIndex: number;
  /** Unique within the transaction: `fee`, `tx`, `call:0.1.3` (trace address), `log:12` (log index). */
  ref: string;
  /** Order within the transaction: fee 0, top-level value 1, internal calls 2.., logs 1_000_000 + logIndex. */
  seq: number;
  kind: TransferKind;
  asset: Asset;
  from: Address;
  /** null for a fee: paid out of the sender's balance to nobody we trace. */
  to: Address | null;
  amount: bigint;
}

export const SEQ_FEE = 0;
export const SEQ_TX_VALUE = 1;
export const SEQ_INTERNAL_BASE = 2;
export const SEQ_LOG_BASE = 1_000_000;

/**
 * Stable identity of a transfer within a chain: `${txHash}#${ref}`, built as one flat string.
 * A template literal gives a chain of cons strings that, once hashed as a Map key, is a flat
 * copy plus a 32-byte wrapper; ids are Map keys by the hundred thousand (a case's histories,
 * the taint engine's results). `t.txHash` and `t.ref` must be strings.
 */
export function transferId(t: Pick<Transfer, 'txHash' | 'ref'>): string {
  return flatJoin(t.txHash, '#', t.ref);
}

/** `id` is transferId(t), checked without building it. */
export function isTransferIdOf(id: unknown, t: Pick<Transfer, 'txHash' | 'ref'>): boolean {
  return typeof id === 'string' && id.length === t.txHash.length + 1 + t.ref.length && id.charCodeAt(t.txHash.length) === 35 &&
    id.startsWith(t.txHash) && id.endsWith(t.ref);
}

/**
 * The transaction hashes transfers with one of these ids can have: what an id has before one
 * of its '#' (every '#', not only the first: a hash is never parsed out of an id). A cheap
 * test before an id is built: a transfer whose hash is not here is not one of them.
 */
export function txHashesOfIds(ids: Iterable<string>): Set<string> {
  const hashes = new Set<string>();
  for (const id of ids) {
    for (let at = id.indexOf('#'); at !== -1; at = id.indexOf('#', at + 1)) hashes.add(id.slice(0, at));
  }
  return hashes;
}

const parts = ['', '', ''];
/** `${a}${separator}${b}` as one flat string (see transferId). All three must be strings. */
export function flatJoin(a: string, separator: string, b: string): string {
  parts[0] = a;
  parts[1] = separator;
  parts[2] = b;
  return parts.join('');
}

/** Compare two transfers in chain order. */
export function compareChainOrder(
  a: Pick<Transfer, 'blockNumber' | 'txIndex' | 'seq'>,
  b: Pick<Transfer, 'blockNumber' | 'txIndex' | 'seq'>,
): number {
  return a.blockNumber - b.blockNumber || a.txIndex - b.txIndex || a.seq - b.seq;
}

/**
 * The store's order of transfers (its reads' `order by`): chain order, then hash and ref,
 * which tell any two transfers apart; the text compared as the C collation does (the same for
 * these ASCII strings).
 */
export function compareStoreOrder(
  a: Pick<Transfer, 'blockNumber' | 'txIndex' | 'seq' | 'txHash' | 'ref'>,
  b: Pick<Transfer, 'blockNumber' | 'txIndex' | 'seq' | 'txHash' | 'ref'>,
): number {
  return compareChainOrder(a, b) || compareStrings(a.txHash, b.txHash) || compareStrings(a.ref, b.ref);
}

export interface BlockRange {
  fromBlock: number;
  toBlock: number;
}

export interface Label {
  chain: string;
  address: Address;
  entity: string;
  category: LabelCategory;
  /** 0..100 */
  confidence?: number;
  source?: string;
}

/** A seed of a case: a wallet that is a source of stolen funds, or a victim's payment. */
export type Seed =
  | { address: Address }
  | { txHash: string; index?: number; ref?: string };

/**
 * A transfer of a transaction that no log index names: `tx` (the transaction's own value) or
 * `call:0.1` (an internal transfer, by its trace address). Picked as `txhash:tx`, `txhash:call:0.1`.
 */
export const SEED_REF = /^(tx|call:\d{1,4}(\.\d{1,4}){0,63})$/;

/** The ref of the transfer a transaction seed names (`log:12`, `tx`, `call:0.1`), or null for the whole transaction. */
export function seedTransferRef(seed: { index?: number; ref?: string }): string | null {
  if (seed.ref !== undefined) return seed.ref;
  return seed.index === undefined ? null : `log:${seed.index}`;
}
