// Case routes: what an analyst sends and gets back. Shapes and ranges live here; the
// checks that need the chain (address checksums, known chains, assets) stay in
// tracing/case-input.ts, which every path into a case goes through.
import { z } from 'zod';
import { TAINT_MODELS } from '../../domain/types';
import { CASE_STATUSES, RUN_STATUSES } from '../../store';
import { cursorParam, limitParam, NEXT_PAGE_HEADERS, runCursorParam } from '../cursor';
import { defineRoute } from '../route-spec';
import { amount, idParams, pageOf, timestamp, uuid } from './common';

const ANALYSTS = ['analyst', 'supervisor'] as const;

const seedChain = z.string().min(1).max(32).optional()
  .meta({ description: 'The chain of this seed, when the case is on several chains (the case\'s `chain` is then `multi` or the default for seeds without one).' });
const seed = z.union([
  z.strictObject({ address: z.string().max(100), chain: seedChain }),
  z.strictObject({
    txHash: z.string().max(100),
    index: z.number().int().min(0).max(1_000_000).nullish(),
    ref: z.string().max(400).nullish()
      .meta({ description: 'A transfer no log index names: `tx` (the transaction\'s own value) or an internal transfer by its trace address, e.g. `call:0.1`.', example: 'call:0.1' }),
    chain: seedChain,
  }),
]).meta({ id: 'Seed', description: 'A wallet, or a transaction (optionally one transfer / output of it: `index` for a log index or vout, `ref` for a native or internal transfer).' });

const minAmount = z
  .union([
    z.string().max(100),
    z.number(),
    z.record(z.string().min(1).max(100), z.union([z.string().max(100), z.number()])),
  ])
  .meta({
    description: 'Smallest tainted amount worth following (checked against the chain\'s assets when the case is opened): base units, or per asset (symbol or token address) in display units, e.g. `{"USDT": "100"}`.',
    example: { USDT: '100' },
  });

export const caseCreateBody = z
  .strictObject({
    title: z.string().min(1).max(200),
    reference: z.string().max(200).nullish(),
    chain: z.string().min(1).max(32).optional()
      .meta({ description: 'A configured chain; `multi` (or left out) when every seed names its own chain: one case across chains.' }),
    seeds: z.array(seed).min(1).max(1000),
    fromBlock: z.number().int().min(0).max(2 ** 48).nullish(),
    toBlock: z.number().int().min(0).max(2 ** 48).nullish(),
    model: z.enum(TAINT_MODELS).nullish(),
    maxHops: z.number().int().min(1).max(1000).nullish(),
    assets: z.array(z.string().max(100)).max(100).nullish()
      .meta({ description: 'Assets to trace (native symbol or token address); unset: every asset.' }),
    minAmount: minAmount.nullish(),
    callbackUrl: z.string().min(1).max(2000).nullish()
      .meta({ description: 'Called (POST, signed like partner webhooks) when a trace of this case — a re-trace included — finishes or fails. https, public addresses only (checked now and at each delivery).', example: 'https://siem.example/tracehold' }),
    callbackSecret: z.string().min(16).max(200).nullish()
      .meta({ description: 'The HMAC secret of the callback signatures; unset: one is made and shown once in the answer (`callback.secret`). Needs TRACEHOLD_SECRET_KEY (it is stored encrypted).' }),
  })
  .meta({ id: 'NewCase' });

