// The re-trace cost of many open cases (the bench's last section). On the tree the bench
// built, one case per L1 wallet (the L1 address as seed, fromBlock = the block it was paid
// in: each case is that L1's sub-tree, ~100 transfers, its own endpoints and holdings). All
// cases are traced once, then re-traced twice through services/retrace/retrace-cases.ts as
// the nightly job does: after a quiet night (a few empty blocks) and after an active night
// (held wallets of a tenth of the cases move their USDT on to fresh wallets and, through a
// new deposit address the exchange sweeps, to a labelled hot wallet).
//
// Runs in the bench's own process (the node is in-process too, so node and tracer share
// the CPU), on a throwaway database of its own, through the bench's counting proxy.
import { Interface, JsonRpcProvider, keccak256, parseEther, toUtf8Bytes, zeroPadValue } from 'ethers';
import { loadConfig } from '../../config';
import { createAppContext, type AppContext } from '../../services/app';
import { contractArtifact, receiptOf, type LocalNode } from '../../services/devchain';
import type { TraceReport } from '../../services/domain/report';
import { draftFreezeRequests } from '../../services/freeze/draft';
import { registerPartner } from '../../services/freeze/partners';
import { silentLogger } from '../../services/log';
import { retraceCases } from '../../services/retrace/retrace-cases';
import { createStore, migrate, openDb, type Db } from '../../services/store';
import { caseReport, createCase, getCase, startTrace } from '../../services/tracing/cases';
import { createTestDb } from '../../test/support/db';
import type { BenchCase } from './build-case';
import type { CountingProxy, WireCounts } from './counting-proxy';
import { TRANSFER_TOPIC } from './naive-tracer';

export interface RetraceBenchOptions {
  cases: number;
  /** Share of the cases whose held wallets move on the active night. */
  activeShare: number;
  /** Held wallets that move per active case. */
  movesPerCase: number;
  quietBlocks: number;
  model: string;
  maxHops: number;
  db: 'pg' | 'pglite';
}

export interface PhaseFigures {
  wallMs: number;
  cases: number;
  wire: WireCounts;
  callsPerCase: number;
  /** retraceCases' batched prefetch (RetraceResult.rpcCalls); 0 for the first trace. */
  prefetchRpcCalls: number;
  prefetchAddresses: number;
  /** Cases whose last result was taken over (nothing they watch moved), and cases resumed from their last crawl state. */
  reused: number;
  resumed: number;
  /** Sum of the runs' report.stats.rpcCalls. */
  runRpcCalls: number;
  newBlocks: number;
  transfersStored: number;
  endpoints: number;
  newEndpoints: number;
  holdings: number;
  /** retrace_runs.alerts_raised of the batch. */
  alertsRaisedBatch: number | null;
  alertsByKind: Record<string, number>;
  draftsNew: number;
}

export interface RetraceFigures {
  cases: number;
  activeCases: number;
  activity: { movedWallets: number; freshWallets: number; depositAddresses: number; transactions: number; blocks: number; buildMs: number };
  first: PhaseFigures;
  quiet: PhaseFigures;
  active: PhaseFigures;
}

const fresh = (tag: string) => '0x' + keccak256(toUtf8Bytes(`tracehold bench retrace ${tag}`)).slice(-40);
const ANALYST = { id: 'bench-analyst', name: 'bench analyst' };
const ADMIN = { id: 'bench-admin', name: 'bench admin' };

