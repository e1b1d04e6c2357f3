// GET /v1/labels/:chain/:address over real label files from the corpus (GraphSense's Binance
// reserve wallets TagPack, OFAC's TRX list): every label of the address, the stop decision and
// the shared service-like verdict with its evidence; each chain's own address parser decides
// what is an address (a bad EIP-55 checksum, a mistyped bitcoin or tron address: 400).
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../config';
import { createApiApp } from '../../services/api/app';
import { startServer, type RunningServer } from '../../services/api/server';
import { createAppContext, type AppContext } from '../../services/app';
import { createApiKey } from '../../services/auth/api-keys';
import { loadLabelFile, parseLabelCsv } from '../../services/labels';
import { silentLogger } from '../../services/log';
import { createTestDb, type TestDb } from '../support/db';
import { CORPUS_DIR } from '../support/esplora-server';

const LABELS = path.join(CORPUS_DIR, 'labels');
const BINANCE_ETH = '0xBE0eB53F46cd790Cd13851d5EFf43D12404d33E8';
const BINANCE_BTC_BECH32 = 'bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h';
const BINANCE_BTC_P2SH = '34xp4vRoCGJym3xR7yCVPFHoCNxv4Twseo';
const BINANCE_TRON = 'TV6MuMXfmLbBqPZvBHdwFsDnQeVfnmiuSi';
const OFAC_TRON = 'TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre';
const BUSY = '0x00000000219ab540356cbb839cbe05303d7705fa'; // no Binance label: judged on its counterparties alone

