// Opening balances derived from one read at toBlock and the stored history equal the
// balances the node gives at each block; what cannot be derived exactly is read directly.
// Real anvil (which states each log's block timestamp), the pig-butchering case (USDT and
// ETH with fees), a real migrated database.
import { expect } from 'chai';
import { createEvmSource, type EvmSource } from '../../services/chains/evm';
import { BALANCES_PER_CALL, MULTICALL3_ADDRESS, multicallBalances } from '../../services/chains/evm/multicall';
import { createRpcClient } from '../../services/chains/rpc/client';
import { startLocalNode, type LocalNode } from '../../services/devchain';
import { hexToNumber } from '../../services/chains/evm/rpc-types';
import { playPigButchering, type PigButcheringCase } from '../../services/demo/pig-butchering';
import { BalanceTable, type Store } from '../../services/store';
import { createChainData, type OpeningQuery } from '../../services/tracing/chain-data';
import { placeToken, setTokenBalances, startAnvil, type AnvilNode } from '../support/anvil';
import { useTestStore } from '../support/db';

describe('chain data: opening balances derived from the balance at toBlock and the stored history', function () {
  this.timeout(120_000);
  let node: AnvilNode;
  let scenario: PigButcheringCase;
  before(async () => {
    node = await startAnvil({ accounts: 2 });
    scenario = await playPigButchering(node);
  });
  after(async () => {
    scenario?.provider.destroy();
    await node?.close();
  });

  const sources: EvmSource[] = [];
  const source = () => {
    // One by one (no reader, no Multicall3): the calls counted below are the reads themselves.
    const s = createEvmSource({ chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 0, stateOverrideBalances: false });
    sources.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of sources.splice(0)) await s.close();
  });

  /** Every wallet × USDT and ETH × several opening blocks across the case. */
  function openings(): OpeningQuery[] {
    const { fromBlock, toBlock } = scenario;
    const blocks = [...new Set([fromBlock - 1, fromBlock, Math.floor((fromBlock + toBlock) / 2), toBlock - 2, toBlock - 1])];
    return Object.values(scenario.wallets).flatMap((address) =>
      blocks.flatMap((blockNumber) => [{ address, asset: scenario.token, blockNumber }, { address, asset: 'ETH', blockNumber }]));
  }

  /** The node's balance at each query's block, asked one query at a time, as `lines` gives a table's. */
  async function direct(queries: OpeningQuery[]): Promise<string[]> {
    const plain = source();
    const out = new BalanceTable();
    for (const q of queries) out.set(q, (await plain.balances([q], q.blockNumber))[0]!);
    return lines(out);
  }

  /** A table's balances as sorted `address asset block amount` lines, to compare two tables. */
  function lines(table: BalanceTable): string[] {
    return [...table.rows()].map((r) => `${r.address} ${r.asset} ${r.blockNumber} ${r.amount}`).sort();
  }

  describe('with the whole case stored', () => {
    let store: Store;
    useTestStore('pglite', (s) => (store = s));
    it('equal the node\'s balances at each block, tokens derived from one read per wallet, ETH read at its block', async () => {
      const wallets = Object.values(scenario.wallets);
      const chainSource = source();
      const data = createChainData(store, chainSource);
      await data.ensureHistory(wallets.map((address) => ({ address, fromBlock: scenario.fromBlock - 1 })), scenario.toBlock, null);
      const before = { ...chainSource.stats().byMethod };
      const queries = openings();
      const derived = await data.balances(queries, { historyTo: scenario.toBlock });
      expect(lines(derived)).to.deep.equal(await direct(queries));
      // Some wallets held USDT and ETH before and moved both in the case, or the equality says little.
      expect(queries.some((q) => q.asset === scenario.token && derived.get(q)! > 0n)).to.equal(true);

      const calls = (m: string) => (chainSource.stats().byMethod[m] ?? 0) - (before[m] ?? 0);
      const ethQueries = queries.filter((q) => q.asset === 'ETH').length;
      // USDT: one balanceOf per wallet at toBlock, not one per wallet and block.
      expect(calls('eth_call')).to.equal(wallets.length);
      // ETH (block rewards, withdrawals, tips to the producer move it with no transfer): read at its block.
      expect(calls('eth_getBalance')).to.equal(ethQueries);

      // Stored like read balances: asked again, nothing goes to the node.
      const again = { ...chainSource.stats().byMethod };
      expect(lines(await data.balances(queries, { historyTo: scenario.toBlock }))).to.deep.equal(lines(derived));
      expect(chainSource.stats().byMethod).to.deep.equal(again);
  });

  });

  describe('with a gap in the stored history', () => {
    let store: Store;
    useTestStore('pglite', (s) => (store = s));
    it('reads directly where the stored history has a gap, or the token is configured to be read directly', async () => {
      const { wallets, token, fromBlock, toBlock } = scenario;
      // Only the second half of the case is stored for s and p1.
      const half = Math.floor((fromBlock + toBlock) / 2);
      const chainSource = source();
      const data = createChainData(store, chainSource);
      await store.chainData.markScanned('local', [wallets.s, wallets.p1], { fromBlock: half, toBlock }, [token]);
      const queries = [wallets.s, wallets.p1].flatMap((address) => [
        { address, asset: token, blockNumber: fromBlock }, // before the stored part: read
        { address, asset: token, blockNumber: half }, // within it: derived
      ]);
      const got = await data.balances(queries, { historyTo: toBlock });
      expect(lines(got)).to.deep.equal(await direct(queries));

      const readDirectly = createChainData(store, chainSource, { balanceTokensReadDirectly: [token] });
      const late = [{ address: wallets.c, asset: token, blockNumber: toBlock - 1 }];
      await store.chainData.markScanned('local', [wallets.c], { fromBlock, toBlock }, [token]);
      const before = chainSource.stats().byMethod.eth_call ?? 0;
      expect(lines(await readDirectly.balances(late, { historyTo: toBlock }))).to.deep.equal(await direct(late));
      expect((chainSource.stats().byMethod.eth_call ?? 0) - before).to.equal(1); // the one at its block, no read at toBlock
  });

  });

  it('takes token transfers\' timestamps from the logs when the node states them, without a header read', async () => {
    const chainSource = source();
    const transfers = await chainSource.transfers({ addresses: [scenario.wallets.s], direction: 'both', fromBlock: scenario.fromBlock, toBlock: scenario.toBlock, assets: [scenario.token] });
    expect(transfers.length).to.be.greaterThan(2);
    expect(chainSource.stats().byMethod.eth_getBlockByNumber ?? 0).to.equal(0);
    for (const t of transfers) {
      const block = await node.rpc<{ hash: string; timestamp: string }>('eth_getBlockByNumber', [`0x${t.blockNumber.toString(16)}`, false]);
      expect([t.blockHash, t.timestamp]).to.deep.equal([block.hash.toLowerCase(), hexToNumber(block.timestamp)]);
    }
  });
});

