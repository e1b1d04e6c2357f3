// `tracehold keys create`: a new API key, printed once; only its hash is stored.
import { parseArgs } from 'node:util';
import { createAppContext } from '../app';
import { createApiKey, STAFF_ROLES, type StaffRole } from '../auth/api-keys';
import { BadRequestError, InvalidInputError } from '../errors';
import type { CommandContext } from './context';

export async function keysCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, strict: true, allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' } },
  });
  if (positionals[0] !== 'create' || positionals.length !== 1) throw new BadRequestError('usage: tracehold keys create --role admin|analyst|supervisor --name NAME');
  if (!values.role || !(STAFF_ROLES as readonly string[]).includes(values.role)) throw new InvalidInputError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
  if (!values.name?.trim()) throw new BadRequestError('--name is required');
  const app = await createAppContext({ config: ctx.config, log: ctx.log, queue: 'inline' });
  try {
    const { key } = await createApiKey(app.deps.store, { role: values.role as StaffRole, name: values.name.trim() });
    ctx.io.out(key + '\n');
    ctx.io.err(`created ${values.role} key "${values.name.trim()}"; it is shown once, store it now\n`);
    return 0;
  } finally {
    await app.close();
  }
}
