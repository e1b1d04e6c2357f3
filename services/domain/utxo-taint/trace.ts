// UTXO-exact tracing: follow the coins through the spend graph (who spent this output), not
// through addresses. Taint lives on outputs; each spending transaction passes it on by the
// model's rule (spread.ts). The only I/O is through the `fetch` port given in.
//
// Order and exactness: a transaction is (re)computed whenever one of its inputs' taint
// changes, until nothing changes. The spend graph is acyclic, so this reaches the one fixed
// point whatever the discovery order: results do not depend on fetch timing. Transactions are
// taken lowest block first, which in practice computes each one once.
import type { TaintModel } from '../types';
import { outpointKey, type Outspend, type UtxoOutput, type UtxoTx } from '../utxo';
import { normalizeRanges, rangesTotal, sameRanges, type SatRange } from './ranges';
import { spreadTaint } from './spread';

export type UtxoSeed = { txid: string; vout?: number } | { address: string };

export interface UtxoFetch {
  getTx(txid: string): Promise<UtxoTx>;
  outspends(txid: string): Promise<Outspend[]>;
  /** Needed only for address seeds: txids of confirmed transactions touching the address. */
  addressTxids?(address: string): Promise<string[]>;
}

export interface TraceUtxoParams {
  seeds: readonly UtxoSeed[];
  model: TaintModel;
  /** Spending transactions followed from a seed output; 0 traces nothing beyond the seeds. */
  maxHops: number;
  fetch: UtxoFetch;
  /** Tracing stops at outputs paying such an address (an attributed service). */
  isStop?(address: string): boolean;
  /** Spends above this height (or unconfirmed) are ignored: the output counts as unspent. */
  tipHeight?: number;
  /** Outputs tainted with less than this are recorded but not followed. Default 1. */
  minAmount?: bigint;
  /** Safety cap on spending transactions computed. Default 10,000. */
  maxTxs?: number;
}

export type OutputStatus = 'endpoint' | 'unspent' | 'spent' | 'frontier';

/** Why a spent tainted output was not followed, decided for that output alone. */
export type FrontierReason = 'max-hops' | 'min-amount' | 'address-limit';

export interface TaintedOutput extends UtxoOutput {
  txid: string;
  tainted: bigint;
  /** Tainted ranges within the output (positions meaningful for fifo/lifo only). */
  ranges: SatRange[];
  /** 0 for a seed output, n for an output of the n-th spending transaction after it. */
  hops: number;
  /** Transaction ids from the seed's transaction to this output's. */
  path: string[];
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
  /** Fees are an untraced sink. */
  fees: FeeSink[];
  /** Every transaction read (seed transactions and spenders), for clustering. */
  txs: UtxoTx[];
  /**
   * What the seeds put in, once: the seed outputs' value less the taint that flowed into them
   * from other seed outputs (change paid back to a seed address is not seeded again).
   */
  seededTotal: bigint;
  /** Transactions whose unknown input values were inferred (see spread.ts). */
  inferredTxs: string[];
  notes: string[];
}

interface OutputTaint {
  ranges: SatRange[];
  hops: number;
  path: string[];
}

