// The OpenAPI document: valid OpenAPI 3.1, served at /openapi.json with a Swagger UI at
// /docs (no CDN), listing exactly the routes Express serves; and every route refuses
// unknown keys — in its query and in its body — with a 400 that names them.
import SwaggerParser from '@apidevtools/swagger-parser';
import { expect } from 'chai';
import { createApiApp } from '../../services/api/app';
import { ROUTES } from '../../services/api/route-spec';
import { startServer, type RunningServer } from '../../services/api/server';
import { createApiKey, type Role } from '../../services/auth/api-keys';
import { registerPartner } from '../../services/freeze/partners';
import { mountCandidates, servedRoutes } from '../support/routes';
import { pigButcheringWorld, type PigButcheringWorld } from '../support/tracing';

const UUID0 = '00000000-0000-4000-8000-000000000000';

describe('e2e: the OpenAPI document and strict input', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let server: RunningServer;
  let doc: any;
  const keys = {} as Record<Role, string>;

  before(async () => {
    world = await pigButcheringWorld();
    server = await startServer(createApiApp(world.app.deps), 0);
    for (const role of ['admin', 'analyst', 'supervisor'] as const) keys[role] = (await createApiKey(world.app.deps.store, { role, name: role })).key;
    keys.partner = (await registerPartner(world.app.deps, { name: 'Binance', kind: 'exchange', entities: ['Binance'] }, { id: 'admin', name: 'root' } as never)).apiKey;
    doc = await (await fetch(`${server.url}/openapi.json`)).json();
  });

  after(async () => {
    await server?.stop();
    await world?.close();
  });

  it('is a valid OpenAPI 3.1 document (swagger-parser)', async () => {
    expect(doc.openapi).to.equal('3.1.0');
    await SwaggerParser.validate(structuredClone(doc));
  });

  it('lists exactly the routes Express serves, each with its roles, its errors and an example', () => {
    const documented: string[] = [];
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        documented.push(`${method.toUpperCase()} ${path}`);
        expect(op.security?.[0]?.apiKey, `${method} ${path} roles`).to.be.an('array').that.is.not.empty;
        expect(op.responses, `${method} ${path} 401`).to.include.keys('400', '401', '403', '429');
        const ok = Object.entries<any>(op.responses).find(([status]) => status.startsWith('2'));
        expect(ok, `${method} ${path} success`).to.not.equal(undefined);
        for (const [type, media] of Object.entries<any>(ok![1].content)) {
          if (type === 'application/json') expect(media.example, `${method} ${path} example`).to.not.equal(undefined);
          else expect(media.schema.format, `${method} ${path} ${type}`).to.equal('binary');
        }
        for (const [status, r] of Object.entries<any>(op.responses)) {
          if (!status.startsWith('2')) expect(r.content['application/json'].schema.$ref, `${method} ${path} ${status}`).to.equal('#/components/schemas/Error');
        }
        if (op.requestBody) expect(Object.values<any>(op.requestBody.content)[0].example, `${method} ${path} request example`).to.exist;
      }
    }
    const app = createApiApp(world.app.deps);
    const served = servedRoutes(app, mountCandidates(ROUTES.map((r) => r.path))).filter((r) => r.includes('/v1/') || r.endsWith('/v1'));
    expect(served.map((r) => r.replace(/:([A-Za-z0-9_]+)/g, '{$1}')).sort()).to.deep.equal(documented.sort());
    expect(documented.length).to.equal(ROUTES.length);
  });

  it('serves the Swagger UI from the package, pointing at /openapi.json, with nothing from a CDN', async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).to.equal(200);
    const html = await page.text();
    expect(html).to.not.match(/https?:\/\//);
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)) {
      const asset = await fetch(server.url + src);
      expect(asset.status, src).to.equal(200);
      expect((await asset.arrayBuffer()).byteLength, src).to.be.greaterThan(20);
    }
    expect(await (await fetch(`${server.url}/docs/init.js`)).text()).to.include("'/openapi.json'");
  });

  it('every route refuses an unknown query key and an unknown body key with 400 naming it, for every role it serves', async () => {
    let checked = 0;
    for (const spec of ROUTES) {
      const url = server.url + spec.path.replace(/:[A-Za-z]+/g, UUID0);
      for (const role of spec.roles) {
        const headers = { authorization: `Bearer ${keys[role]}` };
        const q = await fetch(`${url}?zzUnknown=1`, { method: spec.method.toUpperCase(), headers });
        const qBody = (await q.json()) as any;
        expect(q.status, `${spec.method} ${spec.path} as ${role}: query`).to.equal(400);
        expect(qBody.error.message, `${spec.method} ${spec.path}`).to.include('query.zzUnknown');
        checked++;
        if (spec.method === 'get' || spec.textBody) continue;
        const example = spec.body ? spec.bodyExample : {};
        const b = await fetch(url, {
          method: spec.method.toUpperCase(),
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ ...(example as object), zzUnknown: 1 }),
        });
        const bBody = (await b.json()) as any;
        expect(b.status, `${spec.method} ${spec.path} as ${role}: body`).to.equal(400);
        expect(bBody.error.message).to.include('body.zzUnknown');
        expect(bBody.error.details.issues.find((i: any) => i.keys)?.keys).to.deep.equal(['zzUnknown']);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(60);
  });

  it('declared request examples pass their own schemas', () => {
    for (const spec of ROUTES.filter((r) => r.body)) {
      const parsed = spec.body!.safeParse(spec.bodyExample);
      expect(parsed.success, `${spec.method} ${spec.path}: ${JSON.stringify(parsed.error?.issues)}`).to.equal(true);
    }
  });

  it('a misspelt option is an error, not a silent default', async () => {
    const res = await fetch(`${server.url}/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.analyst}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 't', chain: 'local', seeds: [{ txHash: world.scenario.seedTxs[0] }], maxhops: 2 }),
    });
    expect(res.status).to.equal(400);
    expect(((await res.json()) as any).error.message).to.equal('unknown key body.maxhops');
    expect(await world.app.deps.store.cases.page({ limit: 10 })).to.have.length(0);
  });
});
