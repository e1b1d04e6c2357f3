// Balances through a reader placed by eth_call's state override: BalanceReader.sol's runtime
// code at an unused address for the one call, nothing deployed. One call reads as many balances
// as the node's eth_call gas allows (the reader stops before running out and says how many it
// read), on any chain and at any block since Byzantium, where Multicall3 needs a deployment
// (and is configured per chain from its deployment block on). Per read it costs a tenth of
// Multicall3's call data (40 hex characters against 448) and ~3,500 gas with it, against
// Multicall3's ~5,800 (anvil: 4,796 token reads fitted 16,777,216 gas), so a 100k case's
// 95,000 balances take 24 calls instead of 48.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { appendAll } from '../../domain/arrays';
import { RetryableError } from '../../errors';
import type { RpcCall, RpcClient } from '../rpc/client';
import { sendInBatches } from './call-batches';
import type { MulticallBalanceQuery } from './multicall';

/**
 * BalanceReader.sol compiled by solc 0.8.28, optimizer on (200 runs), EVM version byzantium (no
 * PUSH0 or SHR: it runs at old blocks too), no metadata. test/unit/balance-reader.test.ts
 * compiles the source again and fails if the two differ.
 */
export const BALANCE_READER_CODE =
  '0x6080604052348015600f57600080fd5b50601f19360160148106602036101715602757600080fd5b6000356014820491507f70a082310000000000000000000000000000000000000000000000000000000060005260005b8281101560df57620186a05a1060df576c01000000000000000000000000602060148302013504600083801560c5578260045260008060246000885afa61c3505a108115161560a8575050505060df565b60203d101581161560c0576020600060403e60405192505b5060ca565b823191505b50602060019390930192830260800152506057565b80608052602060018201026080f3';

/** Where the call places the reader: an address with no key and no code on any chain we know of. */
export const BALANCE_READER_ADDRESS = '0x000000000000000000000000000000000000ba1a';

/**
 * Holders asked per call at first: 4,000 reads are ~14M gas at ~3,500 a read, under the
 * 16,777,216 a transaction may use since Osaka (EIP-7825), which Hardhat's EDR applies to
 * eth_call. A node that gives a call less gas gets fewer read and the rest asked again, and
 * the source asks that many per call from then on.
 */
export const READS_PER_CALL = 4000;

/** Characters of call data per HTTP batch of reader calls (the code travels with each call). */
const MAX_BATCH_BODY = 1_000_000;

/** What a source has learnt of its node: whether it takes state overrides, how many reads fit a call. */
export interface ReaderState {
  /** undefined until a call answers; false: the node ignored or refused the override (never asked again). */
  supported: boolean | undefined;
  perCall: number;
}

export function readerState(): ReaderState {
  return { supported: undefined, perCall: READS_PER_CALL };
}

/**
 * Balances at `blockTag`, in query order, with a hole (undefined) at each the reader could not
 * give (the caller reads those another way): their call was refused otherwise than for its
 * size, or one read wanted more gas than a whole call has. Null: the node takes no state
 * override (then `state.supported` is false and it is not asked again), and the caller reads
 * them all another way. A token whose balanceOf fails or answers short reads as 0, as through
 * Multicall3 and one by one. A rate limit or dropped connection (RetryableError) is thrown.
 */
export async function readerBalances(rpc: RpcClient, queries: MulticallBalanceQuery[], blockTag: string, state: ReaderState): Promise<Array<bigint | undefined> | null> {
  if (state.supported === false) return null;
  // The reader takes one token per call: the queries grouped by token, in order within each,
  // and every group's calls sent at once.
  const byToken = new Map<string, number[]>();
  for (let i = 0; i < queries.length; i++) {
    const token = queries[i]!.token ?? NATIVE;
    let positions = byToken.get(token);
    if (!positions) byToken.set(token, (positions = []));
    positions.push(i);
  }
  const asks: Ask[] = [];
  // Not asks.push(...split()): a size learnt small (one read a call) makes an ask per holder,
  // and past ~120,000 arguments a call overflows the stack.
  for (const [token, positions] of byToken) appendAll(asks, split(token, positions, state.perCall));
  const amounts = new Array<bigint | undefined>(queries.length).fill(undefined);
  return (await readAsks(rpc, asks, queries, blockTag, state, amounts)) ? amounts : null;
}

const NATIVE = '0x0000000000000000000000000000000000000000';

/** One reader call: a token and the positions of its holders among the queries. */
interface Ask {
  token: string;
  positions: number[];
}

