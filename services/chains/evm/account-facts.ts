// Cheap account facts for judging a busy wallet before its history is read: how many
// transactions it sent in a window (two nonces) and whether it has code. One JSON-RPC batch
// for any number of accounts.
import type { RpcClient, RpcCall } from '../rpc/client';
import type { AccountFacts } from '../source';
import { hexToNumber, toHex } from './rpc-types';

/** EIP-7702: an EOA that delegates to code carries 0xef0100 ‖ the delegate's 20 bytes. */
const DELEGATION_PREFIX = '0xef0100';
const DELEGATION_SIZE = 23;

export async function readAccountFacts(
  rpc: RpcClient, queries: ReadonlyArray<{ address: string; fromBlock: number }>, toBlock: number,
): Promise<Array<AccountFacts | null>> {
  if (queries.length === 0) return [];
  const end = toHex(toBlock);
  const calls: RpcCall[] = [];
  for (const q of queries) {
    calls.push({ method: 'eth_getTransactionCount', params: [q.address, end] });
    calls.push({ method: 'eth_getCode', params: [q.address, end] });
    // Before block 0 there is nothing: the nonce was 0.
    if (q.fromBlock > 0) calls.push({ method: 'eth_getTransactionCount', params: [q.address, toHex(q.fromBlock - 1)] });
  }
  const outcomes = await rpc.batch(calls);
  let i = 0;
  return queries.map((q) => {
    const [nonceAfter, code, nonceBefore] = [outcomes[i++]!, outcomes[i++]!, q.fromBlock > 0 ? outcomes[i++]! : { ok: true as const, result: '0x0' }];
    // A node without archive state for the window's start cannot tell: no facts, no verdict.
    if (!nonceAfter.ok || !code.ok || !nonceBefore.ok) return null;
    const hex = typeof code.result === 'string' ? code.result.toLowerCase() : '0x';
    const codeSize = Math.max(0, (hex.length - 2) / 2);
    return {
      address: q.address,
      sentTxs: Math.max(0, hexToNumber(nonceAfter.result as string) - hexToNumber(nonceBefore.result as string)),
      codeSize,
      delegated: codeSize === DELEGATION_SIZE && hex.startsWith(DELEGATION_PREFIX),
    };
  });
}
