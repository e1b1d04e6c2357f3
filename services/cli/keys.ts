// `tracehold keys list | create | revoke`: the key management admins have over the API,
// from the command line. A created key is printed once on stdout; only its hash is stored.
import { parseArgs } from 'node:util';
import { createAppContext } from '../app';
import { STAFF_ROLES, type StaffRole } from '../auth/api-keys';
import { createManagedKey, keyJson, parseExpiry, revokeKey } from '../auth/key-management';
import { BadRequestError, InvalidInputError } from '../errors';
import { API_KEY_ROLES, type ApiKeyRole } from '../store';
import type { CommandContext } from './context';

const USAGE = 'usage: tracehold keys create --role admin|analyst|supervisor --name NAME [--expires 30d|<ISO date>]\n'
  + '       tracehold keys list [--role ROLE] [--all] [--json]\n'
  + '       tracehold keys revoke <key id>';

export async function keysCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, strict: true, allowPositionals: true,
    options: {
      role: { type: 'string' }, name: { type: 'string' }, expires: { type: 'string' },
      all: { type: 'boolean' }, json: { type: 'boolean' },
    },
  });
  const [action, ...rest] = positionals;
  if (action === 'create' && rest.length === 0) {
    if (!values.role || !(STAFF_ROLES as readonly string[]).includes(values.role)) throw new InvalidInputError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
    if (!values.name?.trim()) throw new BadRequestError('--name is required');
    const expiresAt = values.expires ? parseExpiry(values.expires) : null;
    return withStore(ctx, async (store) => {
      const { key } = await createManagedKey(store, { role: values.role as StaffRole, name: values.name!, expiresAt });
      ctx.io.out(key + '\n');
      ctx.io.err(`created ${values.role} key "${values.name!.trim()}"${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''}; it is shown once, store it now\n`);
      return 0;
    });
  }
  if (action === 'list' && rest.length === 0) {
    if (values.role && !(API_KEY_ROLES as readonly string[]).includes(values.role)) throw new InvalidInputError(`--role must be one of ${API_KEY_ROLES.join(', ')}`);
    return withStore(ctx, async (store) => {
      const rows = [];
      for (let after: string | null = null; ;) {
        const page = await store.apiKeys.page({ role: (values.role as ApiKeyRole) ?? null, active: values.all ? null : true, after, limit: 500 });
        rows.push(...page);
        if (page.length < 500) break;
        after = page[page.length - 1]!.id;
      }
      const keys = rows.map(keyJson);
      if (values.json) ctx.io.out(JSON.stringify(keys, null, 2) + '\n');
      else {
        for (const k of keys) {
          const state = k.active ? (k.expiresAt ? `expires ${k.expiresAt.toISOString()}` : 'active') : k.revokedAt ? 'revoked' : 'expired';
          ctx.io.out(`${k.id}  ${k.role.padEnd(10)}  ${k.prefix}…  ${state.padEnd(32)}  ${k.name}\n`);
        }
      }
      return 0;
    });
  }
  if (action === 'revoke' && rest.length === 1) {
    return withStore(ctx, async (store) => {
      const row = await revokeKey(store, rest[0]!);
      ctx.io.err(`revoked ${row.role} key "${row.name}" (${row.keyPrefix}…)\n`);
      return 0;
    });
  }
  throw new BadRequestError(USAGE);
}

async function withStore(ctx: CommandContext, fn: (store: Awaited<ReturnType<typeof createAppContext>>['deps']['store']) => Promise<number>): Promise<number> {
  const app = await createAppContext({ config: ctx.config, log: ctx.log, queue: 'inline' });
  try {
    return await fn(app.deps.store);
  } finally {
    await app.close();
  }
}
