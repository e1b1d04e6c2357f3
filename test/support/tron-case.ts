// A pig-butchering case on Tron, played on anvil behind the Tron-shaped test node: USDT at
// its real contract address (TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t), amounts in TRX's sun (6
// decimals), no fees (Tron's free bandwidth). Every figure is worked out by hand:
//
//   V1 ─50,000 USDT──► S        V2 ─20,000 TRX──► S          (the seeds; S held nothing before)
//   S ─30,000 USDT──► H (holds it: a freeze target for Tether)
//   S ─20,000 USDT──► D (Binance deposit, labelled)
//   S ─15,000 TRX───► D;  S keeps 5,000 TRX
import { Contract, NonceManager, Wallet, parseUnits } from 'ethers';
import { toTronAddress, tronToHex } from '../../services/chains/tron';
import { devAccount, receiptOf } from '../../services/devchain';
import { anvilProvider, placeToken, type AnvilNode } from './anvil';

export const TRON_USDT = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
export const SUN = (trx: number) => parseUnits(String(trx), 6);

export interface TronCase {
  /** Transaction ids, 64 hex digits without 0x. */
  seeds: string[];
  wallets: { v1: string; v2: string; s: string; h: string; d: string };
  labelsCsv: string;
  /** Blacklist an address in the USDT contract, as Tether does. */
  blacklist(address: string): Promise<void>;
}

/** Legacy transactions at gas price 0: no fee, as with Tron's free bandwidth. */
const FREE = { gasPrice: 0n, type: 0 };

const TOKEN_ABI = ['function mint(address to, uint256 amount)', 'function transfer(address to, uint256 amount) returns (bool)', 'function addBlackList(address user)'];

export async function playTronCase(node: AnvilNode, offset = 7000): Promise<TronCase> {
  await placeToken(node, tronToHex(TRON_USDT), 'USDT', 6);
  const provider = anvilProvider(node);
  const [v1, v2, s, h, d] = [0, 1, 2, 3, 4].map((i) => devAccount(offset + i));
  for (const a of [v1!, v2!, s!]) await node.rpc('anvil_setBalance', [a.address, '0x0']);
  await node.rpc('anvil_setBalance', [v2!.address, `0x${SUN(20_000).toString(16)}`]);
  const signer = (k: { privateKey: string }) => new NonceManager(new Wallet(k.privateKey, provider));
  const usdt = (k: { privateKey: string }) => new Contract(tronToHex(TRON_USDT), TOKEN_ABI, signer(k));
  const send = async (p: Promise<{ hash: string }>) => {
    const tx = await p;
    if ((await receiptOf(provider, tx.hash)).status !== 1) throw new Error(`reverted: ${tx.hash}`);
    return tx.hash.slice(2).toLowerCase();
  };
  await send(usdt(node.accounts[0]!).getFunction('mint')(v1!.address, SUN(50_000), FREE));
  const seeds = [
    await send(usdt(v1!).getFunction('transfer')(s!.address, SUN(50_000), FREE)),
    await send(signer(v2!).sendTransaction({ to: s!.address, value: SUN(20_000), ...FREE })),
  ];
  await send(usdt(s!).getFunction('transfer')(h!.address, SUN(30_000), FREE));
  await send(usdt(s!).getFunction('transfer')(d!.address, SUN(20_000), FREE));
  await send(signer(s!).sendTransaction({ to: d!.address, value: SUN(15_000), ...FREE }));
  // Solidified: 19 blocks on top.
  await node.mine(25);
  const wallets = { v1: toTronAddress(v1!.address), v2: toTronAddress(v2!.address), s: toTronAddress(s!.address), h: toTronAddress(h!.address), d: toTronAddress(d!.address) };
  return {
    seeds,
    wallets,
    labelsCsv: `chain,address,entity,category\ntron,${wallets.d},Binance,exchange\n`,
    async blacklist(address) {
      await send(usdt(node.accounts[0]!).getFunction('addBlackList')(tronToHex(address), FREE));
      await node.mine(1);
    },
  };
}
