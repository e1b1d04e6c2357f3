// The OpenAPI 3.1 document, generated from the route declarations (route-spec.ts): the
// schemas that validate requests are the ones it publishes.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { sample } from 'openapi-sampler';
import type { z } from 'zod';
import { ROUTES, type RouteSpec } from './route-spec';
import { errorBody } from './schemas/common';
// Route modules declare their routes when loaded; the document lists every one of them.
import './schemas/cases';
import './schemas/freeze';
import './schemas/misc';
import './schemas/keys';
import './schemas/workbench';

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed: wrong types, missing fields or unknown keys (named in `details.issues`)',
  401: 'No API key, or an unknown, revoked or expired one',
  403: 'The key’s role may not call this route',
  404: 'Absent, or not yours',
  409: 'Wrong state for this action',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'Well-formed but invalid (a bad checksum, an unknown chain, a value out of range)',
  429: 'Rate limited (see Retry-After)',
  503: 'A dependency (queue, chain) is unavailable; retry later',
};

export interface DocumentOptions {
  version: string;
  serverUrl?: string;
}

let cached: { key: string; doc: object } | undefined;

export function openApiDocument(options: DocumentOptions): object {
  const key = JSON.stringify(options);
  if (cached?.key === key) return cached.doc;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`th_<role>_…`). Each operation lists the roles that may call it as the requirement’s scopes.',
  });
  for (const spec of ROUTES) registry.registerPath(pathItem(spec, errorBody));
  const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'tracehold',
      version: options.version,
      description: 'Follow stolen crypto across chains and ask the exchanges, banks and issuers holding it to freeze it.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.serverUrl ?? '/' }],
    tags: [...new Set(ROUTES.map((r) => r.tag))].map((name) => ({ name })),
  });
  addExamples(doc as Parameters<typeof addExamples>[0]);
  cached = { key, doc };
  return doc;
}

/**
 * Every JSON answer carries an example: the one declared, else one sampled from its
 * schema (which uses the examples its components declare).
 */
function addExamples(doc: { paths?: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown; example?: unknown }> }> }>> }): void {
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item)) {
      for (const response of Object.values(op.responses ?? {})) {
        const media = response.content?.['application/json'];
        if (media?.schema && media.example === undefined) media.example = sample(media.schema as never, { quiet: true }, doc);
      }
    }
  }
}

/** `/v1/cases/:id` → `/v1/cases/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function pathItem(spec: RouteSpec, error: z.ZodType): Parameters<OpenAPIRegistry['registerPath']>[0] {
  const errors = new Set<number>([400, 401, 429, ...(spec.errors ?? [])]);
  errors.add(403);
  if (spec.params) errors.add(404);
  const responses: Record<string, object> = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.headers ? { headers: r.headers } : {}),
      content: r.schema
        ? { 'application/json': { schema: r.schema, ...(r.example !== undefined ? { example: r.example } : {}) } }
        : { [r.contentType ?? 'application/octet-stream']: { schema: { type: 'string', format: 'binary' } } },
    };
  }
  for (const status of [...errors].sort()) {
    responses[String(status)] = { description: ERROR_TEXT[status] ?? 'Error', content: { 'application/json': { schema: error } } };
  }
  const request: Record<string, unknown> = {};
  if (spec.params) request.params = spec.params;
  if (spec.query) request.query = spec.query;
  if (spec.body) {
    request.body = { required: true, content: { 'application/json': { schema: spec.body, ...(spec.bodyExample !== undefined ? { example: spec.bodyExample } : {}) } } };
  } else if (spec.textBody) {
    const text = spec.textBody;
    request.body = {
      required: true,
      description: text.description,
      content: Object.fromEntries(text.contentTypes.map((t) => [t, { schema: { type: 'string' }, example: text.example }])),
    };
  }
  return {
    method: spec.method,
    path: openApiPath(spec.path),
    operationId: operationId(spec),
    tags: [spec.tag],
    summary: spec.summary,
    description: [spec.description, `Roles: ${spec.roles.join(', ')}.`].filter(Boolean).join('\n\n'),
    security: [{ apiKey: [...spec.roles] }],
    'x-roles': [...spec.roles],
    ...(spec.callbacks ? { callbacks: spec.callbacks } : {}),
    request,
    responses,
  } as Parameters<OpenAPIRegistry['registerPath']>[0];
}

function operationId(spec: RouteSpec): string {
  const words = spec.path.replace(/^\/v1\//, '').split(/[/.-]/).filter(Boolean).map((w) => (w.startsWith(':') ? `by ${w.slice(1)}` : w));
  return [spec.method, ...words].join(' ').replace(/ (\w)/g, (_m, c: string) => c.toUpperCase());
}
