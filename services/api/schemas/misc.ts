// Labels, alerts and re-trace routes.
import { z } from 'zod';
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

export const routes = {
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
    query: z.strictObject({ caseId: uuid.optional().meta({ description: 'Only the alerts of this case.' }) }),
    responses: { 200: { description: 'The alerts', schema: z.array(alertJson) } },
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
    responses: { 200: { description: 'The batches', schema: z.array(retraceRunJson) } },
  }),
};
