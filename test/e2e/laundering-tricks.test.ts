// One case on a real local node that plays every laundering trick of issue 9 through real
// contracts, with hand-checked amounts per model (USDT, 6 decimals):
//
//   Binance hot HW ─multiTransfer──► S 10,000 · B1 2,000 · B2 3,000   (the victim's withdrawal: a batch)
//   clean C ──90,000──► S
//   S ──10,000──► S                     (self-transfer wash)
//   attacker: USDT.transferFrom(S, L1, 0)  (zero-value address poisoning)
//   S ──90,000──► D ──sweep 90,000──► HW (D: a Binance deposit address)
//   S ──10,000──► W ──6,000──► X        (X: Garantex, labelled exchange 50 and OFAC-sanctioned 60)
//   attacker: fake "USDT" events D → L2, D → L3 and W → six lookalikes; USDT.transferFrom(D, L3, 0)
//
// S holds [10,000 tainted, 90,000 clean] when it pays D then W:
//   fifo    D 10,000 · W 0                               → Binance (deposit D) 10,000
//   lifo    D 0 · W 10,000 → X 6,000, W keeps 4,000      → Garantex 6,000 (sanctions 6,000), holding 4,000
//   haircut D 90,000×10/100 = 9,000 · W 1,000 → X 600, W keeps 400
//   poison  D 90,000 · W 10,000 → X 6,000, W holds its 4,000
//   tiho    D takes min(90,000, 10,000) = 10,000 · W 0
// Seeded is 10,000 in every model.
import { expect } from 'chai';
import { Contract, JsonRpcProvider, NonceManager, Wallet, parseEther, parseUnits } from 'ethers';
import { createAppContext, type AppContext } from '../../services/app';
import { main } from '../../services/cli/main';
import { deploy, devAccount, fundWallets, receiptOf, startLocalNode, type LocalNode } from '../../services/devchain';
import type { TraceReport } from '../../services/domain/report';
import { TAINT_MODELS, type Label, type TaintModel } from '../../services/domain/types';
import { silentLogger } from '../../services/log';
import { createCase } from '../../services/tracing/cases';
import { AmbiguousSeedError } from '../../services/tracing/seed-check';
import { createTestDb, type TestDb } from '../support/db';
import { testConfig, traceInline } from '../support/tracing';

