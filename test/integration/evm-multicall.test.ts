// Balances through Multicall3 equal the one-by-one answers, in one call per few hundred (the
// balance reader, tried before Multicall3 by default, is off here: balance-reader.test.ts).
import { expect } from 'chai';
import { createEvmSource } from '../../services/chains/evm';
import { MULTICALL3_ADDRESS } from '../../services/chains/evm/multicall';
import { playPigButchering, type PigButcheringCase } from '../../services/demo/pig-butchering';
import { startLocalNode, type LocalNode } from '../../services/devchain';

describe('EVM source: balances through Multicall3', function () {
  this.timeout(120_000);
  let node: LocalNode;
  let scenario: PigButcheringCase;
  before(async () => {
    node = await startLocalNode();
    scenario = await playPigButchering(node);
  });
  after(async () => {
    scenario?.provider.destroy();
    await node?.close();
  });

  const source = (sinceBlock: number | null) =>
    createEvmSource({
      chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 0, stateOverrideBalances: false,
      ...(sinceBlock === null ? {} : { multicall3: { address: MULTICALL3_ADDRESS, sinceBlock } }),
    });

  it('answers like one-by-one calls, in one eth_call', async () => {
    const wallets = Object.values(scenario.wallets);
    const queries = wallets.flatMap((address) => [{ address, asset: 'ETH' }, { address, asset: scenario.token }]);
    const plain = source(null);
    const batched = source(0);
    for (const block of [scenario.fromBlock - 1, scenario.toBlock]) {
      expect(await batched.balances(queries, block)).to.deep.equal(await plain.balances(queries, block));
    }
    expect(batched.stats().byMethod.eth_call).to.equal(2);
    expect(plain.stats().byMethod.eth_call).to.equal(2 * wallets.length);
    await plain.close();
    await batched.close();
  });

  it('asks one by one before the block Multicall3 was deployed in', async () => {
    const late = source(scenario.toBlock + 1);
    await late.balances([{ address: scenario.wallets.c, asset: scenario.token }, { address: scenario.wallets.s, asset: 'ETH' }], scenario.fromBlock - 1);
    expect(late.stats().byMethod.eth_call).to.equal(1);
    expect(late.stats().byMethod.eth_getBalance).to.equal(1);
    await late.close();
  });
});
