// Re-seal every stored secret under the current TRACEHOLD_SECRET_KEY: values sealed under a
// previous key, and values stored in plain text before encryption existed: partners' webhook
// secrets and cases' callback secrets.
import type { Store } from '../store';
import { createSecretBox } from './secret-box';

export async function rotateSecrets(store: Store, secretKeys: readonly string[]): Promise<{ checked: number; resealed: number }> {
  const box = createSecretBox(secretKeys);
  if (!box.enabled) return { checked: 0, resealed: 0 };
  const rows = await store.partners.storedWebhookSecrets();
  let resealed = 0;
  for (const { id, stored } of rows) {
    if (!box.needsReseal(stored)) continue;
    if (await store.partners.replaceWebhookSecret(id, stored, box.seal(box.open(stored)))) resealed++;
  }
  // case callback secrets are sealed by the same box
  const callbacks = await store.callbacks.storedSecrets();
  for (const { caseId, stored } of callbacks) {
    if (!box.needsReseal(stored)) continue;
    if (await store.callbacks.replaceSecret(caseId, stored, box.seal(box.open(stored)))) resealed++;
  }
  return { checked: rows.length + callbacks.length, resealed };
}
