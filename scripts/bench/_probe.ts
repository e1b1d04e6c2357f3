import { JsonRpcProvider, Wallet, Contract, parseEther, NonceManager } from 'ethers';
import { startLocalNode, deploy, devAccount, fundWallets, receiptOf } from '../../services/devchain';
import { createEvmSource } from '../../services/chains/evm';
async function main() {
  let t = Date.now();
  const node = await startLocalNode();
  console.log('node', Date.now() - t); t = Date.now();
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 10 });
  const owner = new NonceManager(new Wallet(node.accounts[0]!.privateKey, provider));
  const token = (await deploy(owner, 'TestUSDT')) as unknown as Contract;
  console.log('deploy', Date.now() - t); t = Date.now();
  const addrs = Array.from({ length: 200 }, (_, i) => devAccount(5000 + i).address);
  await fundWallets(node.url, node.accounts[1]!, addrs, parseEther('1'));
  console.log('fund 200', Date.now() - t); t = Date.now();
  const src = createEvmSource({ chain: 'local', rpcUrl: node.url, nativeAsset: 'ETH', confirmations: 0 });
  console.log(await src.capabilities());
  // multiTransfer speed
  const w = new Wallet(node.accounts[0]!.privateKey, provider);
  const tk = token.connect(w) as Contract;
  let nonce = await provider.getTransactionCount(w.address, 'pending');
  await receiptOf(provider, (await tk.mint(w.address, 10n ** 15n, { nonce: nonce++ })).hash);
  t = Date.now();
  const recips = Array.from({ length: 100 }, (_, i) => devAccount(9000 + i).address);
  let last = '';
  for (let k = 0; k < 20; k++) {
    const tx = await tk.multiTransfer(recips, recips.map(() => 1n), { nonce: nonce++, gasLimit: 5_000_000 });
    last = tx.hash;
  }
  const r = await receiptOf(provider, last);
  console.log('20 multiTransfer x100', Date.now() - t, r.gasUsed, r.logs.length);
  t = Date.now();
  await node.provider.request({ method: 'evm_setAutomine', params: [false] });
  const hashes = [];
  for (let k = 0; k < 50; k++) hashes.push((await w.sendTransaction({ to: recips[k], value: 1n, nonce: nonce++, gasLimit: 21000 })).hash);
  await node.provider.request({ method: 'evm_mine', params: [] });
  const rr = await receiptOf(provider, hashes[49]!);
  console.log('50 in one block', Date.now() - t, rr.blockNumber);
  provider.destroy();
  await node.close();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
