// UTXO-exact tracing: follow the coins through the spend graph (who spent this output), not
// through addresses. Taint lives on outputs; each spending transaction passes it on by the
// model's rule (spread.ts). The only I/O is through the `fetch` and `judge` ports given in.
//
// The trace runs in waves, one per hop: wave k computes the spending transactions queued by
// wave k − 1 (lowest block first, from a heap: pending-queue.ts) and queues their spenders
// for wave k + 1. Its whole state is plain data (state.ts), so a job queue can run one wave
// per job on any worker; `traceUtxo` runs every wave in one call.
//
// Order and exactness: a transaction is (re)computed whenever one of its inputs' taint
// changes, until nothing changes. The spend graph is acyclic, so this reaches the one fixed
// point whatever the discovery order: results do not depend on fetch timing or on how the
// waves are cut into jobs.
import type { TaintModel } from '../types';
import { outpointKey, type Outspend, type UtxoOutput, type UtxoTx } from '../utxo';
import { PendingQueue } from './pending-queue';
import { normalizeRanges, rangesTotal, sameRanges } from './ranges';
import { spreadTaint } from './spread';
import { newTraceState, type OutputTaint, type UtxoTraceState } from './state';

export type UtxoSeed = { txid: string; vout?: number } | { address: string };

export interface UtxoFetch {
  getTx(txid: string): Promise<UtxoTx>;
  outspends(txid: string): Promise<Outspend[]>;
  /** Needed only for address seeds: txids of confirmed transactions touching the address. */
  addressTxids?(address: string): Promise<string[]>;
  /** Batch reads, when the source has them: a wave's transactions are read in one go. */
  getTxs?(txids: readonly string[]): Promise<UtxoTx[]>;
  outspendsOf?(txids: readonly string[]): Promise<Outspend[][]>;
}

export interface TraceUtxoParams {
  seeds: readonly UtxoSeed[];
  model: TaintModel;
  /** Spending transactions followed from a seed output; 0 traces nothing beyond the seeds. */
  maxHops: number;
  fetch: UtxoFetch;
  /** Tracing stops at outputs paying such an address (an attributed service). */
  isStop?(address: string): boolean;
  /**
   * Service-like addresses among these (judged from bounded evidence before anything of
   * theirs is read): tracing stops there. Asked once per address, for the addresses of
   * tainted outputs the trace would follow or report as held. Seed addresses are not judged.
   */
  judge?(addresses: readonly string[]): Promise<ReadonlySet<string>>;
  /** Spends above this height (or unconfirmed) are ignored: the output counts as unspent. */
  tipHeight?: number;
  /** Outputs tainted with less than this are recorded but not followed. Default 1. */
  minAmount?: bigint;
  /** Safety cap on spending transactions computed. Default 10,000. */
  maxTxs?: number;
}

export type OutputStatus = 'endpoint' | 'unspent' | 'spent' | 'frontier' | 'service-like';

/** Why a spent tainted output was not followed, decided for that output alone. */
export type FrontierReason = 'max-hops' | 'min-amount' | 'address-limit';

export interface TaintedOutput extends UtxoOutput {
  txid: string;
  tainted: bigint;
  /** Tainted ranges within the output (positions meaningful for fifo/lifo only). */
  ranges: ReturnType<typeof normalizeRanges>;
  /** 0 for a seed output, n for an output of the n-th spending transaction after it. */
  hops: number;
  /** Transaction ids from the seed's transaction to this output's. */
  path: string[];
  /** The tainted input (outpoint key) this output's hops and path come through; none for a seed output. */
  parent?: string;
  status: OutputStatus;
  /** The spending transaction, when spent (and confirmed by `tipHeight`). */
  spentBy?: string;
  /** For a frontier output: why its spender was not followed. */
  stopReason?: FrontierReason;
}

export interface FeeSink {
  txid: string;
  fee: bigint;
  tainted: bigint;
}

