// Queue names, job payloads and job options in one module (BullMQ and the in-process
// runner both read them from here).

export const QUEUE_NAMES = ['trace', 'freeze', 'callback'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface TraceHopJob {
  caseId: string;
  runId: string;
  hop: number;
}
export interface TraceFinalizeJob {
  caseId: string;
  runId: string;
}

/** Post one revision of an approved freeze request to its partner's webhook. */
export interface FreezeDeliverJob {
  requestId: string;
  revision: number;
  /** Which send of this revision (a re-send after delivery_failed is a new job, same Idempotency-Key). */
  send: number;
}

/** Notify a case's callback URL that one of its runs finished or failed. */
export interface CaseCallbackJob {
  caseId: string;
  runId: string;
  event: 'trace.finished' | 'trace.failed';
}

/** Re-trace open cases (all of them, or those listed). */
export interface RetraceJob {
  trigger: 'schedule' | 'manual' | 'watch';
  caseIds?: string[];
}

export interface JobPayloads {
  'trace-hop': TraceHopJob;
  'trace-finalize': TraceFinalizeJob;
  'freeze-deliver': FreezeDeliverJob;
  retrace: RetraceJob;
  'case-callback': CaseCallbackJob;
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: Record<JobName, QueueName> = {
  'trace-hop': 'trace',
  'trace-finalize': 'trace',
  'freeze-deliver': 'freeze',
  retrace: 'trace',
  'case-callback': 'callback',
};

export interface JobSpec<N extends JobName = JobName> {
  name: N;
  data: JobPayloads[N];
  /** Deterministic: adding the same job twice is a no-op, so a step that runs twice enqueues its successor once. */
  jobId: string;
  /** Tries and first backoff for this job, when not the defaults below. */
  attempts?: number;
  backoffMs?: number;
}

export const JOB_ATTEMPTS = 6;
export const JOB_BACKOFF_MS = 1_000;

export function hopJob(data: TraceHopJob): JobSpec<'trace-hop'> {
  return { name: 'trace-hop', data, jobId: `run-${data.runId}-hop-${data.hop}` };
}

export function finalizeJob(data: TraceFinalizeJob): JobSpec<'trace-finalize'> {
  return { name: 'trace-finalize', data, jobId: `run-${data.runId}-final` };
}

/** The nightly schedule's id: one schedule, however many processes upsert it. */
export const NIGHTLY_RETRACE_SCHEDULER = 'nightly-retrace';

export function retraceJob(data: RetraceJob, jobId: string): JobSpec<'retrace'> {
  return { name: 'retrace', data, jobId, attempts: 3 };
}

export function deliveryJob(data: FreezeDeliverJob, options: { attempts: number; backoffMs: number }): JobSpec<'freeze-deliver'> {
  return { name: 'freeze-deliver', data, jobId: `freeze-${data.requestId}-r${data.revision}-s${data.send}`, attempts: options.attempts, backoffMs: options.backoffMs };
}

/** One job per run and event: a step that runs twice queues it once. */
export function callbackJob(data: CaseCallbackJob, options: { attempts: number; backoffMs: number }): JobSpec<'case-callback'> {
  return { name: 'case-callback', data, jobId: `callback-${data.runId}-${data.event}`, attempts: options.attempts, backoffMs: options.backoffMs };
}

export interface JobContext<N extends JobName = JobName> {
  name: N;
  data: JobPayloads[N];
  id: string;
  /** 1 for the first try. */
  attempt: number;
  maxAttempts: number;
}

/** A processor: a plain async function BullMQ and the in-process runner both call. */
export type Processor = (job: JobContext) => Promise<void>;

/** What use cases need from a queue: add a job (idempotently by jobId). */
export interface JobQueue {
  add(spec: JobSpec): Promise<void>;
}
