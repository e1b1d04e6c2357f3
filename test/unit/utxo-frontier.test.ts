// The UTXO tracer's queue and its resumable state. The queue is a heap: draining a frontier
// of n transactions costs O(n log n) comparisons where the former scan for the lowest entry
// per pick cost n(n-1)/2 (counted, never timed). The state survives a round trip through
// JSON between any two waves with the same result as one uninterrupted trace, which is what
// lets a job queue run one wave per job on any worker.
import { expect } from 'chai';
import { TAINT_MODELS } from '../../services/domain/types';
import {
  advanceUtxoTrace, finishUtxoTrace, PendingQueue, startUtxoTrace, stateFromJson, stateToJson, traceUtxo,
  type TraceUtxoParams, type UtxoTraceResult,
} from '../../services/domain/utxo-taint';
import { seeded } from '../support/random';
import { Chain, txidOf } from '../support/utxo-chain';

describe('utxo tracer: the pending queue', () => {
  it('pops lowest block first (ties: txid), holds a transaction once', () => {
    const q = new PendingQueue();
    for (const [txid, height] of [['c', 5], ['a', 7], ['b', 5], ['a', 1], ['d', null]] as const) q.push(txid, height);
    const out: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(`${e.txid}@${e.height === Number.MAX_SAFE_INTEGER ? 'mempool' : e.height}`);
    expect(out).to.deep.equal(['b@5', 'c@5', 'a@7', 'd@mempool']);
  });

  it('drains 50,000 entries in order within 3·n·log2(n) comparisons (a scan per pick needs n(n-1)/2)', () => {
    const random = seeded(11);
    const n = 50_000;
    const q = new PendingQueue();
    for (let i = 0; i < n; i++) q.push(txidOf(`t${i}`), Math.floor(random() * 1_000));
    let last: [number, string] = [-1, ''];
    let popped = 0;
    for (let e = q.pop(); e; e = q.pop()) {
      expect(e.height > last[0] || (e.height === last[0] && e.txid > last[1])).to.equal(true);
      last = [e.height, e.txid];
      popped += 1;
    }
    expect(popped).to.equal(n);
    const bound = 3 * n * Math.log2(n);
    expect(q.comparisons).to.be.below(bound);
    expect(bound).to.be.below((n * (n - 1)) / 2 / 100);
  });

  it('a trace with a frontier of 4,000 spending transactions picks them in O(n log n)', async () => {
    const chain = new Chain();
    const n = 4_000;
    const random = seeded(5);
    const seed = chain.add('seed', 1, [], Array.from({ length: n }, (_, i) => [`a${i}`, 10_000n] as [string, bigint]));
    for (let i = 0; i < n; i++) chain.add(`spend ${i}`, 2 + Math.floor(random() * 500), [[seed.txid, i]], [[`b${i}`, 9_000n]]);
    const result = await traceUtxo({ seeds: [{ txid: seed.txid }], model: 'fifo', maxHops: 3, fetch: chain });
    expect(result.work.computed).to.equal(n);
    expect(result.holdings).to.have.length(n);
    expect(result.fees.reduce((s, f) => s + f.tainted, 0n)).to.equal(BigInt(n) * 1_000n);
    expect(result.work.queueComparisons).to.be.below(3 * n * Math.log2(n));
    expect(result.work.queueComparisons).to.be.below((n * (n - 1)) / 2 / 20);
  });
});

