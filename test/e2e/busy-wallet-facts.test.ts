// Busy wallets judged from cheap facts (issue 10 item 4), end to end on anvil. A wallet whose
// token logs are too large for one answer (maxLogReplyBytes) is read only part way, and its
// nonce and code are read in one batch before more of its history:
//
//   V ──100──► W ──1──► C  (12 times, 12 transactions W sent)
//   V ──100──► S ──1──► D  (12 times, S a SmartWallet contract its owner drives; its nonce set high)
//
// With a counterparty limit of 5 neither has more than 2 counterparties. W, an account without
// code, sent 12 transactions in its window (> 5): service-like, with that evidence recorded;
// the taint stops there. S has code: its nonce says nothing of what it sent, so it is judged
// on counterparties and crawled (the taint reaches D). Both sets of facts are kept; a second
// case reuses W's verdict and reads no nonce again. With replies unbounded (the default 8 MiB)
// neither wallet is a suspect, no fact is read, and W is crawled as before. A wallet X that
// pays 12 different wallets is service-like on counterparties from the part of its history
// read so far: the rest is never fetched.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Contract, NonceManager, Wallet, parseEther } from 'ethers';
import { createAppContext, type AppContext } from '../../services/app';
import { deploy, devAccount, receiptOf } from '../../services/devchain';
import { silentLogger } from '../../services/log';
import { sendsOwnTransactions } from '../../services/tracing/service-like';
import { anvilProvider, startAnvil, type AnvilNode } from '../support/anvil';
import { createTestDb, type TestDb } from '../support/db';
import { testConfig, traceInline } from '../support/tracing';