describe('EVM source: many balances at one block through Multicall3 on anvil', function () {
  this.timeout(120_000);
  let node: AnvilNode;
  before(async () => {
    node = await startAnvil({ accounts: 1 });
  });
  after(async () => {
    await node?.close();
  });

  it('reads 12,000 wallets\' balances at one block in HTTP batches the node accepts, as many calls as chunks', async () => {
    // A run's openings all derive from toBlock: every ledger's balance there at once.
    const source = createEvmSource({ chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 0, multicall3: { address: MULTICALL3_ADDRESS, sinceBlock: 0 }, stateOverrideBalances: false });
    try {
      const funded = node.accounts[0]!.address;
      const wallets = Array.from({ length: 12_000 }, (_, i) => `0x${(0xb0000 + i).toString(16).padStart(40, '0')}`);
      const queries = [...wallets, funded].map((address) => ({ address, asset: 'ETH' }));
      const block = hexToNumber(await node.rpc<string>('eth_blockNumber'));
      const amounts = await source.balances(queries, block);
      expect(amounts.slice(0, -1).every((a) => a === 0n)).to.equal(true);
      expect(amounts.at(-1)).to.equal(BigInt(await node.rpc<string>('eth_getBalance', [funded, `0x${block.toString(16)}`])));
      expect(source.stats().byMethod.eth_call).to.equal(Math.ceil(queries.length / BALANCES_PER_CALL));
    } finally {
      await source.close();
    }
  });
});

