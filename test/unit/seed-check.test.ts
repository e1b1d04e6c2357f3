// A transaction-hash seed names one payment, or is refused with its transfers listed.
import { expect } from 'chai';
import { AmbiguousSeedError, checkAccountSeed, checkUtxoSeed } from '../../services/tracing/seed-check';
import { parseSeedArg, validateCaseInput } from '../../services/tracing/case-input';
import { loadConfig } from '../../config';
import { BadRequestError } from '../../services/errors';
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
    expect(e.message).to.equal(`seed transaction ${TX} moves value from 1 sender(s) to 3 recipient(s); name one as ${TX}:<pick> (see the list)`);
    expect(e.details.transfers).to.deep.equal([
      { index: 7, pick: '7', ref: 'log:7', from: HOT, to: VICTIM, asset: USDT, amount: '100000000' },
      { index: 8, pick: '8', ref: 'log:8', from: HOT, to: OTHER, asset: USDT, amount: '2000000' },
      { index: 9, pick: '9', ref: 'log:9', from: HOT, to: THIRD, asset: USDT, amount: '3000000' },
    ]);
    // The CLI prints the reason and a table, and exits 2.
    let err = '';
    const code = reportError(e, { out: () => undefined, err: (s: string) => { err += s; }, env: {} } as never);
    expect(code).to.equal(2);
    expect(err.split('\n')[0]).to.equal(`tracehold: ${e.message}`);
    expect(err).to.match(/pick\s+from\s+to\s+asset\s+amount/);
    expect(err).to.include(`  8     ${HOT}  ${OTHER}  ${USDT}  2000000`);
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
        { index: 0, pick: '0', ref: 'out:0', from: 'bc1qvictim', to: 'bc1qscammer', asset: 'BTC', amount: '60000' },
        { index: 1, pick: '1', ref: 'out:1', from: 'bc1qvictim', to: 'bc1qvictim', asset: 'BTC', amount: '40000' },
      ],
    });
    expect(() => checkUtxoSeed({ ...tx, outputs: [tx.outputs[0]!] })).to.not.throw();
  });

  it('a batch paid in the native coin by a contract lists its internal transfers by trace address, to pick with txhash:call:…', () => {
    const native = (ref: string, from: string, to: string, amount: bigint) => ({ ...t(ref, from, to, amount, 'internal'), asset: 'ETH' });
    const batch = [t('fee', HOT, null, 99n, 'fee'), native('tx', HOT, THIRD, 10n), native('call:0', THIRD, VICTIM, 6n), native('call:1', THIRD, OTHER, 4n)];
    let error: unknown;
    try {
      checkAccountSeed(TX, batch);
    } catch (e) {
      error = e;
    }
    const e = error as AmbiguousSeedError;
    expect(e.details.transfers.map((r) => [r.pick, r.index, r.to])).to.deep.equal([['tx', null, THIRD], ['call:0', null, VICTIM], ['call:1', null, OTHER]]);
    expect(e.listing()).to.include(`  call:0  ${THIRD}  ${VICTIM}  ETH    6`);
  });
});

describe('seed arguments', () => {
  const H = 'ab'.repeat(32);
  it('takes an address, a hash, hash:index, hash:tx and hash:call:…', () => {
    expect(parseSeedArg('0x' + H)).to.deep.equal({ txHash: '0x' + H });
    expect(parseSeedArg(`0x${H}:12`)).to.deep.equal({ txHash: '0x' + H, index: 12 });
    expect(parseSeedArg(`0x${H}:tx`)).to.deep.equal({ txHash: '0x' + H, ref: 'tx' });
    expect(parseSeedArg(`0x${H}:call:0.1.3`)).to.deep.equal({ txHash: '0x' + H, ref: 'call:0.1.3' });
    expect(parseSeedArg(HOT)).to.deep.equal({ address: HOT });
  });

  it('refuses anything else after the colon', () => {
    for (const bad of [`0x${H}:x`, `0x${H}:call:`, `0x${H}:call:a`, `0x${H}:-1`, `0x${H}:log:3`, `0x${H}:1:2`]) {
      expect(() => parseSeedArg(bad), bad).to.throw(InvalidInputError, /after ':'/);
    }
  });
});

describe('seeds in a case body', () => {
  const config = loadConfig({ TRACEHOLD_LOG_LEVEL: 'silent' });
  const v = (chain: string, seed: Record<string, unknown>) => validateCaseInput(config, (_c, a) => a.toLowerCase(), { title: 't', chain, seeds: [seed] });
  const H = '0x' + 'ab'.repeat(32);

  it('takes a ref naming a native or internal transfer', () => {
    expect(v('ethereum', { txHash: H, ref: 'call:0.2' }).seeds).to.deep.equal([{ txHash: H, ref: 'call:0.2' }]);
    expect(v('ethereum', { txHash: H, ref: 'tx' }).seeds).to.deep.equal([{ txHash: H, ref: 'tx' }]);
  });

  it('refuses a ref with an index, a malformed ref, and a ref on bitcoin', () => {
    expect(() => v('ethereum', { txHash: H, index: 1, ref: 'tx' })).to.throw(BadRequestError, /both index and ref/);
    expect(() => v('ethereum', { txHash: H, ref: 'log:3' })).to.throw(InvalidInputError, /ref must be/);
    expect(() => v('bitcoin', { txHash: 'ab'.repeat(32), ref: 'tx' })).to.throw(InvalidInputError, /named by its vout/);
  });
});
