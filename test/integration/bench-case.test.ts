// The bench's case builder (scripts/bench/build-case.ts) on anvil: gas funding and the case
// are mined by hand, a block's worth at a time, and what it says it built is on the chain.
import { expect } from 'chai';
import { id } from 'ethers';
import { startAnvil, type AnvilNode } from '../support/anvil';
import { buildBenchCase, floorStops, rpcBatch, type BenchCase } from '../../scripts/bench/build-case';
import { floorTrace } from '../../scripts/bench/floor-tracer';
import { startGethLikeProxy } from '../support/geth-proxy';

const TRANSFER = id('Transfer(address,address,uint256)');

describe('bench: case builder on anvil', function () {
  this.timeout(300_000);
  let node: AnvilNode;
  let kase: BenchCase;
  const stages: string[] = [];

  before(async () => {
    node = await startAnvil({ accounts: 20 });
    // 1,000 busy payouts are 4 transactions of 250 (10M gas limit each): 3 fit a block, so a
    // chunk of 20 needs a second block.
    kase = await buildBenchCase(node, { transfers: 1_000, txsPerBlock: 20, busyTransfers: 1_000, progress: (line) => stages.push(line) });
  });
  after(async () => node?.close());

  it('every token transfer it counted is a Transfer log of the token inside the case range', async () => {
    const logs = await node.rpc<Array<{ topics: string[] }>>('eth_getLogs', [{ address: kase.token, topics: [TRANSFER], fromBlock: `0x${kase.fromBlock.toString(16)}`, toBlock: `0x${kase.toBlock.toString(16)}` }]);
    expect(kase.built.tokenTransfers).to.be.greaterThan(1_000);
    expect(logs.length).to.equal(kase.built.tokenTransfers);
    expect(kase.built.blocks).to.equal(kase.toBlock - kase.fromBlock + 1);
  });

  it('mines at most txsPerBlock transactions a block, every one of them successful, and leaves nothing pending', async () => {
    const numbers = Array.from({ length: kase.built.blocks }, (_, i) => `0x${(kase.fromBlock + i).toString(16)}`);
    const blocks = await rpcBatch<{ transactions: string[] }>(node.url, numbers.map((n) => ['eth_getBlockByNumber', [n, false]]));
    const counts = blocks.map((b) => b.transactions.length);
    expect(Math.max(...counts)).to.be.at.most(20);
    expect(counts.reduce((a, b) => a + b, 0)).to.equal(kase.built.transactions);
    const pending = await node.rpc<{ pending: string; queued: string }>('txpool_status');
    expect(Number(pending.pending) + Number(pending.queued)).to.equal(0);
    // Automine is back on: a transaction sent now is mined at once.
    expect(await node.rpc<boolean>('anvil_getAutomine')).to.equal(true);
  });

  it('funded every sender by an ordinary transaction before the case, and each sent from it', async () => {
    const senders = [...kase.wallets.l1, ...kase.wallets.l2, ...kase.wallets.deposits, kase.wallets.scam, kase.wallets.busy!];
    const before = `0x${(kase.fromBlock - 1).toString(16)}`;
    const balances = await rpcBatch<string>(node.url, senders.map((a) => ['eth_getBalance', [a, before]]));
    const nonces = await rpcBatch<string>(node.url, senders.map((a) => ['eth_getTransactionCount', [a, 'latest']]));
    // Deposit addresses get their gas from the exchanges during the case, not before.
    const deposits = new Set(kase.wallets.deposits);
    senders.forEach((a, i) => {
      if (deposits.has(a)) expect(BigInt(balances[i]!), a).to.equal(0n);
      else expect(BigInt(balances[i]!) > 0n, a).to.equal(true);
      expect(Number(nonces[i]), a).to.be.at.least(1);
    });
    expect(kase.built.fundedWallets).to.equal(kase.wallets.l1.length + kase.wallets.l2.length + kase.built.shape.l3Senders + 3 + 1 + 1 + 3 + 1);
    expect(stages.some((s) => s.startsWith(`gas funding of ${kase.built.fundedWallets.toLocaleString('en-US')} wallets mined`))).to.equal(true);
  });

  it('the floor with ETH on a node without trace_filter reads each block of the range once and reaches what trace_filter does', async () => {
    const options = {
      seedTxs: kase.seedTxs, token: kase.token, fromBlock: kase.fromBlock, toBlock: kase.toBlock, maxHops: 10,
      stops: new Set(kase.labels.map((l) => l.address)), concurrency: 4, addressesPerCall: 200, native: true,
    };
    const traced = await floorTrace({ ...options, url: node.url });
    const proxy = await startGethLikeProxy(node.url);
    try {
      const scanned = await floorTrace({ ...options, url: proxy.url });
      expect([...scanned.reached].sort()).to.deep.equal([...traced.reached].sort());
      // One refused trace_filter, then every block once, whatever the hops.
      expect(proxy.refused()).to.equal(1);
      expect(scanned.byMethod.eth_getBlockByNumber).to.equal(kase.built.blocks);
      expect(scanned.byMethod.eth_getLogs).to.equal(traced.byMethod.eth_getLogs);
    } finally {
      await proxy.close();
    }
  });

  it('the floor stops at the busy wallet: reached, none of its payouts read', async () => {
    const options = {
      url: node.url, seedTxs: kase.seedTxs, token: kase.token, fromBlock: kase.fromBlock, toBlock: kase.toBlock, maxHops: 10, concurrency: 4, addressesPerCall: 200,
    };
    const busy = kase.wallets.busy!;
    const paid = kase.wallets.busyCounterparties.map((a) => a.toLowerCase());
    const following = await floorTrace({ ...options, stops: new Set(kase.labels.map((l) => l.address.toLowerCase())) });
    expect(paid.filter((a) => following.reached.has(a))).to.have.length(paid.length);
    const floor = await floorTrace({ ...options, stops: new Set(floorStops(kase)) });
    expect(floor.reached.has(busy.toLowerCase())).to.equal(true);
    expect(paid.filter((a) => floor.reached.has(a))).to.deep.equal([]);
    // Its 1,000 payouts are not read: the same reached set less its 100 counterparties.
    expect(floor.transfersSeen).to.equal(following.transfersSeen - 1_000);
    expect(floor.reached.size).to.equal(following.reached.size - paid.length);
  });

  it('rpcBatch answers in the order asked and fails on an error answer', async () => {
    const [tip, chainId] = await rpcBatch<string>(node.url, [['eth_blockNumber', []], ['eth_chainId', []]]);
    expect(Number(tip)).to.be.at.least(kase.toBlock);
    expect(Number(chainId)).to.equal(node.chainId);
    let failure: Error | undefined;
    await rpcBatch(node.url, [['eth_chainId', []], ['eth_getBalance', ['not an address', 'latest']]]).catch((e: Error) => (failure = e));
    expect(failure?.message).to.match(/^eth_getBalance: /);
  });
});
