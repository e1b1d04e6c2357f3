// `tracehold labels import <file>…`
import { parseArgs } from 'node:util';
import { createAppContext } from '../app';
import { BadRequestError } from '../errors';
import { importLabelFiles } from '../tracing/label-import';
import type { CommandContext } from './context';

export async function labelsCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: {} });
  const [sub, ...files] = positionals;
  if (sub !== 'import' || files.length === 0) throw new BadRequestError('usage: tracehold labels import <file>…');
  const app = await createAppContext({ config: ctx.config, log: ctx.log, queue: 'inline' });
  try {
    const imported = await importLabelFiles(app.deps.store, files);
    ctx.io.out(JSON.stringify({ imported }) + '\n');
    return 0;
  } finally {
    await app.close();
  }
}
