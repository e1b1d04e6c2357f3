// Serves an in-process EIP-1193 provider as JSON-RPC over HTTP on loopback, batches
// included, so the adapter is exercised through the same transport it uses in production.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
}

interface WireRequest {
  jsonrpc?: string;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

export interface JsonRpcServer {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024 * 1024;

export async function serveJsonRpc(provider: Eip1193Provider, port = 0): Promise<JsonRpcServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      void answer(provider, Buffer.concat(chunks).toString('utf8')).then((body) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Keep-alive sockets would hold the process open after the tests.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(provider: Eip1193Provider, text: string): Promise<string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0) return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Empty batch' } });
    // Sequential, as a node would: sends in one batch must not race on nonces.
    const replies = [];
    for (const r of parsed) replies.push(await one(provider, r as WireRequest));
    return JSON.stringify(replies);
  }
  return JSON.stringify(await one(provider, parsed as WireRequest));
}

async function one(provider: Eip1193Provider, req: WireRequest): Promise<object> {
  const id = req?.id ?? null;
  if (!req || typeof req.method !== 'string') return { jsonrpc: '2.0', id, error: { code: -32600, message: 'Invalid request' } };
  try {
    const params = Array.isArray(req.params) ? req.params : [];
    const result = await provider.request({ method: req.method, params });
    return { jsonrpc: '2.0', id, result: result === undefined ? null : result };
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown; data?: unknown };
    const code = typeof e.code === 'number' ? e.code : -32603;
    const message = typeof e.message === 'string' ? e.message : 'Internal error';
    return { jsonrpc: '2.0', id, error: { code, message, ...(e.data === undefined ? {} : { data: e.data }) } };
  }
}
