// Bulk-insert figures on the Postgres server. Printed, never asserted: timings depend on
// the machine, and a shared CI server must not make the suite flaky.
import { expect } from 'chai';
import type { Label, Transfer } from '../../services/domain/types';
import { createStore, type Store } from '../../services/store';
import { createTestDb, type TestDb } from '../support/db';

const TRANSFERS = 100_000;
const LABELS = 300_000;

function hex(i: number, width: number): string {
  return '0x' + i.toString(16).padStart(width, '0');
}

function syntheticTransfers(n: number): Transfer[] {
  return Array.from({ length: n }, (_, i) => ({
    chain: 'ethereum',
    txHash: hex(i, 64),
    blockNumber: 18_000_000 + Math.floor(i / 150),
    blockHash: hex(Math.floor(i / 150), 64),
    timestamp: 1_700_000_000 + Math.floor(i / 150) * 12,
    txIndex: i % 150,
    ref: i % 3 === 0 ? 'log:7' : 'tx',
    seq: i % 3 === 0 ? 1_000_007 : 1,
    kind: i % 3 === 0 ? 'token' : 'native',
    asset: i % 3 === 0 ? '0xdac17f958d2ee523a2206206994597c13d831ec7' : 'ETH',
    from: hex(i % 5_000, 40),
    to: hex((i * 7) % 20_000, 40),
    amount: 10n ** 18n * BigInt(i + 1) + 123456789n,
  }));
}

function syntheticLabels(n: number): Label[] {
  return Array.from({ length: n }, (_, i) => ({
    chain: 'ethereum',
    address: hex(i, 40),
    entity: `entity-${i % 2_000}`,
    category: 'exchange',
    confidence: i % 101,
    source: 'bench',
  }));
}

async function timed(label: string, fn: () => Promise<number>): Promise<number> {
  const started = process.hrtime.bigint();
  const rows = await fn();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`      ${label}: ${rows} rows in ${ms.toFixed(0)} ms (${Math.round(rows / (ms / 1000))} rows/s)`);
  return rows;
}

describe('store: bulk insert figures (postgres server)', () => {
  let test: TestDb;
  let store: Store;

  before(async () => {
    test = await createTestDb();
    store = createStore(test.db);
  });

  after(async () => {
    await test.drop();
  });

  it(`inserts ${TRANSFERS} transfers`, async () => {
    const transfers = syntheticTransfers(TRANSFERS);
    expect(await timed('insertTransfers', () => store.chainData.insertTransfers(transfers))).to.equal(TRANSFERS);
    await timed('insertTransfers again (all conflicts)', () => store.chainData.insertTransfers(transfers));
    await timed('transfersOf 200 addresses, both directions', async () => {
      const addresses = Array.from({ length: 200 }, (_, i) => hex(i, 40));
      return (await store.chainData.transfersOf('ethereum', addresses, { fromBlock: 0, toBlock: 10 ** 9 }, 'both')).length;
    });
  });

  it(`upserts ${LABELS} labels`, async () => {
    const labels = syntheticLabels(LABELS);
    expect(await timed('labels.upsert (new)', () => store.labels.upsert(labels))).to.equal(LABELS);
    await timed('labels.upsert (all existing)', () => store.labels.upsert(labels));
    await timed('labels.lookup 1000 addresses', async () => {
      const found = await store.labels.lookup('ethereum', labels.slice(0, 1000).map((l) => l.address));
      return [...found.values()].reduce((n, list) => n + list.length, 0);
    });
  });
});
