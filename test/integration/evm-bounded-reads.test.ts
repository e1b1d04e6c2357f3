// Reads of an EVM node bounded by maxLogReplyBytes, on real nodes. eth_getLogs answers over the
// bound are read in pages: the logs come in block order, so the blocks the bound holds whole
// are kept and only the rest is asked for. B pays 40 wallets, one transfer per block; Q pays
// one wallet after that:
//
//   B ──1──► R0, R1, … R39   (blocks b+1 … b+40)
//   Q ──1──► R40             (block b+41)
//
// With a bound of about 15 logs, B's answer is read in 3 to 4 pages, not cut into 8 ranges
// and 8 again; read bounded (a busy wallet under judgement), B is cut once about one
// answer's worth of its logs is in (here: once it filled a page), and Q is still read to the end. Receipts and full blocks
// go a few to a request, sized to the bound, so no batch is refused and asked for again. On
// anvil: trace_filter answers in pages, headers from receipts' logs, and transactions read
// only where receipts lack the gas price.
import { expect } from 'chai';
import { Contract, JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import { createEvmSource, type EvmSource } from '../../services/chains/evm';
import { createBlockStore } from '../../services/chains/evm/block-store';
import { createRpcClient } from '../../services/chains/rpc/client';
import { startLocalNode, deploy, contractArtifact, devAccount, type LocalNode } from '../../services/devchain';
import type { Transfer } from '../../services/domain/types';
import { anvilProvider, startAnvil, type AnvilNode } from '../support/anvil';
import { forward, startRpcServer } from '../support/evm';

const brief = (t: Transfer) => `${t.blockNumber}:${t.txHash}:${t.ref}:${t.from}>${t.to}:${t.amount}`;
/** The size the adapter reckons one Transfer log's JSON at (token-logs.ts LOG_BYTES). */
const LOG_BYTES = 600;

/** EVM sources on a test node, each with its reply bound (unset: unbounded), all closed at the end. */
function sourcesOn(url: () => string) {
  const open: EvmSource[] = [];
  return {
    bounded(maxLogReplyBytes?: number): EvmSource {
      const source = createEvmSource({ chain: 'local', rpcUrl: url(), nativeAsset: 'ETH', confirmations: 0, ...(maxLogReplyBytes ? { maxLogReplyBytes } : {}) });
      open.push(source);
      return source;
    },
    async close(): Promise<void> {
      for (const source of open) await source.close();
    },
  };
}

describe('eth_getLogs answers over the reply bound are read in pages (local node)', function () {
  this.timeout(120_000);
  let node: LocalNode;
  let token: string;
  let b: string;
  let q: string;
  let firstBlock: number;
  let latest: number;
  let logBytes: number;
  const sources = sourcesOn(() => node.url);
  const sourceWith = sources.bounded;

  before(async function () {
    node = await startLocalNode({ accounts: 3 });
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const [owner, busy, quiet] = node.accounts.slice(0, 3).map((a) => new NonceManager(new Wallet(a.privateKey, provider)));
    const usdt = new Contract((await deploy(owner!, 'TestUSDT')).address, contractArtifact('TestUSDT').abi, owner);
    token = (await usdt.getAddress()).toLowerCase();
    b = node.accounts[1]!.address.toLowerCase();
    q = node.accounts[2]!.address.toLowerCase();
    await (await usdt.getFunction('mint')(b, 1_000_000n)).wait();
    await (await usdt.getFunction('mint')(q, 1_000_000n)).wait();
    firstBlock = await provider.getBlockNumber();
    const fromB = usdt.connect(busy!) as Contract;
    for (let i = 0; i < 40; i += 1) await (await fromB.getFunction('transfer')(devAccount(9100 + i).address, 1n)).wait();
    await (await (usdt.connect(quiet!) as Contract).getFunction('transfer')(devAccount(9140).address, 1n)).wait();
    latest = await provider.getBlockNumber();
    // The real size of one of these logs in an answer: the bound below is set in logs.
    const logs = (await provider.send('eth_getLogs', [{ address: token, fromBlock: `0x${(firstBlock + 1).toString(16)}`, toBlock: `0x${latest.toString(16)}` }])) as unknown[];
    logBytes = Math.ceil(JSON.stringify(logs).length / logs.length);
    provider.destroy();
  });
  after(async () => {
    await sources.close();
    await node?.close();
  });

  it('a large answer is read page after page from the block it was cut in: the same transfers, in about size ÷ bound calls', async function () {
    const query = { addresses: [b, q], direction: 'out' as const, fromBlock: firstBlock + 1, toBlock: latest, assets: [token] };
    const whole = await sourceWith().transfers(query);
    expect(whole.filter((t) => t.from === b)).to.have.length(40);
    const bound = 15 * logBytes;
    const paged = sourceWith(bound);
    expect((await paged.transfers(query)).map(brief)).to.deep.equal(whole.map(brief));
    // 41 logs, about 14 whole per page: 3 or 4 pages. Cutting the range in 8 parts instead
    // (the only way without pages) takes at least 1 + 8 calls.
    const calls = paged.stats().byMethod.eth_getLogs!;
    expect(calls).to.be.within(3, 4);
  });

  it('receipts go a few blocks to a request, sized on the answers seen: no batch refused and asked again', async function () {
    const query = { addresses: [b], direction: 'out' as const, fromBlock: firstBlock + 1, toBlock: latest };
    const whole = sourceWith();
    const expected = await whole.transfers(query);
    // Each of B's 40 blocks holds one receipt with one log (~1.7 kB as the store reckons it):
    // a bound of 8 kB takes 2 a request. Sent 100 to a request, every one would be refused
    // and asked for again alone: 80 calls.
    const bounded = sourceWith(8_000);
    expect((await bounded.transfers(query)).map(brief)).to.deep.equal(expected.map(brief));
    const asked = (s: EvmSource) => (s.stats().byMethod.eth_getBlockReceipts ?? 0) + (s.stats().byMethod.eth_getTransactionReceipt ?? 0);
    expect(asked(whole)).to.be.at.least(40);
    expect(asked(bounded)).to.equal(asked(whole));
    expect(bounded.stats().httpRequests).to.be.greaterThan(whole.stats().httpRequests);
  });

  it('full blocks too go a few to a request under the bound: the same blocks, none asked twice', async function () {
    const numbers = Array.from({ length: 20 }, (_, i) => firstBlock + 1 + i);
    const plain = createRpcClient({ url: node.url });
    const bounded = createRpcClient({ url: node.url });
    try {
      const whole = await createBlockStore(plain).fullBlocks(numbers);
      const size = Math.max(...whole.map((b) => JSON.stringify(b).length));
      // About 3 blocks a reply: sent 100 to a request, the 20 would be refused and asked again.
      const blocks = await createBlockStore(bounded, 4096, 3 * size + 200).fullBlocks(numbers);
      expect(blocks).to.deep.equal(whole);
      expect(bounded.stats().byMethod.eth_getBlockByNumber).to.equal(20);
      expect(bounded.stats().httpRequests).to.be.greaterThan(plain.stats().httpRequests);
    } finally {
      await plain.close();
      await bounded.close();
    }
  });

  it('read bounded, the busy wallet is cut once it filled a page; the other wallet is read to the end', async function () {
    const query = { addresses: [b, q], direction: 'out' as const, fromBlock: firstBlock + 1, toBlock: latest, assets: [token] };
    const whole = await sourceWith().transfers(query);
    // One answer's worth of logs (as the adapter reckons it) is 10 logs: B has 40.
    const bounded = sourceWith(Math.max(10 * LOG_BYTES, 15 * logBytes));
    const { transfers, reachedTo } = await bounded.histories!(query, { bounded: true });
    expect([...reachedTo.keys()]).to.deep.equal([b]);
    const cut = reachedTo.get(b)!;
    expect(cut).to.be.below(latest - 1);
    // Complete up to the cut, nothing after it; Q's one transfer, in the last block, is there.
    const expected = whole.filter((t) => t.from === q || t.blockNumber <= cut);
    expect(transfers.map(brief)).to.deep.equal(expected.map(brief));
    expect(transfers.filter((t) => t.from === b).length).to.be.at.least(10);
    // B filled the first (cut) page: the rest is asked for Q alone, not for B again (which
    // would make the node build another oversized answer).
    expect(bounded.stats().byMethod.eth_getLogs!).to.equal(2);
  });

  it('a read the node does not answer in time is asked for in parts, not again whole: the busy wallet cut, the other read to the end', async function () {
    const query = { addresses: [b, q], direction: 'out' as const, fromBlock: firstBlock + 1, toBlock: latest, assets: [token] };
    const whole = await sourceWith().transfers(query);
    // A node slow over B's logs, as one building a hot wallet's millions whole: an ask for what
    // B sent over more than 10 blocks is answered after the client's request timeout.
    const bTopic = `0x${b.slice(2).padStart(64, '0')}`;
    let late = 0;
    const slow = await startRpcServer(async (call) => {
      const filter = (call.method === 'eth_getLogs' ? call.params[0] : undefined) as { fromBlock: string; toBlock: string; topics: unknown[] } | undefined;
      const senders = [filter?.topics[1]].flat().map((t) => String(t).toLowerCase());
      if (filter && senders.includes(bTopic) && Number(filter.toBlock) - Number(filter.fromBlock) + 1 > 10) {
        late += 1;
        await new Promise((resolve) => setTimeout(resolve, 1_500));
      }
      return forward(node.url, call);
    });
    const source = createEvmSource({ chain: 'local', rpcUrl: slow.url, nativeAsset: 'ETH', confirmations: 0, maxLogReplyBytes: 10 * LOG_BYTES, requestTimeoutMs: 300 });
    try {
      const { transfers, reachedTo } = await source.histories!(query, { bounded: true });
      // B and Q together, then B alone: each timed out once; B's range was then read in parts
      // until about one answer's worth (10 logs) was in.
      expect(late).to.equal(2);
      expect([...reachedTo.keys()]).to.deep.equal([b]);
      const cut = reachedTo.get(b)!;
      expect(cut).to.be.below(latest - 1);
      expect(transfers.map(brief)).to.deep.equal(whole.filter((t) => t.from === q || t.blockNumber <= cut).map(brief));
      expect(transfers.filter((t) => t.from === b).length).to.be.at.least(10);
    } finally {
      await source.close();
      await slow.close();
    }
  });
});

// trace_filter answers over the bound, on anvil (the in-process node serves no trace_filter):
// S pays 30 wallets in ETH, one transaction per block; its traces are read in pages too. Then
// S pays 5 token transfers: anvil states each log's block timestamp, so their receipts give
// their blocks' headers.
describe('trace_filter answers over the reply bound are read in pages (anvil)', function () {
  this.timeout(120_000);
  let node: AnvilNode;
  let sender: string;
  let firstBlock: number;
  let latest: number;
  let traceBytes: number;
  let tokenTxs: Array<{ hash: string; block: number }>;
  const sources = sourcesOn(() => node.url);
  const sourceWith = sources.bounded;

  before(async function () {
    node = await startAnvil({ accounts: 1 });
    const provider = anvilProvider(node);
    const payer = new NonceManager(new Wallet(node.accounts[0]!.privateKey, provider));
    sender = node.accounts[0]!.address.toLowerCase();
    firstBlock = await provider.getBlockNumber();
    for (let i = 0; i < 30; i += 1) await (await payer.sendTransaction({ to: devAccount(9200 + i).address, value: 1_000n + BigInt(i) })).wait();
    latest = await provider.getBlockNumber();
    const traces = await node.rpc<unknown[]>('trace_filter', [{ fromBlock: `0x${(firstBlock + 1).toString(16)}`, toBlock: `0x${latest.toString(16)}`, fromAddress: [sender] }]);
    traceBytes = Math.ceil(JSON.stringify(traces).length / traces.length);
    const usdt = new Contract((await deploy(payer, 'TestUSDT')).address, contractArtifact('TestUSDT').abi, payer);
    await (await usdt.getFunction('mint')(sender, 1_000n)).wait();
    tokenTxs = [];
    for (let i = 0; i < 5; i += 1) {
      const receipt = (await (await usdt.getFunction('transfer')(devAccount(9300 + i).address, 1n)).wait())!;
      tokenTxs.push({ hash: receipt.hash.toLowerCase(), block: receipt.blockNumber });
    }
    provider.destroy();
  });
  after(async () => {
    await sources.close();
    await node?.close();
  });

  it('the same native transfers, the traces read about 10 at a time from the block each answer was cut in', async function () {
    const query = { addresses: [sender], direction: 'out' as const, fromBlock: firstBlock + 1, toBlock: latest, assets: ['ETH'] };
    const whole = sourceWith();
    const expected = await whole.transfers(query);
    expect(expected.filter((t) => t.kind === 'native')).to.have.length(30);
    const paged = sourceWith(10 * traceBytes + 100);
    expect((await paged.transfers(query)).map(brief)).to.deep.equal(expected.map(brief));
    // Each source probes trace_filter once; then the unbounded one reads the traces in one call.
    expect(whole.stats().byMethod.trace_filter).to.equal(2);
    // 30 traces, ~9 whole per page: 4 pages (one more when a cut falls just after a block).
    expect(paged.stats().byMethod.trace_filter! - 1).to.be.within(3, 5);
  });

  it('after an answer cut at the bound, quiet wallets\' answers still go several to a request', async function () {
    // S's answer is cut (pages of ~10 traces); then R0..R29, one trace each, one per call. Sized
    // by the largest answer seen, the cut one (the bound itself), they went one to a request.
    const payees = Array.from({ length: 30 }, (_, i) => devAccount(9200 + i).address.toLowerCase());
    const open = (maxLogReplyBytes?: number) => {
      const source = createEvmSource({ chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 0, addressesPerLogCall: 1, ...(maxLogReplyBytes ? { maxLogReplyBytes } : {}) });
      opened.push(source);
      return source;
    };
    const opened: EvmSource[] = [];
    try {
      const quiet = { addresses: payees, direction: 'in' as const, fromBlock: firstBlock + 1, toBlock: latest, assets: ['ETH'] };
      const expected = await open().transfers(quiet);
      expect(expected.map((t) => t.to)).to.have.members(payees);
      const bounded = open(10 * traceBytes + 100);
      await bounded.transfers({ addresses: [sender], direction: 'out', fromBlock: firstBlock + 1, toBlock: latest, assets: ['ETH'] });
      const before = bounded.stats();
      expect((await bounded.transfers(quiet)).map(brief)).to.deep.equal(expected.map(brief));
      const after = bounded.stats();
      expect(after.byMethod.trace_filter! - before.byMethod.trace_filter!).to.equal(30);
      // The first alone, then ~4 to a request (600 bytes reckoned per trace, twice over in the bound).
      expect(after.httpRequests - before.httpRequests).to.be.within(2, 15);
    } finally {
      for (const source of opened) await source.close();
    }
  });

  it('read bounded, the busy sender is cut once its traces filled a page; a quiet wallet is read to the end', async function () {
    // R29 was paid in the last of the 30 blocks: asked both ways with S, one trace of its own.
    const r29 = devAccount(9229).address.toLowerCase();
    const query = { addresses: [sender, r29], direction: 'both' as const, fromBlock: firstBlock + 1, toBlock: latest, assets: ['ETH'] };
    const paged = sourceWith(10 * traceBytes + 100);
    const whole = await paged.histories!(query, { bounded: false });
    expect(whole.reachedTo.size).to.equal(0);
    const bounded = sourceWith(10 * traceBytes + 100);
    const { transfers, reachedTo } = await bounded.histories!(query, { bounded: true });
    expect([...reachedTo.keys()]).to.deep.equal([sender]);
    const cut = reachedTo.get(sender)!;
    expect(cut).to.be.within(firstBlock + 1, latest - 2);
    // Complete up to the cut; after it, only R29's payment (in the last block).
    const expected = whole.transfers.filter((t) => t.blockNumber <= cut || t.to === r29);
    expect(transfers.map(brief)).to.deep.equal(expected.map(brief));
    expect(transfers.filter((t) => t.blockNumber > cut).map((t) => t.to)).to.deep.equal([r29]);
    // S filled the first page: the rest is asked for R29 alone, not page after page of S.
    expect(bounded.stats().byMethod.trace_filter!).to.be.below(paged.stats().byMethod.trace_filter!);
  });

  it('answers of calls with kilobytes of input are sized by their input: a few calls to a request, none cut and asked again', async function () {
    // 12 payments, each with 4 kB of call data, to 12 wallets asked one per trace_filter.
    const provider = anvilProvider(node);
    const payer = new NonceManager(new Wallet(node.accounts[0]!.privateKey, provider));
    const payees = Array.from({ length: 12 }, (_, i) => devAccount(9600 + i).address.toLowerCase());
    const from = (await provider.getBlockNumber()) + 1;
    for (const to of payees) await (await payer.sendTransaction({ to, value: 1n, data: '0x' + 'ab'.repeat(4096) })).wait();
    const to = await provider.getBlockNumber();
    provider.destroy();
    const query = { addresses: payees, direction: 'in' as const, fromBlock: from, toBlock: to, assets: ['ETH'] };
    const opened: EvmSource[] = [];
    const open = (maxLogReplyBytes?: number) => {
      const source = createEvmSource({ chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 0, addressesPerLogCall: 1, ...(maxLogReplyBytes ? { maxLogReplyBytes } : {}) });
      opened.push(source);
      return source;
    };
    const whole = open();
    const expected = await whole.transfers(query);
    expect(expected.filter((t) => t.kind === 'native')).to.have.length(12);
    // A bound of about 4 answers: sized by their traces alone (600 bytes each), all 11 after
    // the first went in one request, over the bound.
    const bounded = open(4 * 8_800);
    expect((await bounded.transfers(query)).map(brief)).to.deep.equal(expected.map(brief));
    expect(bounded.stats().byMethod.trace_filter).to.equal(whole.stats().byMethod.trace_filter);
    expect(bounded.stats().httpRequests).to.be.above(whole.stats().httpRequests);
    for (const source of opened) await source.close();
  });

  it('receipts whose logs state the block timestamp give their blocks\' headers: no header read', async function () {
    const plain = createRpcClient({ url: node.url });
    const rpc = createRpcClient({ url: node.url });
    try {
      const blocks = tokenTxs.map((t) => t.block);
      const expected = await createBlockStore(plain).headers(blocks);
      const store = createBlockStore(rpc);
      const receipts = await store.receipts(tokenTxs.map((t) => t.hash), new Map(tokenTxs.map((t) => [t.block, [t.hash]])));
      expect(await store.headers(blocks)).to.deep.equal(expected);
      // Kept for fees and outcomes only: a busy block's thousands of logs are not cached.
      expect([...receipts.values()].map((r) => [r.logs.length, r.gasUsed !== undefined])).to.deep.equal(tokenTxs.map(() => [0, true]));
      expect(rpc.stats().byMethod.eth_getBlockByNumber ?? 0).to.equal(0);
      expect(rpc.stats().byMethod.eth_getBlockReceipts).to.equal(5);
    } finally {
      await plain.close();
      await rpc.close();
    }
  });

  it('receipts without a gas price (older nodes): the fee comes from the transaction, read for it; the same transfers', async function () {
    const query = { addresses: [sender], direction: 'out' as const, fromBlock: firstBlock + 1, toBlock: latest, assets: ['ETH'] };
    const direct = sourceWith();
    const expected = await direct.transfers(query);
    expect(expected.filter((t) => t.kind === 'fee')).to.have.length(30);
    const stripped = await startRpcServer(async (call) => {
      const reply = await forward(node.url, call);
      if (call.method === 'eth_getBlockReceipts' || call.method === 'eth_getTransactionReceipt') {
        const result = (reply as { result?: unknown }).result;
        for (const r of Array.isArray(result) ? result : result ? [result] : []) delete (r as { effectiveGasPrice?: string }).effectiveGasPrice;
      }
      return reply;
    });
    const viaStripped = createEvmSource({ chain: 'local', rpcUrl: stripped.url, nativeAsset: 'ETH', confirmations: 0 });
    try {
      expect((await viaStripped.transfers(query)).map(brief)).to.deep.equal(expected.map(brief));
      const reads = (s: EvmSource) => (s.stats().byMethod.eth_getTransactionByHash ?? 0) + (s.stats().byMethod.eth_getBlockByNumber ?? 0);
      expect(reads(viaStripped)).to.be.greaterThan(reads(direct));
    } finally {
      await viaStripped.close();
      await stripped.close();
    }
  });
});

// anvil takes at most 300 blocks per trace_filter ("block range too large, currently limited
// to 300"). The source learns it from the first refusal: that ask goes on in windows of 300,
// and later asks are never refused again.
describe('trace_filter over more blocks than the node takes (anvil)', function () {
  this.timeout(120_000);
  let node: AnvilNode;
  let payer: string;
  let first: number;
  let latest: number;
  const sources = sourcesOn(() => node.url);

  before(async function () {
    node = await startAnvil({ accounts: 1 });
    const wallet = new NonceManager(new Wallet(devAccount(0).privateKey, anvilProvider(node)));
    payer = (await wallet.getAddress()).toLowerCase();
    first = Number(await node.rpc<string>('eth_blockNumber', [])) + 1;
    for (let i = 0; i < 3; i += 1) {
      await (await wallet.sendTransaction({ to: devAccount(9400 + i).address, value: 1_000n })).wait();
      await node.mine(320);
    }
    latest = Number(await node.rpc<string>('eth_blockNumber', []));
  });
  after(async () => {
    await sources.close();
    await node?.close();
  });

  it('asks in windows of the range the node stated, after one refusal only', async function () {
    const source = sources.bounded();
    await source.capabilities(); // its probe asks one trace_filter
    const calls = () => source.stats().byMethod.trace_filter! - 1;
    const query = { addresses: [payer], direction: 'out' as const, fromBlock: first, toBlock: latest, assets: ['ETH'] };
    const read = await source.histories!(query, { bounded: false });
    expect(read.transfers.filter((t) => t.kind === 'native')).to.have.length(3);
    const windows = Math.ceil((latest - first + 1) / 300);
    expect(windows).to.be.at.least(4);
    expect(calls()).to.equal(1 + windows);
    // Asked again, the windows are the node's from the start: no refusal.
    await source.histories!({ ...query, fromBlock: first + 1 }, { bounded: false });
    expect(calls()).to.equal(1 + 2 * windows);
  });
});

// A chunk read both ways: anvil, like Erigon and Reth, answers trace_filter with both
// `fromAddress` and `toAddress` as the union of the two (`mode: "union"`), one call where two
// did. OpenEthereum and Nethermind answer the intersection: a proxy that asks anvil for the
// intersection plays one, and the probe must see it, or every inflow would be lost.
describe('trace_filter both ways in one call where the node answers the union (anvil)', function () {
  this.timeout(120_000);
  let node: AnvilNode;
  let intersection: Awaited<ReturnType<typeof startRpcServer>>;
  let first: number;
  let latest: number;
  const wallets = [devAccount(9500).address, devAccount(9501).address].map((a) => a.toLowerCase());
  const sources = sourcesOn(() => node.url);
  const behindProxy: EvmSource[] = [];

  before(async function () {
    node = await startAnvil({ accounts: 1 });
    const provider = anvilProvider(node);
    const payer = new NonceManager(new Wallet(devAccount(0).privateKey, provider));
    first = Number(await node.rpc<string>('eth_blockNumber', [])) + 1;
    // Both wallets receive; 9500 pays 9501 and an outsider: inflows, outflows and one between them.
    for (const to of wallets) await (await payer.sendTransaction({ to, value: 10n ** 18n })).wait();
    const w0 = new NonceManager(new Wallet(devAccount(9500).privateKey, provider));
    await (await w0.sendTransaction({ to: wallets[1], value: 1_000n })).wait();
    await (await w0.sendTransaction({ to: devAccount(9502).address, value: 2_000n })).wait();
    latest = Number(await node.rpc<string>('eth_blockNumber', []));
    provider.destroy();
    intersection = await startRpcServer((call) => {
      const filter = call.params[0] as Record<string, unknown> | undefined;
      if (call.method === 'trace_filter' && filter?.fromAddress && filter.toAddress) return forward(node.url, { ...call, params: [{ ...filter, mode: 'intersection' }] });
      return forward(node.url, call);
    });
  });
  after(async () => {
    await sources.close();
    for (const source of behindProxy) await source.close();
    await intersection?.close();
    await node?.close();
  });

  const query = () => ({ addresses: wallets, direction: 'both' as const, fromBlock: first, toBlock: latest, assets: ['ETH'] });
  const natives = (read: { transfers: Transfer[] }) => read.transfers.filter((t) => t.kind === 'native').map(brief).sort();

  it('the union node: one call per window and chunk after its probe, the same transfers as asked one side at a time', async function () {
    const source = sources.bounded();
    await source.capabilities(); // one trace_filter
    const read = await source.histories!(query(), { bounded: false });
    // Probe: a sample of the range's calls, then one union ask; then the chunk in one call.
    expect(source.stats().byMethod.trace_filter).to.equal(1 + 2 + 1);
    const unionAsk = read.transfers.length;
    const outs = await source.histories!({ ...query(), direction: 'out' }, { bounded: false });
    const ins = await source.histories!({ ...query(), direction: 'in' }, { bounded: false });
    const bySide = [...new Set([...natives(outs), ...natives(ins)])].sort();
    expect(natives(read)).to.deep.equal(bySide);
    expect(natives(read)).to.have.length(4); // two payer → wallet, 9500 → 9501, 9500 → outsider
    expect(unionAsk).to.be.greaterThan(0);
    // Decided once: the next both-ways read is one call again.
    await source.histories!({ ...query(), fromBlock: first + 1 }, { bounded: false });
    expect(source.stats().byMethod.trace_filter).to.equal(1 + 2 + 1 + 2 + 1);
  });

  it('an intersection node (OpenEthereum, Nethermind) is seen by the probe: both sides asked apart, nothing lost', async function () {
    const source = createEvmSource({ chain: 'local', rpcUrl: intersection.url, nativeAsset: 'ETH', confirmations: 0 });
    behindProxy.push(source);
    await source.capabilities();
    const read = await source.histories!(query(), { bounded: false });
    expect(source.stats().byMethod.trace_filter).to.equal(1 + 2 + 2);
    expect(natives(read)).to.have.length(4);
    const union = sources.bounded();
    expect(natives(read)).to.deep.equal(natives(await union.histories!(query(), { bounded: false })));
  });
});
