// Exchange deposit addresses. An exchange gives each customer an address of their own and
// soon sweeps whatever arrives there, nearly in full, to its labelled hot wallets. Such an
// address identifies the customer to the exchange, so tracehold reports it as an endpoint
// of its own (`attribution: 'deposit-heuristic'`, entity = the exchange).
//
// The rule, per asset, for an address that carries no label itself:
//  1. The candidate exchange is the `exchange`-labelled entity that received the most of the
//     asset from the address.
//  2. Inflows queue in chain order (FIFO); each outflow (fees included) takes from the head.
//     Native inflows from any wallet of the candidate exchange are gas top-ups: they queue
//     (a sweep's fee is paid from them) but are not part of what the address "received".
//  3. A piece of an inflow counts as forwarded when a sweep to the exchange takes it within
//     `maxDelayBlocks` of its arrival; a later sweep does not count it (but does not veto).
//  4. Accept when forwarded ≥ `minForwardShareBps` of received, at least `minSweeps` sweeps
//     happened, what went to anyone else (fees aside) is dust (≤ 10000 − minForwardShareBps
//     bps of received), and, over every asset, at most `maxOtherRecipients` addresses other
//     than the exchange's wallets received anything (one refund to a sender is normal; a
//     wallet paying many people is a person, not a deposit address).
//  5. If assets qualify for different exchanges the address is ambiguous: null.
// Only payments count (./payments.ts): zero-value transfers and transfers of assets the case
// does not trace are no inflow, sweep or payment to anyone, so spam "from" a deposit address
// (fake tokens, zero-value transferFrom) cannot make it look like a wallet paying many people.
// Unswept inflows younger than `maxDelayBlocks` at `windowEndBlock` (when given) are pending
// and left out of "received". Amounts are bigint throughout. Pure: no I/O, no clock.
import { InvalidInputError } from '../errors';
import { addressKey, entityKey } from './attribution';
import { isPayment, type AssetScope } from './payments';
import { compareChainOrder, transferId, type Address, type Asset, type Label, type LabelCategory, type Transfer } from './types';

export interface DepositEvidence {
  entity: string;
  category: LabelCategory;
  /** The exchange's wallets that received sweeps of `asset`, sorted. */
  hotWallets: Address[];
  /** Forwarded (within the delay) over received, in basis points, rounded down. */
  forwardedShareBps: number;
  sweeps: number;
  /** Largest delay, in blocks, between an inflow and the sweep that forwarded it (counted pieces only). */
  maxDelayBlocks: number;
  asset: Asset;
  /** Native inflows from wallets of the exchange (any asset's sweep may have needed gas). */
  gasTopUps: number;
  received: bigint;
  forwarded: bigint;
}

export interface DepositParams {
  /** Default 9000 (90 %). */
  minForwardShareBps?: number;
  /** Default 7200: about a day of Ethereum blocks; pass ~144 for bitcoin, ~28800 for BSC. */
  maxDelayBlocks?: number;
  /** Default 1. */
  minSweeps?: number;
  /** Distinct non-exchange recipients tolerated over all assets. Default 1. */
  maxOtherRecipients?: number;
  /** Last block of the window the transfers cover; enables the "pending inflow" rule. */
  windowEndBlock?: number;
}

export interface DepositInput {
  address: Address;
  /** Every transfer of `address` in the window (in and out, all assets, fees included). */
  transfers: readonly Transfer[];
  /** Resolved label of an address, if any. */
  labelOf: (address: Address) => Label | undefined;
  params?: DepositParams;
  /** The assets the case traces; others are ignored. Default: every asset. */
  assets?: AssetScope;
}

export const DEFAULT_DEPOSIT_PARAMS: Readonly<Required<Omit<DepositParams, 'windowEndBlock'>>> = Object.freeze({
  minForwardShareBps: 9000,
  maxDelayBlocks: 7200,
  minSweeps: 1,
  maxOtherRecipients: 1,
});

interface AssetVerdict {
  evidence: Omit<DepositEvidence, 'gasTopUps'>;
  entityKey: string;
}