export interface UtxoTraceResult {
  model: TaintModel;
  /** Every output carrying taint, in (hops, txid, vout) order. */
  outputs: TaintedOutput[];
  endpoints: TaintedOutput[];
  /** Tainted outputs unspent at the tip, at addresses where tracing did not stop. */
  holdings: TaintedOutput[];
  /** Tainted outputs spent but not followed (maxHops, minAmount, maxTxs). */
  frontier: TaintedOutput[];
  /** Tainted outputs at service-like addresses: not followed, not held. */
  serviceLike: TaintedOutput[];
  /** Fees are an untraced sink. */
  fees: FeeSink[];
  /** Every transaction read (seed transactions and spenders), for clustering. */
  txs: UtxoTx[];
  /**
   * What the seeds put in, once: the seed outputs' value less the taint that flowed into them
   * from other seed outputs (change paid back to a seed address is not seeded again).
   */
  seededTotal: bigint;
  /** Per seed output (outpoint key): its share of `seededTotal`. */
  seeded: Map<string, bigint>;
  /** Transactions whose unknown input values were inferred (see spread.ts). */
  inferredTxs: string[];
  notes: string[];
  /** Work done: spending transactions computed, queue comparisons, waves. */
  work: { computed: number; queueComparisons: number; waves: number };
}

/** The whole trace in one call: seeds, every wave, the result. */
export async function traceUtxo(params: TraceUtxoParams): Promise<UtxoTraceResult> {
  const state = await startUtxoTrace(params);
  while (state.pending.size > 0) await advanceUtxoTrace(state, params);
  return finishUtxoTrace(state, params);
}

/** Taints the seed outputs and queues their spenders (the first wave). */
export async function startUtxoTrace(params: TraceUtxoParams): Promise<UtxoTraceState> {
  const io = reader(params.fetch);
  const state = newTraceState();
  const seedOutput = (tx: UtxoTx, vout: number): void => {
    const output = tx.outputs[vout];
    if (!output) throw new RangeError(`seed ${tx.txid}:${vout}: the transaction has ${tx.outputs.length} outputs`);
    const key = outpointKey(tx.txid, vout);
    if (state.seedKeys.has(key)) return;
    state.seedKeys.add(key);
    state.taint.set(key, { ranges: output.value > 0n ? [[0n, output.value]] : [], hops: 0 });
    state.seedValue.set(key, output.value);
  };
  const seedTxids = new Set<string>();
  for (const seed of [...params.seeds].sort(compareSeeds)) {
    if ('address' in seed) {
      if (!params.fetch.addressTxids) throw new RangeError('address seeds need fetch.addressTxids');
      state.seedAddresses.add(seed.address);
      const txids = [...(await params.fetch.addressTxids(seed.address))].sort();
      const txs = await io.getTxs(txids);
      for (const tx of txs) {
        state.read.add(tx.txid);
        for (const output of tx.outputs) {
          if (output.address !== seed.address) continue;
          seedOutput(tx, output.vout);
          seedTxids.add(tx.txid);
        }
      }
    } else {
      const tx = await io.getTx(seed.txid);
      state.read.add(tx.txid);
      seedTxids.add(tx.txid);
      if (seed.vout === undefined) tx.outputs.forEach((o) => seedOutput(tx, o.vout));
      else seedOutput(tx, seed.vout);
    }
  }
  const txs = await io.getTxs([...seedTxids].sort());
  await expandAll(state, params, io, txs.map((tx) => [tx, tx.outputs.map((o) => o.vout).filter((v) => state.taint.has(outpointKey(tx.txid, v)))]));
  return state;
}

/**
 * One wave: computes the queued spending transactions, lowest block first, and queues the
 * spenders of the outputs whose taint changed for the next wave. Mutates `state`.
 */