export const caseJson = z
  .object({
    id: uuid,
    title: z.string(),
    reference: z.string().nullable(),
    chain: z.string(),
    seeds: z.array(z.object({ address: z.string().optional(), txHash: z.string().optional(), index: z.number().int().optional(), ref: z.string().optional(), chain: z.string().optional() })),
    model: z.enum(TAINT_MODELS),
    maxHops: z.number().int(),
    fromBlock: z.number().int().nullable(),
    toBlock: z.number().int().nullable(),
    assets: z.array(z.string()).nullable(),
    minAmount: z.union([z.string(), z.record(z.string(), z.string())]),
    status: z.enum(CASE_STATUSES),
    closed: z.boolean(),
    progress: z.record(z.string(), z.unknown()),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({
    id: 'Case',
    example: {
      id: '6f1c2a56-2b1e-4c0e-9a51-2f7a0c3d9e10', title: 'Pig butchering, victim 114', reference: 'FIU-2026-114', chain: 'ethereum',
      seeds: [{ txHash: '0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060' }], model: 'fifo', maxHops: 6,
      fromBlock: null, toBlock: null, assets: null, minAmount: '0', status: 'traced', closed: false, progress: { hop: 4, addresses: 31, done: true },
      createdAt: '2026-12-01T15:30:00.000Z', updatedAt: '2026-12-01T15:31:12.000Z',
    },
  });

export const runJson = z
  .object({
    id: uuid,
    caseId: uuid,
    status: z.enum(RUN_STATUSES),
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
    toBlock: z.number().int().nullable().meta({ description: 'The block the run traces up to, once pinned.' }),
    error: z.string().nullable(),
    stats: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'TraceRun' });

const nextRunCursor = z.string().nullable().optional()
  .meta({ description: 'Only when pages were asked for (`limit` or `cursor`): the next page\'s cursor, null on the last.' });

const reportEndpoint = z.looseObject({
  address: z.string(), entity: z.string(), category: z.string(), attribution: z.string(), asset: z.string(),
  amount, hops: z.number().int(), paths: z.array(z.array(z.string())),
});
export const traceReport = z
  .looseObject({
    chain: z.string(),
    model: z.string(),
    seeds: z.array(z.looseObject({})),
    endpoints: z.array(reportEndpoint),
    exposure: z.array(z.looseObject({ entity: z.string(), category: z.string(), asset: z.string(), amount, share: z.number() })),
    holdings: z.array(z.looseObject({ address: z.string(), asset: z.string(), amount, hops: z.number().int() })),
    stats: z.looseObject({}),
    nextCursor: nextRunCursor,
  })
  .meta({
    id: 'TraceReport',
    example: {
      chain: 'ethereum', model: 'fifo', seeds: [{ address: '0x8ba1f109551bd432803012645ac136ddd64dba72' }],
      endpoints: [{ address: '0x28c6c06298d514db089934071355e5743bf21d60', entity: 'Binance', category: 'exchange', attribution: 'label',
        asset: '0xdac17f958d2ee523a2206206994597c13d831ec7', amount: '125000000', hops: 3, paths: [['0x01', '0x02', '0x03']] }],
      exposure: [{ entity: 'Binance', category: 'exchange', asset: '0xdac17f958d2ee523a2206206994597c13d831ec7', amount: '125000000', share: 0.42 }],
      holdings: [], stats: { addresses: 31, transfers: 120, rpcCalls: 40, ms: 5200 },
    },
  });

export const caseGraph = z
  .object({
    nodes: z.array(z.looseObject({ address: z.string(), asset: z.string(), hop: z.number().int().nullable(), role: z.string() })),
    edges: z.array(z.looseObject({ txHash: z.string(), from: z.string(), to: z.string().nullable(), asset: z.string(), amount, tainted: amount })),
    nextCursor: nextRunCursor,
  })
  .meta({ id: 'CaseGraph' });

export const caseListQuery = z.strictObject({
  q: z.string().trim().min(1).max(200).optional()
    .meta({ description: 'Words of the title or the reference, or exactly a seed address or transaction hash.' }),
  status: z.enum(CASE_STATUSES).optional(),
  closed: z.enum(['true', 'false']).transform((v) => v === 'true').optional()
    .meta({ description: '`true`: closed cases only; `false`: open cases only.' }),
  limit: limitParam(200, 50),
  cursor: cursorParam.optional(),
});

export const runListQuery = z.strictObject({ limit: limitParam(200, 50), cursor: cursorParam.optional() });

/** Pages of a run's long lists: opt-in, so a client that asks for none gets the whole answer as before. */
const runListPageQuery = (lists: string, max: number) => z.strictObject({
  limit: z.coerce.number().int().min(1).max(max).optional()
    .meta({ description: `Page through ${lists}: at most this many of each per page (1 to ${max}; ${RUN_PAGE_DEFAULT} when only \`cursor\` is given). Unset: everything in one answer.` }),
  cursor: runCursorParam.optional(),
});
export const RUN_PAGE_DEFAULT = 500;
export const graphQuery = runListPageQuery('`nodes` and `edges`', 5000);
export const reportQuery = runListPageQuery('`endpoints` and `holdings`', 5000);
const runParams = z.strictObject({ id: uuid, runId: uuid });

/** The notice POSTed to a case's `callbackUrl` (services/callbacks/deliver.ts), for the OpenAPI `callbacks`. */
const CASE_CALLBACK_DOC = {
  '{$request.body#/callbackUrl}': {
    post: {
      summary: 'A trace run of the case finished or failed (a re-trace included)',
      description: 'Signed like partner webhooks: verify `Tracehold-Signature` over the raw body, deduplicate on `Idempotency-Key`. Any 2xx is delivery; anything else is retried with exponential backoff.',
      parameters: [
        { name: 'Tracehold-Signature', in: 'header', required: true, schema: { type: 'string' }, description: '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`', example: 't=1764603000,v1=5d41402abc4b2a76b9719d911017c592ae2f0a3a8b1f7c0e6d4b3a2918f7e6d5' },
        { name: 'Tracehold-Event', in: 'header', required: true, schema: { type: 'string', enum: ['trace.finished', 'trace.failed'] } },
        { name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string' }, description: '`<run id>:<event>`: every try of one notice carries the same key.' },
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['event', 'caseId', 'run', 'trigger', 'retraceRunId', 'links'],
              properties: {
                event: { type: 'string', enum: ['trace.finished', 'trace.failed'] },
                caseId: { type: 'string', format: 'uuid', description: 'The case that registered the callback.' },
                chainCaseId: { type: 'string', format: 'uuid', description: 'On a multi-chain case: the chain\'s own case whose run ended.' },
                run: { type: 'object', description: 'The run, as `GET /v1/cases/{id}/runs/{runId}` shows it.' },
                trigger: { type: 'string', enum: ['trace', 'retrace'] },
                retraceRunId: { type: ['string', 'null'], format: 'uuid' },
                links: { type: 'object', properties: { case: { type: 'string' }, run: { type: 'string' }, report: { type: 'string', description: 'Only for trace.finished.' } } },
              },
            },
            example: {
              event: 'trace.finished', caseId: '6f1c2a56-2b1e-4c0e-9a51-2f7a0c3d9e10',
              run: { id: '0b8e2f4c-1d3a-4e5b-9c6d-7e8f9a0b1c2d', status: 'done', createdAt: '2026-12-01T15:30:00.000Z', startedAt: '2026-12-01T15:30:01.000Z', finishedAt: '2026-12-01T15:31:12.000Z', toBlock: 21000000, error: null, stats: { hops: 4 } },
              trigger: 'trace', retraceRunId: null,
              links: { case: '/v1/cases/6f1c2a56-2b1e-4c0e-9a51-2f7a0c3d9e10', run: '/v1/cases/6f1c2a56-2b1e-4c0e-9a51-2f7a0c3d9e10/runs/0b8e2f4c-1d3a-4e5b-9c6d-7e8f9a0b1c2d', report: '/v1/cases/6f1c2a56-2b1e-4c0e-9a51-2f7a0c3d9e10/runs/0b8e2f4c-1d3a-4e5b-9c6d-7e8f9a0b1c2d/report' },
            },
          },
        },
      },
      responses: { '2XX': { description: 'Received' }, default: { description: 'Not received: tracehold tries again later' } },
    },
  },
};

