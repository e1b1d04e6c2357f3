// The re-trace of open cases (nightly, on demand, or when the watch sees funds move). Each
// case gets a new trace run to the new confirmed tip. The chain data earlier runs stored is
// reused, so only the blocks since then are fetched, and they are fetched for every case at
// once first: one eth_getLogs serves the crawled wallets of many cases. A quiet night costs
// a tip look-up per chain; the cost grows with new blocks and activity, not with history.
import { MULTI_CHAIN } from '../domain/multi-chain-report';
import { ConflictError } from '../errors';
import type { Address } from '../domain/types';
import type { CaseRow, RetraceTrigger } from '../store';
import { createChainData } from '../tracing/chain-data';
import { startTrace } from '../tracing/cases';
import type { TraceDeps } from '../tracing/deps';
import { chainConfig } from '../../config';

export interface RetraceResult {
  retraceRunId: string;
  /** Cases a new trace run was queued for. */
  queued: { caseId: string; runId: string }[];
  /** Cases left alone because a trace of them is already queued or running. */
  skipped: string[];
  addresses: number;
  rpcCalls: number;
}

export async function retraceCases(deps: TraceDeps, options: { trigger: RetraceTrigger; caseIds?: string[] }): Promise<RetraceResult> {
  const batch = await deps.store.retrace.start(options.trigger);
  let addresses = 0;
  let rpcCalls = 0;
  try {
    const cases = await openCases(deps, options.caseIds);
    for (const [chain, group] of byChain(cases)) {
      const prefetched = await prefetch(deps, chain, group);
      addresses += prefetched.addresses;
      rpcCalls += prefetched.rpcCalls;
    }
    const queued: RetraceResult['queued'] = [];
    const skipped: string[] = [];
    for (const kase of cases) {
      try {
        const { runId } = await startTrace(deps, kase.id);
        await deps.store.retrace.link(runId, batch.id);
        queued.push({ caseId: kase.id, runId });
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        skipped.push(kase.id);
      }
    }
    await deps.store.retrace.finish(batch.id, { status: 'done', cases: queued.length, addresses, rpcCalls });
    return { retraceRunId: batch.id, queued, skipped, addresses, rpcCalls };
  } catch (error) {
    await deps.store.retrace.finish(batch.id, { status: 'failed', cases: 0, addresses, rpcCalls, error: (error as Error).message });
    throw error;
  }
}

/** Open cases: not closed, traced at least once (or failed), or exactly those asked for. */
async function openCases(deps: TraceDeps, caseIds?: string[]): Promise<CaseRow[]> {
  if (caseIds) {
    const found = (await Promise.all(caseIds.map((id) => deps.store.cases.get(id)))).filter((c): c is CaseRow => c !== null && c.closedAt === null);
    // A case across chains is re-traced chain by chain: its per-chain cases.
    const expanded = await Promise.all(found.map(async (c) => (c.chain === MULTI_CHAIN ? deps.store.cases.children(c.id) : [c])));
    return expanded.flat().filter((c) => c.closedAt === null);
  }
  const all = await deps.store.cases.list({ limit: 100_000 });
  return all.filter((c) => c.closedAt === null && (c.status === 'traced' || c.status === 'failed'));
}

function byChain(cases: CaseRow[]): Map<string, CaseRow[]> {
  const groups = new Map<string, CaseRow[]>();
  for (const c of cases) {
    const group = groups.get(c.chain);
    if (group) group.push(c);
    else groups.set(c.chain, [c]);
  }
  return groups;
}

/** Fetch the new blocks' transfers of every wallet the cases' last runs followed, in one pass. */
async function prefetch(deps: TraceDeps, chain: string, cases: CaseRow[]): Promise<{ addresses: number; rpcCalls: number }> {
  if (chainConfig(deps.config, chain).kind !== 'evm') return { addresses: 0, rpcCalls: 0 };
  const windows = new Map<Address, number>();
  for (const kase of cases) {
    const run = await deps.store.runs.latestForCase(kase.id, 'done');
    if (!run) continue;
    for (const a of await deps.store.runs.addresses(run.id)) {
      if (a.state !== 'crawled' && a.state !== 'source') continue;
      const from = a.fromBlock ?? 0;
      windows.set(a.address, Math.min(windows.get(a.address) ?? from, from));
    }
  }
  if (windows.size === 0) return { addresses: 0, rpcCalls: 0 };
  const source = deps.chains.get(chain);
  const before = source.stats().rpcCalls;
  const tip = await source.tip();
  await createChainData(deps.store, source).ensureHistory([...windows].map(([address, fromBlock]) => ({ address, fromBlock })), tip.number);
  return { addresses: windows.size, rpcCalls: source.stats().rpcCalls - before };
}
