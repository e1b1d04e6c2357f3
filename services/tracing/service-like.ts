// Busy wallets judged once, cheaply. An address with more distinct counterparties than the
// limit in its window is a service (an unlabelled exchange hot wallet, a payment processor):
// tracing stops there. The count is made in the database, so a wallet with millions of
// transfers is never read into a worker's memory, and the verdict is recorded with its
// evidence (window, assets, count) in the shared chain data: a later case whose window
// contains it does not fetch or count that history again. A verdict is dropped only when
// asked (forgetServiceLike).
//
// The evidence is bounded. Histories are read a log window at a time and every answer is
// bounded in size: a wallet whose logs are too large for one answer is read only part way
// (the first part that fits), counted, and read on from there only while it is still under
// the limit. Such a wallet is a suspect, and two cheap facts are read for all suspects in one
// batch before more of their history: transactions sent in the window (nonces) and code.
// - An account without code (or an EIP-7702 delegation, still an EOA) that sent more than
//   `sentTxsLimit` transactions in the window is service-like: its evidence is that count.
// - Code alone decides nothing. A contract may be a person's smart wallet (a Safe) as well
//   as a pool or a hot wallet, and its nonce counts only the contracts it created, so a
//   contract is judged on its counterparties like any address; a token contract or other
//   known contract met as a counterparty changes nothing of the judgement of a plain wallet.
import type { AccountFacts } from '../chains/source';
import type { Address, Asset } from '../domain/types';
import { filterWithTurns, loopTurns } from '../domain/taint/steps';
import type { ServiceLikeEvidence, Store } from '../store';
import type { ChainData, HistoryWindow } from './chain-data';

export interface BusyJudgement {
  /** Service-like addresses and the counterparties found (more than the limit unless judged on sent transactions). */
  serviceLike: Map<Address, number>;
  /** Addresses still to judge on their history (it is stored now). */
  rest: HistoryWindow[];
  /** Of `rest`, those counted: counterparties over the whole window (at most the limit). */
  counterparties: Map<Address, number>;
  /** Verdicts taken from earlier cases: their history was not fetched. */
  reused: number;
}

/** The nonce counts transactions an account sent only when it has no code of its own. */
export function sendsOwnTransactions(facts: Pick<AccountFacts, 'codeSize' | 'delegated'>): boolean {
  return facts.codeSize === 0 || facts.delegated;
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
  /** Transactions sent in the window above which an account without code is service-like. */
  sentTxsLimit = Infinity,
): Promise<BusyJudgement> {
  // Only payments of the traced assets make counterparties (../domain/payments.ts): evidence
  // counted over fewer assets than ours still holds (more assets only add counterparties);
  // evidence over "every asset" (null) may have counted spam, so it is not reused.
  const ours = [...assets].sort();
  const serviceLike = new Map<Address, number>();
  // A hop judges ~90,000 wallets at the bench's 100k: the loops over them give the event loop turns.
  const turns = loopTurns();
  const fromOf = new Map<Address, number>();
  for (const w of windows) {
    if (turns.due()) await turns.give();
    fromOf.set(w.address, w.fromBlock);
  }
  // Counterparties and sent transactions only grow with the window, so evidence inside this
  // window decides.
  for (const e of await store.chainData.serviceLikeEvidence(chain, [...fromOf.keys()])) {
    if (turns.due()) await turns.give();
    const from = fromOf.get(e.address);
    const within = e.assets !== null && e.assets.every((a) => assets.has(a));
    const busy = e.counterparties > limit || (e.sentTxs !== undefined && e.sentTxs > sentTxsLimit);
    if (from !== undefined && within && e.fromBlock >= from && e.toBlock <= toBlock && busy) {
      serviceLike.set(e.address, e.counterparties);
    }
  }
  const reused = serviceLike.size;
  const unknown = await filterWithTurns(windows, (w) => !serviceLike.has(w.address), turns);
  // Window by window: fetch what the wallets still being judged lack up to the window's end,
  // count there, and set aside those already over the limit (their evidence: that window).
  let pending = unknown;
  const first = unknown.reduce((m, w) => Math.min(m, w.fromBlock), Infinity); // Math.min(...) overflows the stack past ~120,000 wallets
  const step = Number.isFinite(windowBlocks) && windowBlocks >= 1 ? Math.floor(windowBlocks) : Infinity;
  const factsRead = new Set<Address>();
  const counted = new Map<Address, number>();
  let end = Math.min(toBlock, first + step - 1);
  while (pending.length > 0) {
    const active = await filterWithTurns(pending, (w) => w.fromBlock <= end, turns);
    const { reachedTo } = await chainData.ensureHistory(active, end, fetchAssets, { bounded: true });
    const counts = active.length ? await store.chainData.counterpartyCounts(chain, active, end, limit + 1, ours) : new Map<Address, number>();
    // Read only part way and still under the limit: the facts decide before more is read.
    const suspects = await filterWithTurns(active, (w) => reachedTo.has(w.address) && (counts.get(w.address) ?? 0) <= limit && !factsRead.has(w.address), turns);
    for (const w of suspects) factsRead.add(w.address);
    const facts = await chainData.accountFacts(suspects, toBlock);
    const verdicts: ServiceLikeEvidence[] = [];
    for (const w of active) {
      if (turns.due()) await turns.give();
      const n = counts.get(w.address) ?? 0;
      counted.set(w.address, n);
      const f = facts.get(w.address);
      // A wallet read only part way to `end` counts fewer than it has there, never more: the
      // evidence "more than the limit in [from, end]" holds all the same.
      if (n > limit) {
        verdicts.push({ address: w.address, counterparties: n, fromBlock: w.fromBlock, toBlock: end, assets: ours, ...(f && end === toBlock ? factFields(f) : {}) });
      } else if (f && sendsOwnTransactions(f) && f.sentTxs > sentTxsLimit) {
        verdicts.push({ address: w.address, counterparties: n, fromBlock: w.fromBlock, toBlock, assets: ours, ...factFields(f) });
      }
    }
    await store.chainData.recordServiceLike(chain, verdicts);
    for (const v of verdicts) serviceLike.set(v.address, v.counterparties);
    pending = await filterWithTurns(pending, (w) => !serviceLike.has(w.address), turns);
    // Wallets read only part way to `end` are asked again for this window, from where they
    // stopped (each bounded read reads at least one block: this ends).
    if (pending.some((w) => reachedTo.has(w.address))) continue;
    if (end >= toBlock) break;
    end = Math.min(toBlock, end + step);
  }
  const rest = await filterWithTurns(unknown, (w) => !serviceLike.has(w.address), turns);
  // The last count of a wallet still judged is over its whole window: the loop ends on a
  // count up to toBlock of every wallet pending, each read to the end.
  const counterparties = new Map<Address, number>();
  for (const w of rest) {
    if (turns.due()) await turns.give();
    const n = counted.get(w.address);
    if (n !== undefined) counterparties.set(w.address, n);
  }
  return { serviceLike, rest, counterparties, reused };
}

/** The facts that go with a verdict (they cover the window to toBlock: recorded with a verdict over that window only). */
function factFields(f: AccountFacts) {
  return { ...(sendsOwnTransactions(f) ? { sentTxs: f.sentTxs } : {}), codeSize: f.codeSize };
}
