// A UTXO trace's result in the shape the shared findings module reads (findings.ts), so
// endpoints, holdings, what was stopped, per-hop figures and the accounting mean the same on
// bitcoin as on account chains. Pure.
//
// The mapping: every tainted output is one transfer (`txid#out:vout`) to its address (or
// `script:<txid>:<vout>` for a script with no address); its parent is the tainted input it
// came through, so paths are the spend path; its `from` is that input's address (the seed
// transaction's senders for a seed output). An address is one account of `BTC`: tainted in
// is what arrived from elsewhere (change back to the same address is a self-transfer and
// brings nothing; a seed output brings what it seeded), held is what sits in its unspent
// outputs, and outputs not followed are `stopped` per output, by why. Seeded is what each
// seed output put in, once.
import type { AttributedLabel } from './clustering';
import type { AccountView, FindingsInput, NodeInfo } from './findings';
import type { HopResult } from './hops';
import type { ReportStopped } from './report';
import { accountKey, KeyedByAccount } from './taint/types';
import { transferId, SEQ_TX_VALUE, type Address, type Label, type Transfer } from './types';
import { outpointKey, type UtxoTx } from './utxo';
import type { TaintedOutput, UtxoTraceResult } from './utxo-taint';

export const BTC = 'BTC';

export interface UtxoFindingsOptions {
  chain: string;
  /** The label an address is attributed with (its own, or its cluster's), if any. */
  attributionOf(address: Address): AttributedLabel | undefined;
  /** Every label of the address itself, best first. */
  labelsOf(address: Address): Label[];
}

/** The address an output is reported under. */
export function outputAddress(o: Pick<TaintedOutput, 'address' | 'txid' | 'vout'>): Address {
  return o.address ?? `script:${o.txid}:${o.vout}`;
}

/**
 * The sending address(es) of a transaction: its inputs' addresses, distinct, in input order,
 * joined by commas when there are several (a coinbase has none).
 */
export function sendersOf(tx: UtxoTx | undefined): string {
  if (!tx) return '';
  return [...new Set(tx.inputs.map((i) => (i.coinbase ? 'coinbase' : i.address ?? 'unknown')))].join(',');
}

export function utxoFindingsInput(result: UtxoTraceResult, options: UtxoFindingsOptions): Omit<FindingsInput, 'assetInfo'> {
  const txById = new Map(result.txs.map((tx) => [tx.txid, tx]));
  const byKey = new Map(result.outputs.map((o) => [outpointKey(o.txid, o.vout), o]));
  const transfers = new Map<string, Transfer>();
  const tainted = new Map<string, bigint>();
  const parents = new Map<string, string[]>();
  const accountHop = new KeyedByAccount<number>();
  const addressHop = new Map<Address, number>();
  const hops: HopResult = { transferHop: new Map(), accountHop, addressHop };
  const accounts = new KeyedByAccount<AccountView & { stopped: Map<ReportStopped['reason'], bigint> }>();
  const seedTransfers = new Set<string>();
  const sources = new Set<Address>();
  const idOf = (o: Pick<TaintedOutput, 'txid' | 'vout'>) => transferId({ txHash: o.txid, ref: `out:${o.vout}` });

  for (const o of result.outputs) {
    const tx = txById.get(o.txid);
    const parent = o.parent === undefined ? undefined : byKey.get(o.parent);
    const address = outputAddress(o);
    const t: Transfer = {
      chain: options.chain, txHash: o.txid, blockNumber: tx?.blockHeight ?? 0, blockHash: tx?.blockHash ?? '',
      timestamp: tx?.blockTime ?? 0, txIndex: 0, ref: `out:${o.vout}`, seq: SEQ_TX_VALUE + o.vout, kind: 'native',
      asset: BTC, from: parent ? outputAddress(parent) : sendersOf(tx), to: address, amount: o.value,
    };
    const id = transferId(t);
    transfers.set(id, t);
    // What arrived: a seed output brings what it seeded (change back to a seed address brings
    // nothing new); change back to the address the taint came from is a self-transfer, which
    // moves no value (the contract's rule for every chain). Both still hold what they hold.
    const seededHere = result.seeded.get(outpointKey(o.txid, o.vout));
    const arrived = seededHere !== undefined ? seededHere : t.from === address ? 0n : o.tainted;
    if (arrived > 0n) tainted.set(id, arrived);
    if (parent) parents.set(id, [idOf(parent)]);
    hops.transferHop.set(id, o.hops);
    const k = accountKey(address, BTC);
    accountHop.set(k, Math.min(accountHop.get(k) ?? Infinity, o.hops));
    addressHop.set(address, Math.min(addressHop.get(address) ?? Infinity, o.hops));
    const account = accounts.get(k) ?? { address, asset: BTC, taintedIn: 0n, taintedOut: 0n, taintedHeld: 0n, sourced: 0n, seeded: 0n, stopped: new Map() };
    account.taintedIn += arrived;
    if (o.status === 'unspent') account.taintedHeld += o.tainted;
    else if (o.status === 'frontier') {
      const reason = o.stopReason ?? 'address-limit';
      account.stopped.set(reason, (account.stopped.get(reason) ?? 0n) + o.tainted);
    }
    if (seededHere !== undefined) {
      account.seeded += seededHere;
      seedTransfers.add(id);
    }
    account.taintedOut = account.taintedIn > account.taintedHeld ? account.taintedIn - account.taintedHeld : 0n;
    accounts.set(k, account);
  }
  // A seed output may carry no taint of its own (a zero-value output) and still be seeded 0:
  // nothing to add. Seeds whose value came back in full are in `outputs` with their taint.

  const nodes = new Map<Address, NodeInfo>();
  const byAddress = new Map<Address, TaintedOutput[]>();
  for (const o of result.outputs) {
    const list = byAddress.get(outputAddress(o)) ?? [];
    list.push(o);
    byAddress.set(outputAddress(o), list);
  }
  for (const [address, outputs] of byAddress) {
    const found = outputs[0]!.address === null ? undefined : options.attributionOf(address);
    const own = outputs[0]!.address === null ? [] : options.labelsOf(address);
    const labels = own.length ? own : found ? [found.label] : [];
    const base = found ? { label: found.label, labels, attribution: found.attribution } : {};
    const state: NodeInfo['state'] = outputs.some((o) => o.status === 'endpoint') ? 'stop'
      : outputs.some((o) => o.status === 'service-like') ? 'service-like'
      : 'crawled';
    nodes.set(address, { state, ...base });
  }

  const fees = result.fees.reduce((s, f) => s + f.tainted, 0n);
  return {
    transfers,
    taint: {
      tainted,
      parents,
      accounts,
      sinks: new Map(fees > 0n ? [[BTC, fees]] : []),
      gaps: result.inferredTxs.map((txid) => ({ address: txid, asset: BTC })),
    },
    hops,
    nodes,
    sources,
    seedTransfers,
  };
}
