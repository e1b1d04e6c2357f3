// A laundering case where every hop after the victim's payment is ETH moved by contracts, played
// on anvil. Amounts are round so each model's answer can be worked out by hand (see
// test/e2e/internal-transfers.test.ts):
//
//   V ─100──► W (smart-contract wallet of O; W holds nothing before)          seed
//   W.execute → Forwarder.split{60}: 35 ──► A (keeps it), 25 ──► P (pool)
//   Q (clean) ─25──► P
//   W.execute → BatchPayout.pay{20}: 12 ──► B1 (keeps it), 8 ──► RejectingSink (reverts: stays in the batch contract)
//   W.execute → ChildFactory.create{15}: CREATE Child with 15; O: Child.destroy(Kraken hot) → selfdestruct 15
//   O: W.execute to an amount W does not have → the whole transaction reverts (moves nothing)
//   O: P.withdraw(R 30)   R = Binance deposit (labelled)
//   O: P.withdraw(R2 20)  R2 = Kraken deposit (labelled)
//   W keeps 5.
import { Contract, JsonRpcProvider, NonceManager, Wallet, parseEther, type ContractTransactionResponse } from 'ethers';
import { deploy, devAccount, fundWallets, receiptOf, type LocalNode } from '../../services/devchain';
import type { Label } from '../../services/domain/types';

const NAMES = ['v', 'o', 'q', 'a', 'b1', 'r', 'r2', 'krakenHot'] as const;
type Name = (typeof NAMES)[number];

export interface InternalMovesCase {
  chain: string;
  seedTx: string;
  fromBlock: number;
  toBlock: number;
  wallets: Record<Name, string>;
  contracts: { w: string; splitter: string; pool: string; batch: string; sink: string; factory: string; child: string };
  labels: Label[];
  txs: Record<'split' | 'batch' | 'create' | 'destroy' | 'failed' | 'withdraw1' | 'withdraw2', string>;
  provider: JsonRpcProvider;
}

export async function playInternalMoves(node: LocalNode, options: { chain?: string; offset?: number } = {}): Promise<InternalMovesCase> {
  const chain = options.chain ?? 'local';
  const offset = options.offset ?? 3000;
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 10 });
  const keys = Object.fromEntries(NAMES.map((n, i) => [n, devAccount(offset + i)])) as Record<Name, { address: string; privateKey: string }>;
  const w = Object.fromEntries(NAMES.map((n) => [n, keys[n].address])) as Record<Name, string>;
  const signer = (n: Name) => new NonceManager(new Wallet(keys[n].privateKey, provider));
  await fundWallets(node.url, node.accounts[0]!, [w.o], parseEther('1'));
  await fundWallets(node.url, node.accounts[0]!, [w.v, w.q], parseEther('101'));
  const deployer = new NonceManager(new Wallet(node.accounts[0]!.privateKey, provider));
  const o = signer('o');
  const wallet = (await deploy(deployer, 'SmartWallet', [w.o])) as unknown as Contract;
  const splitter = (await deploy(deployer, 'Forwarder')) as unknown as Contract;
  const pool = (await deploy(deployer, 'Pool', [w.o])) as unknown as Contract;
  const batch = (await deploy(deployer, 'BatchPayout')) as unknown as Contract;
  const sink = (await deploy(deployer, 'RejectingSink')) as unknown as Contract;
  const factory = (await deploy(deployer, 'ChildFactory')) as unknown as Contract;
  const addr = async (c: Contract) => (await c.getAddress()).toLowerCase();
  const c = { w: await addr(wallet), splitter: await addr(splitter), pool: await addr(pool), batch: await addr(batch), sink: await addr(sink), factory: await addr(factory) };

  const wait = async (tx: Promise<ContractTransactionResponse | { hash: string }>, allowRevert = false): Promise<string> => {
    const sent = await tx;
    const receipt = await receiptOf(provider, sent.hash);
    if (receipt.status !== 1 && !allowRevert) throw new Error(`transaction ${sent.hash} reverted`);
    return sent.hash.toLowerCase();
  };
  const execute = (to: string, value: bigint, data: string) => (wallet.connect(o) as Contract).getFunction('execute')(to, value, data);
  await node.mine(2);

  const seedTx = await wait(signer('v').sendTransaction({ to: c.w, value: parseEther('100') }));
  const fromBlock = (await provider.getTransactionReceipt(seedTx))!.blockNumber;
  const split = await wait(execute(c.splitter, parseEther('60'), splitter.interface.encodeFunctionData('split', [[w.a, c.pool], [parseEther('35'), parseEther('25')]])));
  await wait(signer('q').sendTransaction({ to: c.pool, value: parseEther('25') }));
  const batchTx = await wait(execute(c.batch, parseEther('20'), batch.interface.encodeFunctionData('pay', [[w.b1, c.sink], [parseEther('12'), parseEther('8')]])));
  const create = await wait(execute(c.factory, parseEther('15'), factory.interface.encodeFunctionData('create', [w.o])));
  const created = (await provider.getTransactionReceipt(create))!.logs.map((l) => factory.interface.parseLog(l)).find((l) => l?.name === 'Created')!;
  const childAddress = String(created.args[0]).toLowerCase();
  const child = new Contract(childAddress, ['function destroy(address beneficiary)'], o);
  const destroy = await wait(child.getFunction('destroy')(w.krakenHot));
  // ethers refuses to send what its gas estimate says reverts: a fixed gas limit sends it anyway.
  const failed = await wait(o.sendTransaction({ to: c.w, data: wallet.interface.encodeFunctionData('execute', [w.a, parseEther('1000'), '0x']), gasLimit: 100_000 }), true);
  const withdraw1 = await wait((pool.connect(o) as Contract).getFunction('withdraw')(w.r, parseEther('30')));
  const withdraw2 = await wait((pool.connect(o) as Contract).getFunction('withdraw')(w.r2, parseEther('20')));
  await node.mine(2);
  const toBlock = await provider.getBlockNumber();

  const labels: Label[] = [
    { chain, address: w.r, entity: 'Binance', category: 'exchange', source: 'test' },
    { chain, address: w.r2, entity: 'Kraken', category: 'exchange', source: 'test' },
    { chain, address: w.krakenHot, entity: 'Kraken', category: 'exchange', source: 'test' },
  ];
  return {
    chain, seedTx, fromBlock, toBlock, wallets: w,
    contracts: { ...c, child: childAddress },
    labels,
    txs: { split, batch: batchTx, create, destroy, failed, withdraw1, withdraw2 },
    provider,
  };
}
