// A Bitcoin case, traced in one step: the UTXO tracer follows the coins through the spend
// graph (who spent this output), not through addresses. Which outputs are endpoints depends
// on labels, and on clusters of co-spending addresses, of addresses only the trace itself
// reveals; so it runs in passes — trace, look the new addresses up, cluster what was read,
// trace again — until the stop set is stable. Confirmed transactions are cached by the
// source, so a pass after the first costs no requests.
import type { BitcoinSource } from '../chains/bitcoin';
import type { ChainSource } from '../chains/source';
import { allLabels, isStopCategory } from '../domain/attribution';
import { clusterAddresses, attributeByCluster, type AttributedLabel } from '../domain/clustering';
import { exposureOf, sanctionsOf } from '../domain/findings';
import {
  reportSeeds, type ReportAccounting, type ReportEndpoint, type ReportHolding, type ReportHop, type ReportStopped, type TraceReport,
} from '../domain/report';
import type { Address, Label } from '../domain/types';
import type { UtxoTx } from '../domain/utxo';
import { traceUtxo, type TaintedOutput, type UtxoSeed, type UtxoTraceResult } from '../domain/utxo-taint';
import { InvalidInputError } from '../errors';
import type { CaseRow } from '../store';
import type { TraceDeps } from './deps';
import { chainConfig } from '../../config';
import { defaultMinAmounts, minAmountOf } from './min-amounts';

const MAX_PASSES = 5;
const REASONS: readonly ReportStopped['reason'][] = ['max-hops', 'min-amount', 'address-limit'];

export function isBitcoinSource(source: ChainSource): source is BitcoinSource {
  return source.kind === 'bitcoin' && typeof (source as Partial<BitcoinSource>).getTx === 'function';
}

export async function traceBitcoinCase(deps: TraceDeps, kase: CaseRow, runId: string): Promise<void> {
  const source = deps.chains.get(kase.chain);
  if (!isBitcoinSource(source)) throw new InvalidInputError(`chain ${kase.chain} is not a bitcoin chain`);
  const started = Date.now();
  const before = source.stats().rpcCalls;
  await deps.store.runs.setStatus(runId, 'running');
  await deps.store.cases.setStatus(kase.id, 'tracing', { hop: 0 });
  const tip = await source.tip();
  const tipHeight = kase.toBlock === null ? tip.number : Math.min(kase.toBlock, tip.number);
  await deps.store.runs.pinBlock(runId, tipHeight, tipHeight === tip.number ? tip.hash : null);

  const seeds: UtxoSeed[] = kase.seeds.map((s) => ('address' in s ? { address: s.address } : s.index === undefined ? { txid: s.txHash } : { txid: s.txHash, vout: s.index }));
  const labels = new Map<Address, Label[]>();
  let attribution: (address: Address) => AttributedLabel | undefined = () => undefined;
  const stops = deps.config.tracing.stopCategories;
  const isStop = (address: Address) => {
    const found = attribution(address);
    return !!found && isStopCategory(found.label.category, stops);
  };
  let result: UtxoTraceResult | undefined;
  let stopSet = '';
  // Co-spend evidence stays true once seen, even when a later pass stops before reading that
  // transaction again: cluster over everything read so far, so the stop set only grows.
  const seen = new Map<string, UtxoTx>();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    result = await traceUtxo({
      seeds,
      model: kase.model,
      maxHops: kase.maxHops,
      fetch: {
        getTx: (txid) => source.getTx(txid),
        outspends: (txid) => source.outspends(txid),
        addressTxids: async (address) => (await source.addressTxs(address, { untilHeight: tipHeight })).map((t) => t.txid),
      },
      isStop,
      tipHeight,
      minAmount: minAmountOf(kase.minAmounts, kase.minAmount, defaultMinAmounts(chainConfig(deps.config, kase.chain)))('BTC') ?? 1n,
    });
    for (const tx of result.txs) seen.set(tx.txid, tx);
    const unknown = [...addressesOf(seen.values())].filter((a) => !labels.has(a));
    const found = await deps.store.labels.lookup(kase.chain, unknown);
    for (const a of unknown) labels.set(a, found.get(a) ?? []);
    const clustering = clusterAddresses([...seen.values()]);
    attribution = attributeByCluster(clustering, (a) => labels.get(a) ?? []);
    const nextStopSet = [...labels.keys()].filter(isStop).sort().join(',');
    if (nextStopSet === stopSet) break;
    stopSet = nextStopSet;
  }
  const report = bitcoinReport(kase, result!, attribution, (a) => allLabels(labels.get(a) ?? [], stops), {
    fromBlock: result!.txs.reduce((m, t) => (t.blockHeight === null ? m : Math.min(m, t.blockHeight)), tipHeight),
    toBlock: tipHeight,
    toBlockHash: tipHeight === tip.number ? tip.hash : undefined,
    rpcCalls: source.stats().rpcCalls - before,
    ms: Date.now() - started,
  });
  const txById = new Map(result!.txs.map((tx) => [tx.txid, tx]));
  await deps.store.runs.saveResult(runId, {
    report,
    nodes: bitcoinNodes(result!, attribution),
    flows: result!.outputs.map((o) => ({
      txHash: o.txid, ref: `out:${o.vout}`, from: sendersOf(txById.get(o.txid)), to: o.address ?? `script:${o.txid}:${o.vout}`,
      asset: 'BTC', amount: o.value, tainted: o.tainted, hop: o.hops, blockNumber: txById.get(o.txid)?.blockHeight ?? 0,
    })),
    endpoints: report.endpoints.map((e) => ({ ...e, amount: BigInt(e.amount) })),
  });
  await deps.store.runs.addStats(runId, { rpcCalls: report.stats.rpcCalls, hops: report.stats.hops });
  await deps.store.runs.finish(runId, 'done');
  await deps.store.cases.setStatus(kase.id, 'traced', { hop: report.stats.hops, addresses: report.stats.addresses, done: true });
}