describe('e2e: busy wallets judged on nonce and code when their logs are too large for one answer (anvil)', function () {
  this.timeout(300_000);
  let node: AnvilNode;
  let dir: string;
  let token: string;
  let seeds: string[];
  let smart: string;
  let seedX: string;
  let lastPayout: number;
  const dbs: TestDb[] = [];
  const apps: AppContext[] = [];
  const [v, w, owner, c, d, x] = [devAccount(7200), devAccount(7201), devAccount(7202), devAccount(7203), devAccount(7204), devAccount(7205)];
  const lc = (a: string) => a.toLowerCase();

  const appWith = async (extra: Record<string, string>) => {
    const testDb = await createTestDb();
    dbs.push(testDb);
    const app = await createAppContext({
      config: testConfig(node, { TRACEHOLD_SERVICE_LIKE_COUNTERPARTIES: '5', TRACEHOLD_SERVICE_LIKE_SENT_TXS: '5', ...extra }),
      log: silentLogger, queue: 'inline', db: testDb.db,
    });
    apps.push(app);
    return app;
  };
  const body = () => ({ chain: 'local', seeds: seeds.map((txHash) => ({ txHash })), assets: [token], model: 'fifo' });
  const held = (r: Awaited<ReturnType<typeof traceInline>>) => new Set(r.holdings.map((h) => lc(h.address)));
  const nonceReads = (app: AppContext) => (app.deps.chains.get('local').stats() as unknown as { byMethod: Record<string, number> }).byMethod.eth_getTransactionCount ?? 0;

  before(async () => {
    node = await startAnvil({ accounts: 2 });
    const provider = anvilProvider(node);
    for (const a of [v, w, owner, x]) await node.rpc('anvil_setBalance', [a.address, `0x${parseEther('10').toString(16)}`]);
    const deployer = new NonceManager(new Wallet(node.accounts[0]!.privateKey, provider));
    const usdt = (await deploy(deployer, 'TestUSDT')) as unknown as Contract;
    token = lc(await usdt.getAddress());
    smart = lc(await ((await deploy(deployer, 'SmartWallet', [owner.address])) as unknown as Contract).getAddress());
    const send = async (p: Promise<{ hash: string }>) => {
      const tx = await p;
      if ((await receiptOf(provider, tx.hash)).status !== 1) throw new Error(`reverted: ${tx.hash}`);
      return lc(tx.hash);
    };
    const as = (k: { privateKey: string }) => usdt.connect(new NonceManager(new Wallet(k.privateKey, provider))) as Contract;
    await send(usdt.getFunction('mint')(v.address, 1_000_000_000n));
    seeds = [await send(as(v).getFunction('transfer')(w.address, 100_000_000n)), await send(as(v).getFunction('transfer')(smart, 100_000_000n))];
    // A contract's nonce counts the contracts it created: set high, as a factory's would be.
    await node.rpc('anvil_setNonce', [smart, '0x40']);
    const wallet = new Contract(smart, ['function execute(address to, uint256 value, bytes data) returns (bytes)'], new NonceManager(new Wallet(owner.privateKey, provider)));
    const transfer = usdt.interface.encodeFunctionData('transfer', [d.address, 1_000_000n]);
    for (let i = 0; i < 12; i += 1) {
      await send(as(w).getFunction('transfer')(c.address, 1_000_000n));
      await send(wallet.getFunction('execute')(token, 0n, transfer));
    }
    seedX = await send(as(v).getFunction('transfer')(x.address, 100_000_000n));
    for (let i = 0; i < 12; i += 1) await send(as(x).getFunction('transfer')(devAccount(7300 + i).address, 1_000_000n));
    lastPayout = await provider.getBlockNumber();
    provider.destroy();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracehold-facts-'));
    fs.writeFileSync(path.join(dir, 'chains.json'), JSON.stringify({ local: { maxLogReplyBytes: 4096 } }));
  });
  after(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    for (const db of dbs) await db.drop().catch(() => undefined);
    await node?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an EOA that sent more transactions than the limit stops the trace; a contract is judged on counterparties, whatever its nonce', async () => {
    const app = await appWith({ TRACEHOLD_CHAINS_FILE: path.join(dir, 'chains.json') });
    const report = await traceInline(app, body());
    expect(held(report).has(lc(d.address)), 'the contract S is crawled: the taint reaches D').to.equal(true);
    expect(held(report).has(lc(c.address)), 'W is service-like: the taint stops there').to.equal(false);

    const verdicts = (await app.db.query<{ address: string; counterparties: number; judged_to_block: string; judged_sent_txs: string | null; judged_code_size: number | null }>(
      'select address, counterparties, judged_to_block::text, judged_sent_txs::text, judged_code_size from addresses where chain = $1 and service_like order by address', ['local'],
    )).rows;
    // Judged before its history was all read: the counterparties counted so far (at most W's 2).
    expect(verdicts.map(({ counterparties: _n, ...v }) => v)).to.deep.equal([{ address: lc(w.address), judged_to_block: String(report.toBlock), judged_sent_txs: '12', judged_code_size: 0 }]);
    expect(verdicts[0]!.counterparties).to.be.within(0, 2);

    const facts = (await app.db.query<{ address: string; sent_txs: string; code_size: number; delegated: boolean }>(
      'select address, sent_txs::text, code_size, delegated from account_facts where chain = $1 order by address', ['local'],
    )).rows;
    // D, paid 12 times by S, is a suspect of the next hop too (its logs are as large).
    expect(facts.map((f) => f.address)).to.include.members([lc(w.address), smart, lc(d.address)]);
    expect(facts.map((f) => f.address)).to.not.include(lc(c.address));
    const ofS = facts.find((f) => f.address === smart)!;
    expect(ofS.code_size).to.be.greaterThan(0);
    expect(Number(ofS.sent_txs), 'the contract nonce moved (created contracts, not transactions)').to.be.greaterThan(5);
    expect(facts.find((f) => f.address === lc(w.address))).to.deep.include({ sent_txs: '12', code_size: 0, delegated: false });

    // A second case: W's verdict is reused (no nonce read again), same answer.
    const before = nonceReads(app);
    expect(before).to.be.greaterThan(0);
    const again = await traceInline(app, body());
    expect(again.holdings).to.deep.equal(report.holdings);
    expect(nonceReads(app)).to.equal(before);
  });

  it('with replies unbounded no wallet is a suspect: no fact is read and W is crawled (the counterparty rule alone)', async () => {
    const app = await appWith({});
    const report = await traceInline(app, body());
    expect(held(report).has(lc(c.address))).to.equal(true);
    expect(held(report).has(lc(d.address))).to.equal(true);
    expect(nonceReads(app)).to.equal(0);
    expect((await app.db.query('select 1 from account_facts')).rowCount).to.equal(0);
  });

  it('a wallet over the counterparty limit in the part of its history read is service-like; the rest is never fetched', async () => {
    const app = await appWith({ TRACEHOLD_CHAINS_FILE: path.join(dir, 'chains.json'), TRACEHOLD_SERVICE_LIKE_SENT_TXS: '1000' });
    const report = await traceInline(app, { chain: 'local', seeds: [{ txHash: seedX }], assets: [token], model: 'fifo' });
    const verdicts = (await app.db.query<{ address: string; counterparties: number; judged_sent_txs: string | null }>(
      'select address, counterparties, judged_sent_txs::text from addresses where chain = $1 and service_like', ['local'],
    )).rows;
    expect(verdicts.map((r) => r.address)).to.deep.equal([lc(x.address)]);
    expect(verdicts[0]!.counterparties).to.be.greaterThan(5);
    const scannedTo = Number((await app.db.query<{ to: string }>('select max(to_block)::text as to from scanned_ranges where chain = $1 and address = $2', ['local', lc(x.address)])).rows[0]!.to);
    expect(report.toBlock).to.be.at.least(lastPayout);
    expect(scannedTo, 'X\'s history read only part way').to.be.below(lastPayout);
  });

  it('the nonce counts sent transactions for accounts without code and for EIP-7702 delegations only', () => {
    expect(sendsOwnTransactions({ codeSize: 0, delegated: false })).to.equal(true);
    expect(sendsOwnTransactions({ codeSize: 23, delegated: true })).to.equal(true);
    expect(sendsOwnTransactions({ codeSize: 23, delegated: false })).to.equal(false);
    expect(sendsOwnTransactions({ codeSize: 1_200, delegated: false })).to.equal(false);
  });
});
