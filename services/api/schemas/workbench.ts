// The workbench's routes: who the key is, how chains show amounts, a case's exports, notes on
// its wallets, the models side by side, a model change and the activity trail.
import { z } from 'zod';
import { TAINT_MODELS } from '../../domain/types';
import { defineRoute } from '../route-spec';
import { caseJson } from './cases';
import { idParams, timestamp, uuid } from './common';

const ANALYSTS = ['analyst', 'supervisor'] as const;
const EVERYONE = ['admin', 'analyst', 'supervisor', 'partner'] as const;

const sessionJson = z
  .object({ keyId: uuid, name: z.string(), role: z.enum(EVERYONE), partnerId: uuid.nullable() })
  .meta({ id: 'Session', example: { keyId: '1d6e9a2b-7a53-4b8e-b2c4-2f0f4a6f7e11', name: 'Alice Martin', role: 'analyst', partnerId: null } });

const explorer = z.object({ tx: z.string(), address: z.string() }).meta({ description: 'URL templates with `{tx}` and `{address}`.' });
const chainJson = z
  .object({
    name: z.string(), kind: z.string(), nativeAsset: z.string(), nativeDecimals: z.number().int(),
    tokens: z.array(z.looseObject({ address: z.string(), symbol: z.string(), decimals: z.number().int() })), explorer: explorer.nullable(),
  })
  .meta({
    id: 'ChainDisplay',
    example: { name: 'ethereum', kind: 'evm', nativeAsset: 'ETH', nativeDecimals: 18, tokens: [{ address: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6, issuer: 'Tether' }], explorer: { tx: 'https://etherscan.io/tx/{tx}', address: 'https://etherscan.io/address/{address}' } },
  });

const noteJson = z
  .object({ address: z.string(), text: z.string(), author: z.string().nullable(), createdAt: timestamp, updatedAt: timestamp })
  .meta({ id: 'CaseNote', example: { address: '0x45f735934ea64ab7e23f8146a16d97d9af607396', text: 'Scam wallet named in the victims’ chat logs', author: 'Alice Martin', createdAt: '2026-12-01T15:30:00.000Z', updatedAt: '2026-12-01T15:31:00.000Z' } });

const activityJson = z
  .object({
    id: z.string(), at: timestamp, action: z.string().meta({ description: '`case.created`, `case.traced`, `case.model_changed`, `case.closed`, `note.saved`, `note.deleted`, `export`, `freeze.drafted`' }),
    actor: z.object({ id: z.string().nullable(), name: z.string().nullable(), role: z.string().nullable() }), details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'CaseActivity', example: { id: '42', at: '2026-12-01T15:32:00.000Z', action: 'case.model_changed', actor: { id: '1d6e9a2b-7a53-4b8e-b2c4-2f0f4a6f7e11', name: 'Alice Martin', role: 'analyst' }, details: { from: 'fifo', to: 'haircut' } } });

const modelRun = z
  .object({ model: z.enum(TAINT_MODELS), runId: uuid.nullable(), finishedAt: timestamp.nullable(), report: z.looseObject({}).nullable().meta({ description: 'exposure, holdings, endpoints, accounting and stopped of that run’s report; null: never traced under this model' }) })
  .meta({ id: 'ModelRun' });
const modelsJson = z
  .object({ current: z.enum(TAINT_MODELS), models: z.array(modelRun) })
  .meta({ id: 'ModelsCompared', example: { current: 'fifo', models: [{ model: 'fifo', runId: '6f1c2a56-2b1e-4c0e-9a51-2f7a0c3d9e10', finishedAt: '2026-12-01T15:30:00.000Z', report: { exposure: [], holdings: [], endpoints: [], accounting: [], stopped: [] } }, { model: 'lifo', runId: null, finishedAt: null, report: null }] } });

const noteParams = z.strictObject({ id: uuid, address: z.string() });

