// Waiting for a receipt by asking for it. ethers' waitForTransaction watches block numbers
// through its polling subscriber, which on an automining in-process node can miss the
// block and wait forever; asking eth_getTransactionReceipt directly cannot.
import type { JsonRpcProvider, TransactionReceipt } from 'ethers';

export async function receiptOf(provider: JsonRpcProvider, hash: string, timeoutMs = 30_000): Promise<TransactionReceipt> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt) return receipt;
    if (Date.now() > deadline) throw new Error(`no receipt for ${hash} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
