// `tracehold trace`: one case, traced in this process through the same use cases and
// processors the service runs, on the embedded defaults unless DATABASE_URL is set.
import { parseArgs } from 'node:util';
import { withChainEndpoint } from '../../config';
import { createAppContext } from '../app';
import type { TraceReport } from '../domain/report';
import { BadRequestError, InvalidInputError, TraceholdError } from '../errors';
import { importLabelFiles } from '../tracing/label-import';
import { caseReport, createCase, getCase, startTrace } from '../tracing/cases';
import { parseSeedArg, validateCaseInput } from '../tracing/case-input';
import { createChainRegistry } from '../chains/registry';
import type { CommandContext } from './context';
import { renderReport } from './render';

export async function traceCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      chain: { type: 'string' },
      rpc: { type: 'string' },
      esplora: { type: 'string' },
      seed: { type: 'string', multiple: true },
      'from-block': { type: 'string' },
      'to-block': { type: 'string' },
      'max-hops': { type: 'string' },
      model: { type: 'string' },
      asset: { type: 'string', multiple: true },
      labels: { type: 'string', multiple: true },
      'min-amount': { type: 'string' },
      json: { type: 'boolean', default: false },
      title: { type: 'string' },
    },
  });
  if (!values.chain) throw new BadRequestError('--chain is required');
  if (!values.seed?.length) throw new BadRequestError('at least one --seed is required');
  let config = ctx.config;
  if (values.rpc || values.esplora) {
    config = withChainEndpoint(config, values.chain, { rpcUrl: values.rpc, esploraUrl: values.esplora });
  }
  const body = {
    title: values.title ?? `CLI trace ${new Date().toISOString()}`,
    chain: values.chain,
    seeds: values.seed.map(parseSeedArg),
    fromBlock: intArg(values['from-block'], '--from-block'),
    toBlock: intArg(values['to-block'], '--to-block'),
    maxHops: intArg(values['max-hops'], '--max-hops'),
    model: values.model,
    assets: values.asset,
    minAmount: values['min-amount'],
  };
  // Bad arguments fail here, before any database is opened or created.
  const chains = createChainRegistry(config, ctx.log);
  validateCaseInput(config, (chain, address) => chains.get(chain).normalizeAddress(address), body);
  await chains.close();
  const app = await createAppContext({ config, log: ctx.log, queue: 'inline' });
  try {
    if (values.labels?.length) {
      const imported = await importLabelFiles(app.deps.store, values.labels);
      ctx.io.err(`labels: ${imported} imported from ${values.labels.length} file(s)\n`);
    }
    const kase = await createCase(app.deps, body, 'cli');
    // Reach the chain once before queueing work, so a wrong endpoint fails in seconds.
    await app.deps.chains.get(kase.chain).tip().catch((error: Error) => {
      throw new TraceholdError(`cannot reach the ${kase.chain} endpoint: ${error.message}`);
    });
    ctx.io.err(`case ${kase.id}: tracing ${values.seed.length} seed(s) on ${values.chain} (${kase.model})\n`);
    await startTrace(app.deps, kase.id);
    await app.drain();
    const final = await getCase(app.deps, kase.id);
    if (final.status !== 'traced') {
      const reason = typeof final.progress?.error === 'string' ? final.progress.error : final.status;
      throw new TraceholdError(`trace failed: ${reason}`);
    }
    const report: TraceReport = await caseReport(app.deps, kase.id);
    ctx.io.out(values.json ? JSON.stringify(report, null, 2) + '\n' : renderReport(report) + '\n');
    return 0;
  } finally {
    await app.close();
  }
}

function intArg(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new InvalidInputError(`${flag} must be a whole number`);
  return Number(value);
}
