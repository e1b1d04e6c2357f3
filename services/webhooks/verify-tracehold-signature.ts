// Reference verifier for partners receiving tracehold webhooks. Standalone on purpose (only
// node:crypto): copy this file into your receiver.
//
//   Tracehold-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
//
// Verify against the raw request bytes (before any JSON parsing), reject timestamps outside
// the tolerance (a replay of an old delivery), and compare in constant time. Deduplicate on
// the Idempotency-Key header (`<request id>:<revision>`): a retry carries the same key.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface VerifyOptions {
  /** Maximum age (and clock skew) of the signature timestamp. Default 300 s. */
  toleranceSeconds?: number;
  /** Unix seconds "now", for tests. */
  now?: number;
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'expired' | 'mismatch' };

export function verifyTraceholdSignature(rawBody: string | Buffer, header: string | undefined | null, secret: string, options: VerifyOptions = {}): VerifyResult {
  if (!header || !secret) return { ok: false, reason: 'malformed' };
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const at = item.indexOf('=');
    if (at <= 0) return { ok: false, reason: 'malformed' };
    const key = item.slice(0, at).trim();
    parts.set(key, [...(parts.get(key) ?? []), item.slice(at + 1).trim()]);
  }
  const t = parts.get('t');
  const signatures = (parts.get('v1') ?? []).filter((s) => /^[0-9a-f]{64}$/.test(s));
  if (!t || t.length !== 1 || !/^\d{1,12}$/.test(t[0]!) || signatures.length === 0) return { ok: false, reason: 'malformed' };
  const timestamp = Number(t[0]);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return { ok: false, reason: 'expired' };
  const expected = createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody).digest();
  const match = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return match ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}
