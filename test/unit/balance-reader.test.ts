// The balance reader placed by eth_call's state override: its code is BalanceReader.sol's, and
// readerBalances copes with what nodes answer. Real nodes (anvil, Hardhat's EDR) run it in
// test/integration/balance-reader.test.ts; a stand-in client answers here as nodes do that
// cannot run here: one that ignores the override, one that refuses the parameter, one whose
// gas runs short, one that refuses a body's size.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { BALANCE_READER_ADDRESS, BALANCE_READER_CODE, readerBalances, readerState } from '../../services/chains/evm/balance-reader';
import type { RpcCall, RpcClient, RpcOutcome } from '../../services/chains/rpc/client';
import { RpcResponseError } from '../../services/chains/rpc/errors';
import { RetryableError, TraceholdError } from '../../services/errors';

const TOKEN = '0x' + '7'.repeat(40);
const NATIVE = '0x' + '0'.repeat(40);
const word = (n: bigint | number) => BigInt(n).toString(16).padStart(64, '0');

/** The token and holders (their last bytes, as numbers) a reader call asks for. */
function asked(call: RpcCall): { token: string; holders: number[] } {
  const data = (call.params[0] as { data: string }).data.slice(2);
  const holders: number[] = [];
  for (let i = 64; i < data.length; i += 40) holders.push(Number.parseInt(data.slice(i + 32, i + 40), 16));
  return { token: '0x' + data.slice(24, 64), holders };
}

/** The reader's answer: the count read, then each balance (holder × 10, × 1,000 for the native coin). */
function answer(token: string, holders: number[]): string {
  return '0x' + word(holders.length) + holders.map((h) => word(BigInt(h) * (token === NATIVE ? 1_000n : 10n))).join('');
}

/** The opcodes of EVM code, push data skipped. */
function opcodes(code: string): number[] {
  const bytes = Buffer.from(code.slice(2), 'hex');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const op = bytes[i]!;
    out.push(op);
    if (op >= 0x60 && op <= 0x7f) i += op - 0x5f;
  }
  return out;
}

type Answer = (call: RpcCall, index: number) => RpcOutcome;

/** A node answering each reader call with `answerOf`; `calls` records what it was asked. */
function standIn(answerOf: Answer) {
  const calls: Array<{ token: string; holders: number[]; override: unknown }> = [];
  const client = {
    async batch(batch: RpcCall[]): Promise<RpcOutcome[]> {
      return batch.map((call) => {
        calls.push({ ...asked(call), override: call.params[2] });
        return answerOf(call, calls.length - 1);
      });
    },
  } as unknown as RpcClient;
  return { client, calls };
}

/** A node that runs the reader with gas for `capacity` reads a call. */
const withGasFor = (capacity: number): Answer => (call) => {
  const { token, holders } = asked(call);
  return { ok: true, result: answer(token, holders.slice(0, capacity)) };
};

const holders = (n: number, token: string | null = TOKEN) => Array.from({ length: n }, (_, i) => ({ address: '0x' + (i + 1).toString(16).padStart(40, '0'), token }));
const tenEach = (n: number) => Array.from({ length: n }, (_, i) => BigInt(i + 1) * 10n);

describe('balance reader: the code placed by the override', () => {
  it('is BalanceReader.sol compiled for Byzantium without metadata', function () {
    this.timeout(60_000);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const solc = require('solc') as { compile(input: string): string };
    const file = path.join(__dirname, '../../services/chains/evm/BalanceReader.sol');
    const input = {
      language: 'Solidity',
      sources: { 'BalanceReader.sol': { content: readFileSync(file, 'utf8') } },
      settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'byzantium', metadata: { appendCBOR: false }, outputSelection: { '*': { '*': ['evm.deployedBytecode.object'] } } },
    };
    const output = JSON.parse(solc.compile(JSON.stringify(input))) as { contracts: Record<string, Record<string, { evm: { deployedBytecode: { object: string } } }>> };
    const compiled = '0x' + output.contracts['BalanceReader.sol']!.BalanceReader!.evm.deployedBytecode.object;
    expect(BALANCE_READER_CODE, 'BALANCE_READER_CODE in balance-reader.ts is stale: set it to the compiled code').to.equal(compiled);
    // None of the opcodes later forks brought (SHL/SHR/SAR, EXTCODEHASH, SELFBALANCE, BASEFEE,
    // TLOAD/TSTORE, MCOPY, PUSH0): it runs at any block since Byzantium.
    expect(opcodes(compiled).filter((op) => [0x1b, 0x1c, 0x1d, 0x3f, 0x47, 0x48, 0x5c, 0x5d, 0x5e, 0x5f].includes(op))).to.deep.equal([]);
    expect(opcodes(compiled)).to.include.members([0xfa, 0x31]); // STATICCALL, BALANCE: the reads themselves
  });
});

