// The UTXO vocabulary (bitcoin): what the UTXO tracer and the clustering read. Pure types only;
// the bitcoin adapter produces them from verified raw transactions.
import type { Address } from './types';

export type ScriptType =
  | 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr' | 'p2pk' | 'multisig'
  | 'op_return' | 'witness_unknown' | 'nonstandard';

export interface UtxoInput {
  prevTxid: string;
  prevVout: number;
  /** The address of the spent output, or null if unknown or it has none (p2pk, bare multisig). */
  address: Address | null;
  /** Satoshis of the spent output; null when the source could not tell (then counted as clean). */
  value: bigint | null;
  coinbase: boolean;
}

export interface UtxoOutput {
  vout: number;
  /** null for scripts with no address: OP_RETURN, p2pk, bare multisig, non-standard. */
  address: Address | null;
  scriptType: ScriptType;
  value: bigint;
}

export interface UtxoTx {
  txid: string;
  /** null while unconfirmed. */
  blockHeight: number | null;
  blockHash: string | null;
  /** Unix seconds of the block; null while unconfirmed. */
  blockTime: number | null;
  inputs: UtxoInput[];
  outputs: UtxoOutput[];
  /** Inputs minus outputs; 0 for a coinbase; null when an input value is unknown. */
  fee: bigint | null;
}

/** Who spent an output (Esplora's `/tx/:txid/outspends` entry). */
export interface Outspend {
  spent: boolean;
  txid?: string;
  vin?: number;
  /** Height of the spending transaction; null while it is unconfirmed. */
  blockHeight?: number | null;
}

export function outpointKey(txid: string, vout: number): string {
  return `${txid}:${vout}`;
}
