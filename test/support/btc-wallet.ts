// Keys, addresses and signed transactions for bitcoin scenario tests (bitcoinjs-lib + ecpair).
import type * as EcPairLib from 'ecpair' with { 'resolution-mode': 'import' };
import { bitcoin, ecc, type BitcoinTransaction } from '../../services/chains/bitcoin/lib';

/* eslint-disable @typescript-eslint/no-require-imports */
const { ECPairFactory } = require('ecpair') as typeof EcPairLib;
const ECPair = ECPairFactory(ecc);
const network = bitcoin.networks.bitcoin;

export type WalletKind = 'p2wpkh' | 'p2pkh' | 'p2tr';

export interface Wallet {
  kind: WalletKind;
  address: string;
  script: Uint8Array;
  key: EcPairLib.ECPairInterface;
}

/** A deterministic key from a small number, so fixtures read the same every run. */
export function wallet(kind: WalletKind, seed: number): Wallet {
  const priv = Buffer.alloc(32);
  priv.writeUInt32BE(seed + 1, 28);
  const key = ECPair.fromPrivateKey(priv, { network });
  const payment = kind === 'p2wpkh' ? bitcoin.payments.p2wpkh({ pubkey: key.publicKey, network })
    : kind === 'p2pkh' ? bitcoin.payments.p2pkh({ pubkey: key.publicKey, network })
    : bitcoin.payments.p2tr({ internalPubkey: key.publicKey.subarray(1, 33), network });
  return { kind, address: payment.address!, script: payment.output!, key };
}

/** Coins from nowhere: a coinbase-shaped transaction paying the given outputs. */
export function fund(outputs: Array<[Wallet | string, bigint]>, tag = 0): BitcoinTransaction {
  const tx = new bitcoin.Transaction();
  tx.addInput(new Uint8Array(32), 0xffffffff, 0xffffffff, Uint8Array.from([0x01, tag & 0xff]));
  for (const [to, value] of outputs) tx.addOutput(scriptOf(to), value);
  return tx;
}

export interface Spend {
  tx: BitcoinTransaction;
  vout: number;
  owner: Wallet;
}

/** A signed transaction spending `inputs` (in order) to `outputs` (in order). */
export function spend(inputs: Spend[], outputs: Array<[Wallet | string, bigint]>): BitcoinTransaction {
  const psbt = new bitcoin.Psbt({ network });
  psbt.setMaximumFeeRate(1_000_000);
  for (const { tx, vout, owner } of inputs) {
    const prev = tx.outs[vout]!;
    if (owner.kind === 'p2pkh') psbt.addInput({ hash: tx.getId(), index: vout, nonWitnessUtxo: tx.toBuffer() });
    else if (owner.kind === 'p2wpkh') psbt.addInput({ hash: tx.getId(), index: vout, witnessUtxo: { script: prev.script, value: prev.value } });
    else psbt.addInput({ hash: tx.getId(), index: vout, witnessUtxo: { script: prev.script, value: prev.value }, tapInternalKey: owner.key.publicKey.subarray(1, 33) });
  }
  for (const [to, value] of outputs) psbt.addOutput({ script: scriptOf(to), value });
  inputs.forEach(({ owner }, i) => {
    if (owner.kind === 'p2tr') {
      const xOnly = owner.key.publicKey.subarray(1, 33);
      psbt.signInput(i, owner.key.tweak(bitcoin.crypto.taggedHash('TapTweak', xOnly)));
    } else psbt.signInput(i, owner.key);
  });
  psbt.finalizeAllInputs();
  return psbt.extractTransaction();
}

function scriptOf(to: Wallet | string): Uint8Array {
  return typeof to === 'string' ? bitcoin.address.toOutputScript(to, network) : to.script;
}
