// Key management for admins: list, create with an expiry, revoke.
import { z } from 'zod';
import { API_KEY_ROLES } from '../../store';
import { STAFF_ROLES } from '../../auth/api-keys';
import { cursorParam, limitParam, NEXT_PAGE_HEADERS } from '../cursor';
import { defineRoute } from '../route-spec';
import { idParams, pageOf, timestamp, uuid } from './common';

export const keyJson = z
  .object({
    id: uuid, name: z.string(), role: z.enum(API_KEY_ROLES), prefix: z.string().meta({ description: 'The first characters of the key, to tell keys apart.' }),
    partnerId: uuid.nullable(), createdAt: timestamp, expiresAt: timestamp.nullable(), revokedAt: timestamp.nullable(), active: z.boolean(),
  })
  .meta({
    id: 'ApiKey',
    example: {
      id: '1d6e9a2b-7a53-4b8e-b2c4-2f0f4a6f7e11', name: 'alice (analyst)', role: 'analyst', prefix: 'th_analyst_Q', partnerId: null,
      createdAt: '2026-12-01T15:30:00.000Z', expiresAt: '2027-03-01T15:30:00.000Z', revokedAt: null, active: true,
    },
  });

export const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/keys', roles: ['admin'], tag: 'keys', summary: 'API keys, newest first (never the keys themselves)',
    query: z.strictObject({
      role: z.enum(API_KEY_ROLES).optional(),
      active: z.enum(['true', 'false']).transform((v) => v === 'true').optional().meta({ description: '`true`: working keys only; `false`: revoked or expired only.' }),
      limit: limitParam(200, 50),
      cursor: cursorParam.optional(),
    }),
    responses: { 200: { description: 'A page of keys', schema: pageOf(keyJson, 'ApiKeyPage'), headers: NEXT_PAGE_HEADERS } },
  }),
  create: defineRoute({
    method: 'post', path: '/v1/keys', roles: ['admin'], tag: 'keys', summary: 'Create a staff key (shown once)',
    body: z
      .strictObject({
        role: z.enum(STAFF_ROLES),
        name: z.string().min(1).max(200),
        expiresAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'When the key stops working; unset: never.' }),
      })
      .meta({ id: 'NewApiKey' }),
    bodyExample: { role: 'analyst', name: 'alice (analyst)', expiresAt: '2027-03-01T15:30:00Z' },
    responses: { 201: { description: 'The key (its value is shown only now)', schema: keyJson.extend({ key: z.string() }).meta({ id: 'NewApiKeyValue' }) } },
    errors: [413, 415, 422],
  }),
  revoke: defineRoute({
    method: 'post', path: '/v1/keys/:id/revoke', roles: ['admin'], tag: 'keys', summary: 'Revoke a key (it gets 401 from now on)',
    description: 'The last working admin key cannot be revoked (409).',
    params: idParams, responses: { 200: { description: 'The revoked key', schema: keyJson } }, errors: [409],
  }),
};
