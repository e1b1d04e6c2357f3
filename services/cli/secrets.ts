// `tracehold secrets rotate`: after TRACEHOLD_SECRET_KEY changed (the old key moved to
// TRACEHOLD_SECRET_KEY_PREVIOUS), re-seal every stored secret under the new key.
import { createAppContext } from '../app';
import { BadRequestError, InvalidInputError } from '../errors';
import { rotateSecrets } from '../security/rotate-secrets';
import type { CommandContext } from './context';

export async function secretsCommand(argv: string[], ctx: CommandContext): Promise<number> {
  if (argv.length !== 1 || argv[0] !== 'rotate') throw new BadRequestError('usage: tracehold secrets rotate');
  if (ctx.config.security.secretKeys.length === 0) throw new InvalidInputError('set TRACEHOLD_SECRET_KEY (and the old key in TRACEHOLD_SECRET_KEY_PREVIOUS) first');
  const app = await createAppContext({ config: ctx.config, log: ctx.log, queue: 'inline' });
  try {
    const { checked, resealed } = await rotateSecrets(app.deps.store, ctx.config.security.secretKeys);
    ctx.io.out(JSON.stringify({ checked, resealed }) + '\n');
    return 0;
  } finally {
    await app.close();
  }
}
