// An in-memory spend graph for UTXO tracer unit tests: transactions named by a string (the
// txid is its sha256), and who spent each output, served through the tracer's fetch port.
import { createHash } from 'node:crypto';
import type { Outspend, UtxoTx } from '../../services/domain/utxo';
import type { UtxoFetch } from '../../services/domain/utxo-taint';

export const txidOf = (name: string) => createHash('sha256').update(name).digest('hex');

/** An in-memory spend graph: transactions, and who spent each output. */
export class Chain implements UtxoFetch {
  readonly txs = new Map<string, UtxoTx>();
  readonly spends = new Map<string, { txid: string; height: number }>();
  reads = 0;

  add(name: string, height: number, inputs: Array<[txid: string, vout: number]>, outputs: Array<[address: string, value: bigint]>): UtxoTx {
    const tx: UtxoTx = {
      txid: txidOf(name), blockHeight: height, blockHash: txidOf(`block ${height}`), blockTime: 1_700_000_000 + height * 600,
      inputs: inputs.map(([prevTxid, prevVout]) => {
        const prev = this.txs.get(prevTxid)?.outputs[prevVout];
        return { prevTxid, prevVout, address: prev?.address ?? null, value: prev?.value ?? null, coinbase: false };
      }),
      outputs: outputs.map(([address, value], vout) => ({ vout, address, scriptType: 'p2wpkh' as const, value })),
      fee: null,
    };
    for (const [prevTxid, prevVout] of inputs) this.spends.set(`${prevTxid}:${prevVout}`, { txid: tx.txid, height });
    this.txs.set(tx.txid, tx);
    return tx;
  }

  async getTx(txid: string): Promise<UtxoTx> {
    this.reads += 1;
    const tx = this.txs.get(txid);
    if (!tx) throw new Error(`no ${txid}`);
    return tx;
  }

  async outspends(txid: string): Promise<Outspend[]> {
    return this.txs.get(txid)!.outputs.map((_, vout) => {
      const s = this.spends.get(`${txid}:${vout}`);
      return s ? { spent: true, txid: s.txid, vin: 0, blockHeight: s.height } : { spent: false };
    });
  }
}

