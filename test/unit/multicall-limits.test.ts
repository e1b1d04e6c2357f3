// Multicall3 balance reads that run out of gas part way (a node whose eth_call gas cap is
// below the call): every read then fails from one on to the end, and read as 0 they would be
// wrong balances. anvil refuses such a call whole (EVM error OutOfGas, see the integration
// test), so a stand-in client answers here as a node that lets the call finish does.
import { expect } from 'chai';
import type { RpcCall, RpcClient, RpcOutcome } from '../../services/chains/rpc/client';
import { multicallBalances } from '../../services/chains/evm/multicall';
import { RetryableError, TraceholdError } from '../../services/errors';

const MULTICALL = '0xca11bde05977b3631167028862be2a173976ca11';
const TOKEN = '0x' + '7'.repeat(40);
const word = (n: bigint | number) => BigInt(n).toString(16).padStart(64, '0');

/** The wallets an aggregate3 call data asks balanceOf for (their last address bytes, as numbers). */
function walletsAsked(data: string): number[] {
  const matches = data.match(/70a08231[0-9a-f]{64}/g) ?? [];
  return matches.map((m) => Number.parseInt(m.slice(-8), 16));
}

/** aggregate3's (bool success, bytes returnData)[], each read a 32-byte word or a failure with no data. */
function results(reads: Array<bigint | null>): string {
  const tuples = reads.map((r) => (r === null ? word(0) + word(64) + word(0) : word(1) + word(64) + word(32) + word(r)));
  let offset = reads.length * 32;
  const heads = tuples.map((t) => {
    const head = word(offset);
    offset += t.length / 2;
    return head;
  });
  return '0x' + word(32) + word(reads.length) + heads.join('') + tuples.join('');
}

/** A node whose reads run out of gas after `capacity` of a call; `refusing` wallets' balanceOf always fails. */
function standIn(capacity: number, refusing = new Set<number>()) {
  const asked: number[] = [];
  const client = {
    async batch(calls: RpcCall[]): Promise<RpcOutcome[]> {
      return calls.map((call) => {
        const wallets = walletsAsked((call.params[0] as { data: string }).data);
        asked.push(wallets.length);
        return { ok: true, result: results(wallets.map((w, i) => (i >= capacity || refusing.has(w) ? null : BigInt(w) * 10n))) };
      });
    },
  } as unknown as RpcClient;
  return { client, asked };
}

const queries = (n: number) => Array.from({ length: n }, (_, i) => ({ address: '0x' + (i + 1).toString(16).padStart(40, '0'), token: TOKEN }));

describe('multicall: balances read out of gas part way', () => {
  it('asks the reads after the last that succeeded again, at most as many per call', async () => {
    const node = standIn(6);
    const limits = { perCall: 10 };
    const amounts = await multicallBalances(node.client, MULTICALL, queries(10), '0x1', limits);
    expect(amounts).to.deep.equal(Array.from({ length: 10 }, (_, i) => BigInt(i + 1) * 10n));
    expect(node.asked).to.deep.equal([10, 4]);
    // Not learnt: a token refusing balanceOf for the last wallets looks the same at first.
    expect(limits.perCall).to.equal(10);
  });

  it('reads a token that refuses balanceOf as 0, asking once more, not again and again', async () => {
    const node = standIn(100, new Set([9, 10]));
    const amounts = await multicallBalances(node.client, MULTICALL, queries(10), '0x1', { perCall: 10 });
    expect(amounts).to.deep.equal([...Array.from({ length: 8 }, (_, i) => BigInt(i + 1) * 10n), 0n, 0n]);
    expect(node.asked).to.deep.equal([10, 2]);
  });

  it('keeps a failure in the middle of a call as 0, without asking again', async () => {
    const node = standIn(100, new Set([4]));
    const amounts = await multicallBalances(node.client, MULTICALL, queries(6), '0x1', { perCall: 10 });
    expect(amounts).to.deep.equal([10n, 20n, 30n, 0n, 50n, 60n]);
    expect(node.asked).to.deep.equal([6]);
  });
});

describe('multicall: an HTTP request its node refuses whole', () => {
  /** A node refusing any request of more than `maxReads` reads with `refusal`. */
  function refusing(maxReads: number, refusal: () => Error) {
    const asked: number[] = [];
    const client = {
      async batch(calls: RpcCall[]): Promise<RpcOutcome[]> {
        const sizes = calls.map((call) => walletsAsked((call.params[0] as { data: string }).data).length);
        asked.push(...sizes);
        if (sizes.some((n) => n > maxReads)) throw refusal();
        return calls.map((call) => ({ ok: true, result: results(walletsAsked((call.params[0] as { data: string }).data).map((w) => BigInt(w))) }));
      },
    } as unknown as RpcClient;
    return { client, asked };
  }

  it('asks again in halves after a 413, and keeps the size that passed', async () => {
    const node = refusing(3, () => new TraceholdError('RPC http://node failed with HTTP 413'));
    const limits = { perCall: 10 };
    const amounts = await multicallBalances(node.client, MULTICALL, queries(10), '0x1', limits);
    expect(amounts).to.deep.equal(Array.from({ length: 10 }, (_, i) => BigInt(i + 1)));
    expect(node.asked).to.deep.equal([10, 5, 5, 3, 2, 3, 2]);
    expect(limits.perCall).to.equal(3);
  });

  it('does not split what the client gave up retrying (a rate limit, a dropped connection)', async () => {
    const node = refusing(3, () => new RetryableError('eth_call: rate limited, gave up after 6 attempts'));
    const error = await multicallBalances(node.client, MULTICALL, queries(10), '0x1', { perCall: 10 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RetryableError);
    expect(node.asked).to.deep.equal([10]);
  });
});

describe('multicall: a node that answers a call out of gas with no data (as Hardhat\'s EDR does)', () => {
  it('looks Multicall3\'s code up once, however many times the call is halved', async () => {
    const asked: number[] = [];
    let codeLookups = 0;
    const client = {
      async batch(calls: RpcCall[]): Promise<RpcOutcome[]> {
        return calls.map((call) => {
          const wallets = walletsAsked((call.params[0] as { data: string }).data);
          asked.push(wallets.length);
          return { ok: true, result: wallets.length > 2 ? '0x' : results(wallets.map((w) => BigInt(w))) };
        });
      },
      async request(method: string): Promise<string> {
        expect(method).to.equal('eth_getCode');
        codeLookups++;
        return '0x6080';
      },
    } as unknown as RpcClient;
    const limits = { perCall: 10 };
    expect(await multicallBalances(client, MULTICALL, queries(10), '0x1', limits)).to.deep.equal(Array.from({ length: 10 }, (_, i) => BigInt(i + 1)));
    expect(asked).to.deep.equal([10, 5, 5, 3, 2, 2, 1, 2, 2, 1]);
    expect(limits.perCall).to.equal(2);
    expect(codeLookups).to.equal(1);
  });
});