export async function advanceUtxoTrace(state: UtxoTraceState, params: TraceUtxoParams): Promise<void> {
  const { model } = params;
  const maxTxs = params.maxTxs ?? 10_000;
  const io = reader(params.fetch);
  const wave = state.pending;
  state.pending = new PendingQueue();
  state.waves += 1;
  // Everything the wave reads, in two batches: its transactions, then the tainted outputs they spend.
  const waveTxs = await io.getTxs(wave.entries().map((e) => e.txid));
  const prevTxids = new Set<string>();
  for (const tx of waveTxs) {
    state.read.add(tx.txid);
    for (const input of tx.inputs) if (!input.coinbase && state.taint.has(outpointKey(input.prevTxid, input.prevVout))) prevTxids.add(input.prevTxid);
  }
  await io.getTxs([...prevTxids]);

  const changes: Array<[UtxoTx, number[]]> = [];
  for (let entry = wave.pop(); entry; entry = wave.pop()) {
    if (state.computedCount >= maxTxs) {
      state.capped = true;
      break;
    }
    state.computedCount += 1;
    const tx = await io.getTx(entry.txid);
    const txid = tx.txid;
    const inputs = tx.inputs.map((input) => {
      const key = input.coinbase ? '' : outpointKey(input.prevTxid, input.prevVout);
      const t = input.coinbase ? undefined : state.taint.get(key);
      const followedIn = t !== undefined && state.followed.has(key);
      return { input, key, t: followedIn ? t : undefined };
    });
    // The shortest way here (ties: the first such input) gives hops and path.
    let via: { key: string; t: OutputTaint } | undefined;
    for (const { key, t } of inputs) if (t && (via === undefined || t.hops < via.t.hops)) via = { key, t };
    // A tainted input's value is the one of the output we computed it on (read from verified
    // raw data), whatever the source said about the prevout.
    const spreadInputs = await Promise.all(inputs.map(async ({ input, t }) => ({
      value: t ? (await io.getTx(input.prevTxid)).outputs[input.prevVout]!.value : input.value,
      taint: t?.ranges ?? [],
    })));
    const spread = spreadTaint(model, spreadInputs, tx.outputs.map((o) => o.value));
    state.computed.set(txid, { fee: spread.fee, feeTainted: spread.feeTainted, inferred: spread.inferred });

    const changed: number[] = [];
    tx.outputs.forEach((_output, vout) => {
      const key = outpointKey(txid, vout);
      if (state.seedKeys.has(key)) {
        // A seed output is tainted in full whatever flows in; what did flow in was seeded before.
        state.seedInflow.set(key, via ? rangesTotal(normalizeRanges(spread.outputs[vout]!)) : 0n);
        return;
      }
      const ranges = normalizeRanges(spread.outputs[vout]!);
      const before = state.taint.get(key);
      const next: OutputTaint | undefined = via && ranges.length > 0 ? { ranges, hops: via.t.hops + 1, parent: via.key } : undefined;
      if (next === undefined) {
        if (before) {
          state.taint.delete(key);
          changed.push(vout);
        }
      } else if (!before || !sameRanges(before.ranges, next.ranges) || before.hops !== next.hops) {
        state.taint.set(key, next);
        changed.push(vout);
      } else state.taint.set(key, next);
    });
    changes.push([tx, changed]);
  }
  state.queueComparisons += wave.comparisons;
  await expandAll(state, params, io, changes);
  if (state.capped) state.pending = new PendingQueue();
}

