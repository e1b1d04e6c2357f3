// A victim's payment given as a transaction hash must name one payment. A transaction that
// moves value from more than one sender or to more than one recipient (an exchange's batched
// withdrawal, a payout contract, a bitcoin payment with change) would taint everyone else in
// it, so it is refused with its transfers listed, and the analyst names the one meant:
// `txhash:logIndex` (EVM token transfers) or `txid:vout` (bitcoin).
import type { ChainSource } from '../chains/source';
import type { Seed, Transfer } from '../domain/types';
import type { UtxoTx } from '../domain/utxo';
import { InvalidInputError, NotFoundError, shouldRetry } from '../errors';

export interface SeedTransferRow {
  /** The log index (or vout) that picks this transfer as `txhash:index`; null for a native or internal transfer. */
  index: number | null;
  /** What to put after `txhash:` to pick this transfer: the index, or `tx` / `call:0.1`. */
  pick: string;
  ref: string;
  from: string;
  to: string | null;
  asset: string;
  amount: string;
}

export class AmbiguousSeedError extends InvalidInputError {
  override readonly details: { txHash: string; senders: number; recipients: number; transfers: SeedTransferRow[] };
  constructor(txHash: string, senders: number, recipients: number, transfers: SeedTransferRow[]) {
    super(`seed transaction ${txHash} moves value from ${senders} sender(s) to ${recipients} recipient(s); name one as ${txHash}:<pick> (see the list)`);
    this.details = { txHash, senders, recipients, transfers };
  }

  /** The transfers as a table an analyst can read in a terminal. */
  listing(): string {
    const rows = this.details.transfers.map((t) => [t.pick, t.from, t.to ?? '-', t.asset, t.amount]);
    const all = [['pick', 'from', 'to', 'asset', 'amount'], ...rows];
    const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
    return all.map((r) => '  ' + r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
  }
}

/** Refuses an account-chain transaction seed (no index) whose payments have several senders or recipients. */
export function checkAccountSeed(txHash: string, transfers: readonly Transfer[]): void {
  const payments = transfers.filter((t) => t.kind !== 'fee' && t.amount > 0n);
  const senders = new Set(payments.map((t) => t.from));
  const recipients = new Set(payments.map((t) => t.to));
  if (senders.size <= 1 && recipients.size <= 1) return;
  throw new AmbiguousSeedError(txHash, senders.size, recipients.size, payments.map((t) => ({
    index: t.ref.startsWith('log:') ? Number(t.ref.slice(4)) : null,
    pick: t.ref.startsWith('log:') ? t.ref.slice(4) : t.ref,
    ref: t.ref, from: t.from, to: t.to, asset: t.asset, amount: t.amount.toString(),
  })));
}

/** Refuses a bitcoin transaction seed (no vout) with inputs from several addresses or outputs to several. */
export function checkUtxoSeed(tx: UtxoTx): void {
  const senders = new Set(tx.inputs.map((i) => (i.coinbase ? 'coinbase' : i.address ?? `unknown:${i.prevTxid}:${i.prevVout}`)));
  const outputs = tx.outputs.filter((o) => o.value > 0n);
  const recipients = new Set(outputs.map((o) => o.address ?? `script:${o.vout}`));
  if (senders.size <= 1 && recipients.size <= 1) return;
  const from = [...senders].join(',');
  throw new AmbiguousSeedError(tx.txid, senders.size, recipients.size, outputs.map((o) => ({
    index: o.vout, pick: String(o.vout), ref: `out:${o.vout}`, from, to: o.address, asset: 'BTC', amount: o.value.toString(),
  })));
}

/**
 * Every transaction seed of a new case that names no transfer must be unambiguous. A seed the
 * chain does not know (yet), or cannot answer for now, is left to the trace, which applies
 * the same check when it reads the seed (tracing/seeds.ts).
 */
export async function checkSeeds(
  source: ChainSource & { getTx?: (txid: string) => Promise<UtxoTx> }, seeds: readonly Seed[],
): Promise<void> {
  for (const seed of seeds) {
    if (!('txHash' in seed) || seed.index !== undefined || seed.ref !== undefined) continue;
    try {
      if (source.kind === 'bitcoin' && source.getTx) checkUtxoSeed(await source.getTx(seed.txHash));
      else checkAccountSeed(seed.txHash, (await source.transaction(seed.txHash)).transfers);
    } catch (error) {
      if (error instanceof AmbiguousSeedError) throw error;
      if (error instanceof NotFoundError || shouldRetry(error)) continue;
      throw error;
    }
  }
}
