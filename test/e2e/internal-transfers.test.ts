// ETH moved by contracts, traced on anvil twice: once with trace_filter, once through a proxy
// that refuses trace_* the way geth does (debug_traceTransaction with callTracer only). The
// scenario is test/support/internal-moves-case.ts; every figure below is worked out by hand.
//
// W (a smart-contract wallet) receives the 100 ETH seed and holds nothing else, so every model
// carries the 100 whole through the splitter, the batch payout and the factory: A keeps 35,
// B1 12, the batch contract keeps the 8 its reverted payment did not move, the child created
// with 15 self-destructs them to Kraken's hot wallet (so the child is a Kraken deposit by the
// sweep heuristic), W keeps 5. Only the pool commingles:
// 25 tainted, then 25 clean from Q, then withdrawals of 30 to R (Binance) and 20 to R2 (Kraken),
// each alone in its block:
//   fifo:    R 25 (the tainted head), R2 0          lifo:  R 5 (25 clean from the tail first), R2 20
//   haircut: R 30 × 25/50 = 15, R2 the rest 10      poison: R 30, R2 20      tiho: R min(30, 25) = 25, R2 0
import { expect } from 'chai';
import { parseEther } from 'ethers';
import { loadConfig } from '../../config';
import { createAppContext, type AppContext } from '../../services/app';
import type { TraceReport } from '../../services/domain/report';
import { silentLogger } from '../../services/log';
import { startAnvil, type AnvilNode } from '../support/anvil';
import { createTestDb, type TestDb } from '../support/db';
import { startGethLikeProxy, type GethLikeProxy } from '../support/geth-proxy';
import { playInternalMoves, type InternalMovesCase } from '../support/internal-moves-case';
import { stableReport, traceInline } from '../support/tracing';
import { createCase } from '../../services/tracing/cases';
import { AmbiguousSeedError } from '../../services/tracing/seed-check';
import { createRpcClient } from '../../services/chains/rpc/client';
import { createBlockStore } from '../../services/chains/evm/block-store';
import { feeTransfers, slimTrace, traceFilterHistory, traceMatches, type TraceFilterDeps } from '../../services/chains/evm/trace-filter-scan';
import { parityValueMove } from '../../services/chains/evm/internal-calls';
import { toHex, type ParityTrace } from '../../services/chains/evm/rpc-types';

type Row = { address: string; asset: string; amount: string };
const at = (rows: Row[], address: string) => rows.filter((r) => r.address.toLowerCase() === address && r.asset === 'ETH').reduce((sum, r) => sum + BigInt(r.amount), 0n);
const eth = (n: number) => parseEther(String(n));

