// Balances through Multicall3: one eth_call reads hundreds of balances at a block, where
// plain JSON-RPC needs one call per address (providers bill per call, batched or not).
import { Interface } from 'ethers';
import type { RpcClient } from '../rpc/client';

/** Multicall3's address on Ethereum and most EVM chains (the same everywhere). */
export const MULTICALL3_ADDRESS = '0xca11bde05977b3631167028862be2a173976ca11';

const MULTICALL3 = new Interface([
  'function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)',
  'function getEthBalance(address addr) view returns (uint256 balance)',
]);
const ERC20 = new Interface(['function balanceOf(address owner) view returns (uint256)']);

export interface MulticallBalanceQuery {
  address: string;
  /** null for the native coin. */
  token: string | null;
}

/**
 * Balances at `blockTag`, in query order, or null when Multicall3 has no code there (a
 * block before its deployment): the caller then asks one by one. A failing balanceOf (not
 * a token) reads as 0, as it does one by one.
 */
export async function multicallBalances(
  rpc: RpcClient, multicall: string, queries: MulticallBalanceQuery[], blockTag: string, chunkSize = 300,
): Promise<bigint[] | null> {
  const chunks: MulticallBalanceQuery[][] = [];
  for (let i = 0; i < queries.length; i += chunkSize) chunks.push(queries.slice(i, i + chunkSize));
  const replies = await rpc.batchResults<string>(chunks.map((chunk) => ({
    method: 'eth_call',
    params: [{
      to: multicall,
      data: MULTICALL3.encodeFunctionData('aggregate3', [chunk.map((q) => ({
        target: q.token ?? multicall,
        allowFailure: true,
        callData: q.token ? ERC20.encodeFunctionData('balanceOf', [q.address]) : MULTICALL3.encodeFunctionData('getEthBalance', [q.address]),
      }))]),
    }, blockTag],
  })));
  if (replies.some((r) => r === '0x')) return null;
  return replies.flatMap((reply) => {
    const [results] = MULTICALL3.decodeFunctionResult('aggregate3', reply) as unknown as [{ success: boolean; returnData: string }[]];
    return results.map((r) => (r.success && r.returnData.length >= 66 ? BigInt(r.returnData.slice(0, 66)) : 0n));
  });
}
