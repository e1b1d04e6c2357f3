// A transaction-hash seed names one payment, or is refused with its transfers listed.
import { expect } from 'chai';
import { AmbiguousSeedError, checkAccountSeed, checkUtxoSeed } from '../../services/tracing/seed-check';
import { reportError } from '../../services/cli/main';
import { InvalidInputError } from '../../services/errors';
import type { Transfer } from '../../services/domain/types';
import type { UtxoTx } from '../../services/domain/utxo';

const TX = '0x' + '5c'.repeat(32);
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const HOT = '0x' + 'f'.repeat(40), VICTIM = '0x' + 'a'.repeat(40), OTHER = '0x' + 'b'.repeat(40), THIRD = '0x' + 'c'.repeat(40);
const t = (ref: string, from: string, to: string | null, amount: bigint, kind: Transfer['kind'] = 'token'): Transfer => ({
  chain: 'ethereum', txHash: TX, blockNumber: 1, blockHash: '0x', timestamp: 1, txIndex: 0, ref, seq: 1, kind,
  asset: kind === 'fee' ? 'ETH' : USDT, from, to, amount,
});

describe('tx-hash seeds', () => {
  it('a single payment passes, whatever fee and zero-value spam sit in the same transaction', () => {
    expect(() => checkAccountSeed(TX, [t('fee', VICTIM, null, 21n, 'fee'), t('log:3', VICTIM, HOT, 5_000_000n), t('log:4', OTHER, THIRD, 0n)])).to.not.throw();
  });

  it('an exchange\'s batched withdrawal (one sender, three recipients) is refused, listing log index, from, to, asset, amount', () => {
    const batch = [t('fee', HOT, null, 99n, 'fee'), t('log:7', HOT, VICTIM, 100_000_000n), t('log:8', HOT, OTHER, 2_000_000n), t('log:9', HOT, THIRD, 3_000_000n)];
    let error: unknown;
    try {
      checkAccountSeed(TX, batch);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(AmbiguousSeedError).and.instanceOf(InvalidInputError); // 422, CLI exit 2
    const e = error as AmbiguousSeedError;
    expect(e.message).to.equal(`seed transaction ${TX} moves value from 1 sender(s) to 3 recipient(s); name one as ${TX}:<index>`);
    expect(e.details.transfers).to.deep.equal([
      { index: 7, ref: 'log:7', from: HOT, to: VICTIM, asset: USDT, amount: '100000000' },
      { index: 8, ref: 'log:8', from: HOT, to: OTHER, asset: USDT, amount: '2000000' },
      { index: 9, ref: 'log:9', from: HOT, to: THIRD, asset: USDT, amount: '3000000' },
    ]);
    // The CLI prints the reason and a table, and exits 2.
    let err = '';
    const code = reportError(e, { out: () => undefined, err: (s: string) => { err += s; }, env: {} } as never);
    expect(code).to.equal(2);
    expect(err.split('\n')[0]).to.equal(`tracehold: ${e.message}`);
    expect(err).to.match(/index\s+from\s+to\s+asset\s+amount/);
    expect(err).to.include(`  8      ${HOT}  ${OTHER}  ${USDT}  2000000`);
  });

  it('two senders are refused too', () => {
    expect(() => checkAccountSeed(TX, [t('log:1', VICTIM, HOT, 5n), t('log:2', OTHER, HOT, 6n)])).to.throw(AmbiguousSeedError, /from 2 sender\(s\) to 1 recipient/);
  });

  it('bitcoin: a payment with change goes to two recipients: refused, listing each vout', () => {
    const tx: UtxoTx = {
      txid: 'ab'.repeat(32), blockHeight: 5, blockHash: 'h', blockTime: 1, fee: 1_000n,
      inputs: [{ prevTxid: 'cd'.repeat(32), prevVout: 0, address: 'bc1qvictim', value: 101_000n, coinbase: false }],
      outputs: [
        { vout: 0, address: 'bc1qscammer', scriptType: 'p2wpkh', value: 60_000n },
        { vout: 1, address: 'bc1qvictim', scriptType: 'p2wpkh', value: 40_000n },
      ],
    };
    expect(() => checkUtxoSeed(tx)).to.throw(AmbiguousSeedError).with.property('details').that.deep.includes({
      senders: 1, recipients: 2,
      transfers: [
        { index: 0, ref: 'out:0', from: 'bc1qvictim', to: 'bc1qscammer', asset: 'BTC', amount: '60000' },
        { index: 1, ref: 'out:1', from: 'bc1qvictim', to: 'bc1qvictim', asset: 'BTC', amount: '40000' },
      ],
    });
    expect(() => checkUtxoSeed({ ...tx, outputs: [tx.outputs[0]!] })).to.not.throw();
  });
});
