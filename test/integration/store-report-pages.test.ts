// A stored report is read the way it was written, in pieces (run-results-repo.ts readReport):
// a 100k case's report lists ~90,000 holdings, and the driver's one JSON.parse of the whole
// value held the event loop for 140 ms and more. Its long arrays come a page of elements at a
// time; the rest is one small value; the keys in the order the whole value gives.
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

    it('reads long arrays a page at a time: the same report, its keys in the whole value\'s order', async () => {
      const holding = (i: number) => ({ address: `0x${i.toString(16).padStart(40, '0')}`, amount: String(10n ** 30n + BigInt(i)), lastSeen: 1_700_000_000 + i, note: i === 3 ? 'tab\there "q" é 🚀' : null });
      const report = {
        chain: 'ethereum', model: 'poison', hops: [{ hop: 0 }, { hop: 1 }],
        holdings: Array.from({ length: 7 }, (_, i) => holding(i)),
        endpoints: Array.from({ length: 5 }, (_, i) => ({ address: `0x${i}`, paths: [[`0xt${i}`, '0xu']], amount: String(i) })),
        limitations: [], stats: { transfers: 12 },
      };
      const runId = await saved(report);
      const whole = (await raw.query<{ report: Record<string, unknown> }>('select report from case_reports where run_id = $1', [runId])).rows[0]!.report;
      seen.length = 0;
      const read = (await store.runs.report(runId, 3)) as Record<string, unknown>;
      expect(read).to.deep.equal(report);
      expect(Object.keys(read)).to.deep.equal(Object.keys(whole));
      expect(JSON.stringify(read)).to.equal(JSON.stringify(whole));
      // holdings (7) and endpoints (5) in pages of 3: 3 + 1 and 2 + 1 fetches (the last finds
      // none); the report is never selected whole.
      expect(seen.filter((q) => q === 'fetch forward 3 from report_elements')).to.have.length(7);
      expect(seen.some((q) => /^select report from/.test(q))).to.equal(false);
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
      expect(await store.runs.reportOutline((await saved({ chain: 'ethereum', toBlock: 5 })))).to.deep.equal({ toBlock: 5, holdings: [], limitations: [] });
      const kase = await store.cases.create({ title: 't', chain: 'ethereum', model: 'fifo', maxHops: 6, seeds: [{ address: a }] });
      expect(await store.runs.reportOutline((await store.runs.create(kase.id)).id), 'a run without a report').to.equal(null);
    });

    it('a run that took over an earlier answer reads its report at its block, with no row of its own', async () => {
      const holdings = Array.from({ length: 7 }, (_, i) => ({ address: `0x${i.toString(16).padStart(40, '0')}`, amount: String(i) }));
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
      const rows = await raw.query<{ n: number }>('select count(*)::int as n from case_reports where run_id = any($1::uuid[])', [[first, second]]);
      expect(rows.rows[0]!.n).to.equal(0);
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