const U = (n: number) => parseUnits(String(n), 6);
const NAMES = ['hw', 's', 'c', 'd', 'w', 'x', 'b1', 'b2', 'att', 'l1', 'l2', 'l3', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6'] as const;
type Name = (typeof NAMES)[number];

interface Expected { d: number; x: number; w: number }
const EXPECTED: Record<TaintModel, Expected> = {
  fifo: { d: 10_000, x: 0, w: 0 },
  lifo: { d: 0, x: 6_000, w: 4_000 },
  haircut: { d: 9_000, x: 600, w: 400 },
  poison: { d: 90_000, x: 6_000, w: 4_000 },
  tiho: { d: 10_000, x: 0, w: 0 },
};

describe('e2e: numbers that hold against laundering tricks (real contracts on a local node)', function () {
  this.timeout(600_000);
  let node: LocalNode;
  let provider: JsonRpcProvider;
  let testDb: TestDb;
  let app: AppContext;
  let a: Record<Name, string>;
  let token: string;
  let batchTx: string;
  let seedIndex: number;

  before(async () => {
    node = await startLocalNode();
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 10 });
    const keys = Object.fromEntries(NAMES.map((n, i) => [n, devAccount(9000 + i)])) as Record<Name, { address: string; privateKey: string }>;
    a = Object.fromEntries(NAMES.map((n) => [n, keys[n].address])) as Record<Name, string>;
    const signer = (n: Name) => new NonceManager(new Wallet(keys[n].privateKey, provider));
    await fundWallets(node.url, node.accounts[0]!, [a.hw, a.s, a.c, a.d, a.w, a.att], parseEther('1'));
    const owner = new NonceManager(new Wallet(node.accounts[0]!.privateKey, provider));
    const usdt = (await deploy(owner, 'TestUSDT')) as unknown as Contract;
    token = (await usdt.getAddress()).toLowerCase();
    const spamToken = (await deploy(signer('att'), 'SpamToken')) as unknown as Contract;
    const mined = async (tx: Promise<{ hash: string }>) => {
      const receipt = await receiptOf(provider, (await tx).hash);
      if (receipt.status !== 1) throw new Error('transaction failed');
      return receipt;
    };
    const as = (n: Name) => usdt.connect(signer(n)) as Contract;
    await mined(usdt.mint(a.hw, U(15_000)));
    await mined(usdt.mint(a.c, U(90_000)));

    const batch = await mined(as('hw').multiTransfer([a.s, a.b1, a.b2], [U(10_000), U(2_000), U(3_000)]));
    batchTx = batch.hash.toLowerCase();
    const toS = batch.logs.find((l) => l.topics[2]?.toLowerCase().endsWith(a.s.slice(2)));
    seedIndex = toS!.index;
    await mined(as('c').transfer(a.s, U(90_000)));
    await mined(as('s').transfer(a.s, U(10_000)));
    await mined(as('att').transferFrom(a.s, a.l1, 0));
    await mined(as('s').transfer(a.d, U(90_000)));
    await mined(as('s').transfer(a.w, U(10_000)));
    await mined(as('w').transfer(a.x, U(6_000)));
    await mined(as('d').transfer(a.hw, U(90_000)));
    const fakeFrom = [a.d, a.d, a.w, a.w, a.w, a.w, a.w, a.w];
    const fakeTo = [a.l2, a.l3, a.m1, a.m2, a.m3, a.m4, a.m5, a.m6];
    await mined((spamToken.connect(signer('att')) as Contract).spam(fakeFrom, fakeTo, U(1_000_000)));
    await mined(as('att').transferFrom(a.d, a.l3, 0));

    testDb = await createTestDb();
    // A low service-like limit: counting the fake events would make W a "service".
    app = await createAppContext({ config: testConfig(node, { TRACEHOLD_SERVICE_LIKE_COUNTERPARTIES: '5' }), log: silentLogger, queue: 'inline', db: testDb.db });
    const labels: Label[] = [
      { chain: 'local', address: a.hw, entity: 'Binance', category: 'exchange', confidence: 90, source: 'test pack' },
      { chain: 'local', address: a.x, entity: 'Garantex', category: 'exchange', confidence: 50, source: 'test pack' },
      { chain: 'local', address: a.x, entity: 'Garantex Europe OU', category: 'sanctioned', confidence: 60, source: 'ofac' },
    ];
    await app.deps.store.labels.upsert(labels);
  });
  after(async () => {
    await app?.close();
    await testDb?.drop();
    provider?.destroy();
    await node?.close();
  });

  it('refuses the batched withdrawal as a seed (422 listing its transfers), through the use case and the CLI (exit 2)', async () => {
    const error = await createCase(app.deps, { title: 'batch', chain: 'local', seeds: [{ txHash: batchTx }] }, 'test').then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(AmbiguousSeedError);
    const details = (error as AmbiguousSeedError).details;
    expect(details).to.include({ senders: 1, recipients: 3 });
    expect(details.transfers.map((t) => [t.from, t.to, t.asset, t.amount])).to.deep.equal([
      [a.hw, a.s, token, U(10_000).toString()], [a.hw, a.b1, token, U(2_000).toString()], [a.hw, a.b2, token, U(3_000).toString()],
    ]);
    expect(details.transfers[0]!.index).to.equal(seedIndex);
    expect((await app.db.query('select count(*)::int as n from cases')).rows[0]).to.deep.equal({ n: 0 });

    let err = '';
    const code = await main(['trace', '--chain', 'local', '--seed', batchTx, '--json'], {
      out: () => undefined, err: (t: string) => { err += t; },
      env: { LOCAL_RPC_URL: node.url, DATABASE_URL: testDb.url, TRACEHOLD_LOG_LEVEL: 'silent', PATH: process.env.PATH ?? '' },
    });
    expect(code).to.equal(2);
    expect(err).to.include(`moves value from 1 sender(s) to 3 recipient(s); name one as ${batchTx}:<pick> (see the list)`);
    expect(err).to.match(/pick\s+from\s+to\s+asset\s+amount/);
    expect(err).to.match(new RegExp(`\\n  ${seedIndex}\\s+${a.hw}\\s+${a.s}\\s+${token}\\s+${U(10_000)}\\n`));
  });

  it('--asset limits the whole report: an address seed traced for USDT shows no ETH anywhere', async () => {
    // S holds ETH for gas; with only the token asked for, its ETH is neither a holding nor an accounting row.
    const r = await traceInline(app, { chain: 'local', seeds: [{ address: a.s }], assets: [token] });
    expect(r.assets).to.deep.equal([token]);
    for (const rows of [r.endpoints, r.exposure, r.holdings, r.stopped, r.hops, r.accounting]) {
      for (const row of rows) expect(row.asset, JSON.stringify(row)).to.equal(token);
    }
    // S is the seed: everything it held or received is tainted (10,000 + 90,000 USDT, counted once).
    expect(r.accounting).to.have.length(1);
    expect(r.accounting[0]!.seeded).to.equal(U(100_000).toString());
  });

  for (const model of TAINT_MODELS) {
    it(`${model}: hand-checked endpoints, sanctions and holdings, seeded 10,000 once, spam ignored`, async () => {
      const e = EXPECTED[model];
      const r: TraceReport = await traceInline(app, {
        chain: 'local', model, seeds: [{ txHash: batchTx, index: seedIndex }], minAmount: { [token]: '100' },
      });
      const amount = (address: string) => r.endpoints.filter((x) => x.address === address && x.asset === token).reduce((s, x) => s + BigInt(x.amount), 0n);
      expect(amount(a.d), 'deposit address D').to.equal(U(e.d));
      if (e.d > 0) {
        expect(r.endpoints.find((x) => x.address === a.d)).to.include({ entity: 'Binance', attribution: 'deposit-heuristic' });
      }
      expect(amount(a.x), 'Garantex').to.equal(U(e.x));
      if (e.x > 0) {
        const x = r.endpoints.find((p) => p.address === a.x)!;
        expect(x).to.include({ entity: 'Garantex', category: 'exchange', attribution: 'label' });
        expect(x.labels).to.deep.equal([
          { entity: 'Garantex', category: 'exchange', source: 'test pack', confidence: 50 },
          { entity: 'Garantex Europe OU', category: 'sanctioned', source: 'ofac', confidence: 60 },
        ]);
        expect(r.sanctions).to.deep.equal([{ entity: 'Garantex Europe OU', source: 'ofac', asset: token, amount: U(e.x).toString(), share: e.x / 10_000, addresses: [a.x] }]);
      } else {
        expect(r.sanctions).to.deep.equal([]);
      }
      const held = r.holdings.filter((h) => h.address === a.w).reduce((s, h) => s + BigInt(h.amount), 0n);
      expect(held, 'W keeps').to.equal(U(e.w));
      // Nobody else: not the batch's bystanders, not the lookalikes, not the spam token.
      const named = new Set([a.d, a.x, a.w]);
      for (const place of [...r.endpoints, ...r.holdings]) expect(named.has(place.address), place.address).to.equal(true);
      expect(JSON.stringify(r)).to.not.include(a.b1.slice(2)).and.not.include(a.l2.slice(2)).and.not.include(a.m1.slice(2));
      const row = r.accounting.find((x) => x.asset === token)!;
      expect(row.seeded).to.equal(U(10_000).toString());
      if (model !== 'poison') {
        expect(BigInt(row.endpoints) + BigInt(row.holdings) + BigInt(row.stopped) + BigInt(row.fees)).to.equal(U(10_000));
      }
      expect(r.assets).to.deep.equal(['ETH', token].sort());
      expect(r.ignored!.selfTransfers).to.equal(1);
      expect(r.ignored!.zeroValue).to.be.at.least(1);
      if (e.x > 0) expect(r.ignored!.untracedAssets, 'the fake events from W').to.be.at.least(6);
    });
  }
});
