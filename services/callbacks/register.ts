// A case's callback, checked before the case is written: the URL through the URL guard (https
// only unless TRACEHOLD_WEBHOOK_ALLOW_HTTP; no loopback, private, link-local or metadata
// address, the name resolved now and again at each delivery) and the signing secret sealed
// with the secret box. The secret is the caller's (`callbackSecret`, at least 16 characters)
// or one made here and shown once in the creation answer.
import { randomBytes } from 'node:crypto';
import { InvalidInputError, NotFoundError } from '../errors';
import { webhookPolicy } from '../freeze/deliver';
import type { CaseRow } from '../store';
import { createCase, getCase } from '../tracing/cases';
import { createSecretBox } from '../security/secret-box';
import { checkUrlAtRegistration } from '../security/url-guard';
import type { TraceDeps } from '../tracing/deps';

export interface CallbackInput {
  callbackUrl?: string | null | undefined;
  callbackSecret?: string | null | undefined;
}

export interface PreparedCallback {
  url: string;
  sealedSecret: string;
  /** The secret, when this server made it: the caller sees it once. */
  generatedSecret: string | null;
}

export async function prepareCallback(deps: Pick<TraceDeps, 'config'>, input: CallbackInput): Promise<PreparedCallback | null> {
  if (!input.callbackUrl) return null;
  const box = createSecretBox(deps.config.security.secretKeys);
  if (!box.enabled) throw new InvalidInputError('callbackUrl needs TRACEHOLD_SECRET_KEY on this server (the callback secret is stored encrypted): set one, or open the case without a callback');
  await checkUrlAtRegistration(input.callbackUrl, webhookPolicy(deps), 'callbackUrl');
  const generatedSecret = input.callbackSecret ? null : `thcb_${randomBytes(32).toString('base64url')}`;
  const sealedSecret = box.seal(input.callbackSecret ?? generatedSecret!);
  return { url: new URL(input.callbackUrl).toString(), sealedSecret, generatedSecret };
}

/**
 * Open a case with its callback: the callback is checked (URL guard, secret sealed) before the
 * case is written, so a refused URL leaves nothing behind, and it is written in the case's own
 * transaction, so there is never a case without the callback it was opened with.
 */
export async function openCase(deps: TraceDeps, raw: unknown, callbackInput: CallbackInput, createdBy: string): Promise<{ kase: CaseRow; callback: PreparedCallback | null }> {
  const callback = await prepareCallback(deps, callbackInput);
  const kase = await createCase(deps, raw, createdBy, callback
    ? async (store, caseId) => { await store.callbacks.register(caseId, callback.url, callback.sealedSecret); }
    : undefined);
  return { kase, callback };
}

/** The case's callback and its deliveries (never the secret); 404 when it has none. */
export async function caseCallback(deps: TraceDeps, caseId: string) {
  await getCase(deps, caseId);
  const callback = await deps.store.callbacks.forCase(caseId);
  if (!callback || callback.caseId !== caseId) throw new NotFoundError(`case ${caseId} has no callback`);
  return { caseId, url: callback.url, createdAt: callback.createdAt, deliveries: await deps.store.callbacks.deliveries(caseId) };
}
