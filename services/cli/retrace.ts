// `tracehold retrace`: trace open cases again up to the new confirmed tip. (Today a full
// re-trace per case; the shared chain-data cache makes the already-seen ranges free.)
import { parseArgs } from 'node:util';
import { createAppContext } from '../app';
import { BadRequestError } from '../errors';
import { startTrace } from '../tracing/cases';
import type { CommandContext } from './context';

export async function retraceCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({ args: argv, strict: true, options: { case: { type: 'string' }, all: { type: 'boolean', default: false } } });
  if (!values.case && !values.all) throw new BadRequestError('usage: tracehold retrace [--case ID | --all]');
  if (values.case && values.all) throw new BadRequestError('--case and --all exclude each other');
  const app = await createAppContext({ config: ctx.config, log: ctx.log, queue: 'inline' });
  try {
    const cases = values.case ? [values.case] : (await app.deps.store.cases.list()).filter((c) => c.closedAt === null && c.status !== 'queued' && c.status !== 'tracing').map((c) => c.id);
    for (const id of cases) {
      await startTrace(app.deps, id);
      await app.drain();
    }
    ctx.io.out(JSON.stringify({ retraced: cases.length }) + '\n');
    return 0;
  } finally {
    await app.close();
  }
}
