// Case routes: what an analyst sends and gets back. Shapes and ranges live here; the
// checks that need the chain (address checksums, known chains, assets) stay in
// tracing/case-input.ts, which every path into a case goes through.
import { z } from 'zod';
import { TAINT_MODELS } from '../../domain/types';
import { CASE_STATUSES, RUN_STATUSES } from '../../store';
import { cursorParam, limitParam } from '../cursor';
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
    edges: z.array(z.looseObject({ txHash: z.string(), from: z.string(), to: z.string(), asset: z.string(), amount, tainted: amount })),
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
const runParams = z.strictObject({ id: uuid, runId: uuid });

export const routes = {
  list: defineRoute({
    method: 'get', path: '/v1/cases', roles: ANALYSTS, tag: 'cases', summary: 'List cases, newest first',
    query: caseListQuery, responses: { 200: { description: 'A page of cases', schema: pageOf(caseJson, 'CasePage') } },
  }),
  create: defineRoute({
    method: 'post', path: '/v1/cases', roles: ['analyst'], tag: 'cases', summary: 'Open a case',
    body: caseCreateBody,
    bodyExample: { title: 'Pig butchering, victim 114', chain: 'ethereum', seeds: [{ txHash: '0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060' }], maxHops: 6 },
    responses: { 201: { description: 'The new case', schema: caseJson } }, errors: [413, 415, 422],
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
    params: idParams, responses: { 200: { description: 'The trace report', schema: traceReport } }, errors: [409],
  }),
  graph: defineRoute({
    method: 'get', path: '/v1/cases/:id/graph', roles: ANALYSTS, tag: 'cases', summary: 'Nodes and flows of the newest finished run',
    params: idParams, responses: { 200: { description: 'The graph', schema: caseGraph } }, errors: [409],
  }),
  runs: defineRoute({
    method: 'get', path: '/v1/cases/:id/runs', roles: ANALYSTS, tag: 'cases', summary: 'Trace runs of the case, newest first',
    params: idParams, query: runListQuery, responses: { 200: { description: 'A page of runs', schema: pageOf(runJson, 'TraceRunPage') } },
  }),
  run: defineRoute({
    method: 'get', path: '/v1/cases/:id/runs/:runId', roles: ANALYSTS, tag: 'cases', summary: 'One trace run',
    params: runParams, responses: { 200: { description: 'The run', schema: runJson } },
  }),
  runReport: defineRoute({
    method: 'get', path: '/v1/cases/:id/runs/:runId/report', roles: ANALYSTS, tag: 'cases', summary: 'The trace report of one run',
    params: runParams, responses: { 200: { description: 'The trace report', schema: traceReport } }, errors: [409],
  }),
};