/**
 * The sending address(es) of a transaction: its inputs' addresses, distinct, in input order,
 * joined by commas when there are several (a coinbase has none).
 */
export function sendersOf(tx: UtxoTx | undefined): string {
  if (!tx) return '';
  const senders = [...new Set(tx.inputs.map((i) => (i.coinbase ? 'coinbase' : i.address ?? 'unknown')))];
  return senders.join(',');
}

function addressesOf(txs: Iterable<UtxoTx>): Set<Address> {
  const set = new Set<Address>();
  for (const tx of txs) {
    for (const i of tx.inputs) if (i.address) set.add(i.address);
    for (const o of tx.outputs) if (o.address) set.add(o.address);
  }
  return set;
}

interface Figures {
  fromBlock: number;
  toBlock: number;
  toBlockHash?: string;
  rpcCalls: number;
  ms: number;
}

/** The contract's trace report from a UTXO trace: amounts in satoshi, paths of txids. */
export function bitcoinReport(
  kase: CaseRow, result: UtxoTraceResult, attribution: (a: Address) => AttributedLabel | undefined,
  labelsOf: (a: Address) => Label[], figures: Figures,
): TraceReport {
  const reportLabels = (address: Address, fallback: Label | undefined) =>
    (labelsOf(address).length ? labelsOf(address) : fallback ? [fallback] : []).map((l) => ({
      entity: l.entity, category: l.category,
      ...(l.source !== undefined ? { source: l.source } : {}), ...(l.confidence !== undefined ? { confidence: l.confidence } : {}),
    }));
  const byAddress = (outputs: TaintedOutput[]) => {
    const groups = new Map<string, TaintedOutput[]>();
    for (const o of outputs) {
      if (o.tainted === 0n) continue;
      const k = o.address ?? `script:${o.txid}:${o.vout}`;
      const group = groups.get(k);
      if (group) group.push(o);
      else groups.set(k, [o]);
    }
    return [...groups.entries()];
  };
  const total = (outputs: TaintedOutput[]) => outputs.reduce((s, o) => s + o.tainted, 0n);
  const minHops = (outputs: TaintedOutput[]) => outputs.reduce((m, o) => Math.min(m, o.hops), Infinity);
  const endpoints: ReportEndpoint[] = byAddress(result.endpoints).map(([address, outputs]) => {
    const found = attribution(address)!;
    const top = [...outputs].sort((a, b) => (b.tainted > a.tainted ? 1 : b.tainted < a.tainted ? -1 : 0)).slice(0, 3);
    return {
      address, entity: found.label.entity, category: found.label.category, attribution: found.attribution,
      asset: 'BTC', amount: total(outputs).toString(), hops: minHops(outputs), paths: top.map((o) => o.path),
      labels: reportLabels(address, found.label),
      ...(found.label.confidence !== undefined ? { confidence: found.label.confidence } : {}),
      symbol: 'BTC', decimals: 8,
    };
  });
  const holdings: ReportHolding[] = byAddress(result.holdings).map(([address, outputs]) => {
    const own = attribution(address);
    return {
      address, asset: 'BTC', amount: total(outputs).toString(), hops: minHops(outputs), symbol: 'BTC', decimals: 8,
      ...(own ? { labels: reportLabels(address, own.label) } : {}),
    };
  });
  // Per address and reason, as decided per output when the trace declined to follow it.
  const stopped: ReportStopped[] = REASONS.flatMap((reason) =>
    byAddress(result.frontier.filter((o) => (o.stopReason ?? 'address-limit') === reason)).map(([address, outputs]) => ({
      address, asset: 'BTC', amount: total(outputs).toString(), hops: minHops(outputs), reason,
    })));
  const sum = (rows: { amount: string }[]) => rows.reduce((s, r) => s + BigInt(r.amount), 0n);
  const fees = result.fees.reduce((s, f) => s + f.tainted, 0n);
  const accounting: ReportAccounting[] = [{
    asset: 'BTC', seeded: result.seededTotal.toString(), endpoints: sum(endpoints).toString(), holdings: sum(holdings).toString(),
    stopped: sum(stopped).toString(), fees: fees.toString(), balanceGaps: result.inferredTxs.length,
  }];
  const exposure = exposureOf(endpoints, new Map([['BTC', result.seededTotal]]));
  const sanctions = sanctionsOf([...endpoints, ...holdings], new Map([['BTC', result.seededTotal]]));
  const cmpAmount = (a: { amount: string; address: string }, b: { amount: string; address: string }) =>
    (BigInt(b.amount) > BigInt(a.amount) ? 1 : BigInt(b.amount) < BigInt(a.amount) ? -1 : 0) || (a.address < b.address ? -1 : 1);
  endpoints.sort(cmpAmount);
  holdings.sort(cmpAmount);
  stopped.sort(cmpAmount);
  const maxHop = result.outputs.reduce((m, o) => Math.max(m, o.hops), 0);
  return {
    chain: kase.chain,
    model: kase.model,
    seeds: reportSeeds(kase.seeds),
    fromBlock: figures.fromBlock,
    toBlock: figures.toBlock,
    ...(figures.toBlockHash ? { toBlockHash: figures.toBlockHash } : {}),
    endpoints,
    exposure,
    sanctions,
    holdings,
    stopped,
    hops: perHop(result, endpoints),
    accounting,
    limitations: [
      ...result.notes,
      ...(endpoints.some((e) => e.attribution === 'cluster') ? ['cluster attribution: co-spend clustering (CoinJoin-like transactions skipped; the change heuristic is off)'] : []),
    ],
    stats: {
      addresses: new Set(result.outputs.map((o) => o.address).filter(Boolean)).size,
      transfers: result.outputs.length,
      rpcCalls: figures.rpcCalls,
      ms: figures.ms,
      hops: maxHop,
    },
  };
}

