// Loopback JSON-RPC servers for EVM tests: a fault-injecting proxy in front of the dev node,
// and a server replaying recorded mainnet replies. Real sockets, no mocks.
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface WireCall {
  id: unknown;
  method: string;
  params: unknown[];
}

/** What the handler answers for one call: a result, or a JSON-RPC error. */
export type CallAnswer = { result: unknown } | { error: { code: number; message: string } };

export interface TestRpcServer {
  url: string;
  /** Calls received, in arrival order. */
  calls: WireCall[];
  close(): Promise<void>;
}

/** A JSON-RPC server (batches included) whose every call is answered by `handler`. */
export async function startRpcServer(handler: (call: WireCall) => Promise<CallAnswer> | CallAnswer): Promise<TestRpcServer> {
  const calls: WireCall[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WireCall | WireCall[];
        const list = Array.isArray(body) ? body : [body];
        const replies = [];
        for (const call of list) {
          calls.push(call);
          replies.push({ jsonrpc: '2.0', id: call.id, ...(await handler(call)) });
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Array.isArray(body) ? replies : replies[0]));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Forward one call to a JSON-RPC endpoint (no batching: the proxy decides per call). */
export async function forward(url: string, call: WireCall): Promise<CallAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: call.method, params: call.params }),
  });
  const reply = (await response.json()) as CallAnswer;
  return 'error' in reply && reply.error ? { error: reply.error } : { result: (reply as { result: unknown }).result };
}

/**
 * A proxy that refuses eth_getLogs spanning more than `maxLogSpan` blocks the way Infura
 * and Alchemy do (-32005 with a hint), and forwards everything else.
 */
export async function startLogRangeProxy(targetUrl: string, maxLogSpan: number): Promise<TestRpcServer & { refused: () => number }> {
  let refused = 0;
  const server = await startRpcServer(async (call) => {
    if (call.method === 'eth_getLogs') {
      const filter = call.params[0] as { fromBlock: string; toBlock: string };
      const span = Number(BigInt(filter.toBlock) - BigInt(filter.fromBlock)) + 1;
      if (span > maxLogSpan) {
        refused += 1;
        return { error: { code: -32005, message: `query returned more than 10000 results. Try with this block range [${filter.fromBlock}, ${filter.fromBlock}].` } };
      }
    }
    return forward(targetUrl, call);
  });
  return { ...server, refused: () => refused };
}

interface RecordedReply {
  result?: unknown;
  error?: { code: number; message: string };
}

interface RecordedLog {
  address: string;
  topics: string[];
}

/**
 * Replays `web3_response.<method>_<params>.json` files recorded from mainnet. eth_getLogs is
 * answered from the recorded receipts' logs (the same data a node would filter).
 */
export async function startRecordedRpcServer(dir: string, latestBlock: string): Promise<TestRpcServer> {
  const files = readdirSync(dir).filter((f) => f.startsWith('web3_response.'));
  const replies = new Map<string, RecordedReply>();
  for (const f of files) replies.set(f.slice('web3_response.'.length, -'.json'.length), JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as RecordedReply);
  const receiptLogs = [...replies.entries()]
    .filter(([k]) => k.startsWith('eth_getTransactionReceipt_'))
    .flatMap(([, r]) => (r.result as { logs: Array<RecordedLog & { blockNumber: string }> }).logs);

  return startRpcServer((call) => {
    if (call.method === 'eth_blockNumber') return { result: latestBlock };
    if (call.method === 'eth_getLogs') {
      const filter = call.params[0] as { fromBlock: string; toBlock: string; topics: Array<string | string[] | null>; address?: string[] };
      const from = BigInt(filter.fromBlock);
      const to = BigInt(filter.toBlock);
      const matching = receiptLogs.filter((log) => {
        const n = BigInt(log.blockNumber);
        if (n < from || n > to) return false;
        if (filter.address && !filter.address.includes(log.address.toLowerCase())) return false;
        return filter.topics.every((t, i) => t === null || (Array.isArray(t) ? t.includes(log.topics[i]!) : t === log.topics[i]));
      });
      return { result: matching };
    }
    const key = recordedKey(call);
    const reply = key === undefined ? undefined : replies.get(key);
    if (reply === undefined) return { error: { code: -32601, message: `the method ${call.method} does not exist/is not available` } };
    return reply.error ? { error: reply.error } : { result: reply.result };
  });
}

function recordedKey(call: WireCall): string | undefined {
  if (call.method === 'eth_getBlockByNumber') return `eth_getBlockByNumber_${String(call.params[0])}_true`;
  if (call.method === 'eth_getTransactionReceipt') return `eth_getTransactionReceipt_${String(call.params[0])}`;
  return undefined;
}
