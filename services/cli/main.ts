// `tracehold` command line. stdout carries only the result (the JSON report with --json);
// progress and logs go to stderr. Exit 0 on success, 2 on bad arguments, 1 otherwise.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { BadRequestError, InvalidInputError, TraceholdError } from '../errors';
import { AmbiguousSeedError } from '../tracing/seed-check';
import { createLogger } from '../log';
import { keysCommand } from './keys';
import { labelsCommand } from './labels';
import { retraceCommand } from './retrace';
import { secretsCommand } from './secrets';
import { traceCommand } from './trace';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  /** stderr is a terminal: live progress instead of plain lines. */
  errIsTty?: boolean;
}

const USAGE = `usage:
  tracehold trace --chain <name> [--rpc URL | --esplora URL] --seed <address|txhash|txhash:index> [--seed …]
                  [--from-block N] [--to-block N] [--max-hops N] [--model fifo|haircut|poison|lifo|tiho]
                  [--asset ETH|BTC|<token address>]… [--labels <csv or tagpack yaml>]… [--min-amount <ASSET=amount in display units>]… [--json]
  tracehold trace [--chain multi] --seed <chain>=<seed> [--seed <chain>=<seed> …] [--endpoint <chain>=<url>]…   # several chains
  tracehold keys create --role admin|analyst|supervisor --name NAME [--expires 30d|<ISO date>]
  tracehold keys list [--role ROLE] [--all] [--json]
  tracehold keys revoke <key id>
  tracehold labels import <file>…
  tracehold retrace [--case ID | --all]
  tracehold secrets rotate`;

const defaultIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
  errIsTty: process.stderr.isTTY === true,
};

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === 'help') {
      io.out(USAGE + '\n');
      return command ? 0 : 2;
    }
    const config = loadConfig(io.env);
    const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, {}, (line) => io.err(line + '\n'));
    switch (command) {
      case 'trace':
        return await traceCommand(rest, { config, log, io });
      case 'keys':
        return await keysCommand(rest, { config, log, io });
      case 'labels':
        return await labelsCommand(rest, { config, log, io });
      case 'retrace':
        return await retraceCommand(rest, { config, log, io });
      case 'secrets':
        return await secretsCommand(rest, { config, log, io });
      default:
        throw new BadRequestError(`unknown command "${command}"`);
    }
  } catch (error) {
    return reportError(error, io);
  }
}

export function reportError(error: unknown, io: Io): number {
  const usage = error instanceof BadRequestError || error instanceof InvalidInputError || isParseArgsError(error);
  const message = (error as Error)?.message ?? String(error);
  io.err(`tracehold: ${message.split('\n')[0]}\n`);
  if (error instanceof AmbiguousSeedError) io.err(error.listing());
  if (!usage && !(error instanceof TraceholdError) && io.env.TRACEHOLD_DEBUG) io.err(`${(error as Error).stack}\n`);
  return usage ? 2 : 1;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export { parseArgs };
