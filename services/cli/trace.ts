// `tracehold trace`: one case, traced in this process through the same use cases and
// processors the service runs, on the embedded defaults unless DATABASE_URL is set.
import { parseArgs } from 'node:util';
import { withChainEndpoint } from '../../config';
import { createAppContext } from '../app';
import type { MultiChainReport } from '../domain/multi-chain-report';
import type { TraceReport } from '../domain/report';
import { splitMultiChainInput } from '../tracing/multi-chain-input';
import { BadRequestError, InvalidInputError, TraceholdError } from '../errors';
import { importLabelFiles } from '../tracing/label-import';
import { caseReport, createCase, getCase, startTrace } from '../tracing/cases';
import { parseSeedArg, validateCaseInput } from '../tracing/case-input';
import { createChainRegistry } from '../chains/registry';
import type { CommandContext } from './context';
import { showProgress } from './progress';
import { renderReport } from './render';

export async function traceCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      chain: { type: 'string' },
      rpc: { type: 'string' },
      endpoint: { type: 'string', multiple: true },
      esplora: { type: 'string' },
      seed: { type: 'string', multiple: true },
      'from-block': { type: 'string' },
      'to-block': { type: 'string' },
      'max-hops': { type: 'string' },
      model: { type: 'string' },
      asset: { type: 'string', multiple: true },
      labels: { type: 'string', multiple: true },
      'min-amount': { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      title: { type: 'string' },
    },
  });
  if (!values.seed?.length) throw new BadRequestError('at least one --seed is required');
  // `--seed <chain>=<seed>` names a seed's chain: a case on several chains (`--chain multi`).
  const seeds = values.seed.map((arg) => {
    const named = /^([a-z][a-z0-9-]{0,31})=(.+)$/.exec(arg);
    return named ? { ...parseSeedArg(named[2]!), chain: named[1]! } : parseSeedArg(arg);
  });
  const chain = values.chain ?? (seeds.every((s) => 'chain' in s) ? 'multi' : undefined);
  if (!chain) throw new BadRequestError('--chain is required (or name every seed\'s chain: --seed <chain>=<seed>)');
  let config = ctx.config;
  if (values.rpc || values.esplora) {
    if (chain === 'multi') throw new BadRequestError('--rpc and --esplora name one chain\'s endpoint: use --endpoint <chain>=<url> for a case on several chains');
    config = withChainEndpoint(config, chain, { rpcUrl: values.rpc, esploraUrl: values.esplora });
  }
  for (const arg of values.endpoint ?? []) {
    const named = /^([a-z][a-z0-9-]{0,31})=(.+)$/.exec(arg);
    if (!named) throw new BadRequestError(`--endpoint takes <chain>=<url>, got "${arg}"`);
    const kind = config.chains[named[1]!]?.kind;
    config = withChainEndpoint(config, named[1]!, kind === 'bitcoin' ? { esploraUrl: named[2]! } : { rpcUrl: named[2]! });
  }
  const body = {
    title: values.title ?? `CLI trace ${new Date().toISOString()}`,
    chain,
    seeds,
    fromBlock: intArg(values['from-block'], '--from-block'),
    toBlock: intArg(values['to-block'], '--to-block'),
    maxHops: intArg(values['max-hops'], '--max-hops'),
    model: values.model,
    assets: values.asset,
    minAmount: minAmountArgs(values['min-amount']),
  };
  // Bad arguments fail here, before any database is opened or created.
  const chains = createChainRegistry(config, ctx.log);
  const normalize = (name: string, address: string) => chains.get(name).normalizeAddress(address);
  if (!splitMultiChainInput(config, normalize, body)) validateCaseInput(config, normalize, body);
  await chains.close();
  const app = await createAppContext({ config, log: ctx.log, queue: 'inline' });
  try {
    if (values.labels?.length) {
      const imported = await importLabelFiles(app.deps.store, values.labels);
      ctx.io.err(`labels: ${imported} imported from ${values.labels.length} file(s)\n`);
    }
    const kase = await createCase(app.deps, body, 'cli');
    // Reach each chain once before queueing work, so a wrong endpoint fails in seconds.
    const onChains = kase.chain === 'multi' ? [...new Set(seeds.map((s) => (s as { chain: string }).chain))] : [kase.chain];
    for (const name of onChains) {
      await app.deps.chains.get(name).tip().catch((error: Error) => {
        throw new TraceholdError(`cannot reach the ${name} endpoint: ${error.message}`);
      });
    }
    ctx.io.err(`case ${kase.id}: tracing ${values.seed.length} seed(s) on ${onChains.join(', ')} (${kase.model})\n`);
    await startTrace(app.deps, kase.id);
    const progress = showProgress({
      tty: ctx.io.errIsTty ?? false,
      write: ctx.io.err,
      read: async () => {
        const current = await getCase(app.deps, kase.id);
        const p = current.progress as { hop?: number; crawled?: number; addresses?: number };
        let transfers = 0;
        let rpcCalls = 0;
        for (const name of onChains) {
          transfers += await app.deps.store.chainData.transferCount(name);
          rpcCalls += app.deps.chains.get(name).stats().rpcCalls;
        }
        return { hop: p.hop ?? 0, maxHops: current.maxHops, wallets: p.crawled ?? p.addresses ?? 0, transfers, rpcCalls };
      },
    });
    try {
      await app.drain();
    } finally {
      await progress.stop();
    }
    const final = await getCase(app.deps, kase.id);
    if (final.status !== 'traced') {
      const reason = typeof final.progress?.error === 'string' ? final.progress.error : final.status;
      throw new TraceholdError(`trace failed: ${reason}`);
    }
    const report: TraceReport = await caseReport(app.deps, kase.id);
    const multi = report as unknown as Partial<MultiChainReport>;
    const text = () => multi.sections ? multi.sections.map((x) => `== ${x.chain} ==\n${renderReport(x.report)}`).join('\n\n') : renderReport(report);
    ctx.io.out(values.json ? JSON.stringify(report, null, 2) + '\n' : text() + '\n');
    return 0;
  } finally {
    await app.close();
  }
}

/** `--min-amount USDT=100 --min-amount ETH=0.05`: per asset (symbol or token address), in display units. */
export function minAmountArgs(args: string[] | undefined): Record<string, string> | undefined {
  if (!args?.length) return undefined;
  const out: Record<string, string> = {};
  for (const arg of args) {
    const m = /^([^=\s]+)=(.+)$/.exec(arg.trim());
    if (!m) throw new InvalidInputError(`--min-amount takes ASSET=amount in display units, e.g. USDT=100 or ETH=0.05; got "${arg}"`);
    if (m[1]! in out) throw new InvalidInputError(`--min-amount given twice for ${m[1]}`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

function intArg(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new InvalidInputError(`${flag} must be a whole number`);
  return Number(value);
}
