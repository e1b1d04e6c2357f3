// Funds many wallets from one dev account. Genesis accounts are cheap, but scenarios need
// wallets whose first inflow is an ordinary transaction, as on a real chain.
import { JsonRpcProvider, Wallet } from 'ethers';
import type { DevAccount } from './local-node';
import { receiptOf } from './receipts';

/** Send `amount` wei to each address; resolves when all are mined. Returns the tx hashes. */
export async function fundWallets(url: string, from: DevAccount, to: string[], amount: bigint): Promise<string[]> {
  const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, batchMaxCount: 1, pollingInterval: 10 });
  try {
    const wallet = new Wallet(from.privateKey, provider);
    let nonce = await provider.getTransactionCount(wallet.address, 'pending');
    const hashes: string[] = [];
    for (const address of to) {
      // Explicit gas and nonce: no estimate round trips for hundreds of plain transfers.
      const tx = await wallet.sendTransaction({ to: address, value: amount, nonce: nonce++, gasLimit: 21_000 });
      hashes.push(tx.hash.toLowerCase());
    }
    if (hashes.length > 0) await receiptOf(provider, hashes[hashes.length - 1]!);
    return hashes;
  } finally {
    provider.destroy();
  }
}
