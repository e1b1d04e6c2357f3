// `tracehold retrace`: what the nightly job runs — every open case (or one) traced again
// to the new confirmed tip, its alerts raised and new drafts made, in this process.
import { parseArgs } from 'node:util';
import { createAppContext } from '../app';
import { BadRequestError } from '../errors';
import { retraceCases } from '../retrace/retrace-cases';
import type { CommandContext } from './context';

export async function retraceCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({ args: argv, strict: true, options: { case: { type: 'string' }, all: { type: 'boolean', default: false } } });
  if (!values.case && !values.all) throw new BadRequestError('usage: tracehold retrace [--case ID | --all]');
  if (values.case && values.all) throw new BadRequestError('--case and --all exclude each other');
  const app = await createAppContext({ config: ctx.config, log: ctx.log, queue: 'inline' });
  try {
    const result = await retraceCases(app.deps, { trigger: 'manual', ...(values.case ? { caseIds: [values.case] } : {}) });
    await app.drain();
    const batch = await app.deps.store.retrace.get(result.retraceRunId);
    ctx.io.out(JSON.stringify({ retraceRunId: result.retraceRunId, retraced: result.queued.length, skipped: result.skipped.length, alertsRaised: batch?.alertsRaised ?? 0 }) + '\n');
    return 0;
  } finally {
    await app.close();
  }
}