export async function retraceBench(node: LocalNode, kase: BenchCase, proxy: CountingProxy, options: RetraceBenchOptions, say: (t?: string) => void): Promise<RetraceFigures> {
  const rpc = <T>(method: string, params: unknown[] = []) => node.provider.request({ method, params }) as Promise<T>;
  const caseCount = Math.min(options.cases, kase.wallets.l1.length);
  const l1 = kase.wallets.l1.slice(0, caseCount);

  // Where each L1 was first paid: one eth_getLogs of S's outgoing USDT, straight to the node.
  const sLogs = await rpc<Array<{ topics: string[]; blockNumber: string }>>('eth_getLogs', [{
    fromBlock: `0x${kase.fromBlock.toString(16)}`, toBlock: `0x${kase.toBlock.toString(16)}`, address: kase.token,
    topics: [TRANSFER_TOPIC, zeroPadValue(kase.wallets.scam, 32)],
  }]);
  const paidAt = new Map<string, number>();
  for (const log of sLogs) {
    const to = `0x${log.topics[2]!.slice(-40)}`.toLowerCase();
    paidAt.set(to, Math.min(paidAt.get(to) ?? Infinity, Number(log.blockNumber)));
  }

  // A database of its own: the first trace starts cold, as the bench's first run does.
  let db: Db;
  let drop: () => Promise<void>;
  let config;
  if (options.db === 'pg') {
    const testDb = await createTestDb({ poolSize: 5 });
    db = testDb.db;
    drop = () => testDb.drop();
    config = loadConfig({ LOCAL_RPC_URL: proxy.url, TRACEHOLD_LOG_LEVEL: 'silent', DATABASE_URL: testDb.url });
  } else {
    db = await openDb({ dataDir: 'memory://' });
    await migrate(db);
    drop = () => db.close();
    config = loadConfig({ LOCAL_RPC_URL: proxy.url, TRACEHOLD_LOG_LEVEL: 'silent', TRACEHOLD_DATA_DIR: 'memory://' });
  }
  let app: AppContext | undefined;
  try {
    await createStore(db).labels.upsert(kase.labels);
    app = await createAppContext({ config, log: silentLogger, queue: 'inline', db });
    const deps = app.deps;
    const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
    const transferRows = () => count('select count(*) as n from transfers');
    const draftRows = () => count('select count(*) as n from freeze_requests');
    const alertKinds = async () => {
      const rows = (await db.query<{ kind: string; n: string }>('select kind, count(*) as n from alerts group by kind')).rows;
      return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)])) as Record<string, number>;
    };
    const tipNow = async () => Number(await rpc<string>('eth_blockNumber'));

    const caseIds: string[] = [];
    const reports = new Map<string, TraceReport>();
    const collect = async (ids: string[]) => {
      let endpoints = 0, holdings = 0, newEndpoints = 0, runRpcCalls = 0;
      for (const id of ids) {
        const c = await getCase(deps, id);
        if (c.status !== 'traced') throw new Error(`retrace bench: case ${id} ended ${c.status}: ${JSON.stringify(c.progress)}`);
        const report = await caseReport(deps, id);
        const before = new Set((reports.get(id)?.endpoints ?? []).map((e) => `${e.address}|${e.asset}`));
        newEndpoints += report.endpoints.filter((e) => !before.has(`${e.address}|${e.asset}`)).length;
        endpoints += report.endpoints.length;
        holdings += report.holdings.length;
        runRpcCalls += report.stats.rpcCalls;
        reports.set(id, report);
      }
      return { endpoints, holdings, newEndpoints, runRpcCalls };
    };
    const diff = (after: Record<string, number>, before: Record<string, number>) =>
      Object.fromEntries(Object.entries(after).map(([k, n]) => [k, n - (before[k] ?? 0)]).filter(([, n]) => (n as number) > 0)) as Record<string, number>;

    // --- First trace of every case.
    say(`  opening ${caseCount} cases (seed: one L1 wallet each, fromBlock = its first inflow) and tracing them all…`);
    let rowsBefore = await transferRows();
    proxy.reset();
    let started = performance.now();
    for (const [i, address] of l1.entries()) {
      const c = await createCase(deps, {
        title: `bench retrace L1 #${i}`, reference: `BENCH-${i}`, chain: kase.chain, seeds: [{ address }], fromBlock: paidAt.get(address) ?? kase.fromBlock,
        model: options.model, maxHops: options.maxHops,
      }, ANALYST.id);
      caseIds.push(c.id);
      await startTrace(deps, c.id);
    }
    await app.drain();
    let wallMs = performance.now() - started;
    let wire = proxy.counts();
    const firstCollected = await collect(caseIds);
    const first: PhaseFigures = {
      wallMs, cases: caseIds.length, wire, callsPerCase: wire.rpcCalls / caseIds.length, prefetchRpcCalls: 0, prefetchAddresses: 0, reused: 0, resumed: 0,
      runRpcCalls: firstCollected.runRpcCalls, newBlocks: kase.toBlock - kase.fromBlock + 1, transfersStored: (await transferRows()) - rowsBefore,
      endpoints: firstCollected.endpoints, newEndpoints: firstCollected.endpoints, holdings: firstCollected.holdings,
      alertsRaisedBatch: null, alertsByKind: await alertKinds(), draftsNew: 0,
    };
    say(`  first trace: ${(wallMs / 1000).toFixed(2)} s, ${first.wire.rpcCalls} JSON-RPC calls in ${first.wire.httpRequests} HTTP requests`);

    // Not timed: every case gets its freeze requests drafted (not sent), so the re-trace has a
    // request to draft supplementary ones after.
    for (const name of Object.keys(kase.wallets.hot)) {
      await registerPartner(deps, { name, kind: 'exchange', entities: [name], contactEmail: `le@${name.toLowerCase()}.example` }, ADMIN);
    }
    let drafted = 0;
    for (const id of caseIds) {
      if ((reports.get(id)?.endpoints.length ?? 0) === 0) continue;
      drafted += (await draftFreezeRequests(deps, id, {
        requestingAuthority: 'FIU Benchland', legalBasis: 'Art. 12 AML Act', contact: { name: 'B. Analyst', email: 'b@fiu.example' },
      }, ANALYST)).length;
    }
    say(`  (not timed) ${Object.keys(kase.wallets.hot).length} exchange partners registered; ${drafted} freeze requests drafted for the cases, left as drafts`);

    const retrace = async (label: string, previousTip: number): Promise<PhaseFigures> => {
      const rows = await transferRows();
      const drafts = await draftRows();
      const kinds = await alertKinds();
      proxy.reset();
      const t0 = performance.now();
      const result = await retraceCases(deps, { trigger: 'schedule' });
      await app!.drain();
      const ms = performance.now() - t0;
      const w = proxy.counts();
      if (result.queued.length !== caseIds.length) throw new Error(`${label}: ${result.queued.length} cases re-traced, ${result.skipped.length} skipped, of ${caseIds.length}`);
      const collected = await collect(caseIds);
      const batch = await deps.store.retrace.get(result.retraceRunId);
      return {
        wallMs: ms, cases: result.queued.length, wire: w, callsPerCase: w.rpcCalls / result.queued.length,
        prefetchRpcCalls: result.rpcCalls, prefetchAddresses: result.addresses, runRpcCalls: collected.runRpcCalls,
        reused: result.reused.length, resumed: result.resumed.length,
        newBlocks: (await tipNow()) - previousTip, transfersStored: (await transferRows()) - rows,
        endpoints: collected.endpoints, newEndpoints: collected.newEndpoints, holdings: collected.holdings,
        alertsRaisedBatch: batch?.alertsRaised ?? null, alertsByKind: diff(await alertKinds(), kinds), draftsNew: (await draftRows()) - drafts,
      };
    };

    // --- Quiet night: a few empty blocks.
    let tip = await tipNow();
    await node.mine(options.quietBlocks);
    say(`  quiet night: ${options.quietBlocks} empty blocks mined; re-tracing…`);
    const quiet = await retrace('quiet re-trace', tip);

    // --- Active night: held wallets of every k-th case move their USDT.
    tip = await tipNow();
    const activity = await makeActivity(node, kase, caseIds.map((id) => reports.get(id)!), options);
    say(`  active night: ${activity.activeCases} of ${caseIds.length} cases: ${activity.movedWallets} held wallets moved USDT to ${activity.freshWallets} fresh wallets and ${activity.depositAddresses} new deposit addresses (swept to the hot wallets); ${activity.transactions} transactions in ${activity.blocks} blocks, made in ${(activity.buildMs / 1000).toFixed(2)} s; re-tracing…`);
    const active = await retrace('active re-trace', tip);

    const { activeCases, ...rest } = activity;
    return { cases: caseIds.length, activeCases, activity: rest, first, quiet, active };
  } finally {
    await app?.close().catch(() => undefined);
    await drop().catch((error: unknown) => process.stderr.write(`could not drop the retrace bench database: ${(error as Error).message}\n`));
  }
}