export function detectDepositAddress(input: DepositInput): DepositEvidence | null {
  const params = resolveParams(input.params);
  if (input.labelOf(input.address) !== undefined) return null;

  const self = addressKey(input.address);
  const labels = new Map<string, Label | undefined>();
  const labelOf = (address: Address): Label | undefined => {
    const key = addressKey(address);
    if (!labels.has(key)) labels.set(key, input.labelOf(address));
    return labels.get(key);
  };
  const assets = input.assets ?? null;
  const transfers = ownTransfers(self, input.transfers.filter((t) => isPayment(t, assets)));

  const verdicts: AssetVerdict[] = [];
  for (const asset of [...new Set(transfers.map((t) => t.asset))].sort()) {
    const ofAsset = transfers.filter((t) => t.asset === asset);
    const candidate = topExchange(self, ofAsset, labelOf);
    if (candidate === undefined) continue;
    const verdict = judgeAsset(self, asset, ofAsset, candidate, labelOf, params);
    if (verdict !== null) verdicts.push(verdict);
  }
  if (verdicts.length === 0) return null;
  const exchange = verdicts[0]!.entityKey;
  if (verdicts.some((v) => v.entityKey !== exchange)) return null;

  const isExchangeWallet = (address: Address) => {
    const label = labelOf(address);
    return label !== undefined && label.category === 'exchange' && entityKey(label.entity) === exchange;
  };
  const others = new Set<string>();
  let gasTopUps = 0;
  for (const t of transfers) {
    if (addressKey(t.from) === self && t.kind !== 'fee' && t.to !== null && !isExchangeWallet(t.to)) others.add(addressKey(t.to));
    if (t.to !== null && addressKey(t.to) === self && isNativeKind(t) && isWalletOfEntity(t.from, exchange, labelOf)) gasTopUps++;
  }
  if (others.size > params.maxOtherRecipients) return null;

  const best = [...verdicts].sort(
    (a, b) =>
      b.evidence.forwardedShareBps - a.evidence.forwardedShareBps ||
      b.evidence.sweeps - a.evidence.sweeps ||
      (a.evidence.asset < b.evidence.asset ? -1 : a.evidence.asset > b.evidence.asset ? 1 : 0),
  )[0]!;
  return { ...best.evidence, gasTopUps };
}

function resolveParams(params: DepositParams = {}): Required<Omit<DepositParams, 'windowEndBlock'>> & Pick<DepositParams, 'windowEndBlock'> {
  const resolved = {
    minForwardShareBps: params.minForwardShareBps ?? DEFAULT_DEPOSIT_PARAMS.minForwardShareBps,
    maxDelayBlocks: params.maxDelayBlocks ?? DEFAULT_DEPOSIT_PARAMS.maxDelayBlocks,
    minSweeps: params.minSweeps ?? DEFAULT_DEPOSIT_PARAMS.minSweeps,
    maxOtherRecipients: params.maxOtherRecipients ?? DEFAULT_DEPOSIT_PARAMS.maxOtherRecipients,
    windowEndBlock: params.windowEndBlock,
  };
  const { minForwardShareBps, maxDelayBlocks, minSweeps, maxOtherRecipients } = resolved;
  if (!Number.isInteger(minForwardShareBps) || minForwardShareBps < 1 || minForwardShareBps > 10000) {
    throw new InvalidInputError(`minForwardShareBps must be an integer 1..10000, got ${minForwardShareBps}`);
  }
  for (const [name, value] of Object.entries({ maxDelayBlocks, minSweeps, maxOtherRecipients })) {
    if (!Number.isInteger(value) || value < 0) throw new InvalidInputError(`${name} must be a non-negative integer, got ${value}`);
  }
  return resolved;
}

/** Transfers in or out of `self` (not to itself), each once, in chain order. */
function ownTransfers(self: string, all: readonly Transfer[]): Transfer[] {
  const byId = new Map<string, Transfer>();
  for (const t of all) {
    const from = addressKey(t.from) === self;
    const to = t.to !== null && addressKey(t.to) === self;
    if (from === to) continue; // not ours, or a transfer to itself
    const id = transferId(t);
    if (!byId.has(id)) byId.set(id, t);
  }
  return [...byId.entries()]
    .sort(([idA, a], [idB, b]) => compareChainOrder(a, b) || (idA < idB ? -1 : idA > idB ? 1 : 0))
    .map(([, t]) => t);
}

