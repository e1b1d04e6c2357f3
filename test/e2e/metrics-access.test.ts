// /metrics behind TRACEHOLD_METRICS_TOKEN, and the REST chains in the RPC metrics: Esplora
// (bitcoin) and java-tron's /wallet/* and /jsonrpc calls count per chain and method, errors
// by kind, like the EVM JSON-RPC client's calls.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../config';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createAppContext, type AppContext } from '../../services/app';
import { createApiKey } from '../../services/auth/api-keys';
import { createBitcoinSource } from '../../services/chains/bitcoin';
import { createTronSource } from '../../services/chains/tron/tron-source';
import { silentLogger } from '../../services/log';
import { registry } from '../../services/metrics';
import { startAnvil, type AnvilNode } from '../support/anvil';
import { createTestDb, type TestDb } from '../support/db';
import { EsploraData, startEsploraServer, type EsploraServer } from '../support/esplora-server';
import { startTronTestNode, type TronTestNode } from '../support/tron-node';

/** The value of one sample of this process's registry, 0 when absent. */
async function sampleOf(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const found = (metric?.values ?? []).find((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want));
  return found ? Number(found.value) : 0;
}

describe('e2e: /metrics access and REST chains in the RPC metrics', function () {
  this.timeout(120_000);

  describe('TRACEHOLD_METRICS_TOKEN', () => {
    const token = randomBytes(24).toString('hex');
    let testDb: TestDb;
    let ctx: AppContext;
    let open: RunningServer;
    let guarded: RunningServer;

    before(async () => {
      testDb = await createTestDb();
      const config = loadConfig({ TRACEHOLD_LOG_LEVEL: 'silent' });
      ctx = await createAppContext({ config, log: silentLogger, queue: 'inline', db: testDb.db });
      open = await startServer(createApiApp(ctx.deps), 0);
      guarded = await startServer(createApiApp({ ...ctx.deps, config: loadConfig({ TRACEHOLD_LOG_LEVEL: 'silent', TRACEHOLD_METRICS_TOKEN: token }) }), 0);
    });
    after(async () => {
      await open?.stop();
      await guarded?.stop();
      await ctx?.close();
      await testDb?.drop();
    });

    it('unset: /metrics answers anyone (inside the deployment, like the probes)', async () => {
      const res = await fetch(`${open.url}/metrics`);
      expect(res.status).to.equal(200);
      expect(await res.text()).to.include('tracehold_rpc_calls_total');
    });

    it('set: only the bearer token gets the figures; no token, a wrong one or an API key get a JSON 401', async () => {
      const scrape = (authorization?: string) => fetch(`${guarded.url}/metrics`, { headers: authorization ? { authorization } : {} });
      const admin = (await createApiKey(ctx.deps.store, { role: 'admin', name: 'root' })).key;
      for (const authorization of [undefined, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`, `Bearer ${admin}`, token]) {
        const res = await scrape(authorization);
        expect(res.status, String(authorization)).to.equal(401);
        expect(res.headers.get('www-authenticate')).to.match(/^Bearer/);
        const body = (await res.json()) as { error: { code: string } };
        expect(body.error.code).to.equal('unauthorized');
      }
      const ok = await scrape(`Bearer ${token}`);
      expect(ok.status).to.equal(200);
      expect(await ok.text()).to.include('tracehold_http_request_duration_seconds');
      // the probes and the API description stay open
      expect((await fetch(`${guarded.url}/healthz`)).status).to.equal(200);
      expect((await fetch(`${guarded.url}/openapi.json`)).status).to.equal(200);
    });

    it('a token too short or with spaces fails at start', () => {
      expect(() => loadConfig({ TRACEHOLD_METRICS_TOKEN: 'short' })).to.throw(/TRACEHOLD_METRICS_TOKEN/);
      expect(() => loadConfig({ TRACEHOLD_METRICS_TOKEN: 'has a space in the middle' })).to.throw(/TRACEHOLD_METRICS_TOKEN/);
      expect(loadConfig({ TRACEHOLD_METRICS_TOKEN: ` ${token} ` }).api.metricsToken).to.equal(token);
    });
  });

  describe('Esplora calls', () => {
    let esplora: EsploraServer;
    before(async () => {
      esplora = await startEsploraServer(new EsploraData());
    });
    after(async () => esplora?.close());

    it('count per chain and path template, retries included; failures by kind; no txid becomes a label', async () => {
      const chain = `btc-metrics-${randomBytes(3).toString('hex')}`;
      const source = createBitcoinSource({ chain, esploraUrl: esplora.url, confirmations: 0, retries: 2, backoff: { baseMs: 1, maxMs: 2 } });
      const tipLabels = { chain, method: 'GET /blocks/tip/height' };
      esplora.failNext(1, 503, undefined, /tip/);
      await source.tipHeight();
      expect(await sampleOf('tracehold_rpc_calls_total', tipLabels), 'the 503 and its retry').to.be.at.least(2);
      expect(await sampleOf('tracehold_rpc_errors_total', { ...tipLabels, kind: 'http' })).to.equal(1);

      esplora.failNext(3, 429, 0, /tip/);
      await source.tipHeight().then(() => expect.fail('three 429s with two retries'), () => undefined);
      expect(await sampleOf('tracehold_rpc_errors_total', { ...tipLabels, kind: 'rate_limited' })).to.equal(3);

      const txid = 'ab'.repeat(32);
      await source.transaction(txid).catch(() => undefined);
      expect(await sampleOf('tracehold_rpc_calls_total', { chain, method: 'GET /tx/:txid' })).to.be.at.least(1);
      const text = await registry.metrics();
      expect(text).to.not.include(txid);
      await source.close();
    });
  });

  describe('Tron calls', () => {
    let anvil: AnvilNode;
    let tron: TronTestNode;
    before(async () => {
      anvil = await startAnvil({ chainId: 728126428, accounts: 1, zeroFees: true });
      tron = await startTronTestNode(anvil.url);
    });
    after(async () => {
      await tron?.close();
      await anvil?.close();
    });

    it('/wallet/* and the adapter\'s own JSON-RPC calls count under the chain, with the JSON-RPC client\'s', async () => {
      const chain = `tron-metrics-${randomBytes(3).toString('hex')}`;
      const source = createTronSource({ chain, rpcUrl: tron.url, nativeAsset: 'TRX', confirmations: 0, retries: 0 });
      const tip = await source.tip();
      expect(await sampleOf('tracehold_rpc_calls_total', { chain, method: '/wallet/getnowblock' })).to.be.at.least(1);
      await source.balances([{ address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', asset: 'TRX' }], tip.number);
      expect(await sampleOf('tracehold_rpc_calls_total', { chain, method: 'eth_getBalance' })).to.equal(1);
      const walletCalls = tron.wallet.length;
      const counted = await sampleOf('tracehold_rpc_calls_total', { chain, method: '/wallet/getnowblock' });
      expect(counted, 'every /wallet/getnowblock the node saw').to.equal(tron.wallet.filter((p) => p === '/wallet/getnowblock').length);
      expect(walletCalls).to.be.greaterThan(0);
      await source.close();
    });
  });
});
