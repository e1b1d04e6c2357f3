// Security settings: the key that encrypts webhook secrets at rest (and the keys it
// replaced, for rotation), what webhook and callback URLs may point at, and proxies.
import { InvalidInputError } from '../services/errors';

type Env = Record<string, string | undefined>;

export interface SecurityConfig {
  /** AES-256 keys, hex or base64 of 32 bytes: the first encrypts, all decrypt (rotation). */
  secretKeys: string[];
  /** Webhook and callback URLs may be plain http (tests, private deployments). */
  webhookAllowHttp: boolean;
  /** Hosts, IPs or CIDRs a webhook may reach although they are loopback or private (tests). */
  webhookAllowHosts: string[];
  /** Express `trust proxy`: false, a hop count, or a list of proxy addresses / CIDRs. */
  trustProxy: boolean | number | string[];
}

export function loadSecurityConfig(env: Env): SecurityConfig {
  const current = env.TRACEHOLD_SECRET_KEY?.trim();
  const previous = list(env.TRACEHOLD_SECRET_KEY_PREVIOUS);
  if (!current && previous.length) throw new InvalidInputError('TRACEHOLD_SECRET_KEY_PREVIOUS needs a current TRACEHOLD_SECRET_KEY');
  const secretKeys = current ? [current, ...previous] : [];
  for (const [i, key] of secretKeys.entries()) {
    if (decodeKey(key) === null) throw new InvalidInputError(`${i === 0 ? 'TRACEHOLD_SECRET_KEY' : 'TRACEHOLD_SECRET_KEY_PREVIOUS'} must be 32 bytes as 64 hex digits or base64`);
  }
  return {
    secretKeys,
    webhookAllowHttp: bool(env.TRACEHOLD_WEBHOOK_ALLOW_HTTP, 'TRACEHOLD_WEBHOOK_ALLOW_HTTP'),
    webhookAllowHosts: list(env.TRACEHOLD_WEBHOOK_ALLOW_HOSTS).map((h) => h.toLowerCase()),
    trustProxy: trustProxy(env.TRACEHOLD_TRUST_PROXY),
  };
}

/** 32 key bytes from 64 hex digits or base64, else null. */
export function decodeKey(text: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const bytes = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
    return bytes.length === 32 ? bytes : null;
  }
  return null;
}

function trustProxy(raw: string | undefined): boolean | number | string[] {
  const value = raw?.trim();
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = list(value);
  for (const e of entries) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(e) && !['loopback', 'linklocal', 'uniquelocal'].includes(e)) {
      throw new InvalidInputError(`TRACEHOLD_TRUST_PROXY: "${e}" is not true/false, a hop count, an address, a CIDR or loopback/linklocal/uniquelocal`);
    }
  }
  return entries;
}

function bool(raw: string | undefined, what: string): boolean {
  const value = raw?.trim().toLowerCase();
  if (!value || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new InvalidInputError(`${what} must be true or false, got "${raw}"`);
}

function list(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
