// Balances through Multicall3: one eth_call reads hundreds of balances at a block, where
// plain JSON-RPC needs one call per address (providers bill per call, batched or not).
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RpcCall, RpcClient } from '../rpc/client';

/** Multicall3's address on Ethereum and most EVM chains (the same everywhere). */
export const MULTICALL3_ADDRESS = '0xca11bde05977b3631167028862be2a173976ca11';

// Selectors of aggregate3((address,bool,bytes)[]), getEthBalance(address), balanceOf(address).
// The calls are encoded by hand: through a generic ABI coder, thousands of balance reads
// took seconds of CPU in one synchronous stretch (a selector hashed per call, every byte
// string converted twice), blocking the worker's event loop.
const AGGREGATE3 = '82ad56cb';
const GET_ETH_BALANCE = '4d2301cc';
const BALANCE_OF = '70a08231';

/** Characters of call data per HTTP batch of aggregate3 calls. */
const MAX_BATCH_BODY = 1_000_000;

export interface MulticallBalanceQuery {
  address: string;
  /** null for the native coin. */
  token: string | null;
}

/**
 * Reads per aggregate3 call. 1,000 (half balanceOf, half getEthBalance, cold accounts)
 * estimate at 5.7M gas on anvil and 450 kB of call data: far under the 50M eth_call gas cap
 * of geth and the usual providers. A run reads every ledger's balance at its toBlock, so
 * this divides the calls of a 10k-wallet case by three against 300.
 */
export const BALANCES_PER_CALL = 1000;

/**
 * Balances at `blockTag`, in query order, or null when Multicall3 has no code there (a
 * block before its deployment): the caller then asks one by one. A failing balanceOf (not
 * a token) reads as 0, as it does one by one.
 */
export async function multicallBalances(
  rpc: RpcClient, multicall: string, queries: MulticallBalanceQuery[], blockTag: string, chunkSize = BALANCES_PER_CALL,
): Promise<bigint[] | null> {
  // Each call carries ~450 kB of call data: a whole wallet set's reads in one HTTP batch would
  // pass the body limit of nodes and gateways (anvil refuses a few MB as an invalid request),
  // so the batches stay under MAX_BATCH_BODY (same calls, a few more HTTP requests). A batch
  // is sent as soon as it is full and the event loop gets a turn before the next is encoded:
  // 90,000 balances (the bench's 100k case) are 40 MB of call data, encoded and serialised
  // in one stretch they blocked the worker for 0.7 s.
  const sent: Array<Promise<string[]>> = [];
  let group: RpcCall[] = [];
  let size = 0;
  const send = () => {
    if (group.length === 0) return;
    const replies = rpc.batchResults<string>(group);
    replies.catch(() => undefined); // awaited below; not "unhandled" while later batches are encoded
    sent.push(replies);
    group = [];
    size = 0;
  };
  for (let i = 0; i < queries.length; i += chunkSize) {
    const data = encodeAggregate3(queries.slice(i, i + chunkSize).map((q) => balanceCall(q, multicall)));
    if (size + data.length > MAX_BATCH_BODY) {
      send();
      await nextTurn();
    }
    group.push({ method: 'eth_call', params: [{ to: multicall, data }, blockTag] });
    size += data.length;
  }
  send();
  const replies = (await Promise.all(sent)).flat();
  if (replies.some((r) => r === '0x')) return null;
  const amounts: bigint[] = [];
  for (const reply of replies) {
    for (const r of decodeAggregate3Result(reply)) amounts.push(r.success && r.returnData.length >= 64 ? BigInt('0x' + r.returnData.slice(0, 64)) : 0n);
    await nextTurn();
  }
  return amounts;
}

interface Call3 {
  target: string;
  /** Hex without 0x. */
  callData: string;
}

const word = (n: number) => n.toString(16).padStart(64, '0');
const addressWord = (address: string) => address.slice(2).toLowerCase().padStart(64, '0');

function balanceCall(q: MulticallBalanceQuery, multicall: string): Call3 {
  return q.token
    ? { target: q.token, callData: BALANCE_OF + addressWord(q.address) }
    : { target: multicall, callData: GET_ETH_BALANCE + addressWord(q.address) };
}

/** aggregate3(calls) with allowFailure = true on every call, ABI-encoded as 0x-hex. */
export function encodeAggregate3(calls: Call3[]): string {
  const heads: string[] = [];
  const tails: string[] = [];
  let offset = calls.length * 32;
  for (const c of calls) {
    heads.push(word(offset));
    const bytes = c.callData.length / 2;
    const padded = c.callData.padEnd(Math.ceil(bytes / 32) * 64, '0');
    // (address target, bool allowFailure, bytes callData): two words, the offset of the bytes (3 words in), then them
    const tuple = addressWord(c.target) + word(1) + word(96) + word(bytes) + padded;
    tails.push(tuple);
    offset += tuple.length / 2;
  }
  return '0x' + AGGREGATE3 + word(32) + word(calls.length) + heads.join('') + tails.join('');
}

/** The (bool success, bytes returnData)[] aggregate3 returns; returnData as hex without 0x. */
export function decodeAggregate3Result(hex: string): { success: boolean; returnData: string }[] {
  const data = hex.startsWith('0x') ? hex.slice(2) : hex;
  const at = (byte: number) => {
    const w = data.slice(byte * 2, byte * 2 + 64);
    if (w.length !== 64) throw new RangeError(`aggregate3 result too short at byte ${byte}`);
    return Number.parseInt(w, 16);
  };
  const array = at(0);
  const n = at(array);
  const base = array + 32;
  const out: { success: boolean; returnData: string }[] = [];
  for (let i = 0; i < n; i++) {
    const tuple = base + at(base + i * 32);
    const bytesAt = tuple + at(tuple + 32);
    const length = at(bytesAt);
    out.push({ success: at(tuple) !== 0, returnData: data.slice((bytesAt + 32) * 2, (bytesAt + 32 + length) * 2) });
  }
  return out;
}
