// The callTracer probe against loopback JSON-RPC servers: a real call trace says yes, an empty
// success (what anvil answers for an unknown hash) or a refusal says no, a transient failure
// decides nothing.
import { expect } from 'chai';
import { probeCallTracer } from '../../services/chains/evm/capabilities';
import { createRpcClient } from '../../services/chains/rpc/client';
import { startRpcServer, type CallAnswer } from '../support/evm';

const TX = `0x${'ab'.repeat(32)}`;

async function verdictFor(answer: CallAnswer) {
  const server = await startRpcServer(() => answer);
  const rpc = createRpcClient({ url: server.url, maxConcurrency: 1, batchSize: 10, requestTimeoutMs: 5000, retries: 0 });
  try {
    return await probeCallTracer(rpc, TX);
  } finally {
    await rpc.close();
    await server.close();
  }
}

describe('callTracer probe', () => {
  it('a call trace: available', async () => {
    expect(await verdictFor({ result: { type: 'CALL', from: '0x01', to: '0x02', value: '0x0', calls: [] } })).to.deep.equal({ available: true });
  });
  it('an empty success (struct-log shaped, no frame): not available', async () => {
    const v = await verdictFor({ result: { failed: false, gas: 0, returnValue: '0x', structLogs: [] } });
    expect(v.available).to.equal(false);
  });
  it('a null answer: not available', async () => {
    expect((await verdictFor({ result: null })).available).to.equal(false);
  });
  it('method not found: not available', async () => {
    const v = await verdictFor({ error: { code: -32601, message: 'the method debug_traceTransaction does not exist/is not available' } });
    expect(v).to.include({ available: false });
  });
  it('a rate limit decides nothing: it is thrown', async () => {
    let thrown: unknown;
    await verdictFor({ error: { code: -32005, message: 'rate limit exceeded' } }).catch((e: unknown) => (thrown = e));
    expect(thrown).to.be.instanceOf(Error);
  });
});
