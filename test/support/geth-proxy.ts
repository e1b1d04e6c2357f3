// A node without trace_* in front of anvil: geth (and most hosted endpoints) answer trace_filter,
// trace_transaction, trace_block… with -32601 and serve only debug_traceTransaction. Every other
// call is forwarded unchanged, so the same chain can be traced both ways.
import { forward, startRpcServer, type TestRpcServer } from './evm';

export interface GethLikeProxy extends TestRpcServer {
  /** trace_* calls refused so far. */
  refused(): number;
}

export async function startGethLikeProxy(targetUrl: string): Promise<GethLikeProxy> {
  let refused = 0;
  const server = await startRpcServer((call) => {
    if (call.method.startsWith('trace_')) {
      refused += 1;
      return { error: { code: -32601, message: `the method ${call.method} does not exist/is not available` } };
    }
    return forward(targetUrl, call);
  });
  return { ...server, refused: () => refused };
}