describe('e2e: label look-up by chain and address', function () {
  this.timeout(60_000);
  let testDb: TestDb;
  let ctx: AppContext;
  let server: RunningServer;
  const keys = {} as Record<'admin' | 'analyst' | 'supervisor', string>;

  const get = async (chain: string, address: string, key = keys.analyst) => {
    const res = await fetch(`${server.url}/v1/labels/${encodeURIComponent(chain)}/${encodeURIComponent(address)}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: (await res.json()) as any };
  };

  before(async function () {
    if (!existsSync(LABELS)) {
      console.log(`    (skipped: no corpus at ${CORPUS_DIR})`);
      this.skip();
    }
    testDb = await createTestDb();
    ctx = await createAppContext({ config: loadConfig({ TRACEHOLD_LOG_LEVEL: 'silent' }), log: silentLogger, queue: 'inline', db: testDb.db });
    server = await startServer(createApiApp(ctx.deps), 0);
    for (const role of ['admin', 'analyst', 'supervisor'] as const) keys[role] = (await createApiKey(ctx.deps.store, { role, name: role })).key;
    const binance = await loadLabelFile(path.join(LABELS, 'graphsense-tagpacks/exchange-wallets-binance.yaml'));
    const ofac = await loadLabelFile(path.join(LABELS, 'ofac/sanctioned_addresses_TRX.txt'));
    // a second, weaker label on the same wallet: both come back, the surer first
    const extra = parseLabelCsv(`chain,address,entity,category,confidence,source\nethereum,${BINANCE_ETH.toLowerCase()},Binance 7,other,40,analyst note\n`);
    await ctx.deps.store.labels.upsert([...binance.labels, ...ofac.labels, ...extra.labels]);
    await ctx.deps.store.chainData.recordServiceLike('ethereum', [{ address: BUSY, counterparties: 731, fromBlock: 17_000_000, toBlock: 17_100_000, assets: null }]);
  });
  after(async () => {
    await server?.stop();
    await ctx?.close();
    await testDb?.drop();
  });

  it('EVM: every label of the wallet, checksummed or lower-case alike; a trace stops there', async () => {
    const checksummed = await get('ethereum', BINANCE_ETH);
    expect(checksummed.status).to.equal(200);
    expect(checksummed.body).to.include({ chain: 'ethereum', address: BINANCE_ETH.toLowerCase(), checksumAddress: BINANCE_ETH, stop: true, serviceLike: null });
    const labels = checksummed.body.labels as { entity: string; category: string; confidence: number | null; source: string | null }[];
    expect(labels.map((l) => [l.entity.toLowerCase(), l.category])).to.deep.equal([['binance', 'exchange'], ['binance 7', 'other']]);
    expect(labels[0]!.confidence).to.be.greaterThan(40);
    expect(labels[0]!.source).to.match(/binance\.com/);
    expect(labels[1]).to.include({ confidence: 40, source: 'analyst note' });
    const lower = await get('ethereum', BINANCE_ETH.toLowerCase());
    expect(lower).to.deep.equal(checksummed);
    // a supervisor reads cases too
    expect((await get('ethereum', BINANCE_ETH, keys.supervisor)).status).to.equal(200);
  });

  it('EVM: a bad EIP-55 checksum or a malformed address is a 400 that says why', async () => {
    const flipped = BINANCE_ETH.replace('BE0e', 'Be0e');
    const bad = await get('ethereum', flipped);
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.match(/checksum/);
    for (const address of ['0x1234', 'be0eb53f46cd790cd13851d5eff43d12404d33e8', `${BINANCE_ETH}00`, BINANCE_TRON, `0x${'ab'.repeat(150)}`]) {
      const res = await get('ethereum', address);
      expect(res.status, address).to.equal(400);
      expect(res.body.error.message, address).to.match(/not an EVM address/);
    }
  });

  it('bitcoin: bech32 in either case and base58 P2SH found; a broken checksum or another chain\'s address is a 400', async () => {
    const upper = await get('bitcoin', BINANCE_BTC_BECH32.toUpperCase());
    expect(upper.status).to.equal(200);
    expect(upper.body).to.include({ address: BINANCE_BTC_BECH32, checksumAddress: null, stop: true });
    expect(upper.body.labels[0].category).to.equal('exchange');
    expect((await get('bitcoin', BINANCE_BTC_P2SH)).body.labels).to.have.length(1);
    for (const address of [`${BINANCE_BTC_P2SH.slice(0, -1)}f`, `${BINANCE_BTC_BECH32.slice(0, -1)}q`, 'bc1qM34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h', BINANCE_ETH, 'tb1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h']) {
      const res = await get('bitcoin', address);
      expect(res.status, address).to.equal(400);
      expect(res.body.error.code, address).to.equal('bad_request');
    }
  });

  it('tron: base58check T… (or 41-hex) found; a broken checksum is a 400', async () => {
    const binance = await get('tron', BINANCE_TRON);
    expect(binance.status).to.equal(200);
    expect(binance.body.labels[0]).to.include({ category: 'exchange' });
    const sanctioned = await get('tron', OFAC_TRON);
    expect(sanctioned.body.labels.map((l: { category: string }) => l.category)).to.deep.equal(['sanctioned']);
    expect(sanctioned.body.stop, 'sanctioned is not a stop category by default').to.equal(false);
    const bad = await get('tron', `${BINANCE_TRON.slice(0, -1)}j`);
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.match(/checksum/);
    expect((await get('tron', '0x' + 'ab'.repeat(20))).status).to.equal(400);
  });

  it('the shared service-like verdict with its evidence; an unknown address is known to be unknown', async () => {
    const busy = await get('ethereum', BUSY);
    expect(busy.status).to.equal(200);
    expect(busy.body).to.deep.include({ labels: [], stop: false, serviceLike: { counterparties: 731, fromBlock: 17_000_000, toBlock: 17_100_000, assets: null } });
    // the verdict belongs to its chain
    expect((await get('bsc', BUSY)).body.serviceLike).to.equal(null);
    const nobody = await get('ethereum', '0x' + '1'.repeat(40));
    expect(nobody).to.deep.equal({ status: 200, body: { chain: 'ethereum', address: '0x' + '1'.repeat(40), checksumAddress: '0x' + '1'.repeat(40), labels: [], stop: false, serviceLike: null } });
  });

  it('an unknown chain is a 404 naming the configured ones; admins and anonymous callers are refused', async () => {
    const unknown = await get('dogecoin', 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.message).to.match(/unknown chain "dogecoin".*ethereum.*bitcoin/);
    expect((await get('ethereum', BINANCE_ETH, keys.admin)).status).to.equal(403);
    const anonymous = await fetch(`${server.url}/v1/labels/ethereum/${BINANCE_ETH}`);
    expect(anonymous.status).to.equal(401);
  });
});