describe('balance reader: reads', () => {
  it('asks for each token apart and gives the balances back in query order', async () => {
    const node = standIn(withGasFor(100));
    const mixed = [...holders(3), ...holders(2, null), ...holders(1, '0x' + '8'.repeat(40))];
    const order = [0, 3, 1, 5, 4, 2].map((i) => mixed[i]!);
    const amounts = await readerBalances(node.client, order, '0x10', readerState());
    expect(amounts).to.deep.equal([10n, 1_000n, 20n, 10n, 2_000n, 30n]);
    expect(node.calls.map((c) => [c.token, c.holders])).to.deep.equal([[TOKEN, [1, 2, 3]], [NATIVE, [1, 2]], ['0x' + '8'.repeat(40), [1]]]);
    expect(node.calls[0]!.override).to.deep.equal({ [BALANCE_READER_ADDRESS]: { code: BALANCE_READER_CODE } });
  });

  it('asks again for what a call\'s gas did not reach, and that many per call from then on', async () => {
    const node = standIn(withGasFor(4));
    const state = { ...readerState(), perCall: 10 };
    expect(await readerBalances(node.client, holders(10), '0x10', state)).to.deep.equal(tenEach(10));
    expect(node.calls.map((c) => c.holders.length), 'the rest at the size learnt').to.deep.equal([10, 4, 2]);
    expect(state).to.deep.equal({ supported: true, perCall: 4 });
    node.calls.length = 0;
    expect(await readerBalances(node.client, holders(10), '0x10', state)).to.deep.equal(tenEach(10));
    expect(node.calls.map((c) => c.holders.length), 'none asked again at the size learnt').to.deep.equal([4, 4, 2]);
  });

  it('reads 200,000 holders one per call (a size learnt from a node whose gas reaches one read)', async function () {
    this.timeout(60_000);
    // One ask a holder: past ~120,000, `asks.push(...split())` overflowed the stack.
    const node = standIn(withGasFor(1));
    const state = { supported: true, perCall: 1 };
    const amounts = await readerBalances(node.client, holders(200_000), '0x10', state);
    expect(node.calls.length).to.equal(200_000);
    expect(amounts!.length).to.equal(200_000);
    expect([amounts![0], amounts![199_999]]).to.deep.equal([10n, 2_000_000n]);
  });

  it('leaves holes where a call reads nothing: one read wants more gas than a call has', async () => {
    const node = standIn(withGasFor(0));
    const state = readerState();
    expect(await readerBalances(node.client, holders(3), '0x10', state)).to.deep.equal([undefined, undefined, undefined]);
    expect(state.supported).to.equal(true); // the node runs the reader; the caller reads these another way
  });
});

describe('balance reader: nodes without state overrides', () => {
  it('a node that ignores the override (no code there: no data) is not asked again', async () => {
    const node = standIn(() => ({ ok: true, result: '0x' }));
    const state = readerState();
    expect(await readerBalances(node.client, holders(5), '0x10', state)).to.equal(null);
    expect(await readerBalances(node.client, holders(5), '0x10', state)).to.equal(null);
    expect(state.supported).to.equal(false);
    expect(node.calls).to.have.length(1);
  });

  it('a node that refuses the third parameter is not asked again', async () => {
    const node = standIn(() => ({ ok: false, error: new RpcResponseError('eth_call', { code: -32602, message: 'Expected between 1 and 2 arguments and got 3' }) }));
    const state = readerState();
    expect(await readerBalances(node.client, holders(5), '0x10', state)).to.equal(null);
    expect(state.supported).to.equal(false);
  });

  it('any other refusal leaves that call\'s holders unread and keeps the others\' balances (the reader at a block before Byzantium, say)', async () => {
    const node = standIn((call) => {
      const { token, holders: asked_ } = asked(call);
      if (token === TOKEN) return { ok: false, error: new RpcResponseError('eth_call', { code: -32000, message: 'invalid opcode: STATICCALL' }) };
      return { ok: true, result: answer(token, asked_) };
    });
    const state = readerState();
    const mixed = [...holders(2), ...holders(2, null)];
    expect(await readerBalances(node.client, [mixed[0]!, mixed[2]!, mixed[1]!, mixed[3]!], '0x10', state)).to.deep.equal([undefined, 1_000n, undefined, 2_000n]);
    expect(state.supported).to.equal(true);
    const refusedOnly = readerState();
    expect(await readerBalances(node.client, holders(5), '0x10', refusedOnly)).to.deep.equal(new Array(5).fill(undefined));
    expect(refusedOnly.supported, 'a refusal says nothing of overrides').to.equal(undefined);
  });

  it('an answer that is not the reader\'s is not taken for balances', async () => {
    for (const result of ['0x' + word(1), '0x' + word(7) + word(1), '0x' + word(1) + word(5) + '00', 'nonsense', null]) {
      const state = readerState();
      expect(await readerBalances(standIn(() => ({ ok: true, result })).client, holders(2), '0x10', state), String(result)).to.equal(null);
      expect(state.supported).to.equal(false);
    }
    // Once the node has run the reader, such an answer is an error, not a reason to stop asking.
    const state = { ...readerState(), supported: true };
    const error = await readerBalances(standIn(() => ({ ok: true, result: '0x' })).client, holders(2), '0x10', state).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/balance reader answered 0x for 2 holders at block 0x10/);
  });
});

describe('balance reader: refusals of size and retryable failures', () => {
  it('a body its node refuses (HTTP 413) is asked again in halves, and the size that passed kept', async () => {
    const calls: number[] = [];
    const client = {
      async batch(batch: RpcCall[]): Promise<RpcOutcome[]> {
        const sizes = batch.map((c) => asked(c).holders.length);
        calls.push(...sizes);
        if (sizes.some((n) => n > 3)) throw new TraceholdError('RPC http://node failed with HTTP 413');
        return batch.map((c) => ({ ok: true, result: answer(TOKEN, asked(c).holders) }));
      },
    } as unknown as RpcClient;
    const state = { ...readerState(), perCall: 10 };
    expect(await readerBalances(client, holders(10), '0x10', state)).to.deep.equal(tenEach(10));
    expect(calls).to.deep.equal([10, 5, 5, 3, 2, 3, 2]);
    expect(state.perCall).to.equal(3);
  });

  it('throws what the client gave up retrying, without splitting it or giving up the reader', async () => {
    const client = {
      async batch(): Promise<RpcOutcome[]> {
        throw new RetryableError('eth_call: rate limited, gave up after 6 attempts');
      },
    } as unknown as RpcClient;
    const state = readerState();
    const error = await readerBalances(client, holders(10), '0x10', state).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RetryableError);
    expect(state.supported).to.equal(undefined);
  });
});