export const routes = {
  session: defineRoute({
    method: 'get', path: '/v1/session', roles: EVERYONE, tag: 'workbench', summary: 'Who this key is: name, role, partner',
    responses: { 200: { description: 'The key’s holder', schema: sessionJson } },
  }),
  chains: defineRoute({
    method: 'get', path: '/v1/chains', roles: EVERYONE, tag: 'workbench', summary: 'Configured chains: native coin, tokens with symbols and decimals, explorer links',
    responses: { 200: { description: 'The chains', schema: z.array(chainJson) } },
  }),
  graphml: defineRoute({
    method: 'get', path: '/v1/cases/:id/graph.graphml', roles: ANALYSTS, tag: 'workbench', summary: 'The case graph as GraphML (Gephi, yEd, Maltego), amounts in display units',
    params: idParams, responses: { 200: { description: 'GraphML', contentType: 'application/graphml+xml' } }, errors: [409],
  }),
  flowsCsv: defineRoute({
    method: 'get', path: '/v1/cases/:id/flows.csv', roles: ANALYSTS, tag: 'workbench', summary: 'Tainted flows as CSV, in display units with the symbol and in base units',
    params: idParams, responses: { 200: { description: 'CSV with one header row', contentType: 'text/csv' } }, errors: [409],
  }),
  reportPdf: defineRoute({
    method: 'get', path: '/v1/cases/:id/report.pdf', roles: ANALYSTS, tag: 'workbench', summary: 'The case report as PDF: exposure, endpoints and paths, holdings, evidence hashes',
    params: idParams, responses: { 200: { description: 'PDF', contentType: 'application/pdf' } }, errors: [409],
  }),
  notes: defineRoute({
    method: 'get', path: '/v1/cases/:id/notes', roles: ANALYSTS, tag: 'workbench', summary: 'Notes on the case’s wallets, newest first',
    params: idParams, responses: { 200: { description: 'The notes', schema: z.array(noteJson) } },
  }),
  saveNote: defineRoute({
    method: 'put', path: '/v1/cases/:id/notes/:address', roles: ANALYSTS, tag: 'workbench', summary: 'Save the note on one wallet (an empty text deletes it)',
    params: noteParams, body: z.strictObject({ text: z.string().max(20_000) }).meta({ id: 'CaseNoteInput' }),
    bodyExample: { text: 'Scam wallet named in the victims’ chat logs' },
    responses: { 200: { description: 'The note', schema: noteJson }, 204: { description: 'Deleted (the text was empty)' } }, errors: [413, 415, 422],
  }),
  models: defineRoute({
    method: 'get', path: '/v1/cases/:id/models', roles: ANALYSTS, tag: 'workbench', summary: 'The five taint models side by side: each one’s latest finished trace of the case',
    params: idParams, responses: { 200: { description: 'One entry per model', schema: modelsJson } },
  }),
  setModel: defineRoute({
    method: 'put', path: '/v1/cases/:id/model', roles: ['analyst'], tag: 'workbench', summary: 'Change the case’s taint model (the next trace uses it); recorded in the activity',
    params: idParams, body: z.strictObject({ model: z.string() }).meta({ id: 'ModelChange' }), bodyExample: { model: 'haircut' },
    responses: { 200: { description: 'The case', schema: caseJson } }, errors: [409, 413, 415, 422],
  }),
  reorderTargets: defineRoute({
    method: 'post', path: '/v1/freeze-requests/:id/targets/order', roles: ANALYSTS, tag: 'workbench',
    summary: 'Put a draft’s targets in a new order before approval; the evidence hash follows',
    description: '`order` lists the targets’ current positions (rank − 1), first to last. Only a draft (409 after approval).',
    params: idParams, body: z.strictObject({ order: z.array(z.number().int().min(0)).min(1).max(1000) }).meta({ id: 'TargetOrder' }),
    bodyExample: { order: [1, 0, 2] },
    responses: { 200: { description: 'The request, targets in the new order', schema: z.looseObject({ id: uuid, status: z.string(), evidenceSha256: z.string(), targets: z.array(z.looseObject({ rank: z.number().int(), address: z.string() })) }).meta({ id: 'ReorderedFreezeRequest' }) } },
    errors: [409, 413, 415, 422],
  }),
  activity: defineRoute({
    method: 'get', path: '/v1/cases/:id/activity', roles: ANALYSTS, tag: 'workbench', summary: 'What people did on the case, newest first (append-only)',
    params: idParams, responses: { 200: { description: 'The trail', schema: z.array(activityJson) } },
  }),
};
