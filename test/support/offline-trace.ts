// A whole trace over transfers held in memory: the hop loop of services/tracing/trace-step.ts
// (triage, history judgement, taint, findings) on the same domain functions, without the
// store or a chain. The metamorphic property tests run the engine's judgements end to end
// through it; the e2e tests check the real pipeline against a real node.
import { allLabels, DEFAULT_STOP_CATEGORIES, resolveLabel } from '../../services/domain/attribution';
import { buildFindings, type Findings, type NodeInfo } from '../../services/domain/findings';
import { computeHops } from '../../services/domain/hops';
import { propagateTaint, type LedgerSpec } from '../../services/domain/taint';
import { transferId, type Address, type Asset, type Label, type TaintModel, type Transfer } from '../../services/domain/types';
import { judgeHistory, triage, type Candidate } from '../../services/tracing/classify';
import { tracedAssets } from '../../services/tracing/traced-assets';

export interface OfflineCase {
  model: TaintModel;
  transfers: readonly Transfer[];
  labels: ReadonlyMap<Address, readonly Label[]>;
  sources: readonly Address[];
  seedTransferIds: ReadonlySet<string>;
  /** The case's `assets`, or null for the default set. */
  assets?: Asset[] | null;
  nativeAsset?: Asset;
  listedTokens?: Asset[];
  /** Opening balances at block 0 of the addresses that get a ledger. */
  openings?: ReadonlyMap<Address, ReadonlyMap<Asset, bigint>>;
  maxHops?: number;
  serviceLikeCounterparties?: number;
  maxDelayBlocks?: number;
}

export interface OfflineResult extends Findings {
  states: Map<Address, string>;
  ignored: { selfTransfers: number; zeroValue: number; untracedAssets: number };
}

export function traceOffline(c: OfflineCase): OfflineResult {
  const stopCategories = DEFAULT_STOP_CATEGORIES;
  const labelsOf = (a: Address) => [...(c.labels.get(a) ?? [])];
  const params = { serviceLikeCounterparties: c.serviceLikeCounterparties ?? 500, maxDelayBlocks: c.maxDelayBlocks ?? 100, minForwardShareBps: 9000 };
  const states = new Map<Address, string>(c.sources.map((s) => [s, 'source']));
  const hopOf = new Map<Address, number>();
  const sources = new Set(c.sources);
  const touching = (a: Address) => c.transfers.filter((t) => t.from === a || t.to === a);
  const seedTxs = new Set([...c.seedTransferIds].map((id) => id.split('#')[0]));

  for (let round = 0; ; round++) {
    if (round > 100) throw new Error('offline trace did not settle');
    const ledgers = [...states].filter(([, s]) => s === 'source' || s === 'crawled').map(([a]) => a);
    const ledgerSet = new Set(ledgers);
    const transfers = c.transfers.filter((t) => ledgerSet.has(t.from) || (t.to !== null && ledgerSet.has(t.to)) || seedTxs.has(t.txHash));
    const assets = tracedAssets({
      requested: c.assets ?? null, nativeAsset: c.nativeAsset ?? 'ETH', listedTokens: c.listedTokens ?? [],
      seedTransferIds: c.seedTransferIds, sources, transfers,
    });
    const specs = new Map<Address, LedgerSpec>(ledgers.map((a) => [a, { fromBlock: 0, opening: c.openings?.get(a) ?? new Map(), source: sources.has(a) }]));
    const taint = propagateTaint({
      model: c.model, transfers, ledgers: specs, seedTransfers: c.seedTransferIds,
      stops: new Set([...states].filter(([, s]) => s !== 'source' && s !== 'crawled').map(([a]) => a)), assets,
    });
    const tainted = [...taint.tainted.keys()].map((id) => transfers.find((t) => transferId(t) === id)!);
    const hops = computeHops({ transfers: tainted, seedTransfers: c.seedTransferIds, sources });

    const candidates = new Map<Address, Candidate>();
    for (const t of tainted) {
      if (t.to === null || states.has(t.to)) continue;
      const hop = hops.addressHop.get(t.to);
      if (hop === undefined) continue;
      const cand = candidates.get(t.to) ?? { address: t.to, hop, received: new Map<Asset, bigint>(), firstTaintedBlock: t.blockNumber };
      cand.received.set(t.asset, (cand.received.get(t.asset) ?? 0n) + taint.tainted.get(transferId(t))!);
      candidates.set(t.to, cand);
    }
    if (candidates.size === 0) {
      const nodes = new Map<Address, NodeInfo>();
      for (const account of taint.accounts.values()) {
        const known = labelsOf(account.address);
        const label = resolveLabel(known, stopCategories);
        const state = (states.get(account.address) ?? 'max-hops') as NodeInfo['state'];
        const info: NodeInfo = { state, ...(label ? { label, labels: allLabels(known, stopCategories) } : {}) };
        if (state === 'deposit') {
          const verdict = judgeHistory(account.address, touching(account.address), (a) => resolveLabel(labelsOf(a), stopCategories), params, assets);
          if (verdict.deposit) info.deposit = verdict.deposit;
        }
        nodes.set(account.address, info);
      }
      const findings = buildFindings({
        transfers: new Map(transfers.map((t) => [transferId(t), t])), taint, hops, nodes, sources,
        seedTransfers: c.seedTransferIds, assetInfo: () => ({}),
      });
      return { ...findings, states, ignored: taint.ignored };
    }
    const triaged = triage([...candidates.values()], new Map([...candidates.keys()].map((a) => [a, labelsOf(a)])), {
      maxHops: c.maxHops ?? 10, minAmount: () => null, stopCategories, budget: 1_000_000,
    });
    for (const t of triaged) {
      hopOf.set(t.address, t.hop);
      if (t.state !== 'crawl') {
        states.set(t.address, t.state);
        continue;
      }
      const verdict = judgeHistory(t.address, touching(t.address), (a) => resolveLabel(labelsOf(a), stopCategories), params, assets);
      states.set(t.address, verdict.state);
    }
  }
}
