// Freeze requests: drafting from a case, four eyes, sending, documents, and the partner's
// side (its own requests and its answers). Deeper checks (IBAN checksums, deadlines in the
// future, which statuses need a note) stay in freeze/input.ts.
import { z } from 'zod';
import { FREEZE_STATUSES, PARTNER_KINDS, RESPONSE_STATUSES } from '../../store';
import { cursorParam, limitParam, NEXT_PAGE_HEADERS } from '../cursor';
import { defineRoute } from '../route-spec';
import { amount, idParams, timestamp, uuid } from './common';

const STAFF = ['analyst', 'supervisor'] as const;

export const draftBody = z
  .strictObject({
    requestingAuthority: z.string().min(2).max(300),
    legalBasis: z.string().min(2).max(1000),
    action: z.enum(['freeze', 'preserve']).optional(),
    durationDays: z.number().int().min(1).max(365).optional(),
    urgency: z.enum(['routine', 'urgent', 'immediate']).optional(),
    deadline: z.string().min(10).max(40).optional().meta({ description: 'ISO 8601; default by urgency (24 h, 72 h, 14 days).' }),
    contact: z.strictObject({ name: z.string().min(1).max(200), email: z.string().min(3).max(320), phone: z.string().min(3).max(50).optional() }),
    note: z.string().max(4000).nullish(),
  })
  .meta({ id: 'FreezeDraftInput' });

const target = z.looseObject({
  rank: z.number().int(), kind: z.string(), address: z.string(), asset: z.string(), amount, hops: z.number().int(), score: z.number(),
  evidence: z.object({ paths: z.array(z.array(z.string())) }),
  frozenAmount: amount.nullable(), frozenSource: z.enum(['partner', 'onchain']).nullable(),
});

export const responseJson = z
  .object({
    id: uuid, source: z.string(), status: z.enum(RESPONSE_STATUSES),
    targets: z.array(z.looseObject({ address: z.string(), asset: z.string(), frozenAmount: amount })),
    fiatWithdrawals: z.array(z.looseObject({ iban: z.string(), bank: z.string(), amount, currency: z.string() })),
    note: z.string().nullable(), createdAt: timestamp,
  })
  .meta({ id: 'FreezeResponse' });

const document = z.looseObject({
  id: uuid,
  revision: z.number().int(),
  status: z.enum(FREEZE_STATUSES),
  caseReference: z.string(),
  requestingAuthority: z.string(),
  legalBasis: z.string(),
  action: z.enum(['freeze', 'preserve']),
  durationDays: z.number().int(),
  urgency: z.enum(['routine', 'urgent', 'immediate']),
  deadline: z.string(),
  contact: z.looseObject({ name: z.string(), email: z.string() }),
  chain: z.string(),
  partner: z.object({ id: uuid, name: z.string(), kind: z.string(), jurisdiction: z.string().nullable() }),
  parentId: uuid.nullable(),
  issuedAt: timestamp.nullable(),
  targets: z.array(target),
  evidenceSha256: z.string(),
});

export const staffRequestJson = document
  .extend({
    caseId: uuid,
    partnerId: uuid,
    draftedBy: z.object({ id: z.string(), name: z.string() }),
    approvedBy: z.string().nullable(),
    approvedAt: timestamp.nullable(),
    sentAt: timestamp.nullable(),
    delivery: z.object({ sends: z.number().int(), attempts: z.number().int(), lastError: z.string().nullable() }),
    createdAt: timestamp,
    updatedAt: timestamp,
    responses: z.array(responseJson).optional(),
    history: z.array(z.looseObject({ at: timestamp, action: z.string(), actor: z.object({ id: z.string(), name: z.string().nullable() }) })).optional(),
  })
  .meta({ id: 'FreezeRequest' });

export const partnerRequestJson = document.extend({ responses: z.array(responseJson) }).meta({ id: 'PartnerFreezeRequest' });