/**
 * The exchange entity (key) that received most of this asset from `self`. No payment to an
 * exchange-labelled address, no candidate and no verdict: the judge stage relies on it to
 * judge wallets that paid no exchange without loading their history (services/tracing/trace-step.ts).
 */
function topExchange(self: string, transfers: readonly Transfer[], labelOf: (a: Address) => Label | undefined): string | undefined {
  const totals = new Map<string, bigint>();
  for (const t of transfers) {
    if (addressKey(t.from) !== self || t.to === null || t.kind === 'fee') continue;
    const label = labelOf(t.to);
    if (label?.category !== 'exchange') continue;
    const key = entityKey(label.entity);
    totals.set(key, (totals.get(key) ?? 0n) + t.amount);
  }
  let best: string | undefined;
  for (const [key, total] of totals) {
    const bestTotal = best === undefined ? -1n : totals.get(best)!;
    if (total > bestTotal || (total === bestTotal && best !== undefined && key < best)) best = key;
  }
  return best;
}

interface QueuedInflow {
  block: number;
  remaining: bigint;
  /** False for a gas top-up from the exchange. */
  counted: boolean;
}

function judgeAsset(
  self: string,
  asset: Asset,
  transfers: readonly Transfer[],
  exchange: string,
  labelOf: (a: Address) => Label | undefined,
  params: ReturnType<typeof resolveParams>,
): AssetVerdict | null {
  const queue: QueuedInflow[] = [];
  let head = 0;
  let received = 0n;
  let forwarded = 0n;
  let toOthers = 0n;
  let sweeps = 0;
  let maxDelay = 0;
  const hotWallets = new Map<string, Label>();

  const consume = (amount: bigint, sweepBlock: number | undefined) => {
    let left = amount;
    while (left > 0n && head < queue.length) {
      const piece = queue[head]!;
      const take = piece.remaining < left ? piece.remaining : left;
      piece.remaining -= take;
      left -= take;
      if (sweepBlock !== undefined && piece.counted) {
        const delay = sweepBlock - piece.block;
        if (delay <= params.maxDelayBlocks) {
          forwarded += take;
          if (delay > maxDelay) maxDelay = delay;
        }
      }
      if (piece.remaining === 0n) head++;
    }
    // Whatever is left was held before the window: nothing to attribute.
  };

  for (const t of transfers) {
    if (t.to !== null && addressKey(t.to) === self) {
      const topUp = isNativeKind(t) && isWalletOfEntity(t.from, exchange, labelOf);
      queue.push({ block: t.blockNumber, remaining: t.amount, counted: !topUp });
      if (!topUp) received += t.amount;
      continue;
    }
    if (t.kind === 'fee' || t.to === null) {
      consume(t.amount, undefined);
      continue;
    }
    const label = labelOf(t.to);
    if (label?.category === 'exchange' && entityKey(label.entity) === exchange) {
      sweeps++;
      hotWallets.set(addressKey(t.to), label);
      consume(t.amount, t.blockNumber);
    } else {
      toOthers += t.amount;
      consume(t.amount, undefined);
    }
  }

  if (params.windowEndBlock !== undefined) {
    for (let i = head; i < queue.length; i++) {
      const piece = queue[i]!;
      if (piece.counted && piece.block > params.windowEndBlock - params.maxDelayBlocks) received -= piece.remaining;
    }
  }
  if (received <= 0n || sweeps < params.minSweeps) return null;
  const share = Number((forwarded * 10000n) / received);
  if (share < params.minForwardShareBps) return null;
  if (toOthers * 10000n > received * BigInt(10000 - params.minForwardShareBps)) return null;

  const wallets = [...hotWallets.keys()].sort();
  const first = hotWallets.get(wallets[0]!)!;
  return {
    entityKey: exchange,
    evidence: {
      entity: first.entity,
      category: first.category,
      hotWallets: wallets,
      forwardedShareBps: share,
      sweeps,
      maxDelayBlocks: maxDelay,
      asset,
      received,
      forwarded,
    },
  };
}

function isNativeKind(t: Transfer): boolean {
  return t.kind === 'native' || t.kind === 'internal';
}

function isWalletOfEntity(address: Address, exchange: string, labelOf: (a: Address) => Label | undefined): boolean {
  const label = labelOf(address);
  return label !== undefined && entityKey(label.entity) === exchange;
}
