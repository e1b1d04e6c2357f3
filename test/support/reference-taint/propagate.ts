// Account-chain taint propagation: one pass over the transfers in chain order.
//
// Why these rules:
// - Only ledger addresses pass taint on. Passing taint through an address needs its full
//   history in the window and its opening balance; without them any split of an outflow into
//   tainted and clean would be invented. Everyone else (untracked addresses, stops) keeps
//   what it receives, which is also what a freeze request needs to know.
// - A seed transfer is tainted in full whoever sent it (a victim's payment). If the sender
//   has a ledger, the ledger is still debited by the model as usual; the part of the seed not
//   drawn from tainted funds is recorded as `seeded` at the sender, so taint is accounted for.
// - A source's opening balance and every inflow it receives in its window are tainted in
//   full at the source; the transfer itself still carries only the τ its sender gave it.
// - An outflow larger than the known balance means history or opening is incomplete: the
//   shortfall is clean funds of unknown origin (never invented taint) and is reported in `gaps`.
// - A stop's ledger spec is ignored: an endpoint absorbs everything and reports no gaps.
// - Ties in chain order are broken by transferId, so any input order gives the same result.
//   One chain per call: transferId is only unique within a chain.
// - Taint arriving at a ledger before its window cannot be placed in its balance (the opening
//   already covers that period), so it is held where it landed and reported in `lateInflows`.
//
// - Only payments move value (../payments.ts): a transfer from an address to itself leaves
//   every ledger as it was (a queue model would otherwise move its lots from the head to the
//   tail, washing taint), and zero values and untraced assets are ignored; all are counted
//   in `ignored`. A self-transfer's fee is a transfer of its own and is consumed as any fee.
// - What a source receives is tainted in full, but only the part its sender had not already
//   tainted is new (`sourced`): value that comes back to a seed is not seeded twice.
//
// Accounting identities (every model but poison), per (address, asset):
//   taintedIn + seeded == taintedOut + taintedHeld
// and per asset, summed over the result:
//   Σ source taint created + Σ seeded == Σ taintedHeld + sinks
// where source taint created = Σ sourced = tainted opening balances of sources + Σ (amount - τ)
// over the inflows sources received in their window.
import { countIgnored, isPayment } from '../../../services/domain/payments';
import type { Asset } from '../../../services/domain/types';
import { createAccountBook } from './account-book';
import { createBlockOutflows } from './block-outflows';
import { inChainOrder } from './chain-order';
import { createLedgerBook } from './ledger-book';
import type { TaintInput, TaintResult } from './types';

export function propagateTaint(input: TaintInput): TaintResult {
  const assets = input.assets ?? null;
  const all = inChainOrder(input.transfers);
  const ordered = all.filter(({ t }) => isPayment(t, assets));
  const ledgers = createLedgerBook(input);
  const accounts = createAccountBook();
  const sameBlockOutflows = input.model === 'tiho' ? createBlockOutflows(ordered) : () => [];
  const result: TaintResult = {
    tainted: new Map(), parents: new Map(), accounts: new Map(), sinks: new Map<Asset, bigint>(),
    gaps: [], lateInflows: [], ignored: countIgnored(all.map(({ t }) => t), assets),
  };

  for (const { address, asset, amount } of ledgers.taintedOpenings()) {
    if (assets !== null && !assets.has(asset)) continue;
    accounts.received(address, asset, 'ledger', amount, null, amount);
  }

  for (const { id, t } of ordered) {
    const { asset, amount } = t;

    // 1. The taint t carries: the sender's ledger decides, unless t is a seed.
    const sender = ledgers.at(t.from, asset, t.blockNumber);
    const debit = sender?.debit({ amount, sameBlock: sameBlockOutflows(id) });
    if (debit !== undefined && debit.shortfall > 0n) {
      result.gaps.push({ address: t.from, asset, transferId: id, amount: debit.shortfall });
    }
    const drawn = debit?.tainted ?? 0n;
    const seed = input.seedTransfers.has(id);
    const carried = seed ? amount : drawn;
    if (carried > 0n) {
      result.tainted.set(id, carried);
      result.parents.set(id, seed ? [] : debit!.parents);
    }
    accounts.sent(t.from, asset, ledgers.role(t.from), carried, carried - drawn);

    // 2. Where it lands.
    if (t.to === null) {
      if (carried > 0n) result.sinks.set(asset, (result.sinks.get(asset) ?? 0n) + carried);
      continue;
    }
    const role = ledgers.role(t.to);
    const recipient = ledgers.at(t.to, asset, t.blockNumber);
    if (recipient !== null) {
      const arriving = ledgers.isSource(t.to) ? amount : carried;
      recipient.credit(amount, arriving, id);
      accounts.received(t.to, asset, role, arriving, t, arriving - carried);
    } else {
      accounts.received(t.to, asset, role, carried, t, 0n);
      accounts.absorbed(t.to, asset, carried);
      if (role === 'ledger' && carried > 0n) {
        result.lateInflows.push({ address: t.to, transferId: id, amount: carried });
      }
    }
  }

  result.accounts = accounts.finish(ledgers.taintedHeld);
  return result;
}
