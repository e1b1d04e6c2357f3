// A window opened too late is widened within the step, and the transfers the wider window
// adds are part of the step's graph (read for that window alone, not for every wallet again):
//
//   S ──100──► A            (block b1)
//   A ──40───► X            (b2: X's first tainted inflow, seen only once A is followed)
//   X ──10───► Z            (b3: inside X's widened window only)
//   S ──200──► X            (b4: X's first tainted inflow as seen from S; its first window)
//   X ──150──► Y            (b5)
//   Z ──5────► W            (b6: W is reached only if Z was decided in a step)
//
// S (a seed wallet) holds 1,000 USDT, all of it tainted. FIFO: A 60, X 40 − 10 + 200 − 150 = 80,
// Z 10 − 5 = 5, W 5, Y 150; S keeps 700.
import { expect } from 'chai';
import { Contract, JsonRpcProvider, NonceManager, Wallet, parseEther, parseUnits } from 'ethers';
import { createAppContext, type AppContext } from '../../services/app';
import { deploy, devAccount, fundWallets, receiptOf, startLocalNode, type LocalNode } from '../../services/devchain';
import { silentLogger } from '../../services/log';
import { createTestDb, type TestDb } from '../support/db';
import { testConfig, traceInline } from '../support/tracing';

const U = (n: number) => parseUnits(String(n), 6);
const NAMES = ['s', 'a', 'x', 'y', 'z', 'w'] as const;
type Name = (typeof NAMES)[number];

describe('e2e: a ledger window widened within a step', function () {
  this.timeout(300_000);
  let node: LocalNode;
  let provider: JsonRpcProvider;
  let testDb: TestDb;
  let app: AppContext;
  let a: Record<Name, string>;
  let token: string;
  const blocks: Record<string, number> = {};

  before(async () => {
    node = await startLocalNode();
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 10 });
    const keys = Object.fromEntries(NAMES.map((n, i) => [n, devAccount(9700 + i)])) as Record<Name, { address: string; privateKey: string }>;
    a = Object.fromEntries(NAMES.map((n) => [n, keys[n].address.toLowerCase()])) as Record<Name, string>;
    const signer = (n: Name) => new NonceManager(new Wallet(keys[n].privateKey, provider));
    await fundWallets(node.url, node.accounts[0]!, [a.s, a.a, a.x, a.z], parseEther('1'));
    const owner = new NonceManager(new Wallet(node.accounts[0]!.privateKey, provider));
    const usdt = (await deploy(owner, 'TestUSDT')) as unknown as Contract;
    token = (await usdt.getAddress()).toLowerCase();
    const as = (n: Name) => usdt.connect(signer(n)) as Contract;
    const mined = async (label: string, tx: Promise<{ hash: string }>) => {
      const receipt = await receiptOf(provider, (await tx).hash);
      if (receipt.status !== 1) throw new Error(`${label} failed`);
      blocks[label] = receipt.blockNumber;
    };
    await mined('mint', usdt.mint(a.s, U(1_000)));
    await mined('b1', as('s').transfer(a.a, U(100)));
    await mined('b2', as('a').transfer(a.x, U(40)));
    await mined('b3', as('x').transfer(a.z, U(10)));
    await mined('b4', as('s').transfer(a.x, U(200)));
    await mined('b5', as('x').transfer(a.y, U(150)));
    await mined('b6', as('z').transfer(a.w, U(5)));
    testDb = await createTestDb();
    app = await createAppContext({ config: testConfig(node), log: silentLogger, queue: 'inline', db: testDb.db });
  });
  after(async () => {
    await app?.close();
    await testDb?.drop();
    provider?.destroy();
    await node?.close();
  });

  it('X\'s window widens to its first tainted inflow and the wallet it paid in between is followed', async () => {
    const report = await traceInline(app, { chain: 'local', seeds: [{ address: a.s }], assets: [token], fromBlock: blocks.b1, model: 'fifo' });
    const run = (await app.deps.store.runs.latestForCase((await app.deps.store.cases.list({ limit: 10 }))[0]!.id, 'done'))!;
    const states = new Map((await app.deps.store.runs.addresses(run.id)).map((r) => [r.address, r]));
    expect(states.get(a.x)).to.include({ state: 'crawled', fromBlock: blocks.b2 });
    expect(states.get(a.z)?.state, 'Z was decided in a step').to.equal('crawled');
    // Z is decided in the very step that widened X's window (S; A and X; Y and Z; W; nothing
    // new), not a step later: the widened window's transfers are in that step's graph.
    expect(run.stats?.hops).to.equal(4);
    const held = Object.fromEntries(report.holdings.map((h) => [h.address, h.amount]));
    expect(held).to.deep.equal({
      [a.s]: U(700).toString(), [a.a]: U(60).toString(), [a.x]: U(80).toString(), [a.y]: U(150).toString(), [a.z]: U(5).toString(), [a.w]: U(5).toString(),
    });
  });
});
