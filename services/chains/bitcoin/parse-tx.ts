// A transaction as evidence: parsed from its raw hex, hash checked against the txid asked
// for, outputs (values, scripts, addresses) from the raw bytes. Only input values and the
// block position come from Esplora's JSON, and the inputs must match the raw ones.
import { TraceholdError } from '../../errors';
import type { UtxoInput, UtxoOutput, UtxoTx } from '../../domain/utxo';
import { bitcoin, type BitcoinTransaction, type Network } from './lib';
import { describeScript } from './script';
import type { EsploraTx } from './esplora-types';

/** Raw data disagreed with what was asked for or with the JSON: never retried. */
export class EvidenceMismatchError extends TraceholdError {
  override readonly code: string = 'evidence_mismatch';
}

export function parseVerifiedTx(txid: string, hex: string, json: EsploraTx, network: Network): UtxoTx {
  let tx: BitcoinTransaction;
  try {
    tx = bitcoin.Transaction.fromHex(hex);
  } catch (error) {
    throw new EvidenceMismatchError(`raw transaction ${txid} does not parse`, { cause: error });
  }
  const actual = tx.getId();
  if (actual !== txid.toLowerCase()) {
    throw new EvidenceMismatchError(`raw transaction asked as ${txid} hashes to ${actual}`, { details: { txid, actual } });
  }
  if (json.txid !== actual || json.vin.length !== tx.ins.length || json.vout.length !== tx.outs.length) {
    throw new EvidenceMismatchError(`Esplora's JSON for ${txid} does not match its raw transaction`, { details: { txid } });
  }
  const coinbase = tx.isCoinbase();
  const inputs: UtxoInput[] = tx.ins.map((input, i) => {
    const prevTxid = Buffer.from(input.hash).reverse().toString('hex');
    const vin = json.vin[i]!;
    if (coinbase) return { prevTxid, prevVout: input.index, address: null, value: null, coinbase: true };
    if (vin.txid !== prevTxid || vin.vout !== input.index) {
      throw new EvidenceMismatchError(`Esplora's input ${i} of ${txid} is not the raw one`, { details: { txid, vin: i } });
    }
    const prevout = vin.prevout;
    if (!prevout) return { prevTxid, prevVout: input.index, address: null, value: null, coinbase: false };
    const { address } = describeScript(Buffer.from(prevout.scriptpubkey, 'hex'), network);
    return { prevTxid, prevVout: input.index, address, value: BigInt(prevout.value), coinbase: false };
  });
  const outputs: UtxoOutput[] = tx.outs.map((out, vout) => ({ vout, ...describeScript(out.script, network), value: BigInt(out.value) }));
  const totalOut = outputs.reduce((sum, o) => sum + o.value, 0n);
  const fee = coinbase ? 0n
    : inputs.every((i) => i.value !== null) ? inputs.reduce((sum, i) => sum + i.value!, 0n) - totalOut
    : null;
  if (fee !== null && fee < 0n) {
    throw new EvidenceMismatchError(`transaction ${txid} spends more than its inputs according to Esplora's prevouts`, { details: { txid } });
  }
  const status = json.status;
  return {
    txid: actual,
    blockHeight: status.confirmed ? status.block_height ?? null : null,
    blockHash: status.confirmed ? status.block_hash ?? null : null,
    blockTime: status.confirmed ? status.block_time ?? null : null,
    inputs,
    outputs,
    fee,
  };
}