/** Make the active night's transactions (straight to the node, not through the proxy). */
async function makeActivity(node: LocalNode, kase: BenchCase, reports: TraceReport[], options: RetraceBenchOptions) {
  const started = Date.now();
  const rpc = <T>(method: string, params: unknown[] = []) => node.provider.request({ method, params }) as Promise<T>;
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 10 });
  const usdt = new Interface(contractArtifact('TestUSDT').abi);
  const labelled = new Set(kase.labels.map((l) => l.address));
  const hotNames = Object.keys(kase.wallets.hot);
  const every = Math.max(1, Math.round(1 / options.activeShare));
  const funder = node.accounts[1]!.address.toLowerCase();
  await rpc('hardhat_impersonateAccount', [funder]); // anvil signs only for accounts it was told to
  let transactions = 0, blocks = 0, movedWallets = 0, freshWallets = 0, depositAddresses = 0, activeCases = 0;

  const balanceOf = async (address: string) =>
    BigInt(await rpc<string>('eth_call', [{ to: kase.token, data: usdt.encodeFunctionData('balanceOf', [address]) }, 'latest']));
  const multi = (from: string, pay: Array<[string, bigint]>) => ({
    from, to: kase.token, data: usdt.encodeFunctionData('multiTransfer', [pay.map((p) => p[0]), pay.map((p) => p[1])]),
    gas: `0x${(60_000 + 40_000 * pay.length).toString(16)}`,
  });
  const eth = (from: string, to: string, value: bigint) => ({ from, to, value: `0x${value.toString(16)}`, gas: '0x5208' });
  /** One block: send every transaction (impersonated senders), mine, check every receipt. */
  const block = async (txs: Array<Record<string, string>>) => {
    if (txs.length === 0) return;
    const hashes: string[] = [];
    for (const tx of txs) hashes.push(await rpc<string>('eth_sendTransaction', [{ ...tx, maxFeePerGas: '0x12a05f200', maxPriorityFeePerGas: '0x3b9aca00' }]));
    await rpc('evm_mine');
    for (const hash of hashes) {
      const receipt = await receiptOf(provider, hash);
      if (receipt.status !== 1) throw new Error(`retrace bench transaction ${hash} failed`);
    }
    transactions += txs.length;
    blocks += 1;
  };

  await rpc('evm_setAutomine', [false]);
  try {
    const gas: Array<Record<string, string>> = [];
    const moves: Array<Record<string, string>> = [];
    const topUps: Array<Record<string, string>> = [];
    const sweeps: Array<Record<string, string>> = [];
    for (const [i, report] of reports.entries()) {
      if (i % every !== 0) continue;
      const held = report.holdings
        .filter((h) => h.asset === kase.token && !labelled.has(h.address) && BigInt(h.amount) > 0n)
        .sort((a, b) => (BigInt(b.amount) > BigInt(a.amount) ? 1 : -1))
        .slice(0, options.movesPerCase);
      if (held.length === 0) continue;
      activeCases += 1;
      const hotName = hotNames[i % hotNames.length]!;
      const hot = kase.wallets.hot[hotName]!;
      const deposit = fresh(`deposit ${i}`);
      let depositGets = 0n;
      for (const [k, h] of held.entries()) {
        const amount = await balanceOf(h.address);
        if (amount === 0n) continue;
        await rpc('hardhat_impersonateAccount', [h.address]);
        gas.push(eth(funder, h.address, parseEther('0.01')));
        movedWallets += 1;
        // 1st: all to a fresh wallet; 2nd: half fresh, half to the deposit; others: all to the deposit.
        const pay: Array<[string, bigint]> = [];
        if (k === 0) pay.push([fresh(`wallet ${i} ${k}`), amount]);
        else if (k === 1) pay.push([fresh(`wallet ${i} ${k}`), amount / 2n], [deposit, amount - amount / 2n]);
        else pay.push([deposit, amount]);
        for (const [to, v] of pay) {
          if (to === deposit) depositGets += v;
          else freshWallets += 1;
        }
        moves.push(multi(h.address, pay));
      }
      if (depositGets > 0n) {
        depositAddresses += 1;
        await rpc('hardhat_impersonateAccount', [hot]);
        await rpc('hardhat_impersonateAccount', [deposit]);
        topUps.push(eth(hot, deposit, parseEther('0.01')));
        sweeps.push(multi(deposit, [[hot, depositGets]]));
      }
    }
    await block(gas);
    await block(moves);
    await block(topUps);
    await block(sweeps);
  } finally {
    await rpc('evm_setAutomine', [true]);
    provider.destroy();
  }
  return { activeCases, movedWallets, freshWallets, depositAddresses, transactions, blocks, buildMs: Date.now() - started };
}
