// Configuration fails at start, naming the setting: a merged chains file is checked field by
// field, the re-trace cron by the parser BullMQ schedules with, the security settings too.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../config';

describe('config: validated once at start', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracehold-config-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const withChains = (chains: unknown) => {
    const file = path.join(dir, `chains-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify(chains));
    return () => loadConfig({ TRACEHOLD_CHAINS_FILE: file });
  };

  const bad: [string, unknown, RegExp][] = [
    ['a zero block time', { mychain: { chainId: 77, blockTimeSeconds: 0 } }, /chains\.mychain\.blockTimeSeconds/],
    ['a bad token address', { ethereum: { tokens: [{ address: '0x1234', symbol: 'X', decimals: 6 }] } }, /chains\.ethereum\.tokens\.0\.address: not a 0x-prefixed/],
    ['negative decimals', { ethereum: { tokens: [{ address: '0x' + 'a'.repeat(40), symbol: 'X', decimals: -1 }] } }, /decimals/],
    ['a misspelt setting', { ethereum: { blockTimeSecond: 12 } }, /blockTimeSecond/],
    ['a bad multicall address', { ethereum: { multicall3: { address: 'nope', sinceBlock: 1 } } }, /multicall3\.address/],
    ['zero concurrency', { ethereum: { maxConcurrency: 0 } }, /maxConcurrency/],
    ['a state override setting that is not true or false', { ethereum: { stateOverrideBalances: 'yes' } }, /chains\.ethereum\.stateOverrideBalances/],
    ['a bad token read directly', { ethereum: { balanceTokensReadDirectly: ['stETH'] } }, /chains\.ethereum\.balanceTokensReadDirectly\.0: not a 0x-prefixed/],
  ];
  bad.forEach(([what, chains, message]) => it(`refuses ${what} in TRACEHOLD_CHAINS_FILE`, () => expect(withChains(chains)).to.throw(message)));

  it('accepts a valid chains file merged over the defaults', () => {
    const config = withChains({ mychain: { chainId: 77, blockTimeSeconds: 2, tokens: [{ address: '0x' + 'b'.repeat(40), symbol: 'USDX', decimals: 6 }] } })();
    expect(config.chains.mychain).to.include({ blockTimeSeconds: 2, kind: 'evm', nativeAsset: 'ETH' });
    expect(config.chains.ethereum!.tokens.length).to.be.greaterThan(0);
  });

  it('checks the re-trace cron with the parser BullMQ uses, in its time zone', () => {
    expect(loadConfig({ TRACEHOLD_RETRACE_CRON: '30 3 * * 1-5', TRACEHOLD_RETRACE_TZ: 'Europe/Berlin' }).retrace.cron).to.equal('30 3 * * 1-5');
    for (const cron of ['61 2 * * *', '0 25 * * *', '0 2 32 * *', '0 2 * 13 *', 'every night']) {
      expect(() => loadConfig({ TRACEHOLD_RETRACE_CRON: cron }), cron).to.throw(/TRACEHOLD_RETRACE_CRON/);
    }
    expect(() => loadConfig({ TRACEHOLD_RETRACE_TZ: 'Mars/Olympus' })).to.throw(/TRACEHOLD_RETRACE_TZ/);
  });

  it('checks the security settings', () => {
    expect(() => loadConfig({ TRACEHOLD_SECRET_KEY: 'short' })).to.throw(/TRACEHOLD_SECRET_KEY/);
    expect(() => loadConfig({ TRACEHOLD_SECRET_KEY_PREVIOUS: 'a'.repeat(64) })).to.throw(/needs a current/);
    expect(() => loadConfig({ TRACEHOLD_TRUST_PROXY: 'sometimes' })).to.throw(/TRACEHOLD_TRUST_PROXY/);
    expect(() => loadConfig({ TRACEHOLD_WEBHOOK_ALLOW_HTTP: 'maybe' })).to.throw(/TRACEHOLD_WEBHOOK_ALLOW_HTTP/);
    expect(() => loadConfig({ TRACEHOLD_METRICS_TOKEN: 'too-short' })).to.throw(/TRACEHOLD_METRICS_TOKEN/);
    expect(loadConfig({}).api.metricsToken).to.equal(undefined);
    expect(loadConfig({ TRACEHOLD_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).security.trustProxy).to.deep.equal(['loopback', '10.0.0.0/8']);
  });
});