describe('utxo tracer: state between waves', () => {
  /** Layers of transactions each spending 1–3 outputs of earlier layers, paying 1–3 outputs. */
  const graph = (seedNumber: number) => {
    const random = seeded(seedNumber);
    const chain = new Chain();
    const unspent: Array<{ txid: string; vout: number; value: bigint }> = [];
    const root = chain.add(`root ${seedNumber}`, 1, [], Array.from({ length: 4 }, (_, i) => [`r${i}`, BigInt(50_000 + i * 7_001)] as [string, bigint]));
    root.outputs.forEach((o) => unspent.push({ txid: root.txid, vout: o.vout, value: o.value }));
    const clean = chain.add(`clean ${seedNumber}`, 1, [], Array.from({ length: 6 }, (_, i) => [`c${i}`, BigInt(30_000 + i * 3_001)] as [string, bigint]));
    clean.outputs.forEach((o) => unspent.push({ txid: clean.txid, vout: o.vout, value: o.value }));
    for (let layer = 0; layer < 6; layer++) {
      for (let k = 0; k < 4 && unspent.length > 0; k++) {
        const take = Math.min(unspent.length, 1 + Math.floor(random() * 3));
        const ins = Array.from({ length: take }, () => unspent.splice(Math.floor(random() * unspent.length), 1)[0]!);
        const total = ins.reduce((s, i) => s + i.value, 0n);
        const fee = 500n + BigInt(Math.floor(random() * 500));
        const count = 1 + Math.floor(random() * 3);
        const each = (total - fee) / BigInt(count);
        const outs = Array.from({ length: count }, (_, i) => [`x${layer}.${k}.${i}.${Math.floor(random() * 4)}`, i === count - 1 ? total - fee - each * BigInt(count - 1) : each] as [string, bigint]);
        const tx = chain.add(`tx ${seedNumber} ${layer} ${k}`, 2 + layer, ins.map((i) => [i.txid, i.vout]), outs);
        tx.outputs.forEach((o) => unspent.push({ txid: tx.txid, vout: o.vout, value: o.value }));
      }
    }
    return { chain, root };
  };
  const summary = (r: UtxoTraceResult) => ({
    outputs: r.outputs.map((o) => [o.txid, o.vout, o.tainted.toString(), o.hops, o.status, o.stopReason ?? '', o.path.join('>')]),
    fees: r.fees.map((f) => [f.txid, f.tainted.toString()]),
    seeded: r.seededTotal.toString(),
    txs: r.txs.map((t) => t.txid),
  });

  for (const model of TAINT_MODELS) {
    it(`${model}: a JSON round trip between every wave gives the uninterrupted result`, async () => {
      for (const seedNumber of [1, 2, 3]) {
        const { chain, root } = graph(seedNumber);
        const params: TraceUtxoParams = {
          seeds: [{ txid: root.txid, vout: 0 }, { txid: root.txid, vout: 2 }], model, maxHops: 4, fetch: chain,
          minAmount: 2_000n, isStop: (a) => a.endsWith('.3'),
        };
        const direct = await traceUtxo(params);
        let state = await startUtxoTrace(params);
        let waves = 0;
        while (state.pending.size > 0) {
          state = stateFromJson(JSON.parse(JSON.stringify(stateToJson(state))));
          await advanceUtxoTrace(state, params);
          waves += 1;
        }
        const resumed = await finishUtxoTrace(stateFromJson(JSON.parse(JSON.stringify(stateToJson(state)))), params);
        expect(summary(resumed)).to.deep.equal(summary(direct));
        expect(waves).to.be.at.least(2);
        expect(direct.outputs.some((o) => o.hops >= 2)).to.equal(true);
      }
    });
  }

  it('judges each address once, before following it, and stops at the service-like ones', async () => {
    const { chain, root } = graph(4);
    const asked: string[] = [];
    const base: TraceUtxoParams = { seeds: [{ txid: root.txid }], model: 'poison', maxHops: 6, fetch: chain };
    const open = await traceUtxo(base);
    const busy = open.outputs.find((o) => o.hops === 1 && o.status === 'spent')!;
    const result = await traceUtxo({
      ...base,
      judge: async (addresses) => {
        asked.push(...addresses);
        return new Set(addresses.filter((a) => a === busy.address));
      },
    });
    expect(new Set(asked).size).to.equal(asked.length);
    expect(result.serviceLike.map((o) => o.address)).to.include(busy.address);
    expect(result.outputs.filter((o) => o.address === busy.address).every((o) => o.status === 'service-like')).to.equal(true);
    // Its spender is not followed: nothing downstream of it only is tainted.
    expect(result.outputs.some((o) => o.parent === `${busy.txid}:${busy.vout}`)).to.equal(false);
  });
});
