// A whole trace gives the same report whether its token openings are derived from the
// balance at toBlock and the stored history, or read at each ledger's own block: the
// pig-butchering case on anvil, each way on an empty database of its own.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAppContext } from '../../services/app';
import { playPigButchering, type PigButcheringCase } from '../../services/demo/pig-butchering';
import type { TraceReport } from '../../services/domain/report';
import { silentLogger } from '../../services/log';
import { startAnvil, type AnvilNode } from '../support/anvil';
import { createTestDb } from '../support/db';
import { stableReport, testConfig, traceInline } from '../support/tracing';

describe('e2e: token openings derived from toBlock give the report read openings give', function () {
  this.timeout(180_000);
  let node: AnvilNode;
  let scenario: PigButcheringCase;
  let tmp: string;
  before(async () => {
    node = await startAnvil({ accounts: 2 });
    scenario = await playPigButchering(node);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tracehold-openings-'));
  });
  after(async () => {
    scenario?.provider.destroy();
    await node?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The report of one trace on an empty database, and the source's calls by method. */
  async function trace(model: string, chains: Record<string, unknown> | null): Promise<{ report: TraceReport; byMethod: Record<string, number> }> {
    const extra: Record<string, string> = {};
    if (chains) {
      const file = path.join(tmp, `chains-${model}.json`);
      fs.writeFileSync(file, JSON.stringify(chains));
      extra.TRACEHOLD_CHAINS_FILE = file;
    }
    const testDb = await createTestDb();
    const app = await createAppContext({ config: testConfig(node, extra), log: silentLogger, queue: 'inline', db: testDb.db });
    try {
      await app.deps.store.labels.upsert(scenario.labels);
      const report = await traceInline(app, { chain: 'local', seeds: scenario.seedTxs.map((txHash) => ({ txHash })), model });
      const byMethod = (app.deps.chains.get('local').stats() as unknown as { byMethod: Record<string, number> }).byMethod;
      return { report, byMethod };
    } finally {
      await app.close();
      await testDb.drop();
    }
  }

  for (const model of ['poison', 'haircut', 'fifo']) {
    it(`${model}: the same report, with fewer balance calls`, async () => {
      const derived = await trace(model, null);
      const read = await trace(model, { local: { balanceTokensReadDirectly: [scenario.token] } });
      expect(stableReport(derived.report)).to.deep.equal(stableReport(read.report));
      expect(derived.report.holdings.some((h) => h.asset === scenario.token)).to.equal(true);
      expect(derived.byMethod.eth_call ?? 0).to.be.lessThan(read.byMethod.eth_call ?? 0);
    });
  }
});
