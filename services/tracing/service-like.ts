// Busy wallets judged once. An address with more distinct counterparties than the limit in
// its window is a service (an unlabelled exchange hot wallet, a payment processor): tracing
// stops there. The count is made in the database, so a wallet with millions of transfers is
// never read into a worker's memory, and the verdict is recorded with its evidence (window,
// assets, count) in the shared chain data: a later case whose window contains it does not
// fetch or count that history again. A verdict is dropped only when asked (forgetServiceLike).
import type { Address, Asset } from '../domain/types';
import type { Store } from '../store';
import type { ChainData, HistoryWindow } from './chain-data';

export interface BusyJudgement {
  /** Service-like addresses and the counterparties found (at least limit + 1). */
  serviceLike: Map<Address, number>;
  /** Addresses still to judge on their history (it is stored now). */
  rest: HistoryWindow[];
  /** Verdicts taken from earlier cases: their history was not fetched. */
  reused: number;
}

export async function judgeBusyWallets(
  store: Store, chainData: ChainData, chain: string, windows: HistoryWindow[], toBlock: number, limit: number,
  assets: ReadonlySet<Asset>,
  /** The assets the case asked for (their histories are all it fetches); null: every asset. */
  fetchAssets: readonly Asset[] | null = null,
  /**
   * Histories are fetched and counted this many blocks at a time (the chain's log window): a
   * wallet with more counterparties than the limit in the blocks read so far is service-like
   * whatever follows, so the rest of its history is never fetched.
   */
  windowBlocks = Infinity,
): Promise<BusyJudgement> {
  // Only payments of the traced assets make counterparties (../domain/payments.ts): evidence
  // counted over fewer assets than ours still holds (more assets only add counterparties);
  // evidence over "every asset" (null) may have counted spam, so it is not reused.
  const ours = [...assets].sort();
  const serviceLike = new Map<Address, number>();
  const fromOf = new Map(windows.map((w) => [w.address, w.fromBlock]));
  // Counterparties only grow with the window, so evidence inside this window decides.
  for (const e of await store.chainData.serviceLikeEvidence(chain, [...fromOf.keys()])) {
    const from = fromOf.get(e.address);
    const within = e.assets !== null && e.assets.every((a) => assets.has(a));
    if (from !== undefined && within && e.fromBlock >= from && e.toBlock <= toBlock && e.counterparties > limit) {
      serviceLike.set(e.address, e.counterparties);
    }
  }
  const reused = serviceLike.size;
  const unknown = windows.filter((w) => !serviceLike.has(w.address));
  // Window by window: fetch what the wallets still being judged lack up to the window's end,
  // count there, and set aside those already over the limit (their evidence: that window).
  let pending = unknown;
  const first = Math.min(...unknown.map((w) => w.fromBlock));
  const step = Number.isFinite(windowBlocks) && windowBlocks >= 1 ? Math.floor(windowBlocks) : Infinity;
  for (let end = Math.min(toBlock, first + step - 1); pending.length > 0; end = Math.min(toBlock, end + step)) {
    const active = pending.filter((w) => w.fromBlock <= end);
    await chainData.ensureHistory(active, end, fetchAssets);
    const counts = active.length ? await store.chainData.counterpartyCounts(chain, active, end, limit + 1, ours) : new Map<Address, number>();
    const judged = active.filter((w) => (counts.get(w.address) ?? 0) > limit);
    await store.chainData.recordServiceLike(chain, judged.map((w) => ({
      address: w.address, counterparties: counts.get(w.address)!, fromBlock: w.fromBlock, toBlock: end, assets: ours,
    })));
    for (const w of judged) serviceLike.set(w.address, counts.get(w.address)!);
    pending = pending.filter((w) => !serviceLike.has(w.address));
    if (end >= toBlock) break;
  }
  return { serviceLike, rest: unknown.filter((w) => !serviceLike.has(w.address)), reused };
}
