// The pig-butchering case on a real local EVM node, traced through the same use cases and
// processors as the service, into a throwaway Postgres database. Every expected amount is
// worked out by hand from the scenario (services/demo/pig-butchering.ts):
//
// USDT: 80,000 seeded (V1 50,000 + V2 30,000). The peel chain and the split carry it whole
// (each wallet there held no USDT before), so B passes 25,000 to the OKX deposit D2 and
// 5,000 to Binance's hot wallet, and the side wallets keep 5,000 each, under every model.
// Only C commingles: 20,000 clean, then 40,000 tainted, then out 30,000 to D1, 30,000 to H.
//   fifo:    D1 takes 20,000 clean + 10,000 tainted → 10,000; H takes 30,000 tainted.
//   lifo:    D1 takes 30,000 tainted from the tail;  H gets the last 10,000 tainted.
//   haircut: D1 30,000 × 40/60 = 20,000;              H, the last outflow, takes the other 20,000.
//   poison:  both outflows tainted in full: 30,000 and 30,000.
//   tiho:    each outflow is alone in its block: D1 gets min(30,000, 40,000) = 30,000; H the remaining 10,000.
import { expect } from 'chai';
import { parseEther } from 'ethers';
import { USDT } from '../../services/demo/pig-butchering';
import type { TraceReport } from '../../services/domain/report';
import { createCase, startTrace } from '../../services/tracing/cases';
import { pigButcheringWorld, stableReport, traceInline, type PigButcheringWorld } from '../support/tracing';

type Row = { address: string; asset: string; amount: string };
const at = (rows: Row[], address: string, asset: string) =>
  rows.filter((r) => r.address === address && r.asset === asset).reduce((sum, r) => sum + BigInt(r.amount), 0n);

