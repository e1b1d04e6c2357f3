// Labels, alerts and re-trace routes.
import { z } from 'zod';
import { LABEL_CATEGORIES } from '../../domain/types';
import { cursorParam, limitParam, NEXT_PAGE_HEADERS } from '../cursor';
import { defineRoute } from '../route-spec';
import { timestamp, uuid } from './common';

export const LABEL_CSV = ['text/csv'] as const;
export const LABEL_YAML = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'] as const;

const alertJson = z
  .object({ id: uuid, kind: z.string(), caseId: uuid.nullable(), requestId: uuid.nullable(), message: z.string(), details: z.unknown(), createdAt: timestamp })
  .meta({ id: 'Alert' });

const retraceRunJson = z
  .looseObject({
    id: uuid, trigger: z.enum(['schedule', 'manual', 'watch']), status: z.enum(['running', 'done', 'failed']),
    startedAt: timestamp, finishedAt: timestamp.nullable(), cases: z.number().int(), addresses: z.number().int(),
    rpcCalls: z.number().int(), alertsRaised: z.number().int(), error: z.string().nullable(),
  })
  .meta({ id: 'RetraceRun' });

const addressLookupJson = z
  .object({
    chain: z.string(),
    address: z.string().meta({ description: 'The address as labels and reports carry it: lower-case hex (EVM), lower-case bech32 or base58 (bitcoin), `T…` (tron).' }),
    checksumAddress: z.string().nullable().meta({ description: 'EIP-55 form on EVM chains; null elsewhere.' }),
    labels: z.array(z.object({
      entity: z.string(), category: z.enum(LABEL_CATEGORIES), confidence: z.number().int().min(0).max(100).nullable(),
      source: z.string().nullable(), importedAt: timestamp,
    })).meta({ description: 'Every label of the address, highest confidence first.' }),
    stop: z.boolean().meta({ description: 'A trace stops here: a label is of a stop category (exchange, bridge, mixer…).' }),
    serviceLike: z
      .object({
        counterparties: z.number().int().meta({ description: 'Distinct counterparties counted in the window (over the limit then in force).' }),
        fromBlock: z.number().int(), toBlock: z.number().int(),
        assets: z.array(z.string()).nullable().meta({ description: 'The assets counted; null: every asset.' }),
      })
      .nullable()
      .meta({ description: 'The service-like verdict shared by every case, with the window that proves it; null: never judged service-like.' }),
  })
  .meta({
    id: 'AddressLabels',
    example: {
      chain: 'ethereum', address: '0xbe0eb53f46cd790cd13851d5eff43d12404d33e8', checksumAddress: '0xBE0eB53F46cd790Cd13851d5EFf43D12404d33E8',
      labels: [{ entity: 'binance', category: 'exchange', confidence: 100, source: 'https://www.binance.com/en/blog/community/our-commitment-to-transparency-2895840147147652626', importedAt: '2026-12-01T15:30:00.000Z' }],
      stop: true, serviceLike: null,
    },
  });

export const routes = {
  lookupLabels: defineRoute({
    method: 'get', path: '/v1/labels/:chain/:address', roles: ['analyst', 'supervisor'], tag: 'labels', summary: 'What is known about one address: its labels and the shared service-like verdict',
    description: 'The address is checked with its chain’s parser: a bad EIP-55 checksum, or a string that is no bitcoin or tron address, is a 400. A chain that is not configured is a 404. An address nothing is known about answers 200 with no labels.',
    params: z.strictObject({
      chain: z.string().min(1).max(64).meta({ description: 'A configured chain (`ethereum`, `bitcoin`, `tron`…).', example: 'ethereum' }),
      address: z.string().min(1).max(1000).meta({ description: 'EVM: lower-case or EIP-55 hex; bitcoin: base58 or bech32; tron: `T…` or 41-hex.', example: '0xBE0eB53F46cd790Cd13851d5EFf43D12404d33E8' }),
    }),
    responses: { 200: { description: 'The labels and the verdict', schema: addressLookupJson } },
  }),
  importLabels: defineRoute({
    method: 'post', path: '/v1/labels', roles: ['admin', 'analyst'], tag: 'labels', summary: 'Import a label CSV or a GraphSense TagPack (all or nothing)',
    textBody: {
      contentTypes: [...LABEL_CSV, ...LABEL_YAML],
      description: 'CSV with the header `chain,address,entity,category` (optional `confidence,source`), or a TagPack YAML file.',
      example: 'chain,address,entity,category\nethereum,0x28c6c06298d514db089934071355e5743bf21d60,Binance,exchange\n',
    },
    responses: {
      200: { description: 'How many labels were imported, and the lines skipped', schema: z.looseObject({ imported: z.number().int(), skipped: z.unknown() }).meta({ id: 'LabelImport' }) },
    },
    errors: [413, 415, 422],
  }),
  alerts: defineRoute({
    method: 'get', path: '/v1/alerts', roles: ['analyst', 'supervisor'], tag: 'alerts', summary: 'Alerts, newest first',
    description: 'A page of alerts, newest first (`limit`, default and most 500). The answer is the array it always was; when more follow, `X-Next-Cursor` and `Link: <…>; rel="next"` say where: pass the cursor back as `cursor`. Alerts raised while you page come before your first page, so no alert is seen twice or skipped.',
    query: z.strictObject({
      caseId: uuid.optional().meta({ description: 'Only the alerts of this case.' }),
      limit: limitParam(500, 500),
      cursor: cursorParam.optional(),
    }),
    responses: { 200: { description: 'A page of alerts', schema: z.array(alertJson), headers: NEXT_PAGE_HEADERS } },
  }),
  retrace: defineRoute({
    method: 'post', path: '/v1/retrace', roles: ['admin'], tag: 're-trace', summary: 'Run the nightly re-trace now, for every open case or one',
    body: z.strictObject({ caseId: uuid.optional() }).meta({ id: 'RetraceInput' }),
    bodyExample: { caseId: '6f1c2a56-2b1e-4c0e-9a51-2f7a0c3d9e10' },
    responses: { 202: { description: 'Queued', schema: z.object({ queued: z.literal(true), jobId: z.string() }).meta({ id: 'RetraceQueued' }) } },
    errors: [404, 413, 415, 503],
  }),
  retraceRuns: defineRoute({
    method: 'get', path: '/v1/retrace-runs', roles: ['admin', 'analyst', 'supervisor'], tag: 're-trace', summary: 'Re-trace batches: what each scanned, cost and raised',
    description: 'A page of batches, newest first (`limit`, default 100, at most 500): the array as before; `X-Next-Cursor` and `Link` when more follow.',
    query: z.strictObject({ limit: limitParam(500, 100), cursor: cursorParam.optional() }),
    responses: { 200: { description: 'A page of batches', schema: z.array(retraceRunJson), headers: NEXT_PAGE_HEADERS } },
  }),
};