describe('EVM source: Multicall3 balances on a node whose eth_call gas cap is below a call', function () {
  this.timeout(120_000);
  let node: AnvilNode;
  const token = '0x' + '5'.repeat(40);
  before(async () => {
    // 3M gas: a few hundred balanceOf reads per aggregate3 call (BALANCES_PER_CALL take ~12M).
    node = await startAnvil({ accounts: 1, gasLimit: 3_000_000 });
    await placeToken(node, token, 'USDT', 6);
  });
  after(async () => {
    await node?.close();
  });

  it('asks a refused call again in halves, keeps the size for later reads, and reads every balance right', async () => {
    const wallets = Array.from({ length: 3_000 }, (_, i) => `0x${(0xd0000 + i).toString(16).padStart(40, '0')}`);
    // Each wallet holds its index + 1.
    await setTokenBalances(node, token, wallets.map((w, i) => [w, BigInt(i + 1)] as const));
    const block = hexToNumber(await node.rpc<string>('eth_blockNumber'));
    const source = createEvmSource({ chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 0, multicall3: { address: MULTICALL3_ADDRESS, sinceBlock: 0 }, stateOverrideBalances: false });
    try {
      const queries = wallets.map((address) => ({ address, asset: token }));
      const expected = wallets.map((_, i) => BigInt(i + 1));
      expect(await source.balances(queries, block)).to.deep.equal(expected);
      const first = source.stats().byMethod.eth_call!;
      // Refused calls of 2,000 and 1,000, then halves until each fits.
      expect(first).to.be.greaterThan(Math.ceil(queries.length / BALANCES_PER_CALL) + 1);
      expect(await source.balances(queries, block)).to.deep.equal(expected);
      const second = source.stats().byMethod.eth_call! - first;
      expect(second, 'the second read asks at the size learnt, none refused').to.be.lessThan(first).and.to.equal(Math.ceil(3_000 / 500));
    } finally {
      await source.close();
    }
  });
});

describe('Multicall3 balances on a node that answers a call out of gas with no data (Hardhat EDR, Osaka)', function () {
  this.timeout(120_000);
  let node: LocalNode;
  before(async () => {
    node = await startLocalNode({ accounts: 1 });
  });
  after(async () => {
    await node?.close();
  });

  it('tells no data from a missing Multicall3 by its code, and asks again in halves', async () => {
    const rpc = createRpcClient({ url: node.url });
    try {
      const funded = node.accounts[0]!.address.toLowerCase();
      const wallets = Array.from({ length: 3_000 }, (_, i) => `0x${(0xe0000 + i).toString(16).padStart(40, '0')}`);
      const queries = [...wallets, funded].map((address) => ({ address, token: null }));
      const block = hexToNumber(await rpc.request<string>('eth_blockNumber'));
      const tag = `0x${block.toString(16)}`;
      // 3,001 reads need more than the 16,777,216 gas a call may use since Osaka (EIP-7825).
      const limits = { perCall: 3_001 };
      const amounts = await multicallBalances(rpc, MULTICALL3_ADDRESS, queries, tag, limits);
      expect(amounts?.slice(0, -1).every((a) => a === 0n)).to.equal(true);
      expect(amounts?.at(-1)).to.equal(BigInt(await rpc.request<string>('eth_getBalance', [funded, tag])));
      expect(limits.perCall).to.equal(1_501);
      expect(rpc.stats().byMethod).to.include({ eth_call: 3, eth_getCode: 1 });
      // Before its deployment (no code), the same answer means "ask one by one".
      expect(await multicallBalances(rpc, '0x' + '42'.repeat(20), queries.slice(0, 10), tag)).to.equal(null);
    } finally {
      await rpc.close();
    }
  });
});
