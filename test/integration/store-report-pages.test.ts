// A stored report is read the way it was written, in pieces (run-results-repo.ts readReport):
// a 100k case's report lists ~90,000 holdings, and the driver's one JSON.parse of the whole
// value held the event loop for 140 ms and more. Its long arrays are rows of their own and
// come a page of elements at a time; the rest is one small value; the keys in the order a
// whole jsonb value gives.
import { expect } from 'chai';
import type { Db } from '../../services/store/db';
import { createStore, type Store } from '../../services/store';
import { DRIVERS, openTestDb } from '../support/db';

/** The db, with every statement it runs (in transactions too) noted. */
function recording(db: Db, seen: string[]): Db {
  const wrap = (target: Db): Db => new Proxy(target, {
    get(t, name, receiver) {
      if (name === 'query') return (sql: string, params?: unknown[]) => (seen.push(sql.replace(/\s+/g, ' ').trim()), t.query(sql, params));
      if (name === 'transaction') return <T>(fn: (tx: Db) => Promise<T>) => t.transaction((tx) => fn(wrap(tx)));
      return Reflect.get(t, name, receiver) as unknown;
    },
  });
  return wrap(db);
}

DRIVERS.forEach((driver) => {
  describe(`store: reports read in pages (${driver})`, () => {
    let raw: Db;
    let store: Store;
    let drop: () => Promise<void>;
    const seen: string[] = [];
    before(async () => {
      const opened = await openTestDb(driver);
      raw = opened.db;
      drop = opened.drop;
      store = createStore(recording(raw, seen));
    });
    after(async () => drop?.());

    async function saved(report: unknown): Promise<string> {
      const kase = await store.cases.create({ title: 't', chain: 'ethereum', model: 'fifo', maxHops: 6, seeds: [{ address: '0x' + 'a'.repeat(40) }] });
      const run = await store.runs.create(kase.id);
      await store.runs.saveResult(run.id, { report, nodes: [], flows: [], endpoints: [] });
      return run.id;
    }

    const holding = (i: number) => ({ address: `0x${i.toString(16).padStart(40, '0')}`, amount: String(10n ** 30n + BigInt(i)), lastSeen: 1_700_000_000 + i, note: i === 3 ? 'tab\there "q" é 🚀 \\' : null });
    /** Keys in the order a whole jsonb value gives them: shorter first, then bytewise. */
    const jsonbOrder = (keys: string[]) => [...keys].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));

    it('stores long arrays one element a row and reads them a page at a time: the same report, its keys in jsonb\'s order', async () => {
      // Arrays longer than 100 elements are stored apart; read in pages of 100: holdings (250)
      // in 3 + 1 fetches, endpoints (101) in 2 + 1 (the last finds none).
      const report = {
        chain: 'ethereum', model: 'poison', hops: [{ hop: 0 }, { hop: 1 }],
        holdings: Array.from({ length: 250 }, (_, i) => holding(i)),
        endpoints: Array.from({ length: 101 }, (_, i) => ({ address: `0x${i}`, paths: [[`0xt${i}`, '0xu']], amount: String(i) })),
        limitations: [], stats: { transfers: 12 }, short: Array.from({ length: 100 }, (_, i) => i),
      };
      const runId = await saved(report);
      const row = (await raw.query<{ report: Record<string, unknown>; split_keys: string[] }>('select report, split_keys from case_reports where run_id = $1', [runId])).rows[0]!;
      expect([...row.split_keys].sort()).to.deep.equal(['endpoints', 'holdings']);
      expect(Object.keys(row.report)).to.include('short');
      expect(Object.keys(row.report)).to.not.include.oneOf(['holdings', 'endpoints']);
      const elements = await raw.query<{ key: string; n: number }>('select key, count(*)::int as n from case_report_elements where run_id = $1 group by key order by key', [runId]);
      expect(elements.rows).to.deep.equal([{ key: 'endpoints', n: 101 }, { key: 'holdings', n: 250 }]);
      seen.length = 0;
      const read = (await store.runs.report(runId, 100)) as Record<string, unknown>;
      expect(read).to.deep.equal(report);
      expect(Object.keys(read)).to.deep.equal(jsonbOrder(Object.keys(report)));
      expect(seen.filter((q) => q === 'fetch forward 100 from report_elements')).to.have.length(7);
      expect(seen.some((q) => /^select report from/.test(q))).to.equal(false);
      // Saved again (a step that ran twice): the elements replaced, not added to.
      await store.runs.saveResult(runId, { report: { ...report, holdings: report.holdings.slice(0, 120) }, nodes: [], flows: [], endpoints: [] });
      expect(((await store.runs.report(runId)) as { holdings: unknown[] }).holdings).to.deep.equal(report.holdings.slice(0, 120));
      expect((await raw.query<{ n: number }>('select count(*)::int as n from case_report_elements where run_id = $1', [runId])).rows[0]!.n).to.equal(221);
    });

    it('reads a report written whole (before migration 090) the same way, its long arrays a page at a time', async () => {
      const report = {
        chain: 'ethereum', model: 'poison', toBlock: 9, hops: [{ hop: 0 }, { hop: 1 }],
        holdings: Array.from({ length: 7 }, (_, i) => holding(i)),
        endpoints: Array.from({ length: 5 }, (_, i) => ({ address: `0x${i}`, paths: [[`0xt${i}`, '0xu']], amount: String(i) })),
        limitations: [], stats: { transfers: 12 },
      };
      const runId = await saved({ chain: 'ethereum' });
      await raw.query('update case_reports set report = $2::jsonb, split_keys = null where run_id = $1', [runId, JSON.stringify(report)]);
      const whole = (await raw.query<{ report: Record<string, unknown> }>('select report from case_reports where run_id = $1', [runId])).rows[0]!.report;
      seen.length = 0;
      const read = (await store.runs.report(runId, 3)) as Record<string, unknown>;
      expect(read).to.deep.equal(report);
      expect(JSON.stringify(read)).to.equal(JSON.stringify(whole));
      // holdings (7) and endpoints (5) in pages of 3: 3 + 1 and 2 + 1 fetches.
      expect(seen.filter((q) => q === 'fetch forward 3 from report_elements')).to.have.length(7);
      expect(await store.runs.reportOutline(runId)).to.deep.include({ holdings: report.holdings.map((h) => h.address).sort() });
    });

    it('reads a window of a report\'s arrays: just those rows, each whole array\'s length, the rest of the report whole', async () => {
      const report = {
        chain: 'ethereum', model: 'poison', toBlock: 9, limitations: ['x'],
        holdings: Array.from({ length: 250 }, (_, i) => holding(i)),
        endpoints: Array.from({ length: 20 }, (_, i) => ({ address: `0x${i}`, amount: String(i) })),
      };
      const runId = await saved(report);
      seen.length = 0;
      const window = (await store.runs.reportWindow(runId, { holdings: { offset: 240, limit: 40 }, endpoints: { offset: 5, limit: 3 }, sanctions: { offset: 0, limit: 3 } }))!;
      expect(window.lengths).to.deep.equal({ holdings: 250, endpoints: 20, sanctions: 0 });
      expect(window.report).to.deep.equal({ ...report, holdings: report.holdings.slice(240), endpoints: report.endpoints.slice(5, 8), sanctions: [] });
      expect(Object.keys(window.report)).to.deep.equal(jsonbOrder(Object.keys(window.report)));
      expect(seen.some((q) => q.startsWith('fetch forward')), 'no array read whole').to.equal(false);
      // Past the end: no rows, the length says so.
      const past = (await store.runs.reportWindow(runId, { holdings: { offset: 300, limit: 10 } }))!;
      expect(past.report.holdings).to.deep.equal([]);
      expect(past.lengths.holdings).to.equal(250);
      // A report written whole (before migration 090): the same window.
      await raw.query('delete from case_report_elements where run_id = $1', [runId]);
      await raw.query('update case_reports set report = $2::jsonb, split_keys = null where run_id = $1', [runId, JSON.stringify(report)]);
      const old = (await store.runs.reportWindow(runId, { holdings: { offset: 240, limit: 40 }, endpoints: { offset: 5, limit: 3 }, sanctions: { offset: 0, limit: 3 } }))!;
      expect(old).to.deep.equal(window);
      expect(await store.runs.reportWindow((await saved('not an object')), { holdings: { offset: 0, limit: 1 } })).to.equal(null);
    });

    it('a report of short arrays is one read', async () => {
      const report = { chain: 'ethereum', holdings: [{ a: 1 }, { a: 2 }], endpoints: [] };
      const runId = await saved(report);
      seen.length = 0;
      expect(await store.runs.report(runId, 3)).to.deep.equal(report);
      expect(seen).to.have.length(1);
    });

    it('outlines a report without reading it whole: its block, its holdings\' wallets once each, its limitations', async () => {
      const [a, b] = ['0x' + 'a'.repeat(40), '0x' + 'b'.repeat(40)];
      const runId = await saved({
        chain: 'ethereum', toBlock: 1234, limitations: ['holdings not checked against real balances at block 1234: x'],
        holdings: [{ address: a, asset: 'ETH' }, { address: b, asset: 'ETH' }, { address: a, asset: '0xusdt' }],
      });
      seen.length = 0;
      const outline = (await store.runs.reportOutline(runId))!;
      expect(outline.toBlock).to.equal(1234);
      expect([...outline.holdings].sort()).to.deep.equal([a, b]);
      expect(outline.limitations).to.deep.equal(['holdings not checked against real balances at block 1234: x']);
      expect(seen).to.have.length(1);
      // Holdings and limitations stored apart (more than 100 of them): the same outline, one read.
      const many = Array.from({ length: 150 }, (_, i) => `0x${i.toString(16).padStart(40, '0')}`);
      const notes = many.map((w) => `holding of ${w} capped at its balance`);
      const apart = await saved({ chain: 'ethereum', toBlock: 77, limitations: notes, holdings: [...many, a].map((address) => ({ address, asset: 'ETH' })) });
      seen.length = 0;
      const outlined = (await store.runs.reportOutline(apart))!;
      expect(outlined.toBlock).to.equal(77);
      expect([...outlined.holdings].sort()).to.deep.equal([...many, a].sort());
      expect(outlined.limitations).to.deep.equal(notes);
      expect(seen).to.have.length(1);
      expect(await store.runs.reportOutline((await saved({ chain: 'ethereum', toBlock: 5 })))).to.deep.equal({ toBlock: 5, holdings: [], limitations: [] });
      const kase = await store.cases.create({ title: 't', chain: 'ethereum', model: 'fifo', maxHops: 6, seeds: [{ address: a }] });
      expect(await store.runs.reportOutline((await store.runs.create(kase.id)).id), 'a run without a report').to.equal(null);
    });

    it('a run that took over an earlier answer reads its report at its block, with no row of its own', async () => {
      const holdings = Array.from({ length: 107 }, (_, i) => ({ address: `0x${i.toString(16).padStart(40, '0')}`, amount: String(i) }));
      const report = { chain: 'ethereum', model: 'poison', toBlock: 100, toBlockHash: '0xold', holdings, limitations: [], stats: { transfers: 12, rpcCalls: 40, hops: 3, ms: 900 } };
      const computed = await saved(report);
      const kase = (await store.runs.get(computed))!.caseId;
      await store.runs.finish(computed, 'done');
      const take = (fromRunId: string, toBlock: number, toBlockHash: string | null) =>
        store.runs.takeOverRun({ caseId: kase, fromRunId, retraceRunId: null, toBlock, toBlockHash, ms: 5, stats: { reusedFrom: computed } });
      const first = (await take(computed, 120, '0xnew')).runId;
      const second = (await take(first, 130, null)).runId;
      const { toBlockHash: _h, ...withoutHash } = report;
      expect(await store.runs.report(first, 3)).to.deep.equal({ ...report, toBlock: 120, toBlockHash: '0xnew', stats: { transfers: 12, rpcCalls: 0, hops: 0, ms: 5 } });
      expect(await store.runs.report(second, 3)).to.deep.equal({ ...withoutHash, toBlock: 130, stats: { transfers: 12, rpcCalls: 0, hops: 0, ms: 5 } });
      expect(await store.runs.report(computed, 3)).to.deep.equal(report);
      expect((await store.runs.reportOutline(second))!.toBlock).to.equal(130);
      for (const table of ['case_reports', 'case_report_elements']) {
        const rows = await raw.query<{ n: number }>(`select count(*)::int as n from ${table} where run_id = any($1::uuid[])`, [[first, second]]);
        expect(rows.rows[0]!.n, table).to.equal(0);
      }
      expect((await store.runs.latestReportPerModel(kase)).map((l) => l.runId)).to.deep.equal([second]);
    });

    it('a case\'s latest report per model is read the same way', async () => {
      const report = { chain: 'ethereum', model: 'haircut', holdings: Array.from({ length: 2_001 }, (_, i) => ({ i })) }; // longer than a page (2,000)
      const runId = await saved(report);
      const kase = (await store.runs.get(runId))!.caseId;
      await store.runs.finish(runId, 'done');
      seen.length = 0;
      const latest = await store.runs.latestReportPerModel(kase);
      expect(latest.map((l) => [l.runId, l.report])).to.deep.equal([[runId, report]]);
      expect(seen.some((q) => q.startsWith('fetch forward'))).to.equal(true);
    });
  });
});
