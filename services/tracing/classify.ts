// Decisions about the addresses tainted value reached: follow them, or stop there and why.
// Pure: the step feeds it what the store and the chain said.
import { resolveLabel, isStopCategory } from '../domain/attribution';
import { detectDepositAddress, type DepositEvidence } from '../domain/deposit-heuristic';
import { isPayment, type AssetScope } from '../domain/payments';
import { compareStrings, runSteps, runStepsSliced, sortSteps, STEP, type Steps } from '../domain/taint/steps';
import type { Address, Asset, Label, LabelCategory, Transfer } from '../domain/types';
import type { AddressState } from './case-graph';

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

export interface Candidate {
  address: Address;
  hop: number;
  /** Tainted value received, per asset. */
  received: Map<Asset, bigint>;
  firstTaintedBlock: number;
}

export interface TriageParams {
  maxHops: number;
  /** The smallest tainted amount of an asset worth following (base units); null: no minimum. */
  minAmount: (asset: Asset) => bigint | null;
  stopCategories: readonly LabelCategory[];
  /** How many more addresses this case may crawl. */
  budget: number;
}

export type Triage = { address: Address; hop: number; fromBlock: number; state: AddressState | 'crawl' };

/** Before fetching anything: labels, hop limit, dust, the case's address budget. */
export function triage(candidates: Candidate[], labels: Map<Address, Label[]>, params: TriageParams): Triage[] {
  return runSteps(triageSteps(candidates, labels, params));
}

/** The same as triage, giving the event loop a turn every few thousand candidates (a hop reaches 100,000s). */
export function triageSliced(candidates: Candidate[], labels: Map<Address, Label[]>, params: TriageParams): Promise<Triage[]> {
  return runStepsSliced(triageSteps(candidates, labels, params));
}

function* triageSteps(candidates: Candidate[], labels: Map<Address, Label[]>, params: TriageParams): Steps<Triage[]> {
  let budget = params.budget;
  // By hop, then address; sorted in steps (as one Array#sort, a hop's 190,000 candidates at the
  // bench's 200k held the worker's event loop for 130 ms).
  const order = new Int32Array(candidates.length);
  for (let i = 0; i < order.length; i++) {
    if (i % STEP === STEP - 1) yield;
    order[i] = i;
  }
  const sorted = yield* sortSteps(order, (a, b) => candidates[a]!.hop - candidates[b]!.hop || compareStrings(candidates[a]!.address, candidates[b]!.address));
  const out: Triage[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i % STEP === STEP - 1) yield;
    out.push(triageOne(candidates[sorted[i]!]!));
  }
  return out;

  function triageOne(c: Candidate): Triage {
    // A literal per triage, not `{ ...base, state }`: V8 gives each object spread with a new
    // key a hidden class of its own, and a hop triages ~90,000 wallets at the bench's 100k.
    const withState = (state: Triage['state']): Triage => ({ address: c.address, hop: c.hop, fromBlock: c.firstTaintedBlock, state });
    const label = resolveLabel(labels.get(c.address) ?? [], params.stopCategories);
    if (label && isStopCategory(label.category, params.stopCategories)) return withState('stop');
    // Minting and burning both use the zero address: it is nobody's wallet.
    if (c.address === ZERO_ADDRESS) return withState('service-like');
    if (c.hop >= params.maxHops) return withState('max-hops');
    // Dust only when every asset that arrived is below that asset's own minimum.
    const below = [...c.received].every(([asset, v]) => {
      const min = params.minAmount(asset);
      return min !== null && v < min;
    });
    if (below) return withState('min-amount');
    if (budget <= 0) return withState('address-limit');
    budget--;
    return withState('crawl');
  }
}

export interface HistoryVerdict {
  state: 'crawled' | 'service-like' | 'deposit';
  deposit?: DepositEvidence;
  counterparties: number;
}

/**
 * After fetching an address's history: is it a service, an exchange deposit address, or a
 * wallet to follow? Only payments count (../domain/payments.ts): spam and zero-value events
 * make nobody a counterparty.
 */
export function judgeHistory(
  address: Address,
  fullHistory: Transfer[],
  labelOf: (a: Address) => Label | undefined,
  params: { serviceLikeCounterparties: number; maxDelayBlocks: number; minForwardShareBps: number },
  assets: AssetScope = null,
): HistoryVerdict {
  const history = fullHistory.filter((t) => isPayment(t, assets));
  const counterparties = new Set<Address>();
  for (const t of history) {
    if (t.from !== address) counterparties.add(t.from);
    if (t.to !== null && t.to !== address) counterparties.add(t.to);
  }
  if (counterparties.size > params.serviceLikeCounterparties) return { state: 'service-like', counterparties: counterparties.size };
  const deposit = detectDepositAddress({
    address,
    transfers: history,
    labelOf,
    params: { maxDelayBlocks: params.maxDelayBlocks, minForwardShareBps: params.minForwardShareBps },
  });
  if (deposit) return { state: 'deposit', deposit, counterparties: counterparties.size };
  return { state: 'crawled', counterparties: counterparties.size };
}

/**
 * Whether judgeHistory's verdict on the address may depend on its fees: the deposit heuristic
 * weighs a native sweep to an exchange against the inflows it came from, fees taken first
 * (../domain/deposit-heuristic.ts); nothing else in the judgement reads a fee. Fees a history
 * read left pending (ChainSource.histories) are read before such an address is judged.
 */
export function judgementWeighsFees(address: Address, history: Transfer[], nativeAsset: Asset, labelOf: (a: Address) => Label | undefined): boolean {
  return history.some((t) => t.asset === nativeAsset && t.kind !== 'fee' && t.from === address && t.to !== null && labelOf(t.to)?.category === 'exchange');
}

export function counterpartiesOf(history: Transfer[], assets: AssetScope = null): Address[] {
  const set = new Set<Address>();
  for (const t of history) {
    if (!isPayment(t, assets)) continue;
    set.add(t.from);
    if (t.to) set.add(t.to);
  }
  return [...set];
}
