// The workbench in a real browser (Debian's Chromium through playwright-core) against the
// real API, a BullMQ worker on real Redis, real Postgres and a local EVM node with the
// pig-butchering case played on it. Each role signs in through the sign-in page; axe-core
// checks every page; a failed test leaves screenshots in test-results/browser/.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import Graph from 'graphology';
import { parse as parseGraphml } from 'graphology-graphml';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createAppContext, type AppContext } from '../../services/app';
import { createApiKey } from '../../services/auth/api-keys';
import { formatUnits } from '../../services/format';
import { silentLogger } from '../../services/log';
import { startBullWorkers, type BullWorkers } from '../../services/queues/bullmq';
import { createJobProcessor } from '../../workers/processors';
import { writeBigCase } from '../support/big-case';
import { ensureWorkbenchBuilt, launchBrowser, screenshotAll, seriousViolations, signIn } from '../support/browser';
import { parseCsv } from '../support/csv';
import { pdfText } from '../support/pdf-text';
import { pigButcheringWorld, testConfig, type PigButcheringWorld } from '../support/tracing';
import { QUEUE_NAMES } from '../../services/queues/definitions';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('browser: the analyst workbench in Chromium', function () {
  this.timeout(300_000);
  let world: PigButcheringWorld;
  let app: AppContext;
  let workers: BullWorkers;
  let server: RunningServer;
  let browser: Browser;
  let tmp: string;
  const contexts: BrowserContext[] = [];
  const keys: Record<string, string> = {};
  const partnerKeys: Record<string, string> = {};
  const prefix = `tracehold-test-web-${process.pid}-${randomBytes(3).toString('hex')}`;
  let caseId = '';
  let usdt = '';
  const a11y: Record<string, number> = {};

  before(async () => {
    ensureWorkbenchBuilt();
    world = await pigButcheringWorld();
    usdt = world.scenario.token.toLowerCase();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tracehold-web-'));
    const chainsFile = path.join(tmp, 'chains.json');
    fs.writeFileSync(chainsFile, JSON.stringify({ local: { tokens: [{ address: world.scenario.token, symbol: 'USDT', decimals: 6, issuer: 'Tether' }], explorer: { tx: 'https://explorer.example/tx/{tx}', address: 'https://explorer.example/address/{address}' } } }));
    const config = testConfig(world.node, { REDIS_URL, TRACEHOLD_QUEUE_PREFIX: prefix, TRACEHOLD_CHAINS_FILE: chainsFile });
    app = await createAppContext({ config, log: silentLogger, queue: 'bull', db: world.testDb.db });
    workers = startBullWorkers({ redisUrl: REDIS_URL, prefix, processor: createJobProcessor(app.deps), log: silentLogger });
    server = await startServer(createApiApp(app.deps), 0);
    for (const [id, role, name] of [['alice', 'analyst', 'Alice Martin'], ['aliceSup', 'supervisor', 'Alice Martin'], ['bob', 'supervisor', 'Bob Keller'], ['root', 'admin', 'root']] as const) {
      keys[id] = (await createApiKey(app.deps.store, { role, name })).key;
    }
    for (const name of ['Binance', 'OKX']) {
      const res = await api('POST', '/v1/partners', keys.root!, { name, kind: 'exchange', entities: [name], contactEmail: `le@${name.toLowerCase()}.example` });
      expect(res.status).to.equal(201);
      partnerKeys[name] = (res.body as { apiKey: string }).apiKey;
    }
    browser = await launchBrowser();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      const saved = await screenshotAll(contexts, this.currentTest.title);
      process.stdout.write(`      screenshots: ${saved.join(', ')}\n`);
    }
  });

  after(async () => {
    process.stdout.write(`      axe: serious or critical violations per page ${JSON.stringify(a11y)}\n`);
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    await workers?.close();
    if (app) {
      for (const q of QUEUE_NAMES) await app.bull?.queue(q).obliterate({ force: true });
      await app.close();
    }
    await world?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function api(method: string, url: string, key: string, body?: unknown) {
    const res = await fetch(server.url + url, {
      method, headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const buffer = Buffer.from(await res.arrayBuffer());
    let parsed: unknown = null;
    try { parsed = JSON.parse(buffer.toString('utf8')); } catch { /* a document */ }
    return { status: res.status, body: parsed as any, buffer, headers: res.headers };
  }

  async function as(key: string): Promise<Page> {
    const s = await signIn(browser, server.url, key);
    contexts.push(s.context);
    return s.page;
  }

  async function expectAccessible(page: Page, name: string) {
    const violations = await seriousViolations(page);
    a11y[name] = violations.length;
    expect(violations, `${name}: ${JSON.stringify(violations, null, 1)}`).to.deep.equal([]);
  }

  let alice: Page;

  it('signs in with an API key (kept in session storage, never in the URL), and refuses a wrong one in the API\'s words', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(server.url + '/cases');
    await expectAccessible(page, 'sign-in');
    await page.getByLabel('API key').fill('th_analyst_' + 'x'.repeat(32));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'unknown or revoked API key' }).waitFor();

    alice = await as(keys.alice!);
    await alice.getByRole('heading', { name: 'Cases' }).waitFor();
    expect(alice.url()).to.equal(server.url + '/cases');
    expect(alice.url()).not.to.contain(keys.alice!);
    expect(await alice.evaluate(() => (globalThis as any).sessionStorage.getItem('tracehold.key'))).to.equal(keys.alice);
    expect(await alice.evaluate(() => (globalThis as any).localStorage.length)).to.equal(0);
    expect(await alice.locator('.who').innerText()).to.contain('analyst');
  });

  it('creates a case by pasting the victims\' payments, traces it on the local node with live progress, and reads the report in display units', async () => {
    await alice.getByRole('link', { name: 'New case' }).click();
    await expectAccessible(alice, 'new-case');
    await alice.getByLabel('Title').fill('Pig-butchering ring (browser)');
    await alice.getByLabel(/Reference/).fill('FIU-2026-0099');
    await alice.getByLabel('Chain').selectOption('local');
    // A bad seed first: the API's own words come back.
    await alice.getByLabel('Seeds').fill('not-an-address');
    await alice.getByRole('button', { name: 'Create and trace' }).click();
    const error = await alice.getByRole('alert').first().innerText();
    expect(error).to.match(/422|400/);
    await alice.getByLabel('Seeds').fill(world.scenario.seedTxs.join('\n'));
    await alice.getByRole('button', { name: 'Create and trace' }).click();
    await alice.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    caseId = alice.url().split('/').pop()!;
    // Live progress or, on a fast machine, the finished case.
    await alice.locator('.badge-traced').first().waitFor({ timeout: 120_000 });
    const text = await alice.locator('.report').innerText();
    const report = (await api('GET', `/v1/cases/${caseId}/report`, keys.alice!)).body;
    for (const e of report.endpoints as { address: string; amount: string; asset: string }[]) {
      if (e.asset === usdt) expect(text).to.contain(`${Number(formatUnits(e.amount, 6)).toLocaleString('en-US')} USDT`);
    }
    expect(text).to.contain('Binance').and.to.contain('OKX');
    expect(text).not.to.match(/\b\d{15,}\b/); // no raw base units on the page
    await expectAccessible(alice, 'case-report');
    const progress = (await api('GET', `/v1/cases/${caseId}`, keys.alice!)).body.progress;
    expect(progress).to.include.keys('hop', 'addresses', 'rpcCalls');
  });

  it('lists the case, searches and filters it, and moves through the list with the keyboard', async () => {
    await alice.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
    await alice.locator('a.case-link').first().waitFor();
    await expectAccessible(alice, 'case-list');
    await alice.locator('#case-status').selectOption('traced');
    await alice.locator('a.case-link', { hasText: 'Pig-butchering ring (browser)' }).waitFor();
    await alice.locator('a.case-link').first().focus();
    await alice.keyboard.press('ArrowDown');
    await alice.keyboard.press('ArrowUp');
    const focused = await alice.evaluate(() => (globalThis as any).document.activeElement?.className);
    expect(focused).to.contain('case-link');
    await alice.keyboard.press('Enter');
    await alice.waitForURL(/\/cases\/[0-9a-f-]{36}/);
  });

  it('draws the flow graph with every endpoint, highlights a path from a seed to an endpoint, and opens the side panel by click and by keyboard', async () => {
    await alice.goto(`${server.url}/cases/${caseId}/graph`);
    await alice.locator('[data-testid=graph-status][data-ready=true]').waitFor();
    const graph = (await api('GET', `/v1/cases/${caseId}/graph`, keys.alice!)).body;
    const report = (await api('GET', `/v1/cases/${caseId}/report`, keys.alice!)).body;
    const endpointAddresses = [...new Set((report.endpoints as { address: string }[]).map((e) => e.address.toLowerCase()))];
    expect(endpointAddresses.length).to.be.at.least(2);
    for (const address of endpointAddresses) {
      expect(await alice.locator(`[data-node-id="${address}"]`).count(), address).to.equal(1);
    }
    const drawn = await alice.evaluate(() => (globalThis as any).__workbench.cy.nodes().map((n: any) => n.id()));
    for (const address of endpointAddresses) expect(drawn).to.include(address);
    expect(graph.nodes.length).to.be.above(0);

    // The path from the first seed to the OKX deposit address.
    const okx = (report.endpoints as { address: string; entity: string }[]).find((e) => e.entity === 'OKX')!.address.toLowerCase();
    await alice.locator('#p-to').selectOption(okx);
    const path = alice.locator('[data-testid=highlighted-path] li');
    await path.first().waitFor();
    expect(await path.count()).to.be.at.least(2);
    expect(await path.last().innerText()).to.contain('OKX');
    const onPath = await alice.evaluate(() => (globalThis as any).__workbench.cy.elements('.on-path').length);
    expect(onPath).to.be.at.least(3);
    await expectAccessible(alice, 'graph');

    // The graph as drawn, as SVG and PNG files made in the browser.
    const [svg] = await Promise.all([alice.waitForEvent('download'), alice.getByRole('button', { name: 'SVG' }).click()]);
    const svgText = fs.readFileSync((await svg.path())!, 'utf8');
    expect(svgText).to.match(/^<\?xml/).and.to.contain('<svg');
    for (const address of endpointAddresses) expect(svgText).to.contain(address);
    const [png] = await Promise.all([alice.waitForEvent('download'), alice.getByRole('button', { name: 'PNG' }).click()]);
    expect(fs.readFileSync((await png.path())!).subarray(1, 4).toString()).to.equal('PNG');

    // Click the OKX node on the canvas: the side panel shows its labels, amounts and transactions.
    const box = await alice.locator('[data-testid=graph-canvas]').boundingBox();
    const at = await alice.evaluate((id) => (globalThis as any).__workbench.cy.getElementById(id).renderedPosition(), okx);
    await alice.mouse.click(box!.x + at.x, box!.y + at.y);
    const panel = alice.locator('[data-testid=side-panel]');
    await panel.waitFor();
    const panelText = await panel.innerText();
    expect(panelText).to.contain('OKX').and.to.contain('deposit-heuristic').and.to.contain('USDT');
    expect(await panel.locator('a[href^="https://explorer.example/tx/"]').count()).to.be.at.least(1);

    // Keyboard: the node list reaches any node, Enter opens it, focus lands in the panel, Escape closes.
    await alice.locator('#wallet-filter').fill('binance');
    await alice.locator('#wallet-filter').press('Tab');
    await alice.keyboard.press('Enter');
    await panel.waitFor();
    await alice.waitForFunction(() => (globalThis as any).document.activeElement?.tagName === 'H2');
    expect(await panel.innerText()).to.contain('Binance');
    await alice.keyboard.press('Tab');
    const inPanel = await alice.evaluate(() => !!(globalThis as any).document.activeElement?.closest('[data-testid=side-panel]'));
    expect(inPanel).to.equal(true);
    await alice.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await alice.locator('#wallet-filter').fill('');
  });

  it('saves a note on a wallet with the case, shown again after a reload and in the activity trail', async () => {
    const scam = world.scenario.wallets.s.toLowerCase();
    await alice.locator(`[data-node-id="${scam}"]`).click();
    await alice.getByLabel('Note', { exact: true }).fill('Scam wallet named in the victims\' chat logs');
    await alice.getByRole('button', { name: 'Save note' }).click();
    await alice.getByText('Saved.').waitFor();
    await alice.reload();
    await alice.locator('[data-testid=graph-status][data-ready=true]').waitFor();
    await alice.locator(`[data-node-id="${scam}"]`).click();
    expect(await alice.getByLabel('Note', { exact: true }).inputValue()).to.equal('Scam wallet named in the victims\' chat logs');
    const notes = (await api('GET', `/v1/cases/${caseId}/notes`, keys.alice!)).body;
    expect(notes.map((n: { address: string }) => n.address)).to.deep.equal([scam]);
  });

  it('exports GraphML that a GraphML reader reads back with every wallet and the right amounts, flows as CSV in display units, and a PDF with the endpoints', async () => {
    const graph = (await api('GET', `/v1/cases/${caseId}/graph`, keys.alice!)).body as { nodes: { address: string; asset: string; taintedIn: string; entity: string | null }[]; edges: { from: string; to: string; asset: string; tainted: string; txHash: string }[] };
    const report = (await api('GET', `/v1/cases/${caseId}/report`, keys.alice!)).body;

    // GraphML through the page's button (a real download), read back by graphology-graphml.
    await alice.goto(`${server.url}/cases/${caseId}`);
    const [download] = await Promise.all([alice.waitForEvent('download'), alice.getByRole('button', { name: /GraphML/ }).click()]);
    const xml = fs.readFileSync((await download.path())!, 'utf8');
    const g = parseGraphml(Graph, xml) as InstanceType<typeof Graph>;
    const addresses = new Set([...graph.nodes.map((n) => n.address.toLowerCase()), ...graph.edges.flatMap((e) => [e.from.toLowerCase(), e.to.toLowerCase()])]);
    expect(g.order).to.equal(addresses.size);
    expect(g.size).to.equal(graph.edges.filter((e) => e.to).length);
    for (const n of graph.nodes.filter((x) => x.asset === usdt)) {
      const attrs = g.getNodeAttributes(n.address.toLowerCase());
      expect(attrs.address.toLowerCase()).to.equal(n.address.toLowerCase());
      expect(attrs.tainted_in_USDT, n.address).to.equal(Number(formatUnits(n.taintedIn, 6)));
      if (n.entity) expect(attrs.entity).to.equal(n.entity);
    }
    const edgeTotal = g.reduceEdges((sum, _e, a) => sum + (a.asset === 'USDT' ? BigInt(a.tainted_base_units) : 0n), 0n);
    expect(edgeTotal).to.equal(graph.edges.filter((e) => e.asset === usdt).reduce((s, e) => s + BigInt(e.tainted), 0n));

    const csv = await api('GET', `/v1/cases/${caseId}/flows.csv`, keys.alice!);
    expect(csv.headers.get('content-type')).to.match(/text\/csv/);
    const rows = parseCsv(csv.buffer.toString('utf8'));
    expect(rows.length).to.equal(graph.edges.length);
    for (const row of rows.filter((r) => r.symbol === 'USDT')) {
      expect(row.tainted).to.equal(formatUnits(row.tainted_base_units!, 6));
      expect(row.tainted).not.to.match(/e/i);
    }
    expect(rows.some((r) => r.to_entity === 'Binance' || r.to_entity === 'OKX')).to.equal(true);

    const pdf = await api('GET', `/v1/cases/${caseId}/report.pdf`, keys.alice!);
    expect(pdf.headers.get('content-type')).to.equal('application/pdf');
    const text = pdfText(pdf.buffer);
    for (const e of report.endpoints as { address: string }[]) expect(text).to.contain(e.address);
    expect(text).to.contain(pdf.headers.get('x-report-sha256'));
    expect(text).to.contain('Evidence hashes');
  });

  it('shows the models side by side after tracing the case under another model, and the activity trail of what the analyst did', async () => {
    await alice.goto(`${server.url}/cases/${caseId}/models`);
    await alice.getByRole('button', { name: 'Trace with haircut' }).click();
    await alice.locator('th.current', { hasText: 'haircut' }).waitFor();
    await alice.locator('.badge-traced').first().waitFor({ timeout: 120_000 });
    await alice.reload();
    const table = alice.locator('table.models');
    await table.waitFor();
    const headers = await table.locator('thead th').allInnerTexts();
    expect(headers.join(' ')).to.contain('fifo').and.to.contain('haircut');
    const models = (await api('GET', `/v1/cases/${caseId}/models`, keys.alice!)).body;
    expect(models.current).to.equal('haircut');
    expect(models.models.filter((m: { runId: string | null }) => m.runId).map((m: { model: string }) => m.model).sort()).to.deep.equal(['fifo', 'haircut']);
    await expectAccessible(alice, 'models');

    await alice.getByRole('link', { name: 'Activity' }).click();
    const trail = alice.locator('ol.activity');
    await trail.waitFor();
    const text = await trail.innerText();
    for (const what of ['created the case', 'started a trace', 'changed the model', 'saved a note', 'exported']) expect(text).to.contain(what);
    expect(text).to.contain('Alice Martin');
    await expectAccessible(alice, 'activity');
  });

  let requests: { id: string; partner: { name: string } }[] = [];

  it('freeze flow: the analyst drafts, the same person as supervisor cannot approve (button disabled, API refuses), another supervisor approves and sends', async () => {
    await alice.goto(`${server.url}/cases/${caseId}/freeze`);
    await alice.getByRole('button', { name: 'Draft freeze requests' }).click();
    await alice.getByLabel('Requesting authority').fill('Financial Intelligence Unit, Cyber Fraud Team');
    await alice.getByLabel('Legal basis').fill('Art. 12 AML Act; prosecutor order 2026/117');
    await alice.getByLabel('Urgency').selectOption('immediate');
    await alice.getByLabel('Contact email').fill('a.martin@fiu.example');
    await expectAccessible(alice, 'draft-form');
    await alice.getByRole('button', { name: 'Draft', exact: true }).click();
    await alice.getByRole('status').filter({ hasText: 'Drafted 2 requests' }).waitFor();
    requests = (await api('GET', `/v1/cases/${caseId}/freeze-requests`, keys.alice!)).body;
    expect(requests.map((r) => r.partner.name).sort()).to.deep.equal(['Binance', 'OKX']);

    // Review: the analyst moves a draft's second target first; the evidence hash follows the order.
    const withTwo = [];
    for (const r of requests) {
      const full = (await api('GET', `/v1/freeze-requests/${r.id}`, keys.alice!)).body;
      if (full.targets.length >= 2) withTwo.push(full);
    }
    expect(withTwo.length, 'a request with two targets').to.be.at.least(1);
    const review = withTwo[0];
    await alice.goto(`${server.url}/freeze-requests/${review.id}`);
    await alice.getByRole('button', { name: 'Move target 2 up' }).click();
    await alice.locator('ol.history', { hasText: 'targets_reordered' }).waitFor();
    const reordered = (await api('GET', `/v1/freeze-requests/${review.id}`, keys.alice!)).body;
    const keyOf = (t: { address: string; asset: string }) => `${t.address}|${t.asset}`;
    expect(reordered.targets.map(keyOf)).to.deep.equal([review.targets[1], review.targets[0], ...review.targets.slice(2)].map(keyOf));
    expect(reordered.evidenceSha256).to.not.equal(review.evidenceSha256);
    expect(reordered.history.map((h: { action: string }) => h.action)).to.include('targets_reordered');

    const aliceSup = await as(keys.aliceSup!);
    for (const r of requests) {
      await aliceSup.goto(`${server.url}/freeze-requests/${r.id}`);
      const approve = aliceSup.getByRole('button', { name: 'Approve' });
      await approve.waitFor();
      expect(await approve.isDisabled(), `drafter approving ${r.partner.name}`).to.equal(true);
      expect(await aliceSup.getByText('another supervisor must approve it').count()).to.equal(1);
      const forced = await api('POST', `/v1/freeze-requests/${r.id}/approve`, keys.aliceSup!);
      expect(forced.status).to.be.oneOf([403, 409]);
    }
    await expectAccessible(aliceSup, 'freeze-request-drafter');

    const bob = await as(keys.bob!);
    for (const r of requests) {
      await bob.goto(`${server.url}/freeze-requests/${r.id}`);
      await bob.getByRole('button', { name: 'Approve' }).click();
      await bob.locator('.badge-approved').first().waitFor();
      await bob.getByRole('button', { name: 'Send to partner' }).click();
      await bob.locator('.page-head .badge-sent').waitFor();
    }
    expect(await bob.locator('ol.history').innerText()).to.contain('Bob Keller');
    expect(await bob.getByRole('button', { name: /^Move target/ }).count()).to.equal(0);
    const approvedOrder = reordered.targets.map((_t: unknown, i: number) => i);
    expect((await api('POST', `/v1/freeze-requests/${review.id}/targets/order`, keys.alice!, { order: approvedOrder })).status).to.equal(409);
    await expectAccessible(bob, 'freeze-request-sent');
  });

  it('partner portal: two partners each see only their own request; one answers a partial freeze with the fiat withdrawal that took the rest', async () => {
    const binance = await as(partnerKeys.Binance!);
    await binance.getByRole('heading', { name: 'Freeze requests to you' }).waitFor();
    const binanceRequest = requests.find((r) => r.partner.name === 'Binance')!;
    const okxRequest = requests.find((r) => r.partner.name === 'OKX')!;
    const listed = binance.locator('table.data tbody tr');
    await listed.first().waitFor();
    expect(await listed.count()).to.equal(1);
    expect(await binance.locator(`a[href="/partner/requests/${binanceRequest.id}"]`).count()).to.equal(1);
    await expectAccessible(binance, 'partner-inbox');

    const okx = await as(partnerKeys.OKX!);
    await okx.goto(`${server.url}/partner/requests/${binanceRequest.id}`);
    await okx.getByRole('alert').filter({ hasText: '404' }).waitFor();
    await okx.goto(`${server.url}/partner`);
    await okx.locator(`a[href="/partner/requests/${okxRequest.id}"]`).waitFor();
    expect(await okx.locator('table.data tbody tr').count()).to.equal(1);

    await binance.locator(`a[href="/partner/requests/${binanceRequest.id}"]`).click();
    await binance.getByRole('heading', { name: 'Answer', exact: true }).waitFor();
    const [notice] = await Promise.all([binance.waitForEvent('download'), binance.getByRole('button', { name: 'Notice PDF' }).click()]);
    expect(fs.readFileSync((await notice.path())!).subarray(0, 5).toString()).to.equal('%PDF-');
    const detail = (await api('GET', `/v1/partner/freeze-requests/${binanceRequest.id}`, partnerKeys.Binance!)).body;
    const target = detail.targets[0] as { amount: string; decimals: number; address: string };
    const half = BigInt(target.amount) / 2n;
    await binance.getByLabel(/Partially frozen/).check();
    await binance.getByLabel(new RegExp(`^#1 `)).fill(formatUnits(half, target.decimals));
    await binance.getByRole('button', { name: 'Add a withdrawal' }).click();
    await binance.getByLabel('IBAN').fill('DE89 3704 0044 0532 0130 00');
    await binance.getByRole('textbox', { name: 'Bank' }).fill('Commerzbank');
    await binance.getByLabel('Amount').fill('12500.50');
    await binance.getByLabel('Currency').fill('EUR');
    await binance.getByLabel(/^Note/).fill('Account frozen; the rest was withdrawn by SEPA before the request arrived');
    await expectAccessible(binance, 'partner-answer');
    await binance.getByRole('button', { name: 'Send answer' }).click();
    await binance.getByText('the request is now partially_frozen').waitFor();

    const staff = (await api('GET', `/v1/freeze-requests/${binanceRequest.id}`, keys.alice!)).body;
    expect(staff.status).to.equal('partially_frozen');
    const answer = staff.responses.at(-1);
    expect(answer.fiatWithdrawals).to.deep.equal([{ iban: 'DE89370400440532013000', bank: 'Commerzbank', amount: '1250050', currency: 'EUR' }]);
    expect(staff.targets.find((t: { address: string }) => t.address === target.address).frozenAmount).to.equal(half.toString());
    const leads = (await api('GET', `/v1/cases/${caseId}/leads`, keys.alice!)).body;
    expect(leads.map((l: { iban: string }) => l.iban)).to.include('DE89370400440532013000');
    // OKX still cannot answer Binance's request.
    expect((await api('POST', `/v1/partner/freeze-requests/${binanceRequest.id}/responses`, partnerKeys.OKX!, { status: 'received' })).status).to.equal(404);

    // Staff read the answer on the request page.
    await alice.goto(`${server.url}/freeze-requests/${binanceRequest.id}`);
    await alice.getByText('Commerzbank').waitFor();
    expect(await alice.locator('.timeline').innerText()).to.contain('12500.50 EUR');
  });

  it('the alerts inbox, the partners page and the API keys page (a key created there signs in)', async () => {
    // more alerts than one page (100): the inbox shows the newest and pages back on request
    const before = (await app.deps.store.alerts.page({ limit: 1000 })).length;
    for (let i = 0; i < 105; i++) await app.deps.store.alerts.raise({ kind: 'new_movement', caseId: null, requestId: null, message: `paging alert ${i}` });
    await alice.goto(`${server.url}/alerts`);
    await alice.getByRole('heading', { name: 'Alerts' }).waitFor();
    await alice.getByText('paging alert 104', { exact: true }).waitFor();
    expect(await alice.locator('ul.alerts > li').count()).to.equal(100);
    expect(await alice.getByText('paging alert 0', { exact: true }).count()).to.equal(0);
    await alice.getByRole('button', { name: 'Show older alerts' }).click();
    await alice.getByText('paging alert 0', { exact: true }).waitFor();
    expect(await alice.locator('ul.alerts > li').count()).to.equal(105 + before);
    expect(await alice.getByRole('button', { name: 'Show older alerts' }).count(), 'no page after the last').to.equal(0);
    await expectAccessible(alice, 'alerts');
    const root = await as(keys.root!);
    await root.getByRole('heading', { name: 'Partners' }).waitFor();
    await root.getByRole('cell', { name: 'Binance', exact: true }).waitFor();
    await expectAccessible(root, 'partners');

    // An admin hands out a key from the page; its owner signs in with it.
    await root.getByRole('link', { name: 'API keys' }).click();
    await root.getByLabel('Name of the person').fill('Carol Novak');
    await root.getByLabel('Role').selectOption('supervisor');
    await root.getByRole('button', { name: 'Create' }).click();
    const created = await root.getByRole('status').filter({ hasText: 'Created.' }).locator('code').innerText();
    expect(created).to.match(/^th_supervisor_/);
    await root.getByRole('cell', { name: 'Carol Novak' }).waitFor();
    await expectAccessible(root, 'keys');
    const carol = await as(created);
    expect(await carol.locator('.who').innerText()).to.contain('Carol Novak');
  });

  it('a 5,000-wallet case renders and answers a click (figures printed, not asserted)', async () => {
    const big = await writeBigCase(app.deps.store, { wallets: 5000, token: usdt });
    expect(big.wallets).to.be.at.least(5000);
    const started = Date.now();
    await alice.goto(`${server.url}/cases/${big.caseId}/graph`);
    await alice.locator('[data-testid=graph-status][data-ready=true]').waitFor({ timeout: 60_000 });
    const loadMs = Date.now() - started;
    const status = alice.locator('[data-testid=graph-status]');
    expect(Number(await status.getAttribute('data-wallets'))).to.equal(big.wallets);
    const drawnNodes = Number(await status.getAttribute('data-nodes'));
    const renderMs = await alice.evaluate(() => (globalThis as any).__workbench.graphRenderMs as number);
    for (const d of big.endpoints) expect(await alice.locator(`[data-node-id="${d}"]`).count(), d).to.equal(1);

    // Click a deposit address on the canvas; time until the side panel shows it.
    const box = await alice.locator('[data-testid=graph-canvas]').boundingBox();
    const target = big.endpoints[3]!;
    await alice.evaluate((id) => { const cy = (globalThis as any).__workbench.cy; cy.zoom(1); cy.center(cy.getElementById(id)); }, target);
    const at = await alice.evaluate((id) => (globalThis as any).__workbench.cy.getElementById(id).renderedPosition(), target);
    const clickStarted = Date.now();
    await alice.mouse.click(box!.x + at.x, box!.y + at.y);
    await alice.locator('[data-testid=side-panel] .address', { hasText: target }).waitFor();
    const clickMs = Date.now() - clickStarted;
    const inPageMs = await alice.evaluate(() => (globalThis as any).__workbench.lastSelectMs as number);

    // Expanding the folded leaves of the last hop draws them all.
    await alice.locator('[data-node-id^="group:"]').first().click();
    const expandStarted = Date.now();
    await alice.getByRole('button', { name: /^Expand into/ }).click();
    await alice.waitForFunction((n) => Number((globalThis as any).document.querySelector('[data-testid=graph-status]')?.getAttribute('data-nodes')) > n, drawnNodes, { timeout: 60_000 });
    await alice.locator('[data-testid=graph-status][data-ready=true]').waitFor();
    const expandMs = Date.now() - expandStarted;
    const expandedNodes = Number(await status.getAttribute('data-nodes'));
    process.stdout.write(`      5,000-wallet case: ${big.wallets} wallets, ${drawnNodes} nodes drawn (leaves grouped); page to drawn graph ${loadMs} ms ` +
      `(canvas ${Math.round(renderMs)} ms); click to side panel ${clickMs} ms wall (${Math.round(inPageMs)} ms in page); ` +
      `expanding the group to ${expandedNodes} nodes ${expandMs} ms\n`);
  });
});
