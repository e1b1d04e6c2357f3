// A tiny HTTP proxy in front of the node's JSON-RPC URL that counts what crosses the wire:
// HTTP requests, JSON-RPC calls (a batch of 50 is 1 request, 50 calls), calls per method and
// reply bytes (all, and the largest single reply: what one JSON.parse on the caller's side costs).
// Replies go on chunked (no Content-Length), so a caller bounding reply sizes counts as it reads.
// Whoever is measured talks to the proxy, so batching shows as calls/request.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WireCounts {
  httpRequests: number;
  rpcCalls: number;
  byMethod: Record<string, number>;
  /** Bytes of every reply body sent back, and of the largest one (a reply cut off by its caller counts what was sent). */
  replyBytes: number;
  maxReplyBytes: number;
  /** eth_getLogs calls by the side their address list filters on (see logReadSide). */
  logReads?: Record<LogReadSide, number>;
  /**
   * Milliseconds with at least one request in flight (from its body's arrival to its reply's
   * end, the added latency included): the time the node, as far as the caller can tell, was
   * working for it. The rest of a run's wall time is the caller's own work.
   */
  busyMs?: number;
}

export type LogReadSide = 'sender' | 'recipient' | 'other';

/**
 * Which side of a Transfer an eth_getLogs filter asks about: its addresses in the first
 * indexed topic (`from`: what they sent) or the second (`to`: what they received). Tracing
 * needs the senders' logs; a ledger also needs what its wallet received.
 */
export function logReadSide(params: unknown): LogReadSide {
  const filter = Array.isArray(params) ? (params[0] as { topics?: unknown } | undefined) : undefined;
  const topics = Array.isArray(filter?.topics) ? filter.topics : [];
  const set = (i: number) => topics[i] !== undefined && topics[i] !== null;
  if (set(1) && !set(2)) return 'sender';
  if (set(2) && !set(1)) return 'recipient';
  return 'other';
}

const noCounts = (): WireCounts & { logReads: Record<LogReadSide, number>; busyMs: number } => ({
  httpRequests: 0, rpcCalls: 0, byMethod: {}, replyBytes: 0, maxReplyBytes: 0, logReads: { sender: 0, recipient: 0, other: 0 }, busyMs: 0,
});

export interface CountingProxy {
  url: string;
  counts(): WireCounts;
  reset(): void;
  close(): Promise<void>;
}

/**
 * `latencyMs` delays every HTTP request before forwarding it: a crude stand-in for a remote
 * provider's round trip. `logFile`: one JSON line per HTTP request (when it came, how long until its
 * reply was done, its calls, each method with its params, the reply bytes sent and whether the
 * caller read the reply whole), to see where
 * the calls go.
 */
export async function startCountingProxy(target: string, options: { latencyMs?: number; logFile?: string } = {}): Promise<CountingProxy> {
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let counts = noCounts();
  // Requests in flight, and since when one has been (busyMs adds each stretch as it ends).
  let inFlight = 0;
  let busySince = 0;
  const busyNow = () => counts.busyMs + (inFlight > 0 ? performance.now() - busySince : 0);

  const log = options.logFile ? fs.createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const replySizes = new WeakMap<http.ServerResponse, { bytes: number; complete: boolean }>();
  const logRequest = (body: Buffer, res: http.ServerResponse, received: number) => {
    let calls: unknown;
    try {
      calls = JSON.parse(body.toString('utf8'));
    } catch {
      calls = null;
    }
    const list = (Array.isArray(calls) ? calls : [calls]) as Array<{ method?: string; params?: unknown }>;
    const reply = replySizes.get(res) ?? { bytes: 0, complete: false };
    log!.write(`${JSON.stringify({ at: received, ms: Date.now() - received, calls: list.map((c) => ({ method: c?.method, params: c?.params })), replyBytes: reply.bytes, complete: reply.complete })}\n`);
  };

  const count = (body: string) => {
    counts.httpRequests += 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    for (const call of Array.isArray(parsed) ? parsed : [parsed]) {
      const method = typeof (call as { method?: unknown })?.method === 'string' ? (call as { method: string }).method : '?';
      counts.rpcCalls += 1;
      counts.byMethod[method] = (counts.byMethod[method] ?? 0) + 1;
      if (method === 'eth_getLogs') counts.logReads[logReadSide((call as { params?: unknown }).params)] += 1;
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      count(body.toString('utf8'));
      const received = Date.now();
      if (inFlight++ === 0) busySince = performance.now();
      res.on('close', () => {
        if (--inFlight === 0) counts.busyMs += performance.now() - busySince;
      });
      if (log) res.on('close', () => logRequest(body, res, received));
      if (latencyMs > 0) setTimeout(() => send(body, res), latencyMs);
      else send(body, res);
    });
  });

  // A kept-alive socket the node closes just as it is reused fails with "socket hang up"
  // (ECONNRESET) before any reply: the buffered request is sent once more on a new socket.
  const send = (body: Buffer, res: http.ServerResponse, attempt = 0) => {
    const forward = http.request(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        path: upstream.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, { 'content-type': up.headers['content-type'] ?? 'application/json' });
        let bytes = 0;
        up.on('data', (c: Buffer) => (bytes += c.length));
        const tally = () => {
          counts.replyBytes += bytes;
          counts.maxReplyBytes = Math.max(counts.maxReplyBytes, bytes);
          replySizes.set(res, { bytes, complete: up.complete });
        };
        up.on('end', tally);
        // A caller that stops reading (a reply over its size bound) frees the node's socket too.
        res.on('close', () => {
          if (!up.complete) {
            tally();
            up.destroy();
          }
        });
        up.pipe(res);
      },
    );
    forward.on('error', (error: NodeJS.ErrnoException) => {
      if (!res.headersSent && attempt === 0 && error.code === 'ECONNRESET') return send(body, res, 1);
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
    forward.end(body);
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts, byMethod: { ...counts.byMethod }, logReads: { ...counts.logReads }, busyMs: busyNow() }),
    reset() {
      log?.write(`${JSON.stringify({ at: Date.now(), reset: true })}\n`);
      counts = noCounts();
      busySince = performance.now(); // a request still in flight counts from here
    },
    close: () =>
      new Promise<void>((resolve) => {
        log?.end();
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
