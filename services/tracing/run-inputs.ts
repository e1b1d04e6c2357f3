// What a trace run's answer depends on besides the chain: the case's parameters, the
// tracing settings, the chain's configured tokens and minimums, and the chain's labels.
// A finished run records a digest of them (`stats.inputs`); a re-trace reuses the run's
// answer only when the digest is the same now and nothing the run followed has moved
// (services/retrace/retrace-cases.ts).
import { createHash } from 'node:crypto';
import { chainConfig } from '../../config';
import type { CaseRow } from '../store';
import type { TraceDeps } from './deps';

/** `labelsStamp`: the chain's labels stamp when the caller read it already (one read for many cases). */
export async function runInputs(deps: TraceDeps, kase: CaseRow, labelsStamp?: string): Promise<string> {
  const chain = chainConfig(deps.config, kase.chain);
  const parts = {
    chain: kase.chain,
    seeds: kase.seeds,
    model: kase.model,
    maxHops: kase.maxHops,
    fromBlock: kase.fromBlock,
    toBlock: kase.toBlock,
    assets: kase.assets,
    minAmount: kase.minAmount,
    minAmounts: [...kase.minAmounts].sort(([a], [b]) => a.localeCompare(b)),
    tracing: deps.config.tracing,
    tokens: chain.tokens,
    chainMinAmounts: chain.minAmounts ?? null,
    blockTimeSeconds: chain.blockTimeSeconds,
    labels: labelsStamp ?? (await deps.store.labels.stamp(kase.chain)),
  };
  const json = JSON.stringify(parts, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Set) return [...value].sort();
    if (value instanceof Map) return [...value].sort();
    return value;
  });
  return createHash('sha256').update(json).digest('hex');
}
