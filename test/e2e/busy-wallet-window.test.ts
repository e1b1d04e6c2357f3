// Busy wallets judged from a window of their history: histories are fetched and counted a
// log window at a time, and a wallet over the counterparty limit in the blocks read so far is
// service-like whatever follows, so the rest of its history is never fetched. With a window
// of 2 blocks the verdicts (and the report) are those of one read of the whole range; the
// evidence of a busy wallet ends where the limit was passed, and so does its stored history.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAppContext, type AppContext } from '../../services/app';
import { playPigButchering, type PigButcheringCase } from '../../services/demo/pig-butchering';
import { startLocalNode, type LocalNode } from '../../services/devchain';
import { silentLogger } from '../../services/log';
import { createTestDb, type TestDb } from '../support/db';
import { stableReport, testConfig, traceInline } from '../support/tracing';

describe('e2e: busy wallets judged a window at a time', function () {
  this.timeout(300_000);
  let node: LocalNode;
  let scenario: PigButcheringCase;
  const dbs: TestDb[] = [];
  const apps: AppContext[] = [];
  let dir: string;
  const LIMIT = 2;

  const appWith = async (extra: Record<string, string>) => {
    const testDb = await createTestDb();
    dbs.push(testDb);
    const app = await createAppContext({ config: testConfig(node, { TRACEHOLD_SERVICE_LIKE_COUNTERPARTIES: String(LIMIT), ...extra }), log: silentLogger, queue: 'inline', db: testDb.db });
    apps.push(app);
    await app.deps.store.labels.upsert(scenario.labels);
    return app;
  };
  const verdicts = async (app: AppContext) =>
    (await app.db.query<{ address: string; judged_to_block: string }>('select address, judged_to_block::text from addresses where chain = $1 and service_like order by address', ['local'])).rows;
  const scannedTo = async (app: AppContext, address: string) =>
    Number((await app.db.query<{ to: string | null }>('select max(to_block)::text as to from scanned_ranges where chain = $1 and address = $2', ['local', address])).rows[0]?.to ?? -1);

  before(async () => {
    node = await startLocalNode();
    scenario = await playPigButchering(node);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracehold-window-'));
    fs.writeFileSync(path.join(dir, 'chains.json'), JSON.stringify({ local: { maxLogRange: 2 } }));
  });
  after(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    for (const db of dbs) await db.drop().catch(() => undefined);
    scenario?.provider.destroy();
    await node?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('same verdicts and report as one read of the range; a busy wallet\'s evidence and history stop early', async () => {
    const body = { chain: 'local', seeds: scenario.seedTxs.map((txHash) => ({ txHash })), model: 'fifo' };
    const whole = await appWith({});
    const small = await appWith({ TRACEHOLD_CHAINS_FILE: path.join(dir, 'chains.json') });
    const reportWhole = await traceInline(whole, body);
    const reportSmall = await traceInline(small, body);
    expect(stableReport(reportSmall)).to.deep.equal(stableReport(reportWhole));

    const vWhole = await verdicts(whole);
    const vSmall = await verdicts(small);
    expect(vSmall.map((v) => v.address)).to.deep.equal(vWhole.map((v) => v.address));
    expect(vWhole.length).to.be.above(0);
    // One read: every verdict's evidence runs to the run's end. Windows: some stop before it,
    // and that wallet's history was fetched no further.
    expect(vWhole.every((v) => Number(v.judged_to_block) === reportWhole.toBlock)).to.equal(true);
    const early = vSmall.filter((v) => Number(v.judged_to_block) < reportSmall.toBlock);
    expect(early.length, 'a busy wallet judged before the end of the range').to.be.above(0);
    for (const v of early) expect(await scannedTo(small, v.address)).to.equal(Number(v.judged_to_block));
  });
});
