// A property-based API test driven by the OpenAPI document, in the spirit of Schemathesis:
// for every operation and every role, requests sampled from the documented schemas (valid)
// and mutated ones (unknown keys, missing or mistyped fields, hostile strings, bad ids) go to
// the live server. Every answer must be below 500, have a documented status, and match its
// documented schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses). Bounded in count and time.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import fc from 'fast-check';
import { sample } from 'openapi-sampler';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createApiKey } from '../../services/auth/api-keys';
import { approveFreezeRequest } from '../../services/freeze/approve';
import { draftFreezeRequests } from '../../services/freeze/draft';
import { registerPartner } from '../../services/freeze/partners';
import { sendFreezeRequest } from '../../services/freeze/send';
import { createCase, startTrace } from '../../services/tracing/cases';
import { pigButcheringWorld, testConfig, type PigButcheringWorld } from '../support/tracing';

const ROLES = ['admin', 'analyst', 'supervisor', 'partner', 'none'] as const;
type Role = (typeof ROLES)[number];
const RUNS = Number(process.env.API_PROPERTY_RUNS ?? 1000);
const TIME_LIMIT_MS = Number(process.env.API_PROPERTY_MS ?? 90_000);

interface Operation { method: string; path: string; op: any }
interface Mutation { kind: string; apply(req: Req): Req }
interface Req { path: string; query: Record<string, string>; body: unknown; bodyType?: string }

