// The report's findings in time slices (what a worker runs) are the findings in one call, on
// random laundering graphs and every model; and the sliced run does give the loop turns.
import { expect } from 'chai';
import fc from 'fast-check';
import { buildFindings, buildFindingsSliced, type FindingsInput, type NodeInfo } from '../../services/domain/findings';
import { computeHops } from '../../services/domain/hops';
import { propagateTaint } from '../../services/domain/taint';
import { TAINT_MODELS, transferId, type Transfer } from '../../services/domain/types';
import { scenario } from '../support/taint-scenario';

const STATES: NodeInfo['state'][] = ['crawled', 'stop', 'deposit', 'max-hops', 'min-amount'];

function findingsInput(input: ReturnType<typeof scenario.generate>['value'] & object, model: (typeof TAINT_MODELS)[number]): FindingsInput {
  const taint = propagateTaint({ ...input, model });
  const transfers = new Map<string, Transfer>();
  for (const t of input.transfers) if (!transfers.has(transferId(t))) transfers.set(transferId(t), t);
  const sources = new Set([...input.ledgers].filter(([a, s]) => s.source && !input.stops.has(a)).map(([a]) => a));
  const hops = computeHops({ transfers: [...taint.tainted.keys()].map((id) => transfers.get(id)!), seedTransfers: input.seedTransfers, sources });
  const addresses = [...new Set([...taint.accounts.values()].map((a) => a.address))].sort();
  const nodes = new Map<string, NodeInfo>(addresses.map((a, i) => [a, {
    state: STATES[i % STATES.length]!, ...(i % 3 === 0 ? { label: { chain: 'test', address: a, entity: `E${i % 2}`, category: 'exchange' as const, source: 'test', confidence: 1 } } : {}),
  }]));
  return { transfers, taint, hops, nodes, sources, seedTransfers: input.seedTransfers, assetInfo: () => ({ symbol: 'T', decimals: 0 }) };
}

describe('findings in time slices', () => {
  it('are the findings built in one call, for every model', async () => {
    await fc.assert(fc.asyncProperty(scenario, async (input) => {
      for (const model of TAINT_MODELS) {
        const findings = findingsInput(input, model);
        expect(await buildFindingsSliced(findings, { sliceMs: 0 }), model).to.deep.equal(buildFindings(findings));
      }
    }), { numRuns: 100 });
  });
});
