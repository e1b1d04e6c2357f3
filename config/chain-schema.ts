// The schema every chain's configuration passes after config/chains.json and
// TRACEHOLD_CHAINS_FILE are merged: a zero block time, a malformed token address or an
// unknown setting fails at start with the chain and field named, not halfway into a trace.
import { z } from 'zod';
import { InvalidInputError } from '../services/errors';

const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'not a 0x-prefixed 20-byte address');
const tronAddress = z.string().regex(/^T[1-9A-HJ-NP-Za-km-z]{33}$/, 'not a base58 T… address');
const count = (min: number, max: number) => z.number().int().min(min).max(max);

function chainSchema(kind: 'evm' | 'bitcoin' | 'tron') {
  const address = kind === 'tron' ? tronAddress : evmAddress;
  return z.strictObject({
    name: z.string(),
    kind: z.enum(['evm', 'bitcoin', 'tron']),
    nativeAsset: z.string().min(1).max(16),
    chainId: count(1, 2 ** 53 - 1).optional(),
    rpcUrl: z.string().optional(),
    esploraUrl: z.string().optional(),
    confirmations: count(0, 10_000),
    finality: z.enum(['confirmations', 'finalized']).optional(),
    blockTimeSeconds: z.number().positive().max(3600),
    tokens: z.array(z.strictObject({ address, symbol: z.string().min(1).max(16), decimals: count(0, 255), issuer: z.string().min(1).optional() })),
    followTokens: z.enum(['all', 'listed']),
    maxConcurrency: count(1, 1000),
    batchSize: count(1, 10_000),
    maxLogRange: count(1, 100_000_000),
    addressesPerLogCall: count(1, 100_000),
    denseLogMaxBlocks: count(0, 100_000),
    maxLogReplyBytes: count(4_096, 1_000_000_000),
    requestTimeoutMs: count(100, 600_000),
    retries: count(0, 100),
    minAmounts: z.record(z.string().min(1), z.string().regex(/^\d+(\.\d+)?$/, 'not a decimal amount')).optional(),
    multicall3: z.strictObject({ address, sinceBlock: count(0, 2 ** 48) }).optional(),
    stateOverrideBalances: z.boolean().optional(),
    balanceTokensReadDirectly: z.array(address).optional(),
    explorer: z.record(z.string(), z.string()).optional(),
  });
}

export function checkChainConfig<T extends { name: string; kind: 'evm' | 'bitcoin' | 'tron' }>(chain: T, source: string): T {
  const result = chainSchema(chain.kind).safeParse(JSON.parse(JSON.stringify(chain)));
  if (result.success) return chain;
  const problems = result.error.issues.map((i) => `${['chains', chain.name, ...i.path.map(String)].join('.')}: ${i.message}`);
  throw new InvalidInputError(`${source}: ${problems.join('; ')}`, { details: { issues: result.error.issues } });
}
