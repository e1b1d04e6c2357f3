// Holdings never exceed the chain. A holding is what the model says is still tainted at an
// unattributed address at toBlock; if the address's real balance of that asset is smaller,
// the trace missed outflows (internal transfers the node could not show, a gap in history):
// the holding is capped at the balance, and the difference is reported, never silently kept
// as a freeze target that is not there. Pure: the caller reads the balances.
import type { ReportAccounting, ReportHolding } from './report';
import { compareStrings, loopTurns, runStepsSliced, sortSteps } from './taint/steps';
import type { Address, Asset } from './types';

export interface CappedHolding {
  address: Address;
  asset: Asset;
  /** What the model held tainted, and what the chain says the address holds. */
  tainted: bigint;
  balance: bigint;
}

export interface HoldingsCap {
  holdings: ReportHolding[];
  accounting: ReportAccounting[];
  capped: CappedHolding[];
  limitations: string[];
}

/**
 * `balanceOf` returns the real balance at toBlock, or undefined when it could not be read (left
 * as is). A 100k case has ~90,000 holdings: the loops give the event loop turns.
 */
export async function capHoldings(
  holdings: readonly ReportHolding[], accounting: readonly ReportAccounting[], balanceOf: (address: Address, asset: Asset) => bigint | undefined,
): Promise<HoldingsCap> {
  const capped: CappedHolding[] = [];
  const out: ReportHolding[] = [];
  const turns = loopTurns();
  for (const h of holdings) {
    if (turns.due()) await turns.give();
    const tainted = BigInt(h.amount);
    const balance = balanceOf(h.address, h.asset);
    if (balance === undefined || tainted <= balance) {
      out.push(h);
      continue;
    }
    capped.push({ address: h.address, asset: h.asset, tainted, balance });
    if (balance > 0n) out.push({ ...h, amount: balance.toString() });
  }
  const missed = new Map<Asset, bigint>();
  for (const c of capped) missed.set(c.asset, (missed.get(c.asset) ?? 0n) + c.tainted - c.balance);
  return {
    holdings: await byAmountDesc(out),
    accounting: accounting.map((row) => {
      const m = missed.get(row.asset);
      if (m === undefined) return row;
      return { ...row, holdings: (BigInt(row.holdings) - m).toString(), missedOutflows: m.toString() };
    }),
    capped,
    limitations: capped.map((c) =>
      `holding of ${c.asset} at ${c.address} capped at its real balance at toBlock: the model held ${c.tainted} tainted but the chain shows ${c.balance} (${c.tainted - c.balance} left in outflows the trace did not see)`),
  };
}

/**
 * Largest amount first, then by address (stable); each amount parsed once. Compared as
 * doubles first: Number(bigint) keeps the order of unequal doubles, so only equal ones need
 * the bigints.
 */
async function byAmountDesc(holdings: ReportHolding[]): Promise<ReportHolding[]> {
  const turns = loopTurns();
  const amounts: bigint[] = new Array(holdings.length);
  const approx = new Float64Array(holdings.length);
  for (let i = 0; i < holdings.length; i++) {
    if (turns.due()) await turns.give();
    amounts[i] = BigInt(holdings[i]!.amount);
    approx[i] = Number(amounts[i]);
  }
  const order = Int32Array.from({ length: holdings.length }, (_, i) => i);
  const sorted = await runStepsSliced(sortSteps(order, (i, j) =>
    approx[j]! - approx[i]! || (amounts[j]! > amounts[i]! ? 1 : amounts[j]! < amounts[i]! ? -1 : 0) || compareStrings(holdings[i]!.address, holdings[j]!.address)));
  return Array.from(sorted, (i) => holdings[i]!);
}
