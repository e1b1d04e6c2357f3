// Signing of outgoing webhooks (the receiving side is verify-tracehold-signature.ts).
import { createHmac } from 'node:crypto';

export function traceholdSignature(rawBody: string, secret: string, timestamp: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}
