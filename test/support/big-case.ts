// A traced case of a given size written straight to the store, for measuring how the
// workbench draws big graphs: a laundering tree from one seed wallet (fan-out hop by hop,
// amounts conserved exactly), its last hop left holding, and deposit addresses at two
// exchanges receiving from part of the hop before. The tracer's own tests prove tracing;
// this only needs a realistic shape and size.
import type { Store } from '../../services/store';
import type { CaseFlowRow, NewCaseNode, CaseEndpointRow } from '../../services/store';

const hex = (n: number, width = 40) => '0x' + n.toString(16).padStart(width, '0');

export async function writeBigCase(store: Store, options: { wallets: number; token: string; title?: string }): Promise<{ caseId: string; wallets: number; endpoints: string[] }> {
  const fanOut = [10, 10, 10];
  let lastLayer = 1;
  for (const f of fanOut) lastLayer *= f;
  // nine in ten wallets of the last fan-out split into leaves; the tenth pays a deposit address
  const leavesPer = Math.max(1, Math.ceil((options.wallets - 1 - 10 - 100 - lastLayer - 20) / (lastLayer * 0.9)));
  const token = options.token.toLowerCase();
  let nextAddress = 1;
  let nextTx = 1;
  let block = 100;
  const nodes: NewCaseNode[] = [];
  const flows: CaseFlowRow[] = [];
  const endpoints: CaseEndpointRow[] = [];
  const seed = hex(nextAddress++);
  const total = 1_000_000_000_000n; // 1,000,000 USDT (6 decimals)
  nodes.push({ address: seed, asset: token, hop: 0, role: 'source', entity: null, category: null, attribution: null, taintedIn: total, taintedOut: total, taintedHeld: 0n });
  let layer: { address: string; amount: bigint }[] = [{ address: seed, amount: total }];
  const send = (from: string, to: string, amount: bigint, hop: number) => {
    flows.push({ txHash: hex(nextTx++, 64), ref: 'log:0', from, to, asset: token, amount, tainted: amount, hop, blockNumber: block++ });
  };
  const split = (amount: bigint, parts: number) => {
    const each = amount / BigInt(parts);
    return Array.from({ length: parts }, (_, i) => (i === parts - 1 ? amount - each * BigInt(parts - 1) : each));
  };
  const deposits = Array.from({ length: 20 }, () => hex(nextAddress++));
  for (const [depth, f] of fanOut.entries()) {
    const next: { address: string; amount: bigint }[] = [];
    for (const w of layer) {
      for (const amount of split(w.amount, f)) {
        const address = hex(nextAddress++);
        send(w.address, address, amount, depth + 1);
        next.push({ address, amount });
      }
    }
    layer = next;
  }
  // Hop 3 wallets: one in ten sends everything to a deposit address; the others split into leaves.
  const endpointTotals = new Map<string, bigint>();
  for (const [i, w] of layer.entries()) {
    if (i % 10 === 0) {
      const deposit = deposits[(i / 10) % deposits.length]!;
      send(w.address, deposit, w.amount, 4);
      endpointTotals.set(deposit, (endpointTotals.get(deposit) ?? 0n) + w.amount);
      nodes.push({ address: w.address, asset: token, hop: 3, role: 'crawled', entity: null, category: null, attribution: null, taintedIn: w.amount, taintedOut: w.amount, taintedHeld: 0n });
      continue;
    }
    nodes.push({ address: w.address, asset: token, hop: 3, role: 'crawled', entity: null, category: null, attribution: null, taintedIn: w.amount, taintedOut: w.amount, taintedHeld: 0n });
    for (const amount of split(w.amount, leavesPer)) {
      const leaf = hex(nextAddress++);
      send(w.address, leaf, amount, 4);
      nodes.push({ address: leaf, asset: token, hop: 4, role: 'max-hops', entity: null, category: null, attribution: null, taintedIn: amount, taintedOut: 0n, taintedHeld: amount });
    }
  }
  // Hops 1 and 2 pass everything on.
  for (const f of flows) {
    if (f.hop === 1 || f.hop === 2) nodes.push({ address: f.to!, asset: token, hop: f.hop, role: 'crawled', entity: null, category: null, attribution: null, taintedIn: f.amount, taintedOut: f.amount, taintedHeld: 0n });
  }
  for (const [i, d] of deposits.entries()) {
    const amount = endpointTotals.get(d) ?? 0n;
    const entity = i % 2 ? 'OKX' : 'Binance';
    nodes.push({ address: d, asset: token, hop: 4, role: 'deposit', entity, category: 'exchange', attribution: 'deposit-heuristic', taintedIn: amount, taintedOut: 0n, taintedHeld: amount });
    endpoints.push({ address: d, asset: token, entity, category: 'exchange', attribution: 'deposit-heuristic', amount, hops: 4, paths: [] });
  }
  const wallets = new Set([...flows.map((f) => f.from), ...flows.map((f) => f.to!)]).size;
  const toEndpoints = [...endpointTotals.values()].reduce((s, v) => s + v, 0n);
  const report = {
    chain: 'local', model: 'fifo', seeds: [{ address: seed }], fromBlock: 100, toBlock: block,
    endpoints: endpoints.map((e) => ({ ...e, amount: e.amount.toString(), symbol: 'USDT', decimals: 6 })),
    exposure: ['Binance', 'OKX'].map((entity) => {
      const amount = endpoints.filter((e) => e.entity === entity).reduce((s, e) => s + e.amount, 0n);
      return { entity, category: 'exchange', asset: token, amount: amount.toString(), share: Number((amount * 1_000_000n) / total) / 1_000_000 };
    }),
    holdings: nodes.filter((n) => n.taintedHeld > 0n && n.role !== 'deposit').slice(0, 50).map((n) => ({ address: n.address, asset: token, amount: n.taintedHeld.toString(), hops: 4, symbol: 'USDT', decimals: 6 })),
    stopped: [], hops: [],
    accounting: [{ asset: token, seeded: total.toString(), endpoints: toEndpoints.toString(), holdings: (total - toEndpoints).toString(), stopped: '0', fees: '0', balanceGaps: 0 }],
    limitations: [], stats: { addresses: wallets, transfers: flows.length, rpcCalls: 0, ms: 0, hops: 4 },
  };
  const kase = await store.cases.create({ title: options.title ?? `Laundering tree of ${wallets} wallets`, chain: 'local', model: 'fifo', maxHops: 4, seeds: [{ address: seed }], createdBy: 'fixture' });
  const run = await store.runs.create(kase.id);
  await store.runs.saveResult(run.id, { report, nodes, flows, endpoints });
  await store.runs.finish(run.id, 'done');
  await store.cases.setStatus(kase.id, 'traced', { hop: 4, addresses: wallets, done: true });
  return { caseId: kase.id, wallets, endpoints: deposits };
}