export const answerBody = z
  .strictObject({
    status: z.enum(RESPONSE_STATUSES),
    targets: z.array(z.strictObject({ address: z.string().min(1).max(128), asset: z.string().min(1).max(128), frozenAmount: z.string() })).max(1000).nullish(),
    fiatWithdrawals: z.array(z.strictObject({ iban: z.string().min(5).max(64), bank: z.string().min(1).max(200), amount: z.string(), currency: z.string().min(3).max(3) })).max(1000).nullish(),
    note: z.string().max(4000).nullish(),
  })
  .meta({ id: 'FreezeAnswer' });

export const partnerBody = z
  .strictObject({
    name: z.string().min(1).max(200),
    kind: z.enum(PARTNER_KINDS),
    entities: z.array(z.string().min(1).max(200)).min(1).max(100),
    webhookUrl: z.string().max(2000).nullish(),
    webhookSecret: z.string().max(500).nullish(),
    contactEmail: z.string().max(320).nullish(),
    jurisdiction: z.string().max(100).nullish(),
  })
  .meta({ id: 'NewPartner' });

export const partnerJson = z
  .object({
    id: uuid, name: z.string(), kind: z.enum(PARTNER_KINDS), entities: z.array(z.string()), channel: z.enum(['webhook', 'manual']),
    webhookUrl: z.string().nullable(), contactEmail: z.string().nullable(), jurisdiction: z.string().nullable(), createdAt: timestamp,
  })
  .meta({ id: 'Partner' });

const leadJson = z
  .object({ id: uuid, caseId: uuid, requestId: uuid, iban: z.string(), bank: z.string(), amount, currency: z.string(), createdAt: timestamp })
  .meta({ id: 'BankLead' });

const csv = { description: 'The targets as CSV', contentType: 'text/csv' };
const pdf = { description: 'The signed notice as PDF', contentType: 'application/pdf' };

