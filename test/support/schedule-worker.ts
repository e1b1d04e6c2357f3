// A worker process for the schedule test: upserts the nightly schedule (as every scheduler
// process does), runs a BullMQ worker that records each re-trace job it gets, then exits.
import * as fs from 'node:fs';
import { silentLogger } from '../../services/log';
import { createBullQueues, startBullWorkers } from '../../services/queues/bullmq';
import { scheduleNightlyRetrace } from '../../services/retrace/schedule';

async function run(): Promise<void> {
  const redisUrl = process.env.REDIS_URL!;
  const prefix = process.env.PREFIX!;
  const bull = createBullQueues({ redisUrl, prefix });
  await scheduleNightlyRetrace(bull, { retrace: { cron: '0 2 * * *', timezone: 'UTC', watchIntervalMs: 0 } }, { every: Number(process.env.EVERY_MS) });
  const workers = startBullWorkers({
    redisUrl, prefix, log: silentLogger,
    processor: async (job) => {
      fs.appendFileSync(process.env.OUT!, `${process.pid} ${job.id} ${job.name}\n`);
    },
  });
  fs.appendFileSync(process.env.OUT!, `${process.pid} ready\n`);
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.RUN_MS)));
  await workers.close();
  await bull.close();
}

run().then(() => process.exit(0), (error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
