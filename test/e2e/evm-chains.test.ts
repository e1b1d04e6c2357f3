// Every EVM chain in config/chains.json, traced on anvil started with that chain's id, with its
// stablecoins placed at their real addresses with their real decimals (BSC's USDT and USDC have
// 18). On each: the victim pays 1,000 of every configured stablecoin and 5 of the native coin to
// the scammer S, who passes 600 of each token and 3 native to a Binance deposit; all figures
// are exact in the chain's own units, and the report names the chain's own symbols.
import { expect } from 'chai';
import { Contract, NonceManager, Wallet, parseEther, parseUnits } from 'ethers';
import { loadConfig, type ChainConfig } from '../../config';
import { createAppContext, type AppContext } from '../../services/app';
import { devAccount, receiptOf } from '../../services/devchain';
import { silentLogger } from '../../services/log';
import { anvilProvider, placeToken, startAnvil, type AnvilNode } from '../support/anvil';
import { createTestDb, type TestDb } from '../support/db';
import { traceInline } from '../support/tracing';

const chains = Object.values(loadConfig({}).chains).filter((c) => c.kind === 'evm' && c.name !== 'local');

interface Played {
  node: AnvilNode;
  chain: ChainConfig;
  seeds: string[];
  s: string;
  x: string;
}

const TOKEN_ABI = ['function mint(address to, uint256 amount)', 'function transfer(address to, uint256 amount) returns (bool)'];

async function play(chain: ChainConfig): Promise<Played> {
  const node = await startAnvil({ chainId: chain.chainId, accounts: 2 });
  for (const t of chain.tokens) await placeToken(node, t.address, t.symbol, t.decimals);
  const provider = anvilProvider(node);
  const [v, s, x] = [devAccount(5000), devAccount(5001), devAccount(5002)];
  await node.rpc('anvil_setBalance', [v.address, `0x${parseEther('10').toString(16)}`]);
  const victim = new NonceManager(new Wallet(v.privateKey, provider));
  const scammer = new NonceManager(new Wallet(s.privateKey, provider));
  const seeds: string[] = [];
  const send = async (p: Promise<{ hash: string }>) => {
    const tx = await p;
    if ((await receiptOf(provider, tx.hash)).status !== 1) throw new Error(`reverted: ${tx.hash}`);
    return tx.hash.toLowerCase();
  };
  seeds.push(await send(victim.sendTransaction({ to: s.address, value: parseEther('5') })));
  for (const t of chain.tokens) {
    const token = new Contract(t.address, TOKEN_ABI, victim);
    await send(token.getFunction('mint')(v.address, parseUnits('1000', t.decimals)));
    seeds.push(await send(token.getFunction('transfer')(s.address, parseUnits('1000', t.decimals))));
  }
  for (const t of chain.tokens) {
    await send((new Contract(t.address, TOKEN_ABI, scammer)).getFunction('transfer')(x.address, parseUnits('600', t.decimals)));
  }
  await send(scammer.sendTransaction({ to: x.address, value: parseEther('3') }));
  provider.destroy();
  return { node, chain, seeds, s: s.address, x: x.address };
}

describe('e2e: every configured EVM chain on anvil with its chain id, native coin and stablecoin decimals', function () {
  this.timeout(300_000);
  const played = new Map<string, Played>();
  let testDb: TestDb;
  let app: AppContext;

  before(async () => {
    for (const chain of chains) played.set(chain.name, await play(chain));
    const env: Record<string, string> = { TRACEHOLD_LOG_LEVEL: 'silent' };
    for (const p of played.values()) env[`${p.chain.name.toUpperCase()}_RPC_URL`] = p.node.url;
    testDb = await createTestDb();
    app = await createAppContext({ config: loadConfig(env), log: silentLogger, queue: 'inline', db: testDb.db });
    await app.deps.store.labels.upsert([...played.values()].map((p) => ({ chain: p.chain.name, address: p.x, entity: 'Binance', category: 'exchange' as const })));
  });
  after(async () => {
    await app?.close();
    await testDb?.drop();
    for (const p of played.values()) await p.node.close();
  });

  it('covers the chains the issue names', () => {
    expect(chains.map((c) => c.name)).to.include.members(['ethereum', 'bsc', 'polygon', 'arbitrum', 'base', 'optimism', 'avalanche']);
    const bsc = chains.find((c) => c.name === 'bsc')!;
    expect(bsc.tokens.map((t) => [t.symbol, t.decimals])).to.deep.equal([['USDT', 18], ['USDC', 18]]);
    for (const c of chains.filter((x) => x.name !== 'ethereum')) {
      expect(c.explorer?.tx, c.name).to.match(/^https:\/\/.+\{tx\}$/);
      expect(c.explorer?.address, c.name).to.match(/^https:\/\/.+\{address\}$/);
    }
  });

  for (const chain of chains) {
    it(`${chain.name} (chain id ${chain.chainId}, ${chain.nativeAsset}, ${chain.finality ?? `${chain.confirmations} confirmations`})`, async () => {
      const p = played.get(chain.name)!;
      // Not settled yet (a few blocks deep only): the seeds are refused until they are final / confirmed.
      if (chain.finality === 'finalized' || chain.confirmations > 8) {
        const early = await traceInline(app, { chain: chain.name, seeds: p.seeds.map((txHash) => ({ txHash })) }).then(() => 'traced', (e: Error) => e.message);
        expect(early).to.match(/not confirmed yet/);
      }
      await p.node.mine(chain.finality === 'finalized' ? 65 : chain.confirmations + 1);

      const r = await traceInline(app, { chain: chain.name, seeds: p.seeds.map((txHash) => ({ txHash })) });
      expect(r.chain).to.equal(chain.name);
      for (const t of chain.tokens) {
        const e = r.endpoints.find((x) => x.address.toLowerCase() === p.x && x.asset === t.address)!;
        expect(e, `${t.symbol} endpoint`).to.include({ entity: 'Binance', amount: parseUnits('600', t.decimals).toString(), symbol: t.symbol, decimals: t.decimals });
        const h = r.holdings.find((x) => x.address.toLowerCase() === p.s && x.asset === t.address)!;
        expect(h.amount).to.equal(parseUnits('400', t.decimals).toString());
        expect(r.exposure.find((x) => x.asset === t.address)).to.include({ entity: 'Binance', share: 0.6 });
      }
      const native = r.endpoints.find((x) => x.address.toLowerCase() === p.x && x.asset === chain.nativeAsset)!;
      expect(native, `${chain.nativeAsset} endpoint`).to.include({ amount: parseEther('3').toString(), symbol: chain.nativeAsset, decimals: 18 });
    });
  }

  it('refuses an endpoint that serves another chain id', async () => {
    const wrong = await startAnvil({ chainId: 1, accounts: 1 });
    const other = await createAppContext({ config: loadConfig({ BSC_RPC_URL: wrong.url, TRACEHOLD_LOG_LEVEL: 'silent' }), log: silentLogger, queue: 'inline', db: testDb.db });
    try {
      const seed = played.get('bsc')!.seeds[0]!;
      const failed = await traceInline(other, { chain: 'bsc', seeds: [{ txHash: seed }] }).then(() => 'traced', (e: Error) => e.message);
      expect(failed).to.match(/serves chain id 1, but bsc is chain id 56/);
    } finally {
      await other.close();
      await wrong.close();
    }
  });
});
