// Balances through Multicall3: one eth_call reads hundreds of balances at a block, where
// plain JSON-RPC needs one call per address (providers bill per call, batched or not).
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RpcCall, RpcClient } from '../rpc/client';
import { sendInBatches } from './call-batches';

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
 * Reads per aggregate3 call, at most (see MulticallLimits). 2,000 cold balanceOf reads estimate
 * at 11.7M gas on anvil, 2,000 getEthBalance reads at 12.4M on Hardhat's EDR (1,000 at 5.6M and
 * 5.9M: memory grows the cost a little faster than the reads), with 900 kB of call data: under
 * the 16,777,216 gas a transaction may use since Osaka (EIP-7825), which EDR applies to eth_call
 * too (it ran 3,000 reads out of gas; other nodes may do the same). A run reads every ledger's balance at its toBlock:
 * 95,000 at the bench's 100k, 48 calls instead of 95 at 1,000 (providers bill a call, not its
 * gas). A node with a lower cap or body limit refuses the call, or runs the reads out of gas
 * part way: multicallBalances asks again in smaller calls.
 */
export const BALANCES_PER_CALL = 2000;

/** The reads per aggregate3 call a source has learnt its node takes (see multicallBalances). */
export interface MulticallLimits {
  perCall: number;
}

/**
 * Balances at `blockTag`, in query order, or null when Multicall3 has no code there (a
 * block before its deployment): the caller then asks one by one. A failing balanceOf (not
 * a token) reads as 0, as it does one by one. An aggregate3 call the node refuses (its eth_call
 * gas cap, its body limit) is asked again in halves, and `limits.perCall` keeps the half for
 * the source's later reads; a refusal of a single read is thrown.
 */
export async function multicallBalances(
  rpc: RpcClient, multicall: string, queries: MulticallBalanceQuery[], blockTag: string, limits: MulticallLimits = { perCall: BALANCES_PER_CALL },
): Promise<bigint[] | null> {
  return readBalances(rpc, multicall, queries, blockTag, limits, { hasCode: false });
}

/** multicallBalances, told whether Multicall3's code was seen at the block (asked again in parts, it is not looked up again). */
async function readBalances(
  rpc: RpcClient, multicall: string, queries: MulticallBalanceQuery[], blockTag: string, limits: MulticallLimits, seen: { hasCode: boolean },
): Promise<bigint[] | null> {
  // Each call carries ~450 kB of call data per 1,000 reads: 90,000 balances (the bench's 100k
  // case) are 40 MB, encoded and sent in batches under MAX_BATCH_BODY with turns for the event
  // loop between (in one stretch they blocked the worker for 0.7 s; see call-batches.ts).
  const chunks: MulticallBalanceQuery[][] = [];
  for (let i = 0; i < queries.length; i += limits.perCall) chunks.push(queries.slice(i, i + limits.perCall));
  function* calls(): Generator<RpcCall> {
    for (const chunk of chunks) yield { method: 'eth_call', params: [{ to: multicall, data: encodeAggregate3(chunk.map((q) => balanceCall(q, multicall))) }, blockTag] };
  }
  const outcomes = await sendInBatches(rpc, calls(), (call) => (call.params[0] as { data: string }).data.length, MAX_BATCH_BODY, REFUSED_AS_TOO_BIG);
  // No data: Multicall3 has no code at the block, or (on a node that answers a failed call with
  // no data instead of an error, as Hardhat's does) the call ran out of gas. The code says which.
  if (!seen.hasCode && outcomes.some((o) => o.ok && o.result === '0x')) {
    if ((await rpc.request<string>('eth_getCode', [multicall, blockTag])) === '0x') return null;
    seen.hasCode = true;
  }
  const amounts: bigint[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    const chunk = chunks[i]!;
    if (!outcome.ok || outcome.result === '0x') {
      if (!outcome.ok && !REFUSED_AS_TOO_BIG.test(outcome.error.message)) throw outcome.error;
      if (chunk.length < 2) throw outcome.ok ? new Error(`Multicall3 answered no data for one balance at block ${blockTag}`) : outcome.error;
      limits.perCall = Math.min(limits.perCall, Math.ceil(chunk.length / 2));
      const again = await readBalances(rpc, multicall, chunk, blockTag, limits, seen);
      if (again === null) return null;
      for (const amount of again) amounts.push(amount);
      continue;
    }
    const results = decodeAggregate3Result(outcome.result as string);
    // Out of gas part way (a node whose gas cap is below the call's needs): each read is given
    // 63/64 of what is left, so the reads fail from one on to the end, and read as 0 they would
    // be wrong. Those after the last read that succeeded are asked again, at most as many per
    // call as succeeded. A token that refuses balanceOf fails again at once and reads as 0; as
    // it could be that, nothing is learnt for later reads.
    const kept = lastSuccess(results) + 1;
    for (const r of results.slice(0, kept)) amounts.push(r.success && r.returnData.length >= 64 ? BigInt('0x' + r.returnData.slice(0, 64)) : 0n);
    if (kept < results.length && kept > 0) {
      const again = await readBalances(rpc, multicall, chunk.slice(kept), blockTag, { perCall: kept }, seen);
      if (again === null) return null;
      for (const amount of again) amounts.push(amount);
    } else {
      for (let k = kept; k < results.length; k++) amounts.push(0n);
    }
    await nextTurn();
  }
  return amounts;
}

/**
 * A refusal of a call's size: the node's eth_call gas cap, or its body or time limit. (Rate
 * limits and dropped connections come as RetryableError, retried by the client, never split.)
 */
const REFUSED_AS_TOO_BIG = /gas|exceed|too (large|big|long)|limit|size|invalid request|time(d)? ?out|HTTP 413/i;

function lastSuccess(results: { success: boolean }[]): number {
  for (let k = results.length - 1; k >= 0; k--) if (results[k]!.success) return k;
  return -1;
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