describe('e2e: internal transfers on anvil, with trace_filter and with callTracer only', function () {
  this.timeout(300_000);
  let node: AnvilNode;
  let proxy: GethLikeProxy;
  let scenario: InternalMovesCase;
  const worlds: Array<{ app: AppContext; db: TestDb }> = [];
  let viaTraceFilter: AppContext;
  let viaCallTracer: AppContext;
  const reports = new Map<string, TraceReport>();

  const open = async (rpcUrl: string) => {
    const db = await createTestDb();
    const config = loadConfig({ LOCAL_RPC_URL: rpcUrl, TRACEHOLD_LOG_LEVEL: 'silent' });
    const app = await createAppContext({ config, log: silentLogger, queue: 'inline', db: db.db });
    await app.deps.store.labels.upsert(scenario.labels);
    worlds.push({ app, db });
    return app;
  };

  before(async () => {
    node = await startAnvil();
    scenario = await playInternalMoves(node);
    // The last blocks are empty: a probe that looks only near the tip finds nothing to trace.
    await node.mine(300);
    proxy = await startGethLikeProxy(node.url);
    viaTraceFilter = await open(node.url);
    viaCallTracer = await open(proxy.url);
  });
  after(async () => {
    for (const w of worlds) {
      await w.app.close();
      await w.db.drop();
    }
    scenario?.provider.destroy();
    await proxy?.close();
    await node?.close();
  });

  const trace = async (how: 'trace_filter' | 'callTracer', model: string) => {
    const key = `${how}/${model}`;
    if (!reports.has(key)) {
      const app = how === 'trace_filter' ? viaTraceFilter : viaCallTracer;
      reports.set(key, await traceInline(app, { chain: 'local', seeds: [{ txHash: scenario.seedTx }], model }));
    }
    return reports.get(key)!;
  };

  const expected: Record<string, { r: number; r2: number }> = {
    fifo: { r: 25, r2: 0 },
    lifo: { r: 5, r2: 20 },
    haircut: { r: 15, r2: 10 },
    poison: { r: 30, r2: 20 },
    tiho: { r: 25, r2: 0 },
  };

  for (const how of ['trace_filter', 'callTracer'] as const) {
    for (const [model, want] of Object.entries(expected)) {
      it(`${how}, ${model}: exact wei at the exchanges and the holdings`, async () => {
        const r = await trace(how, model);
        const { wallets: w, contracts: c } = scenario;
        expect(at(r.endpoints, w.r), 'Binance deposit R').to.equal(eth(want.r));
        expect(at(r.endpoints, w.r2), 'Kraken deposit R2').to.equal(eth(want.r2));
        // The child passes everything it ever held to Kraken's hot wallet (its self-destruct):
        // the sweep heuristic reports it as a Kraken deposit address.
        const child = r.endpoints.find((e) => e.address.toLowerCase() === c.child)!;
        expect(child).to.include({ entity: 'Kraken', attribution: 'deposit-heuristic', amount: eth(15).toString() });
        expect(child.sweptTo).to.deep.equal([w.krakenHot]);
        expect(at(r.holdings, w.a), 'A, paid by the splitter').to.equal(eth(35));
        expect(at(r.holdings, w.b1), 'B1, paid by the batch').to.equal(eth(12));
        expect(at(r.holdings, c.batch), 'the reverted payment stays in the batch contract').to.equal(eth(8));
        expect(at(r.holdings, c.w), 'the smart wallet').to.equal(eth(5));
        expect(at(r.holdings, c.sink), 'the rejecting sink got nothing').to.equal(0n);
        expect(at(r.holdings, c.splitter) + at(r.holdings, c.factory) + at(r.holdings, c.child)).to.equal(0n);
        const binance = r.exposure.find((e) => e.entity === 'Binance' && e.asset === 'ETH');
        const kraken = r.exposure.find((e) => e.entity === 'Kraken' && e.asset === 'ETH')!;
        expect(BigInt(binance?.amount ?? '0')).to.equal(eth(want.r));
        expect(kraken.amount).to.equal(eth(want.r2 + 15).toString());
        expect(kraken.share).to.equal((want.r2 + 15) / 100);
      });
    }
  }

  for (const model of Object.keys(expected)) {
    it(`${model}: both ways give the same report`, async () => {
      expect(stableReport(await trace('callTracer', model))).to.deep.equal(stableReport(await trace('trace_filter', model)));
    });
  }

  it('holdings equal the real balances at the report block (fifo: every holding is wholly tainted)', async () => {
    for (const how of ['trace_filter', 'callTracer'] as const) {
      const r = await trace(how, 'fifo');
      expect(r.holdings.length).to.be.greaterThan(0);
      for (const h of r.holdings.filter((x) => x.asset === 'ETH')) {
        const real = BigInt(await node.rpc<string>('eth_getBalance', [h.address.toLowerCase(), `0x${r.toBlock.toString(16)}`]));
        expect(BigInt(h.amount), `${how} ${h.address}`).to.equal(real);
      }
    }
  });

  it('a payment inside a contract\'s batch is picked by its trace address (txhash:call:…), the same way with either tracer', async () => {
    const { wallets: w, contracts: c } = scenario;
    for (const app of [viaTraceFilter, viaCallTracer]) {
      const error = await createCase(app.deps, { title: 'batch', chain: 'local', seeds: [{ txHash: scenario.txs.batch }] }, 'test').then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(AmbiguousSeedError);
      const rows = (error as AmbiguousSeedError).details.transfers;
      const toB1 = rows.find((t) => t.to?.toLowerCase() === w.b1)!;
      expect(toB1).to.include({ index: null, asset: 'ETH', amount: eth(12).toString() });
      expect(toB1.pick).to.match(/^call:\d+(\.\d+)*$/);
      expect(rows.map((t) => t.to?.toLowerCase())).to.include(c.batch); // W's 20 into the batch contract

      const r = await traceInline(app, { chain: 'local', seeds: [{ txHash: scenario.txs.batch, ref: toB1.pick }] });
      expect(r.seeds).to.deep.equal([{ txHash: scenario.txs.batch, ref: toB1.pick }]);
      expect(r.accounting.find((a) => a.asset === 'ETH')?.seeded).to.equal(eth(12).toString());
      expect(r.holdings.filter((h) => h.asset === 'ETH').map((h) => [h.address.toLowerCase(), h.amount])).to.deep.equal([[w.b1, eth(12).toString()]]);
      expect(r.endpoints).to.deep.equal([]);
    }
  });

  it('a pick that names no transfer of the transaction is refused, listing what it has', async () => {
    const error = await traceInline(viaTraceFilter, { chain: 'local', seeds: [{ txHash: scenario.txs.batch, ref: 'call:7.7' }] }).then(() => null, (e: unknown) => e);
    expect(String(error)).to.match(/has no transfer of value call:7\.7 \(its transfers: .*call:/);
  });

  it('a short range read whole (every trace of its blocks, filtered here) gives exactly what trace_filter by address gives, in fewer calls', async () => {
    const rpcWith = () => createRpcClient({ url: node.url, maxConcurrency: 2, batchSize: 1, retries: 1 });
    const addresses = new Set([...Object.values(scenario.wallets), ...Object.values(scenario.contracts)].map((a) => a.toLowerCase()));
    const range = { fromBlock: scenario.fromBlock, toBlock: scenario.toBlock };
    for (const direction of ['in', 'out', 'both'] as const) {
      const byAddress = rpcWith();
      const whole = rpcWith();
      const deps = (rpc: ReturnType<typeof rpcWith>) => ({ chain: 'local', nativeAsset: 'ETH', rpc, blocks: createBlockStore(rpc), blockReceipts: true, maxRange: 100_000, addressesPerCall: 3 });
      // The transfers with their fees, as the source's `transfers` gives them.
      const withFees = async (d: TraceFilterDeps) => {
        const read = await traceFilterHistory(d, { addresses, direction, ...range });
        return [...read.transfers, ...(await feeTransfers(d, read.pendingFees))];
      };
      const expected = await withFees(deps(byAddress));
      const got = await withFees({ ...deps(whole), denseMaxBlocks: 100_000 });
      expect(expected.length, direction).to.be.greaterThan(5);
      // the same transfers; the order follows the calls' answers
      const inOrder = (list: typeof got) => [...list].sort((a, b) => a.blockNumber - b.blockNumber || a.txIndex - b.txIndex || a.seq - b.seq || a.ref.localeCompare(b.ref));
      expect(inOrder(got), direction).to.deep.equal(inOrder(expected));
      expect(whole.stats().byMethod.trace_filter, direction).to.equal(1);
      // The history read alone reads no receipt: the fees of what the addresses sent are left pending.
      const lazy = rpcWith();
      const history = await traceFilterHistory(deps(lazy), { addresses, direction, ...range });
      expect((lazy.stats().byMethod.eth_getBlockReceipts ?? 0) + (lazy.stats().byMethod.eth_getTransactionReceipt ?? 0), direction).to.equal(0);
      expect(history.pendingFees.length > 0, direction).to.equal(direction !== 'in');
      expect(history.transfers.some((t) => t.kind === 'fee'), direction).to.equal(false);
      expect(expected.filter((t) => t.kind === 'fee').length, direction).to.equal(direction === 'in' ? 0 : history.pendingFees.length);
      // Every transaction here is traced at its top level (a sender or recipient is asked for):
      // sender, recipient and value come from that trace, and no transaction is read at all.
      expect(byAddress.stats().byMethod.eth_getTransactionByHash ?? 0, direction).to.equal(0);
      expect(byAddress.stats().byMethod.trace_filter, direction).to.be.greaterThan(1);
    }
  });

  it('keeps of each trace what the transfers need only: the same value moves, no call input, output or creation code', async () => {
    const rpc = createRpcClient({ url: node.url, maxConcurrency: 2, batchSize: 1, retries: 1 });
    const traces = (await rpc.request<ParityTrace[]>('trace_filter', [{ fromBlock: toHex(scenario.fromBlock), toBlock: toHex(scenario.toBlock) }])) ?? [];
    // The scenario's batch payout and factory carry call data and creation code: what is dropped.
    const carried = (t: object) => /"(input|output|init|code)"/.test(JSON.stringify(t));
    expect(traces.filter(carried).length).to.be.greaterThan(5);
    expect(traces.some((t) => t.type === 'create')).to.equal(true);
    const addresses = new Set(Object.values(scenario.wallets).map((a) => a.toLowerCase()));
    for (const t of traces) {
      const slim = slimTrace(t);
      expect(carried(slim), JSON.stringify(slim)).to.equal(false);
      expect(parityValueMove(slim)).to.deep.equal(parityValueMove(t));
      for (const side of ['fromAddress', 'toAddress'] as const) expect(traceMatches(slim, side, addresses)).to.equal(traceMatches(t, side, addresses));
      for (const key of ['type', 'error', 'traceAddress', 'transactionHash', 'transactionPosition', 'blockNumber', 'blockHash'] as const) expect(slim[key], key).to.deep.equal(t[key]);
      expect(slim.result?.address).to.equal(t.result?.address);
    }
  });

  it('says how internal transfers were found, and reads fees one block of receipts at a time', async () => {
    expect((await viaTraceFilter.deps.chains.get('local').capabilities()).internalTransfers).to.equal('trace_filter');
    const caps = await viaCallTracer.deps.chains.get('local').capabilities();
    expect(caps.internalTransfers).to.equal('callTracer');
    expect(caps.notes.join(' ')).not.to.match(/internal transfers/);
    expect(proxy.refused()).to.be.greaterThan(0);
    const traced = new Set(proxy.calls.filter((c) => c.method === 'debug_traceTransaction').map((c) => String(c.params[0])));
    for (const hash of Object.values(scenario.txs)) expect(traced.has(hash), `traced ${hash}`).to.equal(true);
    // Five models, several hops each: every transaction traced once (the probe may add one).
    const times = new Map<string, number>();
    for (const c of proxy.calls.filter((x) => x.method === 'debug_traceTransaction')) times.set(String(c.params[0]), (times.get(String(c.params[0])) ?? 0) + 1);
    expect(Math.max(...times.values())).to.be.at.most(2);
    // Receipts came by block: single receipts only for seed transactions (the batch is one in a test above).
    const single = new Set(proxy.calls.filter((c) => c.method === 'eth_getTransactionReceipt').map((c) => String(c.params[0])));
    expect(single.has(scenario.seedTx)).to.equal(true);
    for (const hash of single) expect([scenario.seedTx, scenario.txs.batch]).to.include(hash);
    expect(proxy.calls.some((c) => c.method === 'eth_getBlockReceipts')).to.equal(true);
  });
});
