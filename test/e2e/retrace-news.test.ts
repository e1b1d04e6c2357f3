// The re-trace at the cost of the news, on a real local EVM node: after a quiet night the
// last result is taken over (no trace steps, the same answer at the new tip); after a wallet
// of the case moved, the new run starts from the last run's crawl state and its answer is
// the one a full trace from hop 0 gives, also after quiet nights (it resumes from the taint of
// the run that computed the answer taken over); a limitation naming the last block, a reorg
// and new labels mean a recompute.
import { expect } from 'chai';
import { Contract, JsonRpcProvider, NonceManager, Wallet, parseEther } from 'ethers';
import { USDT } from '../../services/demo/pig-butchering';
import { contractArtifact, devAccount, fundWallets, receiptOf } from '../../services/devchain';
import type { TraceReport } from '../../services/domain/report';
import { retraceCases } from '../../services/retrace/retrace-cases';
import type { RunRow } from '../../services/store';
import { caseReport, createCase, startTrace } from '../../services/tracing/cases';
import { pigButcheringWorld, stableReport, type PigButcheringWorld } from '../support/tracing';

describe('e2e: a re-trace costs what is new', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let caseId: string;
  let first: TraceReport;

  const latestRun = async () => (await world.app.deps.store.runs.latestForCase(caseId, 'done'))!;
  /** A full trace from hop 0 of the case, at the current tip. */
  const fullTrace = async () => {
    await startTrace(world.app.deps, caseId);
    await world.app.drain();
    return caseReport(world.app.deps, caseId);
  };
  /** Ledgers a run's steps recomputed, summed over its steps. */
  const recomputed = (run: RunRow) =>
    Object.values(run.stats!.steps as Record<string, { recomputedLedgers?: number }>).reduce((n, s) => n + (s.recomputedLedgers ?? 0), 0);
  const answer = (r: TraceReport) => {
    const { toBlockHash: _h, ...rest } = stableReport(r) as TraceReport;
    return rest;
  };

  before(async () => {
    world = await pigButcheringWorld();
    const kase = await createCase(world.app.deps, { title: 'news case', chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })) }, 'analyst');
    caseId = kase.id;
    await startTrace(world.app.deps, caseId);
    await world.app.drain();
    first = await caseReport(world.app.deps, caseId);
  });
  after(async () => {
    await world?.close();
  });

  it('a quiet night: the last result is taken over at the new tip, with no trace step', async () => {
    const { app, node } = world;
    await node.mine(5);
    const previous = await latestRun();
    const result = await retraceCases(app.deps, { trigger: 'manual' });
    await app.drain();
    expect(result.reused).to.deep.equal([caseId]);
    expect(result.queued.map((q) => q.caseId)).to.deep.equal([caseId]);
    const run = await latestRun();
    expect(run.id).to.not.equal(previous.id);
    expect(run.toBlock).to.equal(previous.toBlock! + 5);
    expect(run.stats?.steps, 'no hop step ran').to.equal(undefined);
    const reused = await caseReport(app.deps, caseId);
    expect(reused.toBlock).to.equal(first.toBlock + 5);
    expect(reused.stats.rpcCalls).to.equal(0);
    expect(reused.stats.hops).to.equal(0);
    expect(reused.toBlockHash, 'the new block\'s hash').to.equal(run.toBlockHash).and.not.equal(first.toBlockHash);
    // The tip (2, and the settled block again when the logs are read), the new blocks' token
    // logs of every watched wallet (one call, filtered here), the 5 new blocks for ETH (no
    // trace_filter on this node), the old tip's hash.
    expect(result.rpcCalls).to.be.at.most(3 + 1 + 5 + 1);
    expect(await app.deps.store.runs.graph(run.id)).to.deep.equal(await app.deps.store.runs.graph(previous.id));
    expect(await app.deps.store.runs.endpoints(run.id)).to.deep.equal(await app.deps.store.runs.endpoints(previous.id));
    expect(await app.deps.store.runs.addresses(run.id)).to.deep.equal(await app.deps.store.runs.addresses(previous.id));
    // ... read from the computing run's rows: the quiet night copied none.
    for (const table of ['run_addresses', 'case_nodes', 'case_flows', 'case_endpoints', 'case_reports', 'case_report_elements']) {
      const { rows } = await app.deps.store.db.query<{ n: number }>(`select count(*)::int as n from ${table} where run_id = $1`, [run.id]);
      expect(rows[0]!.n, table).to.equal(0);
    }
    // What a full trace from hop 0 finds at the same tip.
    const full = await fullTrace();
    expect(full.toBlock).to.equal(reused.toBlock);
    expect(answer(reused)).to.deep.equal(answer(full));
    expect({ ...answer(reused), toBlock: first.toBlock }).to.deep.equal(answer(first));
  });

  it('a held wallet moved: the run starts from the last crawl state and finds what a full trace finds', async () => {
    const { app, node, scenario } = world;
    const h = scenario.wallets.h;
    expect(first.holdings.some((x) => x.address === h && x.asset === scenario.token), 'H holds USDT after the first trace').to.equal(true);
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 10 });
    try {
      await fundWallets(node.url, node.accounts[0]!, [h], parseEther('0.1'));
      const token = new Contract(scenario.token, contractArtifact('TestUSDT').abi, new NonceManager(new Wallet(scenario.keys.h.privateKey, provider)));
      const fresh = devAccount(6001).address;
      await receiptOf(provider, (await token.getFunction('transfer')(fresh, USDT(10_000))).hash);
    } finally {
      provider.destroy();
    }
    const fullRunBefore = await latestRun();
    const result = await retraceCases(app.deps, { trigger: 'manual' });
    await app.drain();
    expect(result.resumed).to.deep.equal([caseId]);
    expect(result.reused).to.deep.equal([]);
    const resumed = await caseReport(app.deps, caseId);
    const resumedRun = await latestRun();
    expect(resumed.holdings.find((x) => x.address === h && x.asset === scenario.token)?.amount).to.not.equal(
      first.holdings.find((x) => x.address === h && x.asset === scenario.token)?.amount,
    );
    const full = await fullTrace();
    const fullRun = await latestRun();
    expect(full.toBlock).to.equal(resumed.toBlock);
    expect(answer(resumed)).to.deep.equal(answer(full));
    expect(Number(resumedRun.stats?.hops), 'hop steps of the resumed run').to.be.below(Number(fullRun.stats?.hops));
    expect(fullRunBefore.id).to.not.equal(fullRun.id);
    // The taint through the wallets with no news is carried over: the resumed run recomputes
    // H (it moved) and what H reaches, not the wallets before it.
    const followed = (await app.deps.store.runs.addresses(fullRun.id)).filter((a) => a.state === 'source' || a.state === 'crawled').length;
    expect(recomputed(fullRun), 'a full trace computes every followed wallet once').to.equal(followed);
    expect(recomputed(resumedRun), 'the resumed run').to.be.above(0).and.below(followed);
  });

  it('news after quiet nights: the run resumes from the taint the reused results rest on', async () => {
    const { app, node, scenario } = world;
    const computed = await latestRun();
    for (const blocks of [3, 2]) {
      await node.mine(blocks);
      expect((await retraceCases(app.deps, { trigger: 'manual' })).reused).to.deep.equal([caseId]);
      await app.drain();
      expect((await latestRun()).stats?.reusedFrom, 'the run that computed the answer').to.equal(computed.id);
    }
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 10 });
    try {
      const token = new Contract(scenario.token, contractArtifact('TestUSDT').abi, new NonceManager(new Wallet(scenario.keys.h.privateKey, provider)));
      await receiptOf(provider, (await token.getFunction('transfer')(devAccount(6003).address, USDT(1_000))).hash);
    } finally {
      provider.destroy();
    }
    const result = await retraceCases(app.deps, { trigger: 'manual' });
    await app.drain();
    expect(result.resumed).to.deep.equal([caseId]);
    const resumed = await caseReport(app.deps, caseId);
    const resumedRun = await latestRun();
    const full = await fullTrace();
    expect(answer(resumed)).to.deep.equal(answer(full));
    const followed = (await app.deps.store.runs.addresses(resumedRun.id)).filter((a) => a.state === 'source' || a.state === 'crawled').length;
    expect(recomputed(resumedRun), 'the resumed run recomputes H and what it reaches').to.be.above(0).and.below(followed);
  });

  it("a limitation naming the last run's block: not taken over, the run recomputes", async () => {
    const { app, node } = world;
    await node.mine(1);
    const last = await latestRun();
    const named = `holdings not checked against real balances at block ${last.toBlock}: node unavailable`;
    await app.deps.store.db.query(`update case_reports set report = jsonb_set(report, '{limitations}', $2::jsonb) where run_id = $1`, [last.id, JSON.stringify([named])]);
    const result = await retraceCases(app.deps, { trigger: 'manual' });
    await app.drain();
    expect(result.reused).to.deep.equal([]);
    expect(result.resumed).to.deep.equal([caseId]);
    expect((await caseReport(app.deps, caseId)).limitations).to.not.include(named);
  });

  it("the last run's block is no longer the chain's (a reorg replaced it): a full trace", async () => {
    const { app, node } = world;
    const before = await caseReport(app.deps, caseId);
    await node.mine(2);
    const last = await latestRun();
    await app.deps.store.db.query('update trace_runs set to_block_hash = $2 where id = $1', [last.id, '0x' + 'e'.repeat(64)]);
    const result = await retraceCases(app.deps, { trigger: 'manual' });
    await app.drain();
    expect(result.queued.map((q) => q.caseId)).to.deep.equal([caseId]);
    expect(result.reused).to.deep.equal([]);
    expect(result.resumed).to.deep.equal([]);
    const run = await latestRun();
    expect(run.id).to.not.equal(last.id);
    expect(Number(run.stats?.hops)).to.be.above(0);
    const after = await caseReport(app.deps, caseId);
    expect(after.toBlock).to.equal(before.toBlock + 2);
    expect({ ...answer(after), toBlock: before.toBlock }).to.deep.equal(answer(before));
  });

  it('new labels: a full trace', async () => {
    const { app } = world;
    await app.deps.store.labels.upsert([{ chain: 'local', address: devAccount(6002).address.toLowerCase(), entity: 'Somewhere', category: 'exchange' }]);
    const before = await caseReport(app.deps, caseId);
    const result = await retraceCases(app.deps, { trigger: 'manual' });
    await app.drain();
    expect(result.queued.map((q) => q.caseId)).to.deep.equal([caseId]);
    expect(result.reused).to.deep.equal([]);
    expect(result.resumed).to.deep.equal([]);
    expect(Number((await latestRun()).stats?.hops)).to.be.above(0);
    expect(answer(await caseReport(app.deps, caseId))).to.deep.equal(answer(before));
  });
});
