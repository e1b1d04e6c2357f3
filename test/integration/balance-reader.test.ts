// The balance reader on real nodes: anvil (a gas cap below a call's reads, balances at a past
// block) and Hardhat's EDR (the 16,777,216 gas a call may use since Osaka), through the EVM
// source with no Multicall3 configured.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createEvmSource } from '../../services/chains/evm';
import { BALANCE_READER_ADDRESS, READS_PER_CALL, readerBalances, readerState } from '../../services/chains/evm/balance-reader';
import { hexToNumber } from '../../services/chains/evm/rpc-types';
import { createRpcClient } from '../../services/chains/rpc/client';
import { startLocalNode, type LocalNode } from '../../services/devchain';
import { placeToken, setTokenBalances, startAnvil, type AnvilNode } from '../support/anvil';

const tag = (block: number) => `0x${block.toString(16)}`;

describe('balance reader on anvil with a 3M gas limit', function () {
  this.timeout(120_000);
  let node: AnvilNode;
  const token = '0x' + '5'.repeat(40);
  const wallets = Array.from({ length: 3_000 }, (_, i) => `0x${(0xd0000 + i).toString(16).padStart(40, '0')}`);
  let unset: number;
  let set: number;
  before(async () => {
    node = await startAnvil({ accounts: 1, gasLimit: 3_000_000 });
    await placeToken(node, token, 'USDT', 6);
    unset = hexToNumber(await node.rpc<string>('eth_blockNumber'));
    // Storage set by anvil_setStorageAt is the latest block's state: set on a block after `unset`.
    await node.rpc('anvil_mine', ['0x1']);
    // Each wallet holds its index + 1.
    await setTokenBalances(node, token, wallets.map((w, i) => [w, BigInt(i + 1)] as const));
    set = hexToNumber(await node.rpc<string>('eth_blockNumber'));
  });
  after(async () => {
    await node?.close();
  });

  it('reads as many as the gas allows, asks again for the rest, and keeps that size', async () => {
    const rpc = createRpcClient({ url: node.url });
    try {
      const queries = wallets.map((address) => ({ address, token }));
      const state = readerState();
      expect(await readerBalances(rpc, queries, tag(set), state)).to.deep.equal(wallets.map((_, i) => BigInt(i + 1)));
      expect(state.supported).to.equal(true);
      expect(state.perCall, 'learnt from the count a 3M-gas call read').to.be.within(100, 1_500);
      const first = rpc.stats().byMethod.eth_call!;
      expect(await readerBalances(rpc, queries, tag(set), state)).to.deep.equal(wallets.map((_, i) => BigInt(i + 1)));
      expect(rpc.stats().byMethod.eth_call! - first, 'at the size learnt, every call read whole').to.equal(Math.ceil(wallets.length / state.perCall));
    } finally {
      await rpc.close();
    }
  });

  it('reads the state of the block asked for, the native coin as well, through the source', async () => {
    const source = createEvmSource({ chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 0 });
    try {
      const funded = node.accounts[0]!.address.toLowerCase();
      const queries = [...wallets.slice(0, 10).map((address) => ({ address, asset: token })), { address: funded, asset: 'ETH' }, { address: wallets[0]!, asset: 'ETH' }];
      const before = await source.balances(queries, unset);
      expect(before.slice(0, 10).every((a) => a === 0n)).to.equal(true);
      const after = await source.balances(queries, set);
      expect(after.slice(0, 10)).to.deep.equal(wallets.slice(0, 10).map((_, i) => BigInt(i + 1)));
      expect([before[10], after[10]]).to.deep.equal(await Promise.all([unset, set].map(async (b) => BigInt(await node.rpc<string>('eth_getBalance', [funded, tag(b)])))));
      expect(after[11]).to.equal(0n);
      // Two reads of two assets each: one reader call per asset and block, nothing one by one.
      expect(source.stats().byMethod).to.include({ eth_call: 4 });
      expect(source.stats().byMethod.eth_getBalance ?? 0).to.equal(0);
    } finally {
      await source.close();
    }
  });
  it('reads one by one only the holders whose reader call the node refused, and keeps the balances it gave', async () => {
    // In front of anvil: the reader's calls for the token are refused (as a node refuses code it
    // cannot run), those for the native coin pass.
    const refused = (call: { method?: string; params?: Array<{ to?: string; data?: string }> }) =>
      call.method === 'eth_call' && call.params?.[0]?.to === BALANCE_READER_ADDRESS && call.params[0].data?.slice(26, 66) === token.slice(2);
    const proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const list = Array.isArray(body) ? body : [body];
        const passed = list.filter((c) => !refused(c));
        const answers = passed.length === 0 ? [] : await (await fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(passed) })).json() as Array<{ id: unknown }>;
        const byId = new Map(answers.map((a) => [a.id, a]));
        const out = list.map((c) => (refused(c) ? { jsonrpc: '2.0', id: c.id, error: { code: -32000, message: 'invalid opcode: opcode 0xfa not defined' } } : byId.get(c.id)));
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(Array.isArray(body) ? out : out[0]));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const source = createEvmSource({ chain: 'local', rpcUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, nativeAsset: 'ETH', confirmations: 0 });
    try {
      const funded = node.accounts[0]!.address.toLowerCase();
      const queries = [{ address: funded, asset: 'ETH' }, ...wallets.slice(0, 5).map((address) => ({ address, asset: token })), { address: wallets[0]!, asset: 'ETH' }];
      const got = await source.balances(queries, set);
      expect(got).to.deep.equal([BigInt(await node.rpc<string>('eth_getBalance', [funded, tag(set)])), 1n, 2n, 3n, 4n, 5n, 0n]);
      // The native coin in one reader call; the token's refused call, then its five holders one by one.
      expect(source.stats().byMethod).to.include({ eth_call: 2 + 5 });
      expect(source.stats().byMethod.eth_getBalance ?? 0).to.equal(0);
    } finally {
      await source.close();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

describe('balance reader on Hardhat\'s EDR (16,777,216 gas a call, Osaka)', function () {
  this.timeout(120_000);
  let node: LocalNode;
  before(async () => {
    node = await startLocalNode({ accounts: 1 });
  });
  after(async () => {
    await node?.close();
  });

  it(`reads ${READS_PER_CALL.toLocaleString('en')} balances a call within the cap, more asked in as many calls as fit`, async () => {
    const rpc = createRpcClient({ url: node.url });
    try {
      const funded = node.accounts[0]!.address.toLowerCase();
      const wallets = Array.from({ length: 12_000 }, (_, i) => `0x${(0xe0000 + i).toString(16).padStart(40, '0')}`);
      const queries = [...wallets, funded].map((address) => ({ address, token: null }));
      const block = hexToNumber(await rpc.request<string>('eth_blockNumber'));
      const state = readerState();
      const amounts = await readerBalances(rpc, queries, tag(block), state);
      expect(amounts?.slice(0, -1).every((a) => a === 0n)).to.equal(true);
      expect(amounts?.at(-1)).to.equal(BigInt(await rpc.request<string>('eth_getBalance', [funded, tag(block)])));
      expect(state).to.deep.equal({ supported: true, perCall: READS_PER_CALL });
      expect(rpc.stats().byMethod).to.deep.equal({ eth_blockNumber: 1, eth_call: Math.ceil(queries.length / READS_PER_CALL), eth_getBalance: 1 });
      // Twice as many a call do not fit: the node's gas sets the size.
      const wide = { ...readerState(), perCall: 2 * READS_PER_CALL };
      expect(await readerBalances(rpc, queries, tag(block), wide)).to.deep.equal(amounts);
      expect(wide.perCall).to.be.within(READS_PER_CALL, 2 * READS_PER_CALL - 1);
    } finally {
      await rpc.close();
    }
  });
});
