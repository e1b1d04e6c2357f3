// The nightly re-trace as a BullMQ job scheduler: every process that starts a scheduler
// upserts the same scheduler id, so there is one schedule however many run, and each
// firing is one job that one worker takes.
import type { Config } from '../../config';
import type { BullQueues } from '../queues/bullmq';
import { NIGHTLY_RETRACE_SCHEDULER } from '../queues/definitions';

export async function scheduleNightlyRetrace(bull: BullQueues, config: Pick<Config, 'retrace'>, repeat?: { every: number }): Promise<void> {
  await bull.queue('trace').upsertJobScheduler(
    NIGHTLY_RETRACE_SCHEDULER,
    repeat ?? { pattern: config.retrace.cron, tz: config.retrace.timezone },
    { name: 'retrace', data: { trigger: 'schedule' }, opts: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } } },
  );
}
