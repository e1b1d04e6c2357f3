// Register a partner and give it its own API key (role `partner`), shown once.
import { createApiKey } from '../auth/api-keys';
import type { TraceDeps } from '../tracing/deps';
import { createStore, type Actor, type PartnerRow } from '../store';
import { createSecretBox } from '../security/secret-box';
import { checkUrlAtRegistration } from '../security/url-guard';
import { webhookPolicy } from './deliver';
import { validatePartnerInput } from './input';

export async function registerPartner(deps: TraceDeps, raw: unknown, actor: Actor): Promise<{ partner: PartnerRow; apiKey: string }> {
  const input = validatePartnerInput(raw);
  if (input.webhookUrl) await checkUrlAtRegistration(input.webhookUrl, webhookPolicy(deps), 'webhookUrl');
  // The secret is stored sealed (AES-256-GCM); only delivery opens it.
  if (input.webhookSecret) input.webhookSecret = createSecretBox(deps.config.security.secretKeys).seal(input.webhookSecret);
  const { partner, apiKey } = await deps.store.db.transaction(async (tx) => {
    const store = createStore(tx);
    const partner = await store.partners.create(input);
    const { key } = await createApiKey(store, { role: 'partner', name: `partner ${partner.name}`, partnerId: partner.id });
    await store.freezeRequests.audit({ requestId: null, partnerId: partner.id, actor, action: 'partner_registered', before: null,
      after: { name: partner.name, kind: partner.kind, entities: partner.entities, channel: partner.channel } });
    return { partner, apiKey: key };
  });
  deps.log.info('partner registered', { partnerId: partner.id, kind: partner.kind, channel: partner.channel });
  return { partner, apiKey };
}
