// A pig-butchering laundering case played on a local EVM node, shared by the demo, the
// end-to-end tests and the benchmark. Amounts are round so every model's answer can be
// worked out by hand (see the expected figures in test/e2e/trace-evm.test.ts):
//
//   victims V1 50,000 USDT, V2 30,000 USDT, V3 10 ETH ──► scam wallet S
//   S ─80,000──► P1 ─75,000──► P2 ─70,000──► P3           (peel chain; P1, P2 peel 5,000 each to side wallets)
//   P3 ─40,000──► A ─40,000──► C  (C already held 20,000 clean USDT: commingled)
//   P3 ─30,000──► B ─25,000──► D2 (OKX deposit) ──sweep──► OKX hot wallet
//                 B ──5,000──► Binance hot wallet (labelled: a direct endpoint)
//   C ─30,000──► D1 (Binance deposit, gas topped up by Binance) ──sweep──► Binance hot wallet
//   C ─30,000──► H (sits there: a holding for the issuer to freeze)
//   S ─9 ETH───► D2 ──sweep──► OKX hot wallet
import { Contract, JsonRpcProvider, NonceManager, Wallet, parseEther, parseUnits, type ContractTransactionResponse } from 'ethers';
import { deploy, devAccount, fundWallets, receiptOf, type LocalNode } from '../devchain';
import type { Label } from '../domain/types';

export const USDT = (n: number | string) => parseUnits(String(n), 6);

export interface PigButcheringCase {
  chain: string;
  token: string;
  /** The victims' payment transactions: the seeds. */
  seedTxs: string[];
  wallets: Record<WalletName, string>;
  /** The wallets' keys, for tests that play the case on (dev chain only). */
  keys: Record<WalletName, { address: string; privateKey: string }>;
  labels: Label[];
  /** First block of the case (the first victim payment). */
  fromBlock: number;
  toBlock: number;
  /** Hashes of transactions tests check fees of. */
  txs: { sToP1: string; sToD2: string };
  /** The token contract, connected to its owner (for blacklisting in freeze tests). */
  tokenContract: Contract;
  provider: JsonRpcProvider;
}

const NAMES = ['v1', 'v2', 'v3', 's', 'p1', 'p2', 'p3', 'side1', 'side2', 'a', 'b', 'c', 'cleanSource', 'd1', 'd2', 'h', 'binanceHot', 'okxHot'] as const;
export type WalletName = (typeof NAMES)[number];

/** Play the case on `node`. `offset` picks fresh deterministic keys, so one node can host several cases. */
export async function playPigButchering(node: LocalNode, options: { chain?: string; offset?: number } = {}): Promise<PigButcheringCase> {
  const chain = options.chain ?? 'local';
  const offset = options.offset ?? 1000;
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 10 });
  const keys = Object.fromEntries(NAMES.map((name, i) => [name, devAccount(offset + i)])) as Record<WalletName, { address: string; privateKey: string }>;
  const signer = (name: WalletName) => new NonceManager(new Wallet(keys[name].privateKey, provider));
  const w = Object.fromEntries(NAMES.map((n) => [n, keys[n].address])) as Record<WalletName, string>;
  const signers = Object.fromEntries(NAMES.map((n) => [n, signer(n)])) as Record<WalletName, NonceManager>;

  // Set-up before the case window: gas money for everyone who sends, clean balances.
  const gasPayers: WalletName[] = ['v1', 'v2', 's', 'p1', 'p2', 'p3', 'a', 'b', 'c', 'cleanSource', 'binanceHot'];
  await fundWallets(node.url, node.accounts[0]!, gasPayers.map((n) => w[n]), parseEther('1'));
  await fundWallets(node.url, node.accounts[0]!, [w.v3], parseEther('11'));
  const owner = new NonceManager(new Wallet(node.accounts[0]!.privateKey, provider));
  const token = (await deploy(owner, 'TestUSDT')) as unknown as Contract;
  const tokenAddress = (await token.getAddress()).toLowerCase();
  const wait = async (tx: Promise<ContractTransactionResponse | { hash: string }>): Promise<string> => {
    const sent = await tx;
    const receipt = await receiptOf(provider, sent.hash);
    if (receipt.status !== 1) throw new Error(`transaction ${sent.hash} failed`);
    return sent.hash.toLowerCase();
  };
  const waitTx = wait;
  await wait(token.mint(w.v1, USDT(50_000)));
  await wait(token.mint(w.v2, USDT(30_000)));
  await wait(token.mint(w.cleanSource, USDT(20_000)));
  const usdt = (from: WalletName) => token.connect(signers[from]) as Contract;
  await wait(usdt('cleanSource').transfer(w.c, USDT(20_000)));

  // The case.
  const seed1 = await wait(usdt('v1').transfer(w.s, USDT(50_000)));
  const seed2 = await wait(usdt('v2').transfer(w.s, USDT(30_000)));
  const seed3 = await waitTx(signers.v3.sendTransaction({ to: w.s, value: parseEther('10') }));
  const sToP1 = await wait(usdt('s').transfer(w.p1, USDT(80_000)));
  const sToD2 = await waitTx(signers.s.sendTransaction({ to: w.d2, value: parseEther('9') }));
  await wait(usdt('p1').transfer(w.side1, USDT(5_000)));
  await wait(usdt('p1').transfer(w.p2, USDT(75_000)));
  await wait(usdt('p2').transfer(w.side2, USDT(5_000)));
  await wait(usdt('p2').transfer(w.p3, USDT(70_000)));
  await wait(usdt('p3').transfer(w.a, USDT(40_000)));
  await wait(usdt('p3').transfer(w.b, USDT(30_000)));
  await wait(usdt('a').transfer(w.c, USDT(40_000)));
  await wait(usdt('b').transfer(w.d2, USDT(25_000)));
  await wait(usdt('b').transfer(w.binanceHot, USDT(5_000)));
  await wait(usdt('c').transfer(w.d1, USDT(30_000)));
  await wait(usdt('c').transfer(w.h, USDT(30_000)));
  // The exchanges sweep their deposit addresses; Binance first tops D1 up with gas.
  await waitTx(signers.binanceHot.sendTransaction({ to: w.d1, value: parseEther('0.01') }));
  await wait((token.connect(signer('d1')) as Contract).transfer(w.binanceHot, USDT(30_000)));
  await wait((token.connect(signer('d2')) as Contract).transfer(w.okxHot, USDT(25_000)));
  const d2 = signer('d2');
  const reserve = parseEther('0.01');
  const d2Balance = await provider.getBalance(w.d2);
  await waitTx(d2.sendTransaction({ to: w.okxHot, value: d2Balance - reserve }));

  const fromBlock = (await provider.getTransactionReceipt(seed1))!.blockNumber;
  const toBlock = await provider.getBlockNumber();
  return {
    chain,
    token: tokenAddress,
    seedTxs: [seed1, seed2, seed3],
    wallets: w,
    keys,
    labels: [
      { chain, address: w.binanceHot, entity: 'Binance', category: 'exchange', confidence: 90, source: 'demo' },
      { chain, address: w.okxHot, entity: 'OKX', category: 'exchange', confidence: 90, source: 'demo' },
    ],
    fromBlock,
    toBlock,
    txs: { sToP1, sToD2 },
    tokenContract: token,
    provider,
  };
}

/** Labels as the CSV a user would import with --labels. */
export function labelsCsv(labels: Label[]): string {
  return ['chain,address,entity,category,confidence,source', ...labels.map((l) => `${l.chain},${l.address},${l.entity},${l.category},${l.confidence ?? ''},${l.source ?? ''}`)].join('\n') + '\n';
}
