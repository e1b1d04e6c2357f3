// Cursor pages on every long list: alerts, partners and re-trace batches (still bare arrays,
// the next page in X-Next-Cursor / Link), a case's graph and its reports (opt-in with `limit`,
// `nextCursor` in the body). Paging through gives every item exactly once, in the order of the
// whole list, also when items are added — or a re-trace finishes — between two pages. A
// cursor that is not one of ours, or not of this case, is a 400.
import { expect } from 'chai';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createApiKey } from '../../services/auth/api-keys';
import { encodeRunCursor } from '../../services/api/cursor';
import { createCase, startTrace } from '../../services/tracing/cases';
import { pigButcheringWorld, type PigButcheringWorld } from '../support/tracing';

interface Answer { status: number; body: any; next: string | null; link: string | null }

describe('e2e: cursor pages on alerts, partners, re-trace runs, graph and reports', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let server: RunningServer;
  let analyst: string;
  let admin: string;
  let caseId: string;
  let firstRunId: string;

  const get = async (url: string, key = analyst): Promise<Answer> => {
    const res = await fetch(server.url + url, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: await res.json(), next: res.headers.get('x-next-cursor'), link: res.headers.get('link') };
  };

  /** Follows X-Next-Cursor (bare arrays) from `url`; `between` runs after each page. */
  async function walkArray(url: string, key = analyst, between: (page: number) => Promise<void> = async () => undefined) {
    const seen: { id: string }[] = [];
    let answer = await get(url, key);
    for (let page = 1; ; page++) {
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body).to.be.an('array');
      seen.push(...answer.body);
      if (answer.next === null) {
        expect(answer.link).to.equal(null);
        return { seen, pages: page };
      }
      // the Link header is the same request with the next cursor: follow it as a client would
      const link = /^<([^>]+)>; rel="next"$/.exec(answer.link ?? '');
      expect(link, String(answer.link)).to.not.equal(null);
      expect(new URL(link![1]!, server.url).searchParams.get('cursor')).to.equal(answer.next);
      await between(page);
      answer = await get(link![1]!, key);
    }
  }

  before(async () => {
    world = await pigButcheringWorld();
    server = await startServer(createApiApp({ ...world.app.deps, config: { ...world.app.deps.config, api: { ...world.app.deps.config.api, rateLimitPerMinute: 1_000_000 } } }), 0);
    analyst = (await createApiKey(world.app.deps.store, { role: 'analyst', name: 'alice' })).key;
    admin = (await createApiKey(world.app.deps.store, { role: 'admin', name: 'root' })).key;
    const kase = await createCase(world.app.deps, { title: 'pages', chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })) }, 'test');
    caseId = kase.id;
    firstRunId = (await startTrace(world.app.deps, caseId)).runId;
    await world.app.drain();
  });
  after(async () => {
    await server?.stop();
    await world?.close();
  });

  it('alerts: every alert once, newest first, while new alerts arrive; the case filter and the limit survive in Link', async () => {
    const alerts = world.app.deps.store.alerts;
    for (let i = 0; i < 23; i++) await alerts.raise({ kind: 'new_movement', caseId: i % 3 === 0 ? caseId : null, requestId: null, message: `alert ${i}` });
    const whole = (await get('/v1/alerts')).body as { id: string }[];
    expect(whole.length).to.be.at.least(23);
    const raisedMeanwhile: string[] = [];
    const { seen, pages } = await walkArray('/v1/alerts?limit=5', analyst, async () => {
      raisedMeanwhile.push((await alerts.raise({ kind: 'new_movement', caseId: null, requestId: null, message: 'raised while paging' })).id);
    });
    expect(pages).to.equal(Math.ceil(whole.length / 5));
    expect(seen.map((a) => a.id), 'the same alerts, once each, in the same order').to.deep.equal(whole.map((a) => a.id));
    expect(seen.some((a) => raisedMeanwhile.includes(a.id)), 'newer alerts come before the first page').to.equal(false);

    const ofCase = await walkArray(`/v1/alerts?caseId=${caseId}&limit=2`);
    expect(ofCase.seen.map((a) => a.id)).to.deep.equal(whole.filter((a: any) => a.caseId === caseId).map((a) => a.id));
    expect(ofCase.pages).to.equal(Math.ceil(ofCase.seen.length / 2));
  });

  it('partners: oldest first; one registered between two pages comes once, at the end', async () => {
    for (let i = 0; i < 7; i++) await world.app.deps.store.partners.create({ name: `Exchange ${i}`, kind: 'exchange', entities: [`Exchange ${i}`], webhookUrl: null, webhookSecret: null, contactEmail: null, jurisdiction: null });
    const before = (await get('/v1/partners', admin)).body as { id: string }[];
    let late = '';
    const { seen } = await walkArray('/v1/partners?limit=3', admin, async (page) => {
      if (page === 1) late = (await world.app.deps.store.partners.create({ name: 'Late Exchange', kind: 'exchange', entities: ['Late'], webhookUrl: null, webhookSecret: null, contactEmail: null, jurisdiction: null })).id;
    });
    expect(seen.map((p) => p.id)).to.deep.equal([...before.map((p) => p.id), late]);
  });

  it('re-trace batches: newest first, every batch once', async () => {
    for (let i = 0; i < 7; i++) await world.app.deps.store.retrace.start(i % 2 ? 'manual' : 'schedule');
    const whole = (await get('/v1/retrace-runs')).body as { id: string }[];
    expect(whole.length).to.be.at.least(7);
    const { seen } = await walkArray('/v1/retrace-runs?limit=2');
    expect(seen.map((r) => r.id)).to.deep.equal(whole.map((r) => r.id));
  });

  it('a cursor that is not one of ours is a 400, on every paged list', async () => {
    const notOurs = ['nope', Buffer.from('after:not-a-uuid').toString('base64url'), Buffer.from('runs:{"r":[],"a":0,"b":0}').toString('base64url'), '%%%'];
    for (const cursor of notOurs) {
      for (const url of ['/v1/alerts', '/v1/partners', '/v1/retrace-runs', '/v1/cases', `/v1/cases/${caseId}/graph`, `/v1/cases/${caseId}/report`, `/v1/cases/${caseId}/runs/${firstRunId}/report`]) {
        const res = await get(`${url}?cursor=${encodeURIComponent(cursor)}`, url.includes('partners') ? admin : analyst);
        expect(res.status, `${url} ${cursor}`).to.equal(400);
        expect(res.body.error.code).to.equal('bad_request');
      }
    }
    expect((await get('/v1/alerts?limit=0')).status).to.equal(400);
    expect((await get('/v1/alerts?limit=501')).status).to.equal(400);
  });

  /** Pages of a run's two lists, concatenated. */
  async function walkLists(url: string, lists: [string, string], between: (page: number) => Promise<void> = async () => undefined) {
    const out: [unknown[], unknown[]] = [[], []];
    let answer = await get(url);
    for (let page = 1; ; page++) {
      expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).to.equal(200);
      expect(answer.body).to.have.property('nextCursor');
      out[0].push(...answer.body[lists[0]]);
      out[1].push(...answer.body[lists[1]]);
      if (answer.body.nextCursor === null) return { lists: out, pages: page, last: answer.body };
      expect(answer.next).to.equal(answer.body.nextCursor);
      await between(page);
      answer = await get(`${url}${url.includes('?') ? '&' : '?'}cursor=${answer.body.nextCursor}`);
    }
  }

  it('graph: pages of nodes and flows give the whole graph; the cursor pins the run while a re-trace finishes', async () => {
    const whole = (await get(`/v1/cases/${caseId}/graph`)).body;
    expect(whole).to.not.have.property('nextCursor');
    expect(whole.nodes.length).to.be.greaterThan(4);
    expect(whole.edges.length).to.be.greaterThan(4);
    const limit = 3;
    const { lists, pages } = await walkLists(`/v1/cases/${caseId}/graph?limit=${limit}`, ['nodes', 'edges'], async (page) => {
      if (page !== 1) return;
      // a re-trace under another model finishes between page 1 and page 2
      const model = await fetch(`${server.url}/v1/cases/${caseId}/model`, { method: 'PUT', headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'haircut' }) });
      expect(model.status).to.equal(200);
      await startTrace(world.app.deps, caseId);
      await world.app.drain();
    });
    expect(pages).to.equal(Math.ceil(Math.max(whole.nodes.length, whole.edges.length) / limit));
    expect(lists[0]).to.deep.equal(whole.nodes);
    expect(lists[1]).to.deep.equal(whole.edges);
    const after = (await get(`/v1/cases/${caseId}/graph`)).body;
    expect(after, 'the re-trace changed the graph: the pages did not follow it').to.not.deep.equal(whole);
    // a fresh first page reads the new run
    const fresh = await walkLists(`/v1/cases/${caseId}/graph?limit=1000`, ['nodes', 'edges']);
    expect(fresh.lists).to.deep.equal([after.nodes, after.edges]);
  });

  it('reports: pages of endpoints and holdings give the whole report; a run\'s cursor is refused on another run', async () => {
    const runs = (await get(`/v1/cases/${caseId}/runs`)).body.items as { id: string; status: string }[];
    const done = runs.filter((r) => r.status === 'done');
    expect(done.length).to.equal(2);
    for (const url of [`/v1/cases/${caseId}/report`, `/v1/cases/${caseId}/runs/${firstRunId}/report`]) {
      const whole = (await get(url)).body;
      expect(whole).to.not.have.property('nextCursor');
      expect(whole.endpoints.length + whole.holdings.length).to.be.greaterThan(1);
      const { lists, last } = await walkLists(`${url}?limit=1`, ['endpoints', 'holdings']);
      expect(lists).to.deep.equal([whole.endpoints, whole.holdings]);
      const { endpoints: _e, holdings: _h, nextCursor: _n, ...rest } = last;
      const { endpoints: _we, holdings: _wh, ...wholeRest } = whole;
      expect(rest, 'everything else whole on every page').to.deep.equal(wholeRest);
    }
    const page = await get(`/v1/cases/${caseId}/runs/${firstRunId}/report?limit=1`);
    expect(page.body.nextCursor).to.be.a('string');
    const other = done.find((r) => r.id !== firstRunId)!.id;
    const refused = await get(`/v1/cases/${caseId}/runs/${other}/report?cursor=${page.body.nextCursor}`);
    expect(refused.status).to.equal(400);
    expect(refused.body.error.message).to.match(/another run/);
    // a graph cursor of this case is refused on another case
    const graphPage = await get(`/v1/cases/${caseId}/graph?limit=1`);
    const second = await createCase(world.app.deps, { title: 'other', chain: 'local', seeds: world.scenario.seedTxs.slice(0, 1).map((txHash) => ({ txHash })) }, 'test');
    await startTrace(world.app.deps, second.id);
    await world.app.drain();
    const foreign = await get(`/v1/cases/${second.id}/graph?cursor=${graphPage.body.nextCursor}`);
    expect(foreign.status).to.equal(400);
    expect(foreign.body.error.message).to.match(/another case/);
  });

  it('reports whose lists are stored apart (over 100 items) page the same: each page read from those rows', async () => {
    const store = world.app.deps.store;
    const kase = await createCase(world.app.deps, { title: 'long report', chain: 'local', seeds: world.scenario.seedTxs.map((txHash) => ({ txHash })) }, 'test');
    const run = await store.runs.create(kase.id);
    const wallet = (i: number) => `0x${i.toString(16).padStart(40, '0')}`;
    const report = {
      chain: 'local', model: 'poison', toBlock: 10, limitations: [], stats: { transfers: 1 },
      endpoints: Array.from({ length: 130 }, (_, i) => ({ address: wallet(i), asset: 'ETH', amount: String(1_000 - i) })),
      holdings: Array.from({ length: 257 }, (_, i) => ({ address: wallet(10_000 + i), asset: 'ETH', amount: String(i + 1) })),
    };
    await store.runs.saveResult(run.id, { report, nodes: [], flows: [], endpoints: [] });
    await store.runs.finish(run.id, 'done');
    const url = `/v1/cases/${kase.id}/runs/${run.id}/report`;
    const whole = (await get(url)).body;
    expect(whole).to.deep.equal(report);
    const { lists, pages, last } = await walkLists(`${url}?limit=40`, ['endpoints', 'holdings']);
    expect(lists).to.deep.equal([report.endpoints, report.holdings]);
    expect(pages).to.equal(7); // 257 holdings, 40 a page
    const { endpoints: _e, holdings: _h, nextCursor: _n, ...rest } = last;
    const { endpoints: _we, holdings: _wh, ...wholeRest } = whole;
    expect(rest).to.deep.equal(wholeRest);
    expect(Object.keys(last)).to.deep.equal([...Object.keys(whole), 'nextCursor']);
    // A cursor past the lists' end is refused.
    const past = encodeRunCursor({ runs: [run.id], first: 131, second: 0 });
    const pastPage = await get(`${url}?limit=40&cursor=${past}`);
    expect(pastPage.status, JSON.stringify(pastPage.body)).to.equal(400);
  });
});