export const routes = {
  draft: defineRoute({
    method: 'post', path: '/v1/cases/:id/freeze-requests', roles: STAFF, tag: 'freeze requests',
    summary: 'Draft one freeze request per partner whose entities the case reached',
    params: idParams, body: draftBody,
    bodyExample: { requestingAuthority: 'FIU Luxembourg', legalBasis: 'AML Act s. 12', urgency: 'immediate', contact: { name: 'A. Martin', email: 'a.martin@fiu.example' } },
    responses: { 201: { description: 'The drafts', schema: z.array(staffRequestJson) } }, errors: [409, 413, 415, 422],
  }),
  listForCase: defineRoute({
    method: 'get', path: '/v1/cases/:id/freeze-requests', roles: STAFF, tag: 'freeze requests', summary: 'Freeze requests of a case',
    params: idParams, responses: { 200: { description: 'The requests', schema: z.array(staffRequestJson) } },
  }),
  leads: defineRoute({
    method: 'get', path: '/v1/cases/:id/leads', roles: STAFF, tag: 'freeze requests', summary: 'Bank accounts partners reported the funds went to',
    params: idParams, responses: { 200: { description: 'The leads', schema: z.array(leadJson) } },
  }),
  get: defineRoute({
    method: 'get', path: '/v1/freeze-requests/:id', roles: STAFF, tag: 'freeze requests', summary: 'A freeze request with its status history',
    params: idParams, responses: { 200: { description: 'The request', schema: staffRequestJson } },
  }),
  approve: defineRoute({
    method: 'post', path: '/v1/freeze-requests/:id/approve', roles: ['supervisor'], tag: 'freeze requests', summary: 'Approve a draft (not its drafter)',
    params: idParams, responses: { 200: { description: 'The approved request', schema: staffRequestJson } }, errors: [409],
  }),
  send: defineRoute({
    method: 'post', path: '/v1/freeze-requests/:id/send', roles: STAFF, tag: 'freeze requests', summary: 'Send an approved request',
    params: idParams,
    responses: {
      200: { description: 'Sent (manual partner)', schema: staffRequestJson },
      202: { description: 'Delivery queued (webhook partner)', schema: staffRequestJson },
    },
    errors: [409, 503],
  }),
  verifyOnchain: defineRoute({
    method: 'post', path: '/v1/freeze-requests/:id/verify-onchain', roles: STAFF, tag: 'freeze requests', summary: "Check the issuer's on-chain freeze list for the targets",
    params: idParams,
    responses: { 200: { description: 'What was checked', schema: z.looseObject({ request: staffRequestJson }).meta({ id: 'IssuerCheck' }) } },
    errors: [503],
  }),
  targetsCsv: defineRoute({
    method: 'get', path: '/v1/freeze-requests/:id/targets.csv', roles: STAFF, tag: 'freeze requests', summary: 'Targets as CSV',
    params: idParams, responses: { 200: csv },
  }),
  noticePdf: defineRoute({
    method: 'get', path: '/v1/freeze-requests/:id/notice.pdf', roles: STAFF, tag: 'freeze requests', summary: 'The notice as PDF',
    params: idParams, responses: { 200: pdf },
  }),
  partnerList: defineRoute({
    method: 'get', path: '/v1/partner/freeze-requests', roles: ['partner'], tag: 'partner', summary: "The calling partner's sent requests",
    responses: { 200: { description: 'The requests', schema: z.array(partnerRequestJson) } },
  }),
  partnerGet: defineRoute({
    method: 'get', path: '/v1/partner/freeze-requests/:id', roles: ['partner'], tag: 'partner', summary: 'One of its requests',
    params: idParams, responses: { 200: { description: 'The request', schema: partnerRequestJson } },
  }),
  partnerCsv: defineRoute({
    method: 'get', path: '/v1/partner/freeze-requests/:id/targets.csv', roles: ['partner'], tag: 'partner', summary: 'Targets as CSV',
    params: idParams, responses: { 200: csv },
  }),
  partnerPdf: defineRoute({
    method: 'get', path: '/v1/partner/freeze-requests/:id/notice.pdf', roles: ['partner'], tag: 'partner', summary: 'The notice as PDF',
    params: idParams, responses: { 200: pdf },
  }),
  partnerAnswer: defineRoute({
    method: 'post', path: '/v1/partner/freeze-requests/:id/responses', roles: ['partner'], tag: 'partner', summary: 'Answer a request',
    params: idParams, body: answerBody,
    bodyExample: { status: 'frozen', targets: [{ address: '0x28c6c06298d514db089934071355e5743bf21d60', asset: '0xdac17f958d2ee523a2206206994597c13d831ec7', frozenAmount: '125000000' }] },
    responses: {
      201: {
        description: 'The answer as recorded',
        schema: z.object({ id: uuid, status: z.enum(FREEZE_STATUSES), response: responseJson, followUps: z.array(z.object({ id: uuid, status: z.string() })), leads: z.number().int() }).meta({ id: 'FreezeAnswerRecorded' }),
      },
    },
    errors: [409, 413, 415, 422],
  }),
  registerPartner: defineRoute({
    method: 'post', path: '/v1/partners', roles: ['admin'], tag: 'partners', summary: 'Register a partner (its API key is shown once)',
    body: partnerBody,
    bodyExample: { name: 'Binance', kind: 'exchange', entities: ['Binance'], webhookUrl: 'https://partner.example/tracehold', webhookSecret: 'a-long-shared-secret-0123' },
    responses: { 201: { description: 'The partner and its key', schema: partnerJson.extend({ apiKey: z.string() }).meta({ id: 'NewPartnerKey' }) } },
    errors: [409, 413, 415, 422],
  }),
  listPartners: defineRoute({
    method: 'get', path: '/v1/partners', roles: ['admin', 'analyst', 'supervisor'], tag: 'partners', summary: 'Registered partners, oldest first',
    description: 'A page of partners (`limit`, default 200, at most 500): the array as before; `X-Next-Cursor` and `Link` when more follow. A partner registered while you page comes at the end.',
    query: z.strictObject({ limit: limitParam(500, 200), cursor: cursorParam.optional() }),
    responses: { 200: { description: 'A page of partners', schema: z.array(partnerJson), headers: NEXT_PAGE_HEADERS } },
  }),
};