export const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/cases', roles: ANALYSTS, tag: 'cases', summary: 'List cases, newest first',
    query: caseListQuery, responses: { 200: { description: 'A page of cases', schema: pageOf(caseJson, 'CasePage'), headers: NEXT_PAGE_HEADERS } },
  }),
  create: defineRoute({
    method: 'post', path: '/v1/cases', roles: ['analyst'], tag: 'cases', summary: 'Open a case',
    description: 'With `callbackUrl`, each trace run of the case that ends is POSTed there: `{event: "trace.finished" | "trace.failed", caseId, run, trigger, links}` with `Tracehold-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, `Tracehold-Event` and `Idempotency-Key: <run id>:<event>`; retried with backoff until a 2xx. A URL to a loopback, private or metadata address is a 422 and nothing is written.',
    body: caseCreateBody,
    bodyExample: { title: 'Pig butchering, victim 114', chain: 'ethereum', seeds: [{ txHash: '0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060' }], maxHops: 6, callbackUrl: 'https://siem.example/tracehold' },
    responses: {
      201: {
        description: 'The new case (with its callback, the secret shown only now when tracehold made it)',
        schema: caseJson.extend({
          callback: z.object({ url: z.string(), secret: z.string().optional().meta({ description: 'Shown once: the callback signatures\' HMAC secret.' }) }).optional(),
        }).meta({ id: 'NewCaseCreated' }),
      },
    },
    callbacks: { traceEnded: CASE_CALLBACK_DOC },
    errors: [413, 415, 422],
  }),
  callback: defineRoute({
    method: 'get', path: '/v1/cases/:id/callback', roles: ANALYSTS, tag: 'cases', summary: 'The case\'s callback URL and its deliveries (never the secret)',
    params: idParams,
    responses: {
      200: {
        description: 'The callback and one row per run and event',
        schema: z.object({
          caseId: uuid, url: z.string(), createdAt: timestamp,
          deliveries: z.array(z.object({
            runId: uuid, event: z.enum(['trace.finished', 'trace.failed']), caseId: uuid, status: z.enum(['pending', 'delivered', 'failed']),
            attempts: z.number().int(), lastError: z.string().nullable(), createdAt: timestamp, deliveredAt: timestamp.nullable(),
          })),
        }).meta({ id: 'CaseCallback' }),
      },
    },
  }),
  get: defineRoute({
    method: 'get', path: '/v1/cases/:id', roles: ANALYSTS, tag: 'cases', summary: 'A case and its progress',
    params: idParams, responses: { 200: { description: 'The case', schema: caseJson } },
  }),
  trace: defineRoute({
    method: 'post', path: '/v1/cases/:id/trace', roles: ['analyst'], tag: 'cases', summary: 'Queue a trace of the case',
    params: idParams,
    responses: { 202: { description: 'Queued', schema: z.object({ id: uuid, runId: uuid, status: z.literal('queued') }).meta({ id: 'TraceQueued' }) } },
    errors: [409, 503],
  }),
  cancel: defineRoute({
    method: 'post', path: '/v1/cases/:id/cancel', roles: ANALYSTS, tag: 'cases', summary: 'Cancel the queued or running trace',
    description: 'The case returns to `traced` when an earlier run finished, else to `new`. 409 when nothing is queued or running.',
    params: idParams,
    responses: { 200: { description: 'The case and the cancelled run', schema: caseJson.extend({ run: runJson }).meta({ id: 'CancelledTrace' }) } },
    errors: [409],
  }),
  close: defineRoute({
    method: 'post', path: '/v1/cases/:id/close', roles: ANALYSTS, tag: 'cases', summary: 'Close a case (no more re-traces)',
    params: idParams, responses: { 200: { description: 'The closed case', schema: caseJson } },
  }),
  report: defineRoute({
    method: 'get', path: '/v1/cases/:id/report', roles: ANALYSTS, tag: 'cases', summary: 'The trace report of the newest finished run',
    description: 'With `limit` (or `cursor`), `endpoints` and `holdings` come a page at a time (everything else whole on every page) and `nextCursor` says where the next page starts; the cursor pins the run, so a re-trace finishing meanwhile does not mix two runs. A multi-chain case pages the top-level lists and leaves its sections\' lists empty.',
    params: idParams, query: reportQuery, responses: { 200: { description: 'The trace report', schema: traceReport, headers: NEXT_PAGE_HEADERS } }, errors: [409],
  }),
  graph: defineRoute({
    method: 'get', path: '/v1/cases/:id/graph', roles: ANALYSTS, tag: 'cases', summary: 'Nodes and flows of the newest finished run',
    description: 'With `limit` (or `cursor`), `nodes` and `edges` come a page at a time, in the order of the whole graph, with `nextCursor`; the cursor pins the run the first page was read from.',
    params: idParams, query: graphQuery, responses: { 200: { description: 'The graph', schema: caseGraph, headers: NEXT_PAGE_HEADERS } }, errors: [409],
  }),
  runs: defineRoute({
    method: 'get', path: '/v1/cases/:id/runs', roles: ANALYSTS, tag: 'cases', summary: 'Trace runs of the case, newest first',
    params: idParams, query: runListQuery, responses: { 200: { description: 'A page of runs', schema: pageOf(runJson, 'TraceRunPage'), headers: NEXT_PAGE_HEADERS } },
  }),
  run: defineRoute({
    method: 'get', path: '/v1/cases/:id/runs/:runId', roles: ANALYSTS, tag: 'cases', summary: 'One trace run',
    params: runParams, responses: { 200: { description: 'The run', schema: runJson } },
  }),
  runReport: defineRoute({
    method: 'get', path: '/v1/cases/:id/runs/:runId/report', roles: ANALYSTS, tag: 'cases', summary: 'The trace report of one run',
    description: 'Pages of `endpoints` and `holdings` with `limit` / `cursor`, as for the case report.',
    params: runParams, query: reportQuery, responses: { 200: { description: 'The trace report', schema: traceReport, headers: NEXT_PAGE_HEADERS } }, errors: [409],
  }),
};