export async function traceUtxo(params: TraceUtxoParams): Promise<UtxoTraceResult> {
  const { model, fetch } = params;
  const minAmount = params.minAmount ?? 1n;
  const maxTxs = params.maxTxs ?? 10_000;
  const isStop = params.isStop ?? (() => false);
  const notes: string[] = [];

  const txCache = new Map<string, Promise<UtxoTx>>();
  const getTx = (txid: string): Promise<UtxoTx> => {
    let tx = txCache.get(txid);
    if (!tx) txCache.set(txid, (tx = fetch.getTx(txid)));
    return tx;
  };
  const spendCache = new Map<string, Promise<Outspend[]>>();
  const outspends = (txid: string): Promise<Outspend[]> => {
    let s = spendCache.get(txid);
    if (!s) spendCache.set(txid, (s = fetch.outspends(txid)));
    return s;
  };
  const confirmedSpend = (s: Outspend | undefined): s is Outspend & { txid: string } =>
    !!s && s.spent && s.txid !== undefined &&
    (params.tipHeight === undefined || (s.blockHeight != null && s.blockHeight <= params.tipHeight));

  // Taint per output, seeds first.
  const taint = new Map<string, OutputTaint>();
  const seedKeys = new Set<string>();
  const seedTxids = new Set<string>();
  let seededTotal = 0n;
  const seedOutput = (tx: UtxoTx, vout: number): void => {
    const output = tx.outputs[vout];
    if (!output) throw new RangeError(`seed ${tx.txid}:${vout}: the transaction has ${tx.outputs.length} outputs`);
    const key = outpointKey(tx.txid, vout);
    if (seedKeys.has(key)) return;
    seedKeys.add(key);
    seedTxids.add(tx.txid);
    taint.set(key, { ranges: output.value > 0n ? [[0n, output.value]] : [], hops: 0, path: [tx.txid] });
    seededTotal += output.value;
  };
  for (const seed of [...params.seeds].sort(compareSeeds)) {
    if ('address' in seed) {
      if (!fetch.addressTxids) throw new RangeError('address seeds need fetch.addressTxids');
      for (const txid of [...(await fetch.addressTxids(seed.address))].sort()) {
        const tx = await getTx(txid);
        for (const output of tx.outputs) if (output.address === seed.address) seedOutput(tx, output.vout);
      }
    } else {
      const tx = await getTx(seed.txid);
      if (seed.vout === undefined) tx.outputs.forEach((o) => seedOutput(tx, o.vout));
      else seedOutput(tx, seed.vout);
    }
  }

  // Taint a spending transaction passed into a seed output (change back to a seed address).
  const seedInflow = new Map<string, bigint>();
  const computed = new Map<string, { feeTainted: bigint; fee: bigint; inferred: boolean }>();
  const pending = new Map<string, number>(); // txid → block height (for ordering)
  const followed = new Set<string>(); // output keys whose spender was queued
  let computedCount = 0;
  let capped = false;

  /** Queue the spenders of a transaction's tainted, followable outputs. */
  const expand = async (tx: UtxoTx, changed: readonly number[]): Promise<void> => {
    if (changed.length === 0) return;
    const spends = await outspends(tx.txid);
    for (const vout of changed) {
      const spend = spends[vout];
      if (!confirmedSpend(spend)) continue;
      const key = outpointKey(tx.txid, vout);
      const t = taint.get(key);
      const follow = t !== undefined && followable(tx.outputs[vout]!, t);
      // A spender whose input lost its taint must be recomputed too.
      if (follow || followed.has(key)) {
        if (follow) followed.add(key);
        else followed.delete(key);
        const spender = await getTx(spend.txid);
        pending.set(spender.txid, spender.blockHeight ?? Number.MAX_SAFE_INTEGER);
      }
    }
  };
  const followable = (output: UtxoOutput, t: OutputTaint): boolean =>
    t.hops < params.maxHops && rangesTotal(t.ranges) >= minAmount &&
    !(output.address !== null && isStop(output.address));

  for (const txid of [...seedTxids].sort()) {
    const tx = await getTx(txid);
    await expand(tx, tx.outputs.map((o) => o.vout).filter((v) => taint.has(outpointKey(txid, v))));
  }

  while (pending.size > 0) {
    const txid = nextPending(pending);
    pending.delete(txid);
    if (computedCount >= maxTxs) {
      capped = true;
      break;
    }
    computedCount += 1;
    const tx = await getTx(txid);
    const inputs = tx.inputs.map((input) => {
      const t = input.coinbase ? undefined : taint.get(outpointKey(input.prevTxid, input.prevVout));
      const followedIn = t !== undefined && followed.has(outpointKey(input.prevTxid, input.prevVout));
      return { input, t: followedIn ? t : undefined };
    });
    // The shortest way here (ties: the first such input) gives hops and path.
    let via: OutputTaint | undefined;
    for (const { t } of inputs) if (t && (via === undefined || t.hops < via.hops)) via = t;
    // A tainted input's value is the one of the output we computed it on (read from verified
    // raw data), whatever the source said about the prevout.
    const spreadInputs = await Promise.all(inputs.map(async ({ input, t }) => ({
      value: t ? (await getTx(input.prevTxid)).outputs[input.prevVout]!.value : input.value,
      taint: t?.ranges ?? [],
    })));
    const spread = spreadTaint(model, spreadInputs, tx.outputs.map((o) => o.value));
    computed.set(txid, { fee: spread.fee, feeTainted: spread.feeTainted, inferred: spread.inferred });

    const changed: number[] = [];
    tx.outputs.forEach((_output, vout) => {
      const key = outpointKey(txid, vout);
      if (seedKeys.has(key)) {
        // A seed output is tainted in full whatever flows in; what did flow in was seeded before.
        seedInflow.set(key, via ? rangesTotal(normalizeRanges(spread.outputs[vout]!)) : 0n);
        return;
      }
      const ranges = normalizeRanges(spread.outputs[vout]!);
      const before = taint.get(key);
      const next = via && ranges.length > 0 ? { ranges, hops: via.hops + 1, path: [...via.path, txid] } : undefined;
      if (next === undefined) {
        if (before) {
          taint.delete(key);
          changed.push(vout);
        }
      } else if (!before || !sameRanges(before.ranges, next.ranges) || before.hops !== next.hops) {
        taint.set(key, next);
        changed.push(vout);
      } else taint.set(key, next);
    });
    await expand(tx, changed);
  }
  if (capped) notes.push(`stopped after ${maxTxs} spending transactions (maxTxs); the rest is frontier`);

  // Classify every tainted output.
  const outputs: TaintedOutput[] = [];
  for (const [key, t] of taint) {
    const [txid, voutText] = splitKey(key);
    const tx = await getTx(txid);
    const output = tx.outputs[Number(voutText)]!;
    const tainted = rangesTotal(t.ranges);
    if (tainted === 0n) continue;
    const spend = (await outspends(txid))[output.vout];
    const spent = confirmedSpend(spend);
    const stop = output.address !== null && isStop(output.address);
    const status: OutputStatus = stop ? 'endpoint'
      : !spent ? 'unspent'
      : computed.has(spend.txid) && followed.has(key) ? 'spent'
      : 'frontier';
    // The rule followable() applied to this very output, not a guess from an address's total.
    const stopReason: FrontierReason | undefined = status !== 'frontier' ? undefined
      : t.hops >= params.maxHops ? 'max-hops' : tainted < minAmount ? 'min-amount' : 'address-limit';
    outputs.push({
      ...output, txid, tainted, ranges: t.ranges, hops: t.hops, path: t.path, status,
      ...(spent ? { spentBy: spend.txid } : {}),
      ...(stopReason ? { stopReason } : {}),
    });
  }
  outputs.sort((a, b) => a.hops - b.hops || compare(a.txid, b.txid) || a.vout - b.vout);

  const fees: FeeSink[] = [...computed].filter(([, c]) => c.feeTainted > 0n)
    .map(([txid, c]) => ({ txid, fee: c.fee, tainted: c.feeTainted }))
    .sort((a, b) => compare(a.txid, b.txid));
  const inferredTxs = [...computed].filter(([, c]) => c.inferred).map(([txid]) => txid).sort(compare);
  if (inferredTxs.length > 0) {
    notes.push(`${inferredTxs.length} transaction(s) had inputs of unknown value, counted as clean and sized as if the fee were zero`);
  }
  const txs = await Promise.all([...txCache.keys()].sort(compare).map(getTx));
  for (const inflow of seedInflow.values()) seededTotal -= inflow;
  return {
    model, outputs, seededTotal, inferredTxs, notes, fees, txs,
    endpoints: outputs.filter((o) => o.status === 'endpoint'),
    holdings: outputs.filter((o) => o.status === 'unspent'),
    frontier: outputs.filter((o) => o.status === 'frontier'),
  };
}

function nextPending(pending: Map<string, number>): string {
  let best: [string, number] | undefined;
  for (const entry of pending) {
    if (!best || entry[1] < best[1] || (entry[1] === best[1] && entry[0] < best[0])) best = entry;
  }
  return best![0];
}

function splitKey(key: string): [string, string] {
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
