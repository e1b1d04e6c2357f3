// A partner's webhook receiver on 127.0.0.1 for tests: checks the signature with the
// reference verifier we ship, deduplicates on Idempotency-Key, records what it saw.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyTraceholdSignature } from '../../services/webhooks/verify-tracehold-signature';

export interface ReceivedDelivery {
  idempotencyKey: string;
  /** The Tracehold-Event header (case callbacks). */
  event?: string;
  signature: string;
  rawBody: string;
  accepted: boolean;
  reason?: string;
}

export interface WebhookReceiver {
  url: string;
  /** Every request that arrived, accepted or not. */
  received: ReceivedDelivery[];
  /** Idempotency keys the partner acted on (a duplicate is acknowledged, not acted on twice). */
  processed: Set<string>;
  secret: string;
  close(): Promise<void>;
}

/** `failFirst`: answer the first n requests with HTTP 500 (a receiver that is down for a while). */
export async function startWebhookReceiver(secret: string, options: { failFirst?: number } = {}): Promise<WebhookReceiver> {
  let failures = options.failFirst ?? 0;
  const receiver: Omit<WebhookReceiver, 'url' | 'close'> = { received: [], processed: new Set(), secret };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const signature = String(req.headers['tracehold-signature'] ?? '');
      const idempotencyKey = String(req.headers['idempotency-key'] ?? '');
      const check = verifyTraceholdSignature(rawBody, signature, receiver.secret, { toleranceSeconds: 300 });
      const event = req.headers['tracehold-event'];
      if (failures > 0) {
        failures -= 1;
        receiver.received.push({ idempotencyKey, signature, rawBody, accepted: false, reason: 'receiver down (500)', ...(typeof event === 'string' ? { event } : {}) });
        res.writeHead(500).end('down');
        return;
      }
      receiver.received.push({ idempotencyKey, signature, rawBody, accepted: check.ok, ...(check.ok ? {} : { reason: check.reason }), ...(typeof event === 'string' ? { event } : {}) });
      if (!check.ok) {
        res.writeHead(401).end(check.reason);
        return;
      }
      receiver.processed.add(idempotencyKey);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(receiver as WebhookReceiver, {
    url: `http://127.0.0.1:${port}/tracehold`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  });
}