describe('e2e: tracing a pig-butchering case on a local EVM node', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  const reports = new Map<string, TraceReport>();

  before(async () => {
    world = await pigButcheringWorld();
  });
  after(async () => {
    await world?.close();
  });

  const trace = async (model: string) => {
    if (!reports.has(model)) {
      reports.set(model, await traceInline(world.app, { chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })), model }));
    }
    return reports.get(model)!;
  };

  const expected: Record<string, { d1: number; h: number }> = {
    fifo: { d1: 10_000, h: 30_000 },
    lifo: { d1: 30_000, h: 10_000 },
    haircut: { d1: 20_000, h: 20_000 },
    poison: { d1: 30_000, h: 30_000 },
    tiho: { d1: 30_000, h: 10_000 },
  };

  for (const [model, want] of Object.entries(expected)) {
    it(`${model}: exact USDT at the deposit addresses, the exchange wallet and the holdings`, async () => {
      const r = await trace(model);
      const { wallets: w, token } = world.scenario;
      expect(at(r.endpoints, w.d1, token), 'Binance deposit D1').to.equal(USDT(want.d1));
      expect(at(r.endpoints, w.d2, token), 'OKX deposit D2').to.equal(USDT(25_000));
      expect(at(r.endpoints, w.binanceHot, token), 'Binance hot wallet').to.equal(USDT(5_000));
      expect(at(r.holdings, w.h, token), 'holding at H').to.equal(USDT(want.h));
      expect(at(r.holdings, w.side1, token)).to.equal(USDT(5_000));
      expect(at(r.holdings, w.side2, token)).to.equal(USDT(5_000));
      // Nothing tainted leaks to the exchanges' own wallets through the deposit sweeps.
      expect(at(r.endpoints, w.okxHot, token)).to.equal(0n);
    });
  }

  it('attributes deposit addresses by the sweep heuristic and the hot wallet by its label', async () => {
    const r = await trace('fifo');
    const { wallets: w, token } = world.scenario;
    const d1 = r.endpoints.find((e) => e.address === w.d1 && e.asset === token)!;
    expect(d1).to.include({ entity: 'Binance', category: 'exchange', attribution: 'deposit-heuristic', hops: 7 });
    expect(d1.sweptTo).to.deep.equal([w.binanceHot]);
    // Not listed in config/: symbol and decimals come from the token contract itself.
    expect(d1).to.include({ symbol: 'USDT', decimals: 6 });
    const d2 = r.endpoints.find((e) => e.address === w.d2 && e.asset === token)!;
    expect(d2).to.include({ entity: 'OKX', attribution: 'deposit-heuristic', hops: 6 });
    const hot = r.endpoints.find((e) => e.address === w.binanceHot)!;
    expect(hot).to.include({ entity: 'Binance', attribution: 'label', hops: 6 });
  });

  it('gives the transaction path from the victim payment to the deposit', async () => {
    const r = await trace('fifo');
    const d1 = r.endpoints.find((e) => e.address === world.scenario.wallets.d1)!;
    const path = d1.paths[0]!;
    expect(path).to.have.length(7);
    expect(world.scenario.seedTxs).to.include(path[0]);
    const receipt = await world.scenario.provider.getTransactionReceipt(path[6]!);
    expect(receipt!.to!.toLowerCase()).to.equal(world.scenario.token);
    expect(path[1]).to.equal(world.scenario.txs.sToP1);
  });

  it('scores exposure per exchange as a share of the seeded amount', async () => {
    const r = await trace('fifo');
    const usdt = r.exposure.filter((e) => e.asset === world.scenario.token);
    expect(usdt.find((e) => e.entity === 'OKX')).to.include({ amount: USDT(25_000).toString(), share: 0.3125 });
    expect(usdt.find((e) => e.entity === 'Binance')).to.include({ amount: USDT(15_000).toString(), share: 0.1875 });
  });

  it('follows the stolen ETH under fifo to the exact wei, fees included', async () => {
    const r = await trace('fifo');
    const { wallets: w, txs, provider } = world.scenario;
    const fee = async (hash: string) => {
      const receipt = (await provider.getTransactionReceipt(hash))!;
      return receipt.gasUsed * receipt.gasPrice;
    };
    const fees = (await fee(txs.sToP1)) + (await fee(txs.sToD2));
    // S held 1 clean ETH (its gas money) before 10 tainted ETH arrived; its fees and the
    // first part of the 9 ETH it sent D2 come out of the clean ETH first.
    const toD2 = parseEther('9') - (parseEther('1') - fees);
    expect(at(r.endpoints, w.d2, 'ETH')).to.equal(toD2);
    expect(at(r.holdings, w.s, 'ETH')).to.equal(parseEther('10') - toD2);
  });

  it('poison: a poisoned wallet holds its whole balance, clean opening included', async () => {
    const r = await trace('poison');
    const { wallets: w, txs, provider } = world.scenario;
    let fees = 0n;
    for (const hash of [txs.sToP1, txs.sToD2]) {
      const receipt = (await provider.getTransactionReceipt(hash))!;
      fees += receipt.gasUsed * receipt.gasPrice;
    }
    // S: 1 ETH of its own, 10 ETH from V3, 9 ETH to D2, two fees.
    expect(at(r.holdings, w.s, 'ETH')).to.equal(parseEther('2') - fees);
  });

  for (const model of ['fifo', 'lifo', 'haircut', 'tiho']) {
    it(`${model}: accounts for every seeded unit (seeded = endpoints + holdings + not followed + fees)`, async () => {
      const r = await trace(model);
      expect(r.accounting.length).to.be.greaterThan(0);
      for (const a of r.accounting) {
        expect(BigInt(a.seeded), a.asset).to.equal(BigInt(a.endpoints) + BigInt(a.holdings) + BigInt(a.stopped) + BigInt(a.fees));
      }
      expect(r.accounting.find((a) => a.asset === world.scenario.token)!.seeded).to.equal(USDT(80_000).toString());
      expect(r.accounting.find((a) => a.asset === 'ETH')!.seeded).to.equal(parseEther('10').toString());
    });
  }

  it('gives the same report twice (determinism), reading chain data from the shared cache', async () => {
    const first = await trace('fifo');
    const again = await traceInline(world.app, { chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })), model: 'fifo' });
    expect(stableReport(again)).to.deep.equal(stableReport(first));
    expect(again.stats.rpcCalls, 'a re-trace of cached ranges needs few RPC calls').to.be.lessThan(first.stats.rpcCalls);
  });

  it('each hop step recomputes only the wallets it had not computed: the others are read back as the last step left them', async () => {
    const kase = await createCase(world.app.deps, { title: 'steps', chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })), model: 'fifo' }, 'test');
    await startTrace(world.app.deps, kase.id);
    await world.app.drain();
    const run = (await world.app.deps.store.runs.latestForCase(kase.id))!;
    const steps = run.stats!.steps as Record<string, { recomputedLedgers?: number }>;
    const hops = Object.keys(steps).filter((k) => k.startsWith('hop-')).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
    const ledgers = (await world.app.deps.store.runs.addresses(run.id)).filter((a) => a.state === 'source' || a.state === 'crawled');
    // Every followed wallet is computed once over the whole run (this case sends nothing back
    // to a wallet already followed), each hop only the wallets the previous hop added.
    const perHop = hops.map((k) => steps[k]!.recomputedLedgers);
    expect(perHop).to.deep.equal(hops.map((_, k) => ledgers.filter((l) => l.hop === k).length));
    expect(perHop.reduce((a, b) => a! + b!, 0)).to.equal(ledgers.length);
    // Each step says where its time went: the stages it ran, within the step's own time.
    const timed = steps as Record<string, Record<string, number>>;
    for (const k of hops) {
      const stage = timed[k]!;
      const named = ['taintMs', 'decideMs', 'judgeMs', ...(k === 'hop-0' ? ['seedsMs'] : [])];
      for (const name of [...named, 'findMs', 'persistMs']) expect(stage[name], `${k}.${name}`).to.be.a('number').and.at.least(0);
      if (k !== 'hop-0') expect(stage.seedsMs, `${k}.seedsMs`).to.equal(undefined); // seeds are resolved once
      expect(named.reduce((sum, name) => sum + stage[name]!, 0)).to.be.at.most(stage.findMs! + named.length); // each rounded
    }
    expect(timed.final!.graphMs).to.be.a('number');
    expect(timed.final!.findingsMs).to.be.a('number');
  });

  it('traces from the scam wallet as an address seed: everything it held is tainted', async () => {
    const { wallets: w, token, fromBlock, txs, provider } = world.scenario;
    const r = await traceInline(world.app, { chain: 'local', seeds: [{ address: w.s }], fromBlock, model: 'fifo' });
    expect(at(r.endpoints, w.d2, token)).to.equal(USDT(25_000));
    expect(at(r.endpoints, w.d1, token)).to.equal(USDT(10_000));
    expect(at(r.endpoints, w.d2, 'ETH')).to.equal(parseEther('9'));
    const fee = async (hash: string) => {
      const receipt = (await provider.getTransactionReceipt(hash))!;
      return receipt.gasUsed * receipt.gasPrice;
    };
    const fees = (await fee(txs.sToP1)) + (await fee(txs.sToD2));
    const eth = r.accounting.find((a) => a.asset === 'ETH')!;
    expect(eth.seeded).to.equal(parseEther('11').toString());
    expect(eth.fees).to.equal(fees.toString());
  });

  it('stops at --max-hops and says where', async () => {
    const r = await traceInline(world.app, { chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })), maxHops: 3 });
    const { wallets: w, token } = world.scenario;
    expect(r.endpoints.filter((e) => e.asset === token)).to.have.length(0);
    // V1→S is hop 1, S→P1 hop 2, P1→P2 hop 3: P2 is where a 3-hop trace ends.
    const stopped = r.stopped.find((s) => s.address === w.p2 && s.asset === token)!;
    expect(stopped).to.include({ reason: 'max-hops', amount: USDT(75_000).toString(), hops: 3 });
    expect(r.stopped.find((s) => s.address === w.p3)).to.equal(undefined);
  });

  it('does not follow tainted amounts below --min-amount', async () => {
    const r = await traceInline(world.app, { chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })), minAmount: USDT(6_000).toString(), assets: [world.scenario.token] });
    const { wallets: w, token } = world.scenario;
    expect(r.stopped.find((s) => s.address === w.side1)).to.include({ reason: 'min-amount', amount: USDT(5_000).toString() });
    expect(at(r.endpoints, w.d2, token)).to.equal(USDT(25_000));
    expect(r.accounting.map((a) => a.asset)).to.deep.equal([token]);
  });
});