/** Classifies every tainted output: the trace's result. */
export async function finishUtxoTrace(state: UtxoTraceState, params: TraceUtxoParams): Promise<UtxoTraceResult> {
  const minAmount = params.minAmount ?? 1n;
  const isStop = params.isStop ?? (() => false);
  const maxTxs = params.maxTxs ?? 10_000;
  const io = reader(params.fetch);
  const notes: string[] = [];
  if (state.capped) notes.push(`stopped after ${maxTxs} spending transactions (maxTxs); the rest is frontier`);

  const keys = [...state.taint.keys()];
  const txids = [...new Set(keys.map((k) => splitKey(k)[0]))];
  await io.getTxs(txids);
  const spendsOf = new Map(txids.map((txid, i) => [txid, i]));
  const spendLists = await io.outspendsOf(txids);
  const paths = new Map<string, string[]>();
  const pathOf = (key: string): string[] => {
    const known = paths.get(key);
    if (known) return known;
    // Iterative: walk up to the seed (or a parent no longer tainted), then fill in downwards.
    const chain: string[] = [];
    let base: string[] = [];
    for (let k: string | undefined = key; k !== undefined;) {
      const memo = paths.get(k);
      if (memo) {
        base = memo;
        break;
      }
      chain.push(k);
      const parent: string | undefined = state.taint.get(k)?.parent;
      k = parent !== undefined && state.taint.has(parent) && !chain.includes(parent) ? parent : undefined;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      base = [...base, splitKey(chain[i]!)[0]];
      paths.set(chain[i]!, base);
    }
    return paths.get(key)!;
  };
  const outputs: TaintedOutput[] = [];
  for (const [key, t] of state.taint) {
    const [txid, voutText] = splitKey(key);
    const tx = await io.getTx(txid);
    const output = tx.outputs[Number(voutText)]!;
    const tainted = rangesTotal(t.ranges);
    if (tainted === 0n) continue;
    const spend = spendLists[spendsOf.get(txid)!]![output.vout];
    const spent = confirmedSpend(params, spend);
    const stop = output.address !== null && isStop(output.address);
    const status: OutputStatus = stop ? 'endpoint'
      : output.address !== null && state.serviceLike.has(output.address) ? 'service-like'
      : !spent ? 'unspent'
      : state.computed.has(spend.txid) && state.followed.has(key) ? 'spent'
      : 'frontier';
    // The rule followable() applied to this very output, not a guess from an address's total.
    const stopReason: FrontierReason | undefined = status !== 'frontier' ? undefined
      : t.hops >= params.maxHops ? 'max-hops' : tainted < minAmount ? 'min-amount' : 'address-limit';
    outputs.push({
      ...output, txid, tainted, ranges: t.ranges, hops: t.hops, path: pathOf(key), status,
      ...(t.parent !== undefined ? { parent: t.parent } : {}),
      ...(spent ? { spentBy: spend.txid } : {}),
      ...(stopReason ? { stopReason } : {}),
    });
  }
  outputs.sort((a, b) => a.hops - b.hops || compare(a.txid, b.txid) || a.vout - b.vout);

  const fees: FeeSink[] = [...state.computed].filter(([, c]) => c.feeTainted > 0n)
    .map(([txid, c]) => ({ txid, fee: c.fee, tainted: c.feeTainted }))
    .sort((a, b) => compare(a.txid, b.txid));
  const inferredTxs = [...state.computed].filter(([, c]) => c.inferred).map(([txid]) => txid).sort(compare);
  if (inferredTxs.length > 0) {
    notes.push(`${inferredTxs.length} transaction(s) had inputs of unknown value, counted as clean and sized as if the fee were zero`);
  }
  const txs = await io.getTxs([...state.read].sort(compare));
  const seeded = new Map<string, bigint>();
  let seededTotal = 0n;
  for (const [key, value] of state.seedValue) {
    const own = value - (state.seedInflow.get(key) ?? 0n);
    seeded.set(key, own);
    seededTotal += own;
  }
  return {
    model: params.model, outputs, seededTotal, seeded, inferredTxs, notes, fees, txs,
    endpoints: outputs.filter((o) => o.status === 'endpoint'),
    holdings: outputs.filter((o) => o.status === 'unspent'),
    frontier: outputs.filter((o) => o.status === 'frontier'),
    serviceLike: outputs.filter((o) => o.status === 'service-like'),
    work: { computed: state.computedCount, queueComparisons: state.queueComparisons, waves: state.waves },
  };
}

/**
 * Judges the addresses the changed outputs would be followed to or held at, then queues the
 * spenders of the changed outputs that are followable (and of those that stopped being so:
 * a spender whose input lost its taint must be recomputed too).
 */
