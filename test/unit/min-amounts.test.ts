// Minimum amounts per asset, in display units (issue 9): worked numbers.
import { expect } from 'chai';
import { loadConfig } from '../../config';
import { assetOfKey, defaultMinAmounts, minAmountOf, resolveMinAmounts, toBaseUnits } from '../../services/tracing/min-amounts';
import { validateCaseInput } from '../../services/tracing/case-input';
import { triage, type Candidate } from '../../services/tracing/classify';
import { minAmountArgs } from '../../services/cli/trace';
import { InvalidInputError } from '../../services/errors';

const config = loadConfig({ TRACEHOLD_LOG_LEVEL: 'silent' });
const ethereum = config.chains.ethereum!;
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const lower = (a: string) => {
  if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new Error('not an address');
  return a.toLowerCase();
};

describe('min amounts per asset', () => {
  it('converts display units with each asset\'s decimals', () => {
    expect(toBaseUnits('0.05', 18, 'x')).to.equal(50_000_000_000_000_000n);
    expect(toBaseUnits('100', 6, 'x')).to.equal(100_000_000n);
    expect(toBaseUnits('0.00000001', 8, 'x')).to.equal(1n);
    expect(() => toBaseUnits('0.0000001', 6, 'USDT')).to.throw(InvalidInputError, /7 decimals; the asset has 6/);
    expect(() => toBaseUnits('-1', 6, 'USDT')).to.throw(InvalidInputError, /non-negative/);
    expect(() => toBaseUnits('1e6', 6, 'USDT')).to.throw(InvalidInputError);
  });

  it('names assets by native symbol, listed symbol (any case) or token address', () => {
    expect(assetOfKey(ethereum, 'eth', lower)).to.deep.equal({ asset: 'ETH', decimals: 18 });
    expect(assetOfKey(ethereum, 'USDT', lower)).to.deep.equal({ asset: USDT, decimals: 6 });
    expect(assetOfKey(ethereum, USDT.toUpperCase().replace('0X', '0x'), lower)).to.deep.equal({ asset: USDT, decimals: 6 });
    expect(assetOfKey(ethereum, '0x' + '1'.repeat(40), lower)).to.deep.equal({ asset: '0x' + '1'.repeat(40), decimals: null });
    expect(() => assetOfKey(ethereum, 'DOGE', lower)).to.throw(InvalidInputError, /neither a known symbol on ethereum \(ETH, USDT, USDC\)/);
  });

  it('resolves `--min-amount USDT=100 --min-amount ETH=0.05`, asking the token only for unlisted decimals', async () => {
    const asked: string[] = [];
    const token = '0x' + '2'.repeat(40);
    const got = await resolveMinAmounts(ethereum, [{ key: 'USDT', display: '100' }, { key: 'ETH', display: '0.05' }, { key: token, display: '2.5' }], lower,
      async (asset) => { asked.push(asset); return 9; });
    expect(Object.fromEntries(got)).to.deep.equal({ [USDT]: 100_000_000n, ETH: 50_000_000_000_000_000n, [token]: 2_500_000_000n });
    expect(asked).to.deep.equal([token]);
    await resolveMinAmounts(ethereum, [{ key: token, display: '1' }], lower, async () => null)
      .then(() => expect.fail('resolved'), (e: Error) => expect(e.message).to.match(/states no decimals/));
  });

  it('0.01 ETH no longer drops a 5,000 USDT flow (the issue\'s example), and each asset has its own minimum', () => {
    const min = minAmountOf(new Map([['ETH', 10n ** 16n], [USDT, 100_000_000n]]), 0n, new Map());
    const cand = (received: [string, bigint][]): Candidate => ({ address: '0x' + 'a'.repeat(40), hop: 1, received: new Map(received), firstTaintedBlock: 1 });
    const state = (c: Candidate) => triage([c], new Map(), { maxHops: 5, minAmount: min, stopCategories: ['exchange'], budget: 10 })[0]!.state;
    expect(state(cand([[USDT, 5_000_000_000n]]))).to.equal('crawl'); // 5,000 USDT ≥ 100 USDT
    expect(state(cand([[USDT, 99_999_999n]]))).to.equal('min-amount'); // 99.999999 USDT < 100
    expect(state(cand([['ETH', 10n ** 16n - 1n]]))).to.equal('min-amount');
    expect(state(cand([['ETH', 1n], [USDT, 100_000_000n]]))).to.equal('crawl'); // one asset above its minimum is enough
    expect(state(cand([['0x' + '3'.repeat(40), 1n]]))).to.equal('crawl'); // no minimum for that asset
  });

  it('the case\'s figure wins over the legacy all-asset figure, which wins over the chain default', () => {
    const defaults = defaultMinAmounts(ethereum);
    expect(defaults.get(USDT)).to.equal(1_000_000n);
    expect(defaults.get('ETH')).to.equal(500_000_000_000_000n);
    expect(minAmountOf(new Map([[USDT, 5n]]), 7n, defaults)(USDT)).to.equal(5n);
    expect(minAmountOf(new Map(), 7n, defaults)(USDT)).to.equal(7n);
    expect(minAmountOf(new Map(), 0n, defaults)(USDT)).to.equal(1_000_000n);
    expect(minAmountOf(new Map(), 0n, new Map())(USDT)).to.equal(null);
  });

  it('validates the API body and the CLI flags with clear errors', () => {
    const body = (minAmount: unknown) => ({ title: 't', chain: 'ethereum', seeds: [{ address: '0x' + 'a'.repeat(40) }], minAmount });
    const v = (minAmount: unknown) => validateCaseInput(config, (_c, a) => lower(a), body(minAmount));
    expect(v({ USDT: '100', ETH: 0.05 }).minAmounts).to.deep.equal([{ key: 'USDT', display: '100' }, { key: 'ETH', display: '0.05' }]);
    expect(v('1000')).to.include({ minAmount: 1000n });
    expect(() => v({ DOGE: '1' })).to.throw(InvalidInputError, /DOGE/);
    expect(() => v({ USDT: '-1' })).to.throw(InvalidInputError, /minAmount.USDT/);
    expect(() => v({ USDT: '0.0000001' })).to.throw(InvalidInputError, /decimals/);
    expect(minAmountArgs(['USDT=100', 'ETH=0.05'])).to.deep.equal({ USDT: '100', ETH: '0.05' });
    expect(() => minAmountArgs(['1000'])).to.throw(InvalidInputError, /ASSET=amount/);
    expect(() => minAmountArgs(['USDT=1', 'USDT=2'])).to.throw(InvalidInputError, /twice/);
  });
});
