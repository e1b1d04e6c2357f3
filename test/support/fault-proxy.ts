// A fault-injecting HTTP proxy for JSON-RPC, loopback only, in front of the local node.
// Every request (a single call or a batch) is forwarded as is, unless a seeded draw picks a
// fault for it: HTTP 500/503, 429 with Retry-After, a hang past the client's timeout, a
// truncated JSON body, a reply for another block to eth_getBlockByNumber, or eth_getLogs
// answering a log outside the range asked for. Also adds latency, to stretch a trace.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { seeded } from './random';

export const FAULT_KINDS = ['http-500', 'http-503', 'http-429', 'hang', 'truncated', 'wrong-block', 'logs-out-of-range'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultProxyOptions {
  upstream: string;
  /** Seed of the fault draws: the same seed and the same requests give the same faults. */
  seed?: number;
  /** Share of requests that get a fault (0..1). */
  rate?: number;
  /** The faults to draw from (default all); those that do not apply to a request are skipped. */
  kinds?: readonly FaultKind[];
  /** Only requests carrying one of these methods get faults (default all). */
  methods?: readonly string[];
  /** Added to every request, in ms. */
  latencyMs?: number;
  /** How long a `hang` holds the request before dropping the socket. */
  hangMs?: number;
}

export interface FaultProxy {
  url: string;
  /** Faults injected so far, per kind. */
  injected: Record<FaultKind, number>;
  requests: number;
  /** Change rate/latency on the fly (e.g. turn faults off). */
  set(options: Partial<Pick<FaultProxyOptions, 'rate' | 'latencyMs'>>): void;
  close(): Promise<void>;
}

interface Call {
  id: unknown;
  method: string;
  params: unknown[];
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seeded(options.seed ?? 1);
  let rate = options.rate ?? 0;
  let latencyMs = options.latencyMs ?? 0;
  const kinds = options.kinds ?? FAULT_KINDS;
  const injected = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  let requests = 0;
  const hanging = new Set<http.ServerResponse>();

  const post = async (body: string): Promise<string> => {
    const res = await fetch(options.upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return res.text();
  };

  function pick(calls: Call[]): FaultKind | null {
    if (rate <= 0) return null;
    if (options.methods && !calls.some((c) => options.methods!.includes(c.method))) return null;
    if (random() >= rate) return null;
    const applicable = kinds.filter((k) =>
      k === 'wrong-block' ? calls.some((c) => c.method === 'eth_getBlockByNumber')
        : k === 'logs-out-of-range' ? calls.some((c) => c.method === 'eth_getLogs')
          : true);
    if (applicable.length === 0) return null;
    return applicable[Math.floor(random() * applicable.length)]!;
  }

  async function handle(raw: string, res: http.ServerResponse): Promise<void> {
    requests += 1;
    if (latencyMs > 0) await sleep(latencyMs);
    const parsed = JSON.parse(raw) as Call | Call[];
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    const fault = pick(calls);
    if (fault) injected[fault] += 1;
    switch (fault) {
      case 'http-500':
      case 'http-503':
        res.writeHead(fault === 'http-500' ? 500 : 503, { 'content-type': 'text/plain' }).end('upstream trouble');
        return;
      case 'http-429':
        res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '1' }).end('slow down');
        return;
      case 'hang':
        hanging.add(res);
        await sleep(options.hangMs ?? 5_000);
        hanging.delete(res);
        res.socket?.destroy();
        return;
      default:
        break;
    }
    let reply = await post(raw);
    if (fault === 'truncated') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(reply.slice(0, Math.max(1, Math.floor(reply.length / 2))));
      return;
    }
    if (fault === 'wrong-block' || fault === 'logs-out-of-range') {
      const answers = JSON.parse(reply) as Array<{ id: unknown; result?: unknown }> | { id: unknown; result?: unknown };
      const list = Array.isArray(answers) ? answers : [answers];
      for (const call of calls) {
        const answer = list.find((a) => a.id === call.id);
        if (!answer || answer.result == null) continue;
        if (fault === 'wrong-block' && call.method === 'eth_getBlockByNumber') {
          // The whole block of a neighbouring number: consistent in itself, wrong for the ask.
          const asked = Number.parseInt(String(call.params[0]), 16);
          const other = Number.isNaN(asked) || asked === 0 ? 1 : asked - 1;
          const [again] = JSON.parse(await post(JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'eth_getBlockByNumber', params: [`0x${other.toString(16)}`, call.params[1] ?? false] }]))) as Array<{ result: unknown }>;
          answer.result = again!.result;
          break;
        }
        if (fault === 'logs-out-of-range' && call.method === 'eth_getLogs') {
          const filter = (call.params[0] ?? {}) as { toBlock?: string };
          const to = Number.parseInt(filter.toBlock ?? '0x0', 16);
          const logs = answer.result as Array<Record<string, unknown>>;
          const template = logs[0] ?? { address: '0x' + '00'.repeat(20), topics: [], data: '0x', transactionHash: '0x' + '11'.repeat(32), blockHash: '0x' + '22'.repeat(32), logIndex: '0x0', transactionIndex: '0x0', removed: false };
          answer.result = [...logs, { ...template, blockNumber: `0x${(to + 3).toString(16)}` }];
          break;
        }
      }
      reply = JSON.stringify(Array.isArray(answers) ? list : list[0]);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(reply);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(Buffer.concat(chunks).toString('utf8'), res).catch((error: Error) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${error.message}`);
        else res.socket?.destroy();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    injected,
    get requests() {
      return requests;
    },
    set(next) {
      if (next.rate !== undefined) rate = next.rate;
      if (next.latencyMs !== undefined) latencyMs = next.latencyMs;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.socket?.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
