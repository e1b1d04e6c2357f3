// The UTXO tracer's state between waves, and its plain-JSON form: what a Bitcoin run keeps
// in the store between its steps, so any worker can take the next one. Amounts are decimal
// strings in the JSON form, never numbers.
import { PendingQueue } from './pending-queue';
import type { SatRange } from './ranges';

export interface OutputTaint {
  ranges: SatRange[];
  hops: number;
  /** The tainted input (outpoint key) the hops and path came through; none for a seed output. */
  parent?: string;
}

export interface ComputedTx {
  fee: bigint;
  feeTainted: bigint;
  inferred: boolean;
}

export interface UtxoTraceState {
  /** Taint per output (outpoint key). */
  taint: Map<string, OutputTaint>;
  seedKeys: Set<string>;
  /** Value of each seed output. */
  seedValue: Map<string, bigint>;
  /** Taint a spending transaction passed into a seed output (change back to a seed address). */
  seedInflow: Map<string, bigint>;
  /** Addresses given as seeds: never judged service-like. */
  seedAddresses: Set<string>;
  computed: Map<string, ComputedTx>;
  /** Output keys whose spender was queued. */
  followed: Set<string>;
  /** The next wave. */
  pending: PendingQueue;
  computedCount: number;
  capped: boolean;
  judged: Set<string>;
  serviceLike: Set<string>;
  /** Every transaction read. */
  read: Set<string>;
  waves: number;
  queueComparisons: number;
}

export function newTraceState(): UtxoTraceState {
  return {
    taint: new Map(), seedKeys: new Set(), seedValue: new Map(), seedInflow: new Map(), seedAddresses: new Set(),
    computed: new Map(), followed: new Set(), pending: new PendingQueue(), computedCount: 0, capped: false,
    judged: new Set(), serviceLike: new Set(), read: new Set(), waves: 0, queueComparisons: 0,
  };
}

export interface UtxoTraceStateJson {
  v: 1;
  taint: Array<[key: string, ranges: Array<[string, string]>, hops: number, parent: string | null]>;
  seedKeys: string[];
  seedValue: Array<[string, string]>;
  seedInflow: Array<[string, string]>;
  seedAddresses: string[];
  computed: Array<[txid: string, fee: string, feeTainted: string, inferred: boolean]>;
  followed: string[];
  pending: Array<[txid: string, height: number]>;
  computedCount: number;
  capped: boolean;
  judged: string[];
  serviceLike: string[];
  read: string[];
  waves: number;
  queueComparisons: number;
}

export function stateToJson(s: UtxoTraceState): UtxoTraceStateJson {
  return {
    v: 1,
    taint: [...s.taint].map(([k, t]) => [k, t.ranges.map(([a, b]) => [a.toString(), b.toString()] as [string, string]), t.hops, t.parent ?? null]),
    seedKeys: [...s.seedKeys],
    seedValue: [...s.seedValue].map(([k, v]) => [k, v.toString()]),
    seedInflow: [...s.seedInflow].map(([k, v]) => [k, v.toString()]),
    seedAddresses: [...s.seedAddresses],
    computed: [...s.computed].map(([k, c]) => [k, c.fee.toString(), c.feeTainted.toString(), c.inferred]),
    followed: [...s.followed],
    pending: s.pending.entries().map((e) => [e.txid, e.height]),
    computedCount: s.computedCount,
    capped: s.capped,
    judged: [...s.judged],
    serviceLike: [...s.serviceLike],
    read: [...s.read],
    waves: s.waves,
    queueComparisons: s.queueComparisons,
  };
}

export function stateFromJson(j: UtxoTraceStateJson): UtxoTraceState {
  if (j.v !== 1) throw new RangeError(`unknown UTXO trace state version ${String(j.v)}`);
  const pending = new PendingQueue();
  for (const [txid, height] of j.pending) pending.push(txid, height);
  return {
    taint: new Map(j.taint.map(([k, ranges, hops, parent]) => [k, {
      ranges: ranges.map(([a, b]) => [BigInt(a), BigInt(b)] as const), hops, ...(parent === null ? {} : { parent }),
    }])),
    seedKeys: new Set(j.seedKeys),
    seedValue: new Map(j.seedValue.map(([k, v]) => [k, BigInt(v)])),
    seedInflow: new Map(j.seedInflow.map(([k, v]) => [k, BigInt(v)])),
    seedAddresses: new Set(j.seedAddresses),
    computed: new Map(j.computed.map(([k, fee, feeTainted, inferred]) => [k, { fee: BigInt(fee), feeTainted: BigInt(feeTainted), inferred }])),
    followed: new Set(j.followed),
    pending,
    computedCount: j.computedCount,
    capped: j.capped,
    judged: new Set(j.judged),
    serviceLike: new Set(j.serviceLike),
    read: new Set(j.read),
    waves: j.waves,
    queueComparisons: j.queueComparisons,
  };
}
