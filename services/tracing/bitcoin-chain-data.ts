// Bitcoin chain data for one step of a run pinned at `toBlock`: transactions and outspends
// read from the shared store first and from Esplora only when missing, in batches, and
// written back in bulk (only what is final at toBlock); service-like verdicts from Esplora's
// transaction count, recorded once for every later case; balances at toBlock summed from the
// address history (cached). Nothing is kept between steps but the store.
import type { BitcoinSource } from '../chains/bitcoin';
import type { Outspend, UtxoTx } from '../domain/utxo';
import type { UtxoFetch } from '../domain/utxo-taint';
import { NotFoundError, TraceholdError } from '../errors';
import type { Address } from '../domain/types';
import type { Store } from '../store';

export interface BitcoinChainData extends Required<Omit<UtxoFetch, 'addressTxids'>> {
  addressTxids(address: string): Promise<string[]>;
  /** Service-like addresses among these: more than `threshold` confirmed transactions. */
  judge(addresses: readonly Address[]): Promise<Set<Address>>;
  /** Each address's confirmed BTC balance at toBlock. */
  balances(addresses: readonly Address[]): Promise<Map<Address, bigint>>;
  /** Where reads came from, for tests and benchmarks. */
  counts: { txsFromStore: number; txsFromSource: number; outspendsFromStore: number; outspendsFromSource: number; judged: number; verdictsReused: number };
}

export function createBitcoinChainData(store: Store, source: BitcoinSource, chain: string, toBlock: number, threshold: number): BitcoinChainData {
  const txs = new Map<string, Promise<UtxoTx>>();
  const spends = new Map<string, Promise<Outspend[]>>();
  const counts = { txsFromStore: 0, txsFromSource: 0, outspendsFromStore: 0, outspendsFromSource: 0, judged: 0, verdictsReused: 0 };

  const loadTxs = async (wanted: string[]): Promise<Map<string, UtxoTx>> => {
    const found = await store.btc.getTxs(chain, wanted);
    counts.txsFromStore += found.size;
    const missing = wanted.filter((t) => !found.has(t));
    const fetched = await Promise.all(missing.map((t) => source.getTx(t)));
    counts.txsFromSource += fetched.length;
    // Final at this run's toBlock: confirmed at or below it.
    await store.btc.putTxs(chain, fetched.filter((t) => t.blockHeight !== null && t.blockHeight <= toBlock));
    for (const tx of fetched) found.set(tx.txid, tx);
    return found;
  };
  const getTxs = memoizedBatch(txs, loadTxs);

  const loadSpends = async (wanted: string[]): Promise<Map<string, Outspend[]>> => {
    const found = await store.btc.getOutspends(chain, wanted, toBlock);
    counts.outspendsFromStore += found.size;
    const missing = wanted.filter((t) => !found.has(t));
    const fetched = await Promise.all(missing.map((t) => source.outspends(t)));
    counts.outspendsFromSource += fetched.length;
    // Whatever Esplora said now holds at toBlock (a spend above it, or unconfirmed, is no spend there).
    await store.btc.putOutspends(chain, missing.map((txid, i) => ({ txid, checkedHeight: toBlock, spends: fetched[i]! })));
    missing.forEach((t, i) => found.set(t, fetched[i]!));
    return found;
  };
  const outspendsOf = memoizedBatch(spends, loadSpends);

  return {
    counts,
    getTxs,
    getTx: async (txid) => (await getTxs([txid]))[0]!,
    outspendsOf,
    outspends: async (txid) => (await outspendsOf([txid]))[0]!,
    async addressTxids(address) {
      return (await source.addressTxs(address, { untilHeight: toBlock })).map((t) => t.txid);
    },

    async judge(addresses) {
      const recorded = await store.btc.txCountVerdicts(chain, addresses);
      const serviceLike = new Set<Address>();
      const ask: Address[] = [];
      for (const address of new Set(addresses)) {
        const r = recorded.get(address);
        // A count above the threshold only grows; a count at or under it holds up to its block.
        if (r?.serviceLike && (r.txCount === null || r.txCount > threshold)) serviceLike.add(address);
        else if (!(r && r.txCount !== null && r.txCount <= threshold && r.block !== null && r.block >= toBlock)) {
          ask.push(address);
          continue;
        }
        counts.verdictsReused += 1;
      }
      const stats = await Promise.all(ask.map((a) => source.addressStats(a)));
      counts.judged += ask.length;
      const verdicts = ask.map((address, i) => ({ address, serviceLike: stats[i]!.txCount > threshold, txCount: stats[i]!.txCount, block: toBlock }));
      await store.btc.recordTxCountVerdicts(chain, verdicts);
      for (const v of verdicts) if (v.serviceLike) serviceLike.add(v.address);
      return serviceLike;
    },

    async balances(addresses) {
      const keys = [...new Set(addresses)].map((address) => ({ address, asset: 'BTC', blockNumber: toBlock }));
      const cached = await store.chainData.getBalances(chain, keys);
      const out = new Map<Address, bigint>();
      const computed: { address: Address; asset: string; blockNumber: number; amount: bigint }[] = [];
      for (const key of keys) {
        const hit = cached.get(key);
        if (hit !== undefined) {
          out.set(key.address, hit);
          continue;
        }
        // Outputs paid to the address minus those it spent, over its confirmed history up to toBlock.
        const history = await getTxs((await source.addressTxs(key.address, { untilHeight: toBlock })).map((t) => t.txid));
        let balance = 0n;
        for (const tx of history) {
          for (const o of tx.outputs) if (o.address === key.address) balance += o.value;
          for (const i of tx.inputs) {
            if (i.address !== key.address) continue;
            if (i.value === null) throw new NotFoundError(`value of ${i.prevTxid}:${i.prevVout} unknown to the source: cannot sum the balance of ${key.address}`);
            balance -= i.value;
          }
        }
        if (balance < 0n) throw new TraceholdError(`the history of ${key.address} up to block ${toBlock} spends more than it received (${balance})`);
        out.set(key.address, balance);
        computed.push({ address: key.address, asset: key.asset, blockNumber: key.blockNumber, amount: balance });
      }
      await store.chainData.putBalances(chain, computed);
      return out;
    },
  };
}

function normalizeTxid(txid: string): string {
  return txid.trim().toLowerCase();
}

/**
 * Look-ups by txid through a per-step memo: what is not asked yet is loaded in one batch,
 * and a concurrent caller wanting the same txid waits on that batch. A failed batch is
 * forgotten, so a retry asks again.
 */
function memoizedBatch<T>(memo: Map<string, Promise<T>>, load: (txids: string[]) => Promise<Map<string, T>>) {
  return (txids: readonly string[]): Promise<T[]> => {
    const wanted = [...new Set(txids.map(normalizeTxid))].filter((t) => !memo.has(t));
    if (wanted.length > 0) {
      const batch = load(wanted);
      for (const t of wanted) {
        const one = batch.then((m) => m.get(t)!);
        one.catch(() => {});
        memo.set(t, one);
      }
      batch.catch(() => wanted.forEach((t) => memo.delete(t)));
    }
    return Promise.all(txids.map((t) => memo.get(normalizeTxid(t))!));
  };
}