async function expandAll(state: UtxoTraceState, params: TraceUtxoParams, io: Reader, changes: ReadonlyArray<readonly [UtxoTx, readonly number[]]>): Promise<void> {
  const touched = changes.filter(([, changed]) => changed.length > 0);
  if (touched.length === 0) return;
  const minAmount = params.minAmount ?? 1n;
  const isStop = params.isStop ?? (() => false);
  const spendLists = await io.outspendsOf(touched.map(([tx]) => tx.txid));
  const tainted = (key: string) => {
    const t = state.taint.get(key);
    return t === undefined ? undefined : { t, amount: rangesTotal(t.ranges) };
  };
  if (params.judge) {
    const ask = new Set<string>();
    touched.forEach(([tx, changed], i) => {
      for (const vout of changed) {
        const address = tx.outputs[vout]!.address;
        const now = tainted(outpointKey(tx.txid, vout));
        if (address === null || !now || now.amount === 0n || isStop(address) || state.judged.has(address) || state.seedAddresses.has(address)) continue;
        const spent = confirmedSpend(params, spendLists[i]![vout]);
        // Followed if spent and within hops and minimum; reported as held if unspent.
        if (!spent || (now.t.hops < params.maxHops && now.amount >= minAmount)) ask.add(address);
      }
    });
    if (ask.size > 0) {
      const serviceLike = await params.judge([...ask].sort());
      for (const address of ask) {
        state.judged.add(address);
        if (serviceLike.has(address)) state.serviceLike.add(address);
      }
    }
  }
  const followable = (output: UtxoOutput, t: OutputTaint): boolean =>
    t.hops < params.maxHops && rangesTotal(t.ranges) >= minAmount &&
    !(output.address !== null && (isStop(output.address) || state.serviceLike.has(output.address)));
  touched.forEach(([tx, changed], i) => {
    const spends = spendLists[i]!;
    for (const vout of changed) {
      const spend = spends[vout];
      if (!confirmedSpend(params, spend)) continue;
      const key = outpointKey(tx.txid, vout);
      const t = state.taint.get(key);
      const follow = t !== undefined && followable(tx.outputs[vout]!, t);
      if (follow || state.followed.has(key)) {
        if (follow) state.followed.add(key);
        else state.followed.delete(key);
        state.pending.push(spend.txid, spend.blockHeight ?? null);
      }
    }
  });
}

function confirmedSpend(params: Pick<TraceUtxoParams, 'tipHeight'>, s: Outspend | undefined): s is Outspend & { txid: string } {
  return !!s && s.spent && s.txid !== undefined &&
    (params.tipHeight === undefined || (s.blockHeight != null && s.blockHeight <= params.tipHeight));
}

interface Reader {
  getTx(txid: string): Promise<UtxoTx>;
  getTxs(txids: readonly string[]): Promise<UtxoTx[]>;
  outspendsOf(txids: readonly string[]): Promise<Outspend[][]>;
}

/** The fetch port with one read per transaction per call of a trace function, batched when it can be. */
function reader(fetch: UtxoFetch): Reader {
  const txs = new Map<string, Promise<UtxoTx>>();
  const spends = new Map<string, Promise<Outspend[]>>();
  const getTx = (txid: string): Promise<UtxoTx> => {
    let tx = txs.get(txid);
    if (!tx) txs.set(txid, (tx = fetch.getTx(txid)));
    return tx;
  };
  return {
    getTx,
    async getTxs(txids) {
      const missing = [...new Set(txids)].filter((t) => !txs.has(t));
      if (missing.length > 0 && fetch.getTxs) {
        const batch = fetch.getTxs(missing);
        missing.forEach((txid, i) => txs.set(txid, batch.then((all) => all[i]!)));
      }
      return Promise.all(txids.map(getTx));
    },
    async outspendsOf(txids) {
      const missing = [...new Set(txids)].filter((t) => !spends.has(t));
      if (missing.length > 0 && fetch.outspendsOf) {
        const batch = fetch.outspendsOf(missing);
        missing.forEach((txid, i) => spends.set(txid, batch.then((all) => all[i]!)));
      }
      return Promise.all(txids.map((txid) => {
        let s = spends.get(txid);
        if (!s) spends.set(txid, (s = fetch.outspends(txid)));
        return s;
      }));
    },
  };
}

export function splitKey(key: string): [string, string] {
  const i = key.lastIndexOf(':');
  return [key.slice(0, i), key.slice(i + 1)];
}

function compareSeeds(a: UtxoSeed, b: UtxoSeed): number {
  const ka = 'address' in a ? `a:${a.address}` : `t:${a.txid}:${a.vout ?? -1}`;
  const kb = 'address' in b ? `a:${b.address}` : `t:${b.txid}:${b.vout ?? -1}`;
  return compare(ka, kb);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