describe('e2e: property-based API test from the OpenAPI document', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let server: RunningServer;
  let doc: any;
  let ajv: Ajv2020;
  const keys = {} as Record<Exclude<Role, 'none'>, string>;
  const ids = {} as Record<'caseId' | 'runId' | 'requestId' | 'spareKey', string>;
  const figures = { requests: 0, operations: 0, byStatus: {} as Record<string, number>, mutated: 0, valid2xx: 0 };

  before(async () => {
    world = await pigButcheringWorld();
    // the walk sends more than a client would in a minute: no rate limit in the way
    server = await startServer(createApiApp({ ...world.app.deps, config: testConfig(world.node, { TRACEHOLD_RATE_LIMIT_PER_MINUTE: '1000000' }) }), 0);
    for (const role of ['admin', 'analyst', 'supervisor'] as const) keys[role] = (await createApiKey(world.app.deps.store, { role, name: role })).key;
    const kase = await createCase(world.app.deps, { title: 'properties', chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })) }, 'test');
    ids.caseId = kase.id;
    ids.runId = (await startTrace(world.app.deps, kase.id)).runId;
    await world.app.drain();
    const partner = await registerPartner(world.app.deps, { name: 'Binance', kind: 'exchange', entities: ['Binance'] }, { id: 'admin', name: 'root' } as never);
    keys.partner = partner.apiKey;
    const drafted = await draftFreezeRequests(world.app.deps, kase.id, { requestingAuthority: 'FIU', legalBasis: 'AML s. 12', contact: { name: 'A', email: 'a@fiu.example' } }, { id: 'analyst-1', name: 'alice', role: 'analyst' } as never);
    const mine = drafted.find((d) => d.request.partnerId === partner.partner.id)!.request;
    await approveFreezeRequest(world.app.deps, mine.id, { id: 'sup', name: 'bob', role: 'supervisor' } as never);
    await sendFreezeRequest(world.app.deps, mine.id, { id: 'sup', name: 'bob', role: 'supervisor' } as never);
    ids.requestId = mine.id;
    ids.spareKey = (await createApiKey(world.app.deps.store, { role: 'analyst', name: 'spare' })).id;
    doc = await (await fetch(`${server.url}/openapi.json`)).json();
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components });
  });

  after(async () => {
    await server?.stop();
    await world?.close();
    process.stderr.write(`      figures: ${JSON.stringify(figures)}\n`);
  });

  /** `$ref: #/components/…` resolved against the document registered as `doc`. */
  function compile(schema: any) {
    return ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"doc#/components/')));
  }

  function idFor(path: string, param: string): string {
    if (param === 'runId') return ids.runId;
    // the label look-up: a labelled wallet of the case, on its chain
    if (path.startsWith('/v1/labels/') && param === 'chain') return world.scenario.labels[0]!.chain;
    if (path.startsWith('/v1/labels/') && param === 'address') return world.scenario.labels[0]!.address;
    if (path.startsWith('/v1/cases')) return ids.caseId;
    if (path.startsWith('/v1/keys')) return ids.spareKey;
    return ids.requestId;
  }

  function validRequest(o: Operation): Req {
    const path = o.path.replace(/\{(\w+)\}/g, (_m, p: string) => idFor(o.path, p));
    const query: Record<string, string> = {};
    for (const p of o.op.parameters ?? []) {
      if (p.in !== 'query' || p.name === 'cursor') continue;
      const v = sample(p.schema, { quiet: true }, doc);
      if (v !== undefined && v !== null) query[p.name] = String(v);
    }
    const content = o.op.requestBody?.content ?? {};
    const [bodyType, media] = (Object.entries(content)[0] ?? []) as [string | undefined, any];
    const body = media ? media.example ?? sample(media.schema, { quiet: true }, doc) : undefined;
    return { path, query, body, ...(bodyType ? { bodyType } : {}) };
  }

  const hostile = fc.constantFrom('', ' ', '\u0000', '../../etc/passwd', "' or 1=1 --", '<script>', '9'.repeat(400), '-1', '1e309', 'null', '{}', '\u202e', 'x'.repeat(3000));
  const jsonValue = fc.oneof(hostile, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 2 }));

  function mutations(o: Operation): fc.Arbitrary<Mutation> {
    const list: fc.Arbitrary<Mutation>[] = [
      fc.tuple(fc.string({ minLength: 1, maxLength: 12 }).filter((k) => /^[a-z]+$/i.test(k)), hostile).map(([k, v]) => ({ kind: 'unknown query key', apply: (r: Req) => ({ ...r, query: { ...r.query, [`x${k}`]: v } }) })),
      // an empty id is no id: `/v1/cases/` is the list route, answered (and checked) as such
      hostile.filter((v) => v !== '').map((v) => ({ kind: 'hostile path id', apply: (r: Req) => ({ ...r, path: o.path.replace(/\{(\w+)\}/g, () => encodeURIComponent(v)) }) })),
    ];
    const queryNames = (o.op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name as string);
    if (queryNames.length) list.push(fc.tuple(fc.constantFrom(...queryNames), hostile).map(([k, v]) => ({ kind: 'hostile query value', apply: (r: Req) => ({ ...r, query: { ...r.query, [k]: v } }) })));
    if (o.op.requestBody?.content?.['application/json']) {
      list.push(
        fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), jsonValue).map(([k, v]) => ({ kind: 'unknown body key', apply: (r: Req) => ({ ...r, body: { ...(r.body as object), [`zz${k}`]: v } }) })),
        fc.tuple(fc.nat(), jsonValue).map(([i, v]) => ({
          kind: 'mistyped body field',
          apply: (r: Req) => {
            const keys = Object.keys((r.body as object) ?? {});
            return keys.length ? { ...r, body: { ...(r.body as object), [keys[i % keys.length]!]: v } } : r;
          },
        })),
        fc.nat().map((i) => ({
          kind: 'missing body field',
          apply: (r: Req) => {
            const copy = { ...(r.body as Record<string, unknown>) };
            const keys = Object.keys(copy);
            if (keys.length) delete copy[keys[i % keys.length]!];
            return { ...r, body: copy };
          },
        })),
        jsonValue.map((v) => ({ kind: 'body not an object', apply: (r: Req) => ({ ...r, body: v }) })),
      );
    }
    return fc.oneof(...list);
  }

  it('every operation, every role: no 5xx, only documented statuses, every answer matches its schema', async () => {
    const operations: Operation[] = [];
    for (const [path, item] of Object.entries<any>(doc.paths)) for (const [method, op] of Object.entries<any>(item)) operations.push({ method, path, op });
    figures.operations = operations.length;
    const validators = new Map<string, (data: unknown) => boolean>();
    const validatorFor = (o: Operation, status: string) => {
      const k = `${o.method} ${o.path} ${status}`;
      if (!validators.has(k)) {
        const schema = o.op.responses[status]?.content?.['application/json']?.schema;
        validators.set(k, schema ? compile(schema) : () => true);
      }
      return validators.get(k)! as ((data: unknown) => boolean) & { errors?: unknown };
    };

    const check = async (o: Operation, role: Role, mutation: Mutation | null) => {
        let req = validRequest(o);
        if (mutation) {
          req = mutation.apply(req);
          figures.mutated++;
        }
        const url = new URL(server.url + req.path);
        for (const [k, v] of Object.entries(req.query)) url.searchParams.set(k, v);
        const isJson = req.bodyType === 'application/json' || (req.bodyType === undefined && req.body !== undefined);
        const res = await fetch(url, {
          method: o.method.toUpperCase(),
          headers: {
            ...(role === 'none' ? {} : { authorization: `Bearer ${keys[role]}` }),
            ...(req.body !== undefined ? { 'content-type': req.bodyType ?? 'application/json' } : {}),
          },
          ...(req.body !== undefined ? { body: isJson ? JSON.stringify(req.body) : String(req.body) } : {}),
        });
        figures.requests++;
        const status = String(res.status);
        figures.byStatus[status] = (figures.byStatus[status] ?? 0) + 1;
        const what = `${o.method.toUpperCase()} ${url.pathname}${url.search} as ${role}${mutation ? ` (${mutation.kind})` : ''}`;
        expect(res.status, what).to.be.below(500);
        expect(o.op.responses, `${what}: status ${status} is documented`).to.have.property(status);
        const type = res.headers.get('content-type') ?? '';
        if (!type.includes('application/json')) {
          expect(Object.keys(o.op.responses[status].content ?? {}), `${what}: ${type}`).to.not.include('application/json');
          await res.arrayBuffer();
          return;
        }
        const body = await res.json();
        const validate = validatorFor(o, status);
        expect(validate(body), `${what} → ${status}: ${JSON.stringify(validate.errors)} ${JSON.stringify(body).slice(0, 300)}`).to.equal(true);
        if (res.status < 300 && !mutation) figures.valid2xx++;
    };
    // every operation with every role once, as documented; then the random walk
    for (const o of operations) for (const role of ROLES) await check(o, role, null);
    const arb = fc.constantFrom(...operations).chain((o) =>
      fc.record({ o: fc.constant(o), role: fc.constantFrom(...ROLES), mutation: fc.option(mutations(o), { freq: 2 }) }));
    await fc.assert(
      fc.asyncProperty(arb, ({ o, role, mutation }) => check(o, role, mutation)),
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, seed: Number(process.env.API_PROPERTY_SEED ?? 20261201), endOnFailure: true },
    );
    expect(figures.requests).to.be.at.least(Math.min(RUNS, 100));
    expect(figures.valid2xx, 'valid requests that succeeded').to.be.greaterThan(20);
  });
});
