// Secrets at rest (partner webhook secrets, case callback secrets): AES-256-GCM under the key
// from TRACEHOLD_SECRET_KEY. A sealed value names its key by a short fingerprint, so after a
// rotation values sealed under a previous key (TRACEHOLD_SECRET_KEY_PREVIOUS) still open, and
// `tracehold secrets rotate` re-seals them under the current one.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { decodeKey } from '../../config/security';
import { InvalidInputError, TraceholdError } from '../errors';

const PREFIX = 'enc:v1';
const AAD = Buffer.from('tracehold:secret:v1');

export class SecretKeyError extends TraceholdError {
  override readonly code: string = 'secret_key';
}

export interface SecretBox {
  /** Whether a key is configured at all. */
  readonly enabled: boolean;
  seal(plain: string): string;
  open(sealed: string): string;
  /** Sealed under an older key, or not sealed at all (a value stored before encryption). */
  needsReseal(stored: string): boolean;
}

export function createSecretBox(keyTexts: readonly string[]): SecretBox {
  const keys = keyTexts.map((text) => {
    const key = decodeKey(text);
    if (!key) throw new SecretKeyError('a secret key is not 32 bytes');
    return { id: createHash('sha256').update(key).digest('hex').slice(0, 12), key };
  });
  const current = keys[0];
  return {
    enabled: current !== undefined,
    seal(plain) {
      if (!current) throw new InvalidInputError('this server has no TRACEHOLD_SECRET_KEY, so it cannot store secrets: set one, or register a partner without a webhook');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(AAD);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [PREFIX, current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
    },
    open(sealed) {
      if (!sealed.startsWith(`${PREFIX}:`)) return sealed; // stored before encryption; `secrets rotate` seals it
      const [, , id, iv, tag, body] = sealed.split(':');
      const entry = keys.find((k) => k.id === id);
      if (!entry) throw new SecretKeyError(`a secret was sealed under key ${id}, which is neither TRACEHOLD_SECRET_KEY nor in TRACEHOLD_SECRET_KEY_PREVIOUS`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(iv!, 'base64url'));
        decipher.setAAD(AAD);
        decipher.setAuthTag(Buffer.from(tag!, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body!, 'base64url')), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new SecretKeyError('a stored secret failed its integrity check', { cause: error });
      }
    },
    needsReseal(stored) {
      return current !== undefined && !stored.startsWith(`${PREFIX}:${current.id}:`);
    },
  };
}
