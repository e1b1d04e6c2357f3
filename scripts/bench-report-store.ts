// `npm run bench:report`: what a large report costs the store, stored as since migration 090
// (its lists of over 100 items one item a row) and as before (one jsonb value), side by side
// on the same database: saving it, reading it whole, reading one page of its lists (the API's
// `?limit=`) and its outline (the re-trace's and the watch's read), and the process's RSS
// after each save (PGlite runs in the process). Figures only.
//
//   REPORT_HOLDINGS  holdings in the report (default 90,000: the bench's 100k case has ~90,000)
//   REPORT_DB        pg (default: a throwaway database on TEST_DATABASE_ADMIN_URL's server) or pglite
//   REPORT_ROUNDS    rounds of each read, the median printed (default 3)
import { createStore } from '../services/store';
import { jsonCopyField } from '../services/store/copy-text';
import { openTestDb } from '../test/support/db';

const holdings = Number(process.env.REPORT_HOLDINGS ?? 90_000);
const driver = process.env.REPORT_DB === 'pglite' ? 'pglite' : 'pg';
const rounds = Math.max(1, Number(process.env.REPORT_ROUNDS ?? 3));

const wallet = (i: number) => `0x${i.toString(16).padStart(40, '0')}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const { db, drop } = await openTestDb(driver);
  const store = createStore(db);
  try {
    // The shape of the bench's holdings (scripts/bench.ts reports): ~200 bytes each.
    const report = {
      chain: 'ethereum', model: 'poison', toBlock: 9, limitations: [], stats: { transfers: 1 },
      holdings: Array.from({ length: holdings }, (_, i) => ({
        hops: 3, asset: '0xdac17f958d2ee523a2206206994597c13d831ec7', amount: String(10n ** 20n + BigInt(i)), symbol: 'USDT', address: wallet(i), decimals: 6, lastSeen: 1_700_000_000 + i,
      })),
      endpoints: Array.from({ length: 400 }, (_, i) => ({ address: wallet(i), asset: 'ETH', amount: String(i), hops: 4, paths: [['0x' + 'a'.repeat(64)]] })),
    };
    const kase = await store.cases.create({ title: 'report store', chain: 'ethereum', model: 'poison', maxHops: 6, seeds: [{ address: wallet(1) }] });
    const run = await store.runs.create(kase.id);
    const time = async (fn: () => Promise<unknown>) => {
      const started = performance.now();
      await fn();
      return performance.now() - started;
    };
    const reads = async () => {
      const figures = { whole: [] as number[], page: [] as number[], outline: [] as number[] };
      for (let r = 0; r < rounds; r++) {
        figures.whole.push(await time(() => store.runs.report(run.id)));
        figures.page.push(await time(() => store.runs.reportWindow(run.id, { endpoints: { offset: 300, limit: 100 }, holdings: { offset: Math.floor(holdings / 2), limit: 100 } })));
        figures.outline.push(await time(() => store.runs.reportOutline(run.id)));
      }
      return { whole: median(figures.whole), page: median(figures.page), outline: median(figures.outline) };
    };
    const json = JSON.stringify(report);
    console.log(`report of ${holdings.toLocaleString('en-US')} holdings, ${(json.length / 2 ** 20).toFixed(1)} MB as JSON, on ${driver === 'pg' ? 'server Postgres' : 'PGlite'} (medians of ${rounds})`);
    const rssBefore = process.memoryUsage().rss;
    const saveApart = await time(() => store.runs.saveResult(run.id, { report, nodes: [], flows: [], endpoints: [] }));
    const apart = await reads();
    const rssApart = process.memoryUsage().rss;
    // As the store wrote it before 090: one row, the report COPYed in pieces as it is made.
    const saveWhole = await time(() => db.transaction(async (tx) => {
      await tx.query('delete from case_report_elements where run_id = $1', [run.id]);
      await tx.query('delete from case_reports where run_id = $1', [run.id]);
      await tx.copyText('case_reports', ['run_id', 'report'], (async function* () {
        yield `${run.id}\t`;
        yield* jsonCopyField(report);
        yield '\n';
      })());
    }));
    const rssWhole = process.memoryUsage().rss;
    const whole = await reads();
    const row = (what: string, a: number, w: number) => console.log(`  ${what.padEnd(44)} ${a.toFixed(0).padStart(6)} ms  ${w.toFixed(0).padStart(6)} ms  ${(w / a).toFixed(2)}×`);
    console.log(`  ${''.padEnd(44)} ${'apart'.padStart(9)}  ${'whole'.padStart(9)}  whole/apart`);
    row('save', saveApart, saveWhole);
    row('read whole', apart.whole, whole.whole);
    row('a page: 100 endpoints + 100 holdings', apart.page, whole.page);
    row('outline (block, holdings\' wallets)', apart.outline, whole.outline);
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    console.log(`  process RSS: ${mb(rssBefore)} before, ${mb(rssApart)} after the save apart and its reads, ${mb(rssWhole)} after the whole save`
      + (driver === 'pglite' ? ' (PGlite runs in this process; its WASM memory never shrinks)' : ''));
  } finally {
    await drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
