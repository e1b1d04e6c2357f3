// The live watch: between nightly runs, follow new blocks and re-trace a case as soon as
// tainted funds leave a wallet where its last trace saw them sitting, so that arrivals at a
// partner's addresses raise their alerts within a block or two. One cheap query per chain
// per tick: the wallets' outgoing transfers in the new blocks, many wallets per call.
import type { Address } from '../domain/types';
import type { Logger } from '../log';
import type { TraceDeps } from '../tracing/deps';
import { chainConfig } from '../../config';
import { retraceCases, type RetraceResult } from './retrace-cases';

export interface Watcher {
  /** Look at the blocks since the last tick; re-trace the cases whose funds moved. */
  tick(): Promise<{ moved: string[]; retrace: RetraceResult | null }>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export function createWatcher(deps: TraceDeps, log: Logger = deps.log): Watcher {
  const lastSeen = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function tick() {
    const cases = (await deps.store.cases.list({ limit: 100_000 })).filter((c) => c.closedAt === null && c.status === 'traced');
    const moved = new Set<string>();
    for (const chain of new Set(cases.map((c) => c.chain))) {
      if (chainConfig(deps.config, chain).kind !== 'evm') continue;
      const source = deps.chains.get(chain);
      const watched = new Map<Address, Set<string>>();
      let since = Infinity;
      for (const kase of cases.filter((c) => c.chain === chain)) {
        const run = await deps.store.runs.latestForCase(kase.id, 'done');
        // Its block and the wallets of its holdings, not the whole report (18 MB at 100k), every tick.
        const outline = run ? await deps.store.runs.reportOutline(run.id) : null;
        if (!outline) continue;
        since = Math.min(since, outline.toBlock);
        for (const address of outline.holdings) watched.set(address, (watched.get(address) ?? new Set()).add(kase.id));
      }
      if (watched.size === 0) continue;
      const tip = (await source.tip()).number;
      const from = Math.max(lastSeen.get(chain) ?? since, since) + 1;
      if (from > tip) continue;
      const outflows = await source.transfers({ addresses: [...watched.keys()], direction: 'out', fromBlock: from, toBlock: tip });
      for (const t of outflows) if (t.kind !== 'fee') for (const id of watched.get(t.from) ?? []) moved.add(id);
      lastSeen.set(chain, tip);
    }
    const ids = [...moved].sort();
    if (ids.length === 0) return { moved: ids, retrace: null };
    log.info('watch: tainted funds moved', { cases: ids.length });
    return { moved: ids, retrace: await retraceCases(deps, { trigger: 'watch', caseIds: ids }) };
  }

  return {
    tick,
    start(intervalMs) {
      if (intervalMs <= 0 || timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = tick()
          .catch((error: Error) => log.warn('watch tick failed', { error: error.message }))
          .finally(() => (running = undefined));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