function split(token: string, positions: number[], perCall: number): Ask[] {
  const asks: Ask[] = [];
  for (let i = 0; i < positions.length; i += perCall) asks.push({ token, positions: positions.slice(i, i + perCall) });
  return asks;
}

/**
 * Each ask's balances set into `amounts` at its positions; an ask the node refused otherwise
 * than for its size leaves its positions unset. False: the node takes no state override (see
 * readerBalances).
 */
async function readAsks(
  rpc: RpcClient, asks: Ask[], queries: MulticallBalanceQuery[], blockTag: string, state: ReaderState, amounts: Array<bigint | undefined>,
): Promise<boolean> {
  function* calls(): Generator<RpcCall> {
    for (const a of asks) yield readerCall(a.token, a.positions.map((i) => queries[i]!.address), blockTag);
  }
  const outcomes = await sendInBatches(rpc, calls(), (call) => (call.params[0] as { data: string }).data.length + BALANCE_READER_CODE.length, MAX_BATCH_BODY, REFUSED_AS_TOO_BIG);
  const again = (token: string, positions: number[]) => readAsks(rpc, split(token, positions, state.perCall), queries, blockTag, state, amounts);
  for (const [k, outcome] of outcomes.entries()) {
    const { token, positions } = asks[k]!;
    if (!outcome.ok) {
      if (outcome.error instanceof RetryableError) throw outcome.error;
      if (REFUSED_AS_TOO_BIG.test(outcome.error.message) && positions.length > 1) {
        // A body or time limit (the gas cap the reader keeps to itself): halves, and the size kept.
        state.perCall = Math.min(state.perCall, Math.ceil(positions.length / 2));
        if (!(await again(token, positions))) return false;
        continue;
      }
      // A node without state overrides refuses the third parameter: not asked again. Any other
      // refusal (the reader's opcodes at a block before Byzantium, say): this ask's holders are
      // read another way, the others' balances kept.
      if (refusesOverrides(outcome.error)) {
        state.supported = false;
        return false;
      }
      continue;
    }
    const read = decodeReaderResult(outcome.result, positions.length);
    if (read === null) {
      // No data, or not the reader's answer: the node ran the call without the override.
      if (state.supported) throw new Error(`the balance reader answered ${String(outcome.result).slice(0, 80)} for ${positions.length} holders at block ${blockTag}`);
      state.supported = false;
      return false;
    }
    state.supported = true;
    // None read: one read wanted more gas than a whole call has (this ask is read another way).
    if (read.length === 0) continue;
    read.forEach((amount, j) => (amounts[positions[j]!] = amount));
    if (read.length < positions.length) {
      // The node's gas ran short of the call: the rest asked again, and that many per call from now on.
      state.perCall = Math.min(state.perCall, read.length);
      if (!(await again(token, positions.slice(read.length)))) return false;
    }
    await nextTurn();
  }
  return true;
}

/** The reader's call for `holders` of `token` (NATIVE: the native coin) at `blockTag`. */
export function readerCall(token: string, holders: string[], blockTag: string): RpcCall {
  let data = '0x' + token.slice(2).toLowerCase().padStart(64, '0');
  for (const h of holders) data += h.slice(2).toLowerCase();
  return { method: 'eth_call', params: [{ to: BALANCE_READER_ADDRESS, data }, blockTag, { [BALANCE_READER_ADDRESS]: { code: BALANCE_READER_CODE } }] };
}

/** The balances the reader returned (as many as it read, at most `asked`), or null when the answer is not the reader's. */
export function decodeReaderResult(result: unknown, asked: number): bigint[] | null {
  if (typeof result !== 'string' || !/^0x[0-9a-fA-F]*$/.test(result) || result.length < 66) return null;
  const count = Number.parseInt(result.slice(2, 66), 16);
  if (!Number.isSafeInteger(count) || count > asked || result.length !== 2 + 64 * (count + 1)) return null;
  const out = new Array<bigint>(count);
  for (let k = 0; k < count; k++) out[k] = BigInt('0x' + result.slice(66 + 64 * k, 130 + 64 * k));
  return out;
}

/** A node's refusal of eth_call's third parameter (invalid params, or words to that effect). */
function refusesOverrides(error: Error): boolean {
  const code = (error as { rpcCode?: unknown }).rpcCode;
  return code === -32602 || /override|argument|param/i.test(error.message);
}

/** A refusal of a call's size: the node's body or time limit. Rate limits and dropped connections come as RetryableError. */
const REFUSED_AS_TOO_BIG = /exceed|too (large|big|long)|size|time(d)? ?out|HTTP 413/i;
