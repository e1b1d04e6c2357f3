// One crawl pipeline for every chain. A hop step opens the run, lets the chain's stages work
// out what the step found, settles what comes next (first write wins), writes, records the
// step's figures and the case's progress, and queues its successor under a deterministic job
// id: a step that runs twice (a retried or stalled job) does the same thing twice,
// harmlessly, on any worker. The account vs UTXO difference lives in the stages
// (trace-step.ts for EVM chains and Tron, bitcoin-trace.ts for Bitcoin); the report of both
// comes from the shared findings module (../domain/findings.ts).
import { getHeapStatistics } from 'node:v8';
import { chainConfig } from '../../config';
import { finalizeJob, hopJob, type TraceFinalizeJob, type TraceHopJob } from '../queues/definitions';
import type { CaseRow } from '../store';
import type { TraceDeps } from './deps';

/** What every opened step has; null from `open` when the run already ended (a late duplicate job). */
export interface OpenedStep {
  kase: CaseRow;
  source: { stats(): { rpcCalls: number } };
  /** The source's RPC count when the step opened. */
  before: number;
}

export interface HopFound {
  /** Another hop follows; else the final step. */
  grew: boolean;
  /**
   * The step's writes, made once its successor is settled: a re-run of the step finds them
   * already there and must not then decide that nothing grew.
   */
  persist(): Promise<void>;
  /** The case's progress beyond the hop and RPC calls, read after `persist`. */
  progress(): Record<string, number>;
  /** Figures of the step for the run's `stats.steps` (the pipeline adds `findMs` and `persistMs`). */
  stats?: Record<string, number>;
}

export interface HopStages<Step extends OpenedStep> {
  open(deps: TraceDeps, job: TraceHopJob): Promise<Step | null>;
  /** The chain's stages: seeds (hop 0), fetch and propagate, decide, judge. Null: nothing to do (a late duplicate). */
  find(deps: TraceDeps, job: TraceHopJob, step: Step): Promise<HopFound | null>;
}

export async function runHop<Step extends OpenedStep>(deps: TraceDeps, job: TraceHopJob, stages: HopStages<Step>): Promise<void> {
  const step = await stages.open(deps, job);
  if (!step) return;
  const clock = stageClock();
  const found = await clock.time('findMs', () => stages.find(deps, job, step));
  if (!found) return;
  const name = `hop-${job.hop}`;
  const next = await deps.store.runs.settleNextStep(job.runId, name, found.grew ? 'hop' : 'final');
  await clock.time('persistMs', () => found.persist());
  const run = await deps.store.runs.recordStepStats(job.runId, name, step.source.stats().rpcCalls - step.before, { ...found.stats, ...clock.figures() });
  await deps.store.cases.setStatus(step.kase.id, 'tracing', { hop: job.hop + 1, ...found.progress(), rpcCalls: Number(run.stats?.rpcCalls ?? 0) });
  await deps.queue.add(next === 'hop' ? hopJob({ ...job, hop: job.hop + 1 }) : finalizeJob({ caseId: job.caseId, runId: job.runId }));
}

/** The stages and final step of each kind of chain. */
export interface ChainPipeline {
  hop(deps: TraceDeps, job: TraceHopJob): Promise<void>;
  finalize(deps: TraceDeps, job: TraceFinalizeJob): Promise<void>;
}

/** The pipeline of a case's chain: Bitcoin's UTXO stages, or the account stages (EVM, Tron). */
export async function pipelineOf(deps: TraceDeps, caseId: string, pipelines: { bitcoin: ChainPipeline; account: ChainPipeline }): Promise<ChainPipeline> {
  const chain = (await deps.store.cases.get(caseId))?.chain ?? '';
  return chainConfig(deps.config, chain).kind === 'bitcoin' ? pipelines.bitcoin : pipelines.account;
}

/**
 * Wall time of a step's stages, for the run's `stats.steps` (where a big case's time goes:
 * `npm run bench` sums them over the steps). Milliseconds, rounded; a stage timed twice adds
 * up. With each `…Ms` figure, a `…HeapMB` one: the highest V8 heap in use while the stage ran
 * (see heapWhile), where a big case's memory peaks.
 */
export function stageClock(): { time<T>(name: string, stage: () => Promise<T>): Promise<T>; figures(): Record<string, number> } {
  const ms: Record<string, number> = {};
  const heap: Record<string, number> = {};
  return {
    async time(name, stage) {
      const started = performance.now();
      const peak = heapWhile();
      try {
        return await stage();
      } finally {
        ms[name] = (ms[name] ?? 0) + performance.now() - started;
        const mb = `${name.replace(/Ms$/, '')}HeapMB`;
        heap[mb] = Math.max(heap[mb] ?? 0, Math.round(peak() / 2 ** 20));
      }
    },
    figures: () => ({ ...Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v)])), ...heap }),
  };
}

const running = new Set<{ peak: number }>();
let sampler: NodeJS.Timeout | undefined;
const sampleHeap = () => {
  const used = getHeapStatistics().used_heap_size;
  for (const r of running) r.peak = Math.max(r.peak, used);
};

/**
 * Starts watching the V8 heap in use (sampled as it starts and ends, and every 50 ms between:
 * one timer for all the stages running); the function returned stops and gives the highest
 * seen, in bytes. It is the process's heap, garbage not yet collected included, and a job
 * running alongside counts too: where memory peaks, not what the stage alone holds.
 */
function heapWhile(): () => number {
  const watch = { peak: 0 };
  running.add(watch);
  sampleHeap();
  if (!sampler) {
    sampler = setInterval(sampleHeap, 50);
    sampler.unref();
  }
  return () => {
    sampleHeap();
    running.delete(watch);
    if (running.size === 0 && sampler) {
      clearInterval(sampler);
      sampler = undefined;
    }
    return watch.peak;
  };
}
