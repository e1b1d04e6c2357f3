// The EVM adapter against a real EVM node (in-process EDR over HTTP on loopback): exact
// transfers, fees from receipts, refs, chain order, batching, confirmations, range splitting.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { Contract, Interface, JsonRpcProvider, Wallet, getAddress, parseEther, type TransactionReceipt } from 'ethers';
import { createEvmSource, type EvmSource } from '../../services/chains/evm';
import { startLocalNode, deploy, contractArtifact, type LocalNode } from '../../services/devchain';
import { InvalidInputError, NotFoundError } from '../../services/errors';
import { SEQ_FEE, SEQ_LOG_BASE, SEQ_TX_VALUE, type Transfer } from '../../services/domain/types';
import { startLogRangeProxy, startRecordedRpcServer } from '../support/evm';

const lc = (s: string): string => s.toLowerCase();

interface Scenario {
  usdt: string;
  forwarder: string;
  victim: Wallet;
  scammer: Wallet;
  mule: Wallet;
  exchange: string;
  other: string;
  receipts: Record<'victimEth' | 'victimUsdt' | 'failed' | 'split' | 'scammerUsdt' | 'muleUsdt' | 'scammerEth', TransactionReceipt>;
  latest: number;
}

describe('EVM ChainSource on a local node', function () {
  let node: LocalNode;
  let provider: JsonRpcProvider;
  let s: Scenario;
  let source: EvmSource;

  before(async function () {
    node = await startLocalNode({ accounts: 8 });
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const [owner, victim, scammer, mule] = node.accounts.slice(0, 4).map((a) => new Wallet(a.privateKey, provider)) as [Wallet, Wallet, Wallet, Wallet];
    const exchange = node.accounts[4]!.address;
    const other = node.accounts[5]!.address;

    const usdtContract = await deploy(owner, 'TestUSDT');
    const forwarderContract = await deploy(owner, 'Forwarder');
    const usdt = new Contract(usdtContract.address, contractArtifact('TestUSDT').abi, owner);
    const forwarder = new Contract(forwarderContract.address, contractArtifact('Forwarder').abi, scammer);
    await (await usdt.getFunction('mint')(victim.address, 1_000_000_000n)).wait();

    const wait = async (p: Promise<{ wait(): Promise<TransactionReceipt | null> }>): Promise<TransactionReceipt> => (await (await p).wait())!;
    const receipts = {
      victimEth: await wait(victim.sendTransaction({ to: scammer.address, value: parseEther('5') })),
      victimUsdt: await wait((usdt.connect(victim) as Contract).getFunction('transfer')(scammer.address, 500_000_000n)),
      // Amounts do not add up to the value: reverts, yet is mined and pays gas.
      failed: await waitAllowFailure(forwarder.getFunction('split')([mule.address], [parseEther('2')], { value: parseEther('1'), gasLimit: 200_000 })),
      split: await wait(forwarder.getFunction('split')([mule.address, other], [parseEther('1'), parseEther('2')], { value: parseEther('3') })),
      scammerUsdt: await wait((usdt.connect(scammer) as Contract).getFunction('transfer')(mule.address, 200_000_000n)),
      muleUsdt: await wait((usdt.connect(mule) as Contract).getFunction('transfer')(exchange, 100_000_000n)),
      scammerEth: await wait(scammer.sendTransaction({ to: exchange, value: parseEther('0.5') })),
    };
    s = { usdt: usdtContract.address, forwarder: forwarderContract.address, victim, scammer, mule, exchange, other, receipts, latest: await provider.getBlockNumber() };
    source = createEvmSource({ chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 0 });
  });

  after(async function () {
    await source?.close();
    provider?.destroy();
    await node?.close();
  });

  async function waitAllowFailure(p: Promise<{ hash: string }>): Promise<TransactionReceipt> {
    const tx = await p;
    const receipt = await provider.getTransactionReceipt(tx.hash);
    expect(receipt, 'failed tx mined').to.not.equal(null);
    expect(receipt!.status).to.equal(0);
    return receipt!;
  }

  const fee = (r: TransactionReceipt): bigint => r.gasUsed * r.gasPrice;

  /** The fields that identify a transfer and its amount, for exact comparisons. */
  const brief = (t: Transfer): string => `${t.blockNumber}/${t.txIndex}/${t.seq} ${t.ref} ${t.kind} ${t.asset} ${t.from}->${t.to} ${t.amount}`;
  const feeOf = (r: TransactionReceipt, from: string): string => `${r.blockNumber}/0/${SEQ_FEE} fee fee ETH ${lc(from)}->null ${fee(r)}`;
  const ethOf = (r: TransactionReceipt, from: string, to: string, amount: bigint): string =>
    `${r.blockNumber}/0/${SEQ_TX_VALUE} tx native ETH ${lc(from)}->${lc(to)} ${amount}`;
  const usdtOf = (r: TransactionReceipt, from: string, to: string, amount: bigint): string =>
    `${r.blockNumber}/0/${SEQ_LOG_BASE} log:0 token ${s.usdt} ${lc(from)}->${lc(to)} ${amount}`;

  it('reports what the node can do', async function () {
    const caps = await source.capabilities();
    expect(caps.nativeTransfers).to.equal('block-scan');
    expect(caps.internalTransfers).to.equal('none');
    expect(caps.historicalBalances).to.equal(true);
    expect(caps.notes.join('\n')).to.match(/internal transfers not available/);
  });

  it('returns the outflows of an address exactly, fees included, in chain order', async function () {
    const r = s.receipts;
    const out = await source.transfers({ addresses: [s.scammer.address], direction: 'out', fromBlock: 0, toBlock: s.latest });
    expect(out.map(brief)).to.deep.equal([
      feeOf(r.failed, s.scammer.address),
      feeOf(r.split, s.scammer.address),
      ethOf(r.split, s.scammer.address, s.forwarder, parseEther('3')),
      feeOf(r.scammerUsdt, s.scammer.address),
      usdtOf(r.scammerUsdt, s.scammer.address, s.mule.address, 200_000_000n),
      feeOf(r.scammerEth, s.scammer.address),
      ethOf(r.scammerEth, s.scammer.address, s.exchange, parseEther('0.5')),
    ]);
    const first = out[0]!;
    const block = await provider.getBlock(r.failed.blockNumber);
    expect(first).to.include({ chain: 'local', txHash: lc(r.failed.hash), blockHash: lc(block!.hash!), timestamp: block!.timestamp, to: null });
  });

  it('returns inflows, and both directions merged in chain order', async function () {
    const r = s.receipts;
    const inflows = await source.transfers({ addresses: [lc(s.scammer.address)], direction: 'in', fromBlock: 0, toBlock: s.latest });
    expect(inflows.map(brief)).to.deep.equal([
      ethOf(r.victimEth, s.victim.address, s.scammer.address, parseEther('5')),
      usdtOf(r.victimUsdt, s.victim.address, s.scammer.address, 500_000_000n),
    ]);
    const both = await source.transfers({ addresses: [s.scammer.address], direction: 'both', fromBlock: 0, toBlock: s.latest });
    const out = await source.transfers({ addresses: [s.scammer.address], direction: 'out', fromBlock: 0, toBlock: s.latest });
    expect(both.map(brief)).to.deep.equal([...inflows, ...out].map(brief));
  });

  it('shows a fee for a token transfer sent by an EOA', async function () {
    const r = s.receipts;
    const out = await source.transfers({ addresses: [s.victim.address], direction: 'out', fromBlock: r.victimUsdt.blockNumber, toBlock: r.victimUsdt.blockNumber });
    expect(out.map(brief)).to.deep.equal([feeOf(r.victimUsdt, s.victim.address), usdtOf(r.victimUsdt, s.victim.address, s.scammer.address, 500_000_000n)]);
  });

  it('a history read scanning blocks reads receipts of payments only; the fees of what was sent are left pending, and read, give transfers()', async function () {
    const r = s.receipts;
    const fresh = createEvmSource({ chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 0 });
    try {
      const query = { addresses: [s.scammer.address], direction: 'out' as const, fromBlock: 0, toBlock: s.latest };
      const read = await fresh.histories!(query, { bounded: false });
      // Sent: the failed split (1 ETH, reverted), the split, the USDT transfer, the payment.
      expect(read.pendingFees.map((p) => p.txHash)).to.deep.equal([r.failed, r.split, r.scammerUsdt, r.scammerEth].map((x) => lc(x.hash)));
      expect(read.transfers.some((t) => t.kind === 'fee')).to.equal(false);
      // The three that carried value (the failed one's outcome says it moved nothing); not the token transfer's.
      expect(fresh.stats().byMethod.eth_getTransactionReceipt).to.equal(3);
      const withFees = [...read.transfers, ...(await fresh.fees!(read.pendingFees))].sort((a, b) => a.blockNumber - b.blockNumber || a.seq - b.seq);
      expect(withFees.map(brief)).to.deep.equal((await source.transfers(query)).map(brief));
    } finally {
      await fresh.close();
    }
  });

  it('filters by asset: native keeps fees, a token keeps only its logs', async function () {
    const q = { addresses: [s.scammer.address], direction: 'out' as const, fromBlock: 0, toBlock: s.latest };
    const eth = await source.transfers({ ...q, assets: ['ETH'] });
    expect(eth.every((t) => t.asset === 'ETH')).to.equal(true);
    expect(eth.filter((t) => t.kind === 'fee')).to.have.length(4);
    const usdt = await source.transfers({ ...q, assets: [getAddress(s.usdt)] });
    expect(usdt.map((t) => t.ref)).to.deep.equal(['log:0']);
    expect(await source.transfers({ ...q, assets: ['0x00000000000000000000000000000000000000aa'] })).to.deep.equal([]);
  });

  it('batches many addresses into one eth_getLogs per direction, and caches blocks', async function () {
    const many = Array.from({ length: 150 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`);
    const fresh = createEvmSource({ chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 0 });
    try {
      await fresh.capabilities();
      const before = fresh.stats();
      const got = await fresh.transfers({ addresses: [...many, s.scammer.address, s.mule.address], direction: 'both', fromBlock: 0, toBlock: s.latest });
      const after = fresh.stats();
      expect((after.byMethod.eth_getLogs ?? 0) - (before.byMethod.eth_getLogs ?? 0)).to.equal(2);
      expect(got.length).to.be.greaterThan(8);
      const blocksFetched = after.byMethod.eth_getBlockByNumber ?? 0;
      // Same range again: every block comes from the cache.
      await fresh.transfers({ addresses: [s.victim.address], direction: 'out', fromBlock: 0, toBlock: s.latest });
      expect(fresh.stats().byMethod.eth_getBlockByNumber ?? 0).to.equal(blocksFetched);
      expect(fresh.stats().blockCache.blockHits).to.be.greaterThan(0);
      expect(after.httpRequests).to.be.lessThan(after.rpcCalls);
    } finally {
      await fresh.close();
    }
  });

  it('hides blocks without the configured confirmations', async function () {
    const r = s.receipts;
    const lagging = createEvmSource({ chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 2 });
    try {
      const tip = await lagging.tip();
      expect(tip.number).to.equal(s.latest - 2);
      expect(tip.hash).to.equal(lc((await provider.getBlock(s.latest - 2))!.hash!));
      const out = await lagging.transfers({ addresses: [s.scammer.address], direction: 'out', fromBlock: 0, toBlock: s.latest + 100 });
      expect(Math.max(...out.map((t) => t.blockNumber))).to.equal(r.scammerUsdt.blockNumber);
      expect(r.scammerUsdt.blockNumber).to.equal(s.latest - 2);
      let error: unknown;
      try {
        await lagging.transaction(r.scammerEth.hash);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(NotFoundError);
    } finally {
      await lagging.close();
    }
  });

  it('reads a token\'s symbol and decimals at one settled block, looked up once for both', async function () {
    const fresh = createEvmSource({ chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 0 });
    try {
      expect(await fresh.assetInfo!(s.usdt)).to.deep.equal({ symbol: 'USDT', decimals: 6 });
      // Symbol and decimals asked at once share one look at the settled block.
      expect(fresh.stats().byMethod.eth_blockNumber).to.equal(1);
      expect(fresh.stats().byMethod.eth_call).to.equal(2);
      expect(fresh.stats().byMethod.eth_getBlockByNumber ?? 0).to.equal(0);
    } finally {
      await fresh.close();
    }
  });

  it('normalises addresses and rejects a wrong checksum', function () {
    const checksummed = getAddress(s.scammer.address);
    expect(source.normalizeAddress(checksummed)).to.equal(lc(checksummed));
    expect(source.normalizeAddress(lc(checksummed))).to.equal(lc(checksummed));
    const flipped = checksummed.slice(0, 2) + [...checksummed.slice(2)].map((c, i) => (i === firstLetter(checksummed) ? swapCase(c) : c)).join('');
    expect(() => source.normalizeAddress(flipped)).to.throw(InvalidInputError, /checksum/);
    expect(() => source.normalizeAddress('0x1234')).to.throw(InvalidInputError);
    expect(() => source.normalizeAddress('not an address')).to.throw(InvalidInputError);
  });

  it('reads balances at a historical block in one batch', async function () {
    const r = s.receipts;
    const at = r.victimUsdt.blockNumber;
    const before = source.stats().httpRequests;
    const [eth, usdt, usdtEarlier] = await Promise.all([
      source.balances([{ address: s.scammer.address, asset: 'ETH' }, { address: s.scammer.address, asset: s.usdt }], at),
      source.balances([{ address: s.scammer.address, asset: s.usdt }], at - 1),
    ]).then(([a, b]) => [a[0]!, a[1]!, b[0]!]);
    expect(eth).to.equal(10n ** 24n + parseEther('5'));
    expect(usdt).to.equal(500_000_000n);
    expect(usdtEarlier).to.equal(0n);
    expect(source.stats().httpRequests - before).to.equal(2);
  });

  it('returns one transaction with its fee, value and token logs', async function () {
    const r = s.receipts;
    const split = await source.transaction(r.split.hash.toUpperCase().replace('0X', '0x'));
    expect(split.blockNumber).to.equal(r.split.blockNumber);
    expect(split.transfers.map(brief)).to.deep.equal([feeOf(r.split, s.scammer.address), ethOf(r.split, s.scammer.address, s.forwarder, parseEther('3'))]);
    const failed = await source.transaction(r.failed.hash);
    expect(failed.transfers.map(brief)).to.deep.equal([feeOf(r.failed, s.scammer.address)]);
    const token = await source.transaction(r.muleUsdt.hash);
    expect(token.transfers.map(brief)).to.deep.equal([feeOf(r.muleUsdt, s.mule.address), usdtOf(r.muleUsdt, s.mule.address, s.exchange, 100_000_000n)]);
    let error: unknown;
    try {
      await source.transaction(`0x${'ab'.repeat(32)}`);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(NotFoundError);
  });

  it('splits eth_getLogs ranges a provider refuses and returns the same transfers', async function () {
    const proxy = await startLogRangeProxy(node.url, 2);
    const viaProxy = createEvmSource({ chain: 'local', rpcUrl: proxy.url, nativeAsset: 'ETH', confirmations: 0, maxLogRange: 1000 });
    try {
      const q = { addresses: [s.scammer.address, s.mule.address, s.victim.address], direction: 'both' as const, fromBlock: 0, toBlock: s.latest };
      const direct = await source.transfers(q);
      const split = await viaProxy.transfers(q);
      expect(split.map(brief)).to.deep.equal(direct.map(brief));
      expect(proxy.refused()).to.be.greaterThan(0);
      expect(viaProxy.stats().logRange).to.be.at.most(2);
      // The learnt window is reused: the next query is not refused again.
      const refusedBefore = proxy.refused();
      await viaProxy.transfers({ ...q, assets: [s.usdt] });
      expect(proxy.refused()).to.equal(refusedBefore);
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  });

  it('reads no eth_getLogs reply larger than maxLogReplyBytes: a large answer is asked again in halves, same transfers', async function () {
    const bounded = createEvmSource({ chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 0, maxLogReplyBytes: 1_500 });
    const unbounded = createEvmSource({ chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 0 });
    try {
      const q = { addresses: [s.scammer.address, s.mule.address, s.victim.address], direction: 'both' as const, fromBlock: 0, toBlock: s.latest, assets: [s.usdt] };
      const whole = await unbounded.transfers(q);
      const halves = await bounded.transfers(q);
      expect(whole.length).to.be.at.least(3);
      expect(halves.map(brief)).to.deep.equal(whole.map(brief));
      // More, smaller answers; the window learnt for refusals is not shrunk by one dense range.
      expect(bounded.stats().byMethod.eth_getLogs).to.be.greaterThan(unbounded.stats().byMethod.eth_getLogs!);
      expect(bounded.stats().logRange).to.equal(unbounded.stats().logRange);
      // Every asset: receipts (fees, native values) too are read in bounded replies, same answer.
      const all = { ...q, assets: undefined };
      expect((await bounded.transfers(all)).map(brief)).to.deep.equal((await unbounded.transfers(all)).map(brief));
      expect(bounded.stats().largestReplyBytes).to.be.at.most(unbounded.stats().largestReplyBytes);
    } finally {
      await bounded.close();
      await unbounded.close();
    }
  });

  it('the USDT blacklist blocks transfers from a listed address', async function () {
    const owner = new Wallet(node.accounts[0]!.privateKey, provider);
    const usdt = new Contract(s.usdt, new Interface(contractArtifact('TestUSDT').abi), owner);
    await (await usdt.getFunction('addBlackList')(s.mule.address)).wait();
    expect(await usdt.getFunction('isBlackListed')(s.mule.address)).to.equal(true);
    const tx = await (usdt.connect(s.mule) as Contract).getFunction('transfer')(s.exchange, 1n, { gasLimit: 100_000 });
    const receipt = await provider.getTransactionReceipt(tx.hash);
    expect(receipt!.status).to.equal(0);
  });
});

describe('EVM ChainSource on recorded mainnet replies (blocks 1755634-1755635)', function () {
  const dir = '/work/shared/corpus/eth/blocks_1755634_1755635';

  it('parses real blocks, receipts and logs', async function () {
    if (!existsSync(dir)) {
      console.warn(`skipped: recorded mainnet corpus not found at ${dir}`);
      this.skip();
    }
    const server = await startRecordedRpcServer(dir, '0x1ac9f3');
    const source = createEvmSource({ chain: 'ethereum', rpcUrl: server.url, nativeAsset: 'ETH', confirmations: 0 });
    try {
      const caps = await source.capabilities();
      expect(caps.nativeTransfers).to.equal('block-scan');
      const sender = '0x3763e6e1228bfeab94191c856412d1bb0a8e6996';
      const tokenHolder = '0x6498077292a0921c8804924fdf47b5e91e2a215f';
      const got = await source.transfers({ addresses: [sender, tokenHolder], direction: 'both', fromBlock: 1755634, toBlock: 1755635 });
      const blockHash = '0x1dec87ec1ba8e65b7773bb6f62249468948a28a427efd3d896a2ff7d7c591a67';
      const common = { chain: 'ethereum', blockNumber: 1755635, blockHash, timestamp: 1466669562 };
      expect(got).to.deep.equal([
        {
          ...common, txHash: '0x2e3dcd051a91d3a694f6b8de2ac4b5fe7acdba55f58bcf8471ff00d4a430074d', txIndex: 0, ref: 'log:0', seq: SEQ_LOG_BASE,
          kind: 'token', asset: '0xbb9bc244d798123fde783fcc1c72d3bb8c189413', from: tokenHolder, to: '0x8b3b3b624c3c0397d3da8fd861512393d51dcbac', amount: 5_000_000_000_000_000_000n,
        },
        {
          ...common, txHash: '0x9a5437ec71b74ecf5930b406908ac6999966d38a86d1534b7190ece7599095eb', txIndex: 1, ref: 'fee', seq: SEQ_FEE,
          kind: 'fee', asset: 'ETH', from: sender, to: null, amount: 21_000n * 20_000_000_000n,
        },
        {
          ...common, txHash: '0x9a5437ec71b74ecf5930b406908ac6999966d38a86d1534b7190ece7599095eb', txIndex: 1, ref: 'tx', seq: SEQ_TX_VALUE,
          kind: 'native', asset: 'ETH', from: sender, to: '0xec1ebac9da3430213281c80fa6d46378341a96ae', amount: 405_738_107_000_000_000n,
        },
      ]);
    } finally {
      await source.close();
      await server.close();
    }
  });
});

function firstLetter(address: string): number {
  return [...address.slice(2)].findIndex((c) => /[a-fA-F]/.test(c));
}

function swapCase(c: string): string {
  return c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
}