/**
 * Per hop: tainted satoshis in outputs of that hop, and how much of it reached an exchange.
 * Every satoshi at an endpoint of hop k passed through one output of each hop before k on
 * its path, so an exchange endpoint's amount counts at each of those hops.
 */
function perHop(result: UtxoTraceResult, endpoints: ReportEndpoint[]): ReportHop[] {
  const exchange = new Set(endpoints.filter((e) => e.category === 'exchange').map((e) => e.address));
  const rows = new Map<number, { addresses: Set<string>; tainted: bigint; toExchanges: bigint }>();
  for (const o of result.outputs) {
    if (o.tainted === 0n) continue;
    const row = rows.get(o.hops) ?? { addresses: new Set(), tainted: 0n, toExchanges: 0n };
    row.addresses.add(o.address ?? `${o.txid}:${o.vout}`);
    row.tainted += o.tainted;
    rows.set(o.hops, row);
  }
  for (const o of result.endpoints) {
    if (!o.address || !exchange.has(o.address)) continue;
    for (let h = 0; h <= o.hops; h++) {
      const row = rows.get(h);
      if (row) row.toExchanges += o.tainted;
    }
  }
  return [...rows.entries()].sort(([a], [b]) => a - b).map(([hop, r]) => ({
    hop, addresses: r.addresses.size, asset: 'BTC', tainted: r.tainted.toString(), toExchanges: (r.toExchanges > r.tainted ? r.tainted : r.toExchanges).toString(),
  }));
}

function bitcoinNodes(result: UtxoTraceResult, attribution: (a: Address) => AttributedLabel | undefined) {
  const nodes = new Map<string, { hop: number; taintedIn: bigint; held: bigint; role: string }>();
  for (const o of result.outputs) {
    if (!o.address || o.tainted === 0n) continue;
    const n = nodes.get(o.address) ?? { hop: o.hops, taintedIn: 0n, held: 0n, role: 'crawled' };
    n.hop = Math.min(n.hop, o.hops);
    n.taintedIn += o.tainted;
    if (o.status === 'unspent') n.held += o.tainted;
    if (o.status === 'endpoint') n.role = 'stop';
    if (o.status === 'frontier' && n.role !== 'stop') n.role = 'max-hops';
    nodes.set(o.address, n);
  }
  return [...nodes.entries()].map(([address, n]) => {
    const found = attribution(address);
    return {
      address, asset: 'BTC', hop: n.hop, role: n.role,
      entity: found?.label.entity ?? null, category: found?.label.category ?? null, attribution: found?.attribution ?? null,
      taintedIn: n.taintedIn, taintedOut: n.taintedIn - n.held, taintedHeld: n.held,
    };
  });
}

