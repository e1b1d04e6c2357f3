// Bitcoin tracing end to end over a loopback Esplora serving transactions we build and sign
// (P2WPKH, P2PKH, P2TR): the adapter parses and verifies them, the UTXO tracer follows the
// spends. Expected satoshis are worked out in the comments.
//
// F (funding): F:0 100,000 → S (p2wpkh, the scammer: seed), F:1 300,000 → C (p2pkh, clean),
//              F:2 500,000 → T (p2tr, an exchange hot wallet's co-signer, unlabelled)
// A: spends F:0, F:1 (400,000) → A:0 150,000 X (p2tr), A:1 200,000 Y (p2wpkh); fee 50,000
// B: spends A:0, F:2 (650,000) → B:0 600,000 E (exchange, labelled), B:1 40,000 Z; fee 10,000
import { expect } from 'chai';
import { createBitcoinSource, type BitcoinSource } from '../../services/chains/bitcoin';
import { InvalidInputError, NotFoundError } from '../../services/errors';
import { clusterAddresses } from '../../services/domain/clustering';
import type { TaintModel } from '../../services/domain/types';
import { traceUtxo } from '../../services/domain/utxo-taint';
import { fund, spend, wallet } from '../support/btc-wallet';
import { EsploraData, startEsploraServer, type EsploraServer } from '../support/esplora-server';

const S = wallet('p2wpkh', 1);
const C = wallet('p2pkh', 2);
const T = wallet('p2tr', 3);
const X = wallet('p2tr', 4);
const Y = wallet('p2wpkh', 5);
const E = wallet('p2wpkh', 6);
const Z = wallet('p2pkh', 7);

const F = fund([[S, 100_000n], [C, 300_000n], [T, 500_000n]]);
const A = spend([{ tx: F, vout: 0, owner: S }, { tx: F, vout: 1, owner: C }], [[X, 150_000n], [Y, 200_000n]]);
const B = spend([{ tx: A, vout: 0, owner: X }, { tx: F, vout: 2, owner: T }], [[E, 600_000n], [Z, 40_000n]]);

interface Expected {
  /** `A:0` → tainted satoshis (every tainted output listed). */
  tainted: Record<string, bigint>;
  fees: Record<string, bigint>;
  endpoints: string[];
  holdings: string[];
}

const cases: Array<{ model: TaintModel; expected: Expected }> = [
  {
    // A: layout [S 0-100k tainted][C 100k-400k]: A:0 takes 0-150k → 100,000; A:1 and fee clean.
    // B: layout [A:0 0-150k, tainted 0-100k][T]: B:0 takes 0-600k → 100,000.
    model: 'fifo',
    expected: { tainted: { 'F:0': 100_000n, 'A:0': 100_000n, 'B:0': 100_000n }, fees: {}, endpoints: ['B:0'], holdings: [] },
  },
  {
    // A: fee takes 0-50k (50,000 tainted), A:0 the last 150k (clean), A:1 50k-250k → 50,000.
    model: 'lifo',
    expected: { tainted: { 'F:0': 100_000n, 'A:1': 50_000n }, fees: { A: 50_000n }, endpoints: [], holdings: ['A:1'] },
  },
  {
    // A: 100,000 × 150/400 = 37,500; × 200/400 = 50,000; fee × 50/400 = 12,500 (exact).
    // B, one outflow after another: B:0 floor(600,000 × 37,500/650,000) = 34,615 (2,885 of
    // 50,000 left); B:1 floor(40,000 × 2,885/50,000) = 2,308; the fee takes the last 577.
    model: 'haircut',
    expected: {
      tainted: { 'F:0': 100_000n, 'A:0': 37_500n, 'A:1': 50_000n, 'B:0': 34_615n, 'B:1': 2_308n },
      fees: { A: 12_500n, B: 577n }, endpoints: ['B:0'], holdings: ['A:1', 'B:1'],
    },
  },
  {
    model: 'poison',
    expected: {
      tainted: { 'F:0': 100_000n, 'A:0': 150_000n, 'A:1': 200_000n, 'B:0': 600_000n, 'B:1': 40_000n },
      fees: { A: 50_000n, B: 10_000n }, endpoints: ['B:0'], holdings: ['A:1', 'B:1'],
    },
  },
  {
    // A: the largest output, A:1 (200,000), takes all 100,000; B is never reached.
    model: 'tiho',
    expected: { tainted: { 'F:0': 100_000n, 'A:1': 100_000n }, fees: {}, endpoints: [], holdings: ['A:1'] },
  },
];

describe('bitcoin: signed scenario over a loopback Esplora', () => {
  let server: EsploraServer;
  let source: BitcoinSource;
  const names = new Map([[F.getId(), 'F'], [A.getId(), 'A'], [B.getId(), 'B']]);
  const name = (txid: string, vout?: number): string => `${names.get(txid) ?? txid}${vout === undefined ? '' : `:${vout}`}`;

  before(async () => {
    const data = new EsploraData();
    data.mine([F]);
    data.mine([A]);
    data.mine([B]);
    server = await startEsploraServer(data);
    source = createBitcoinSource({ chain: 'bitcoin', esploraUrl: server.url, confirmations: 0, backoff: { baseMs: 5, maxMs: 50 } });
  });
  after(async () => {
    await source?.close();
    await server?.close();
  });

  it('parses and verifies each payment type, with input values from the prevouts', async () => {
    const a = await source.getTx(A.getId());
    expect(a.inputs.map((i) => [i.address, i.value])).to.deep.equal([[S.address, 100_000n], [C.address, 300_000n]]);
    expect(a.outputs.map((o) => [o.address, o.scriptType, o.value])).to.deep.equal([[X.address, 'p2tr', 150_000n], [Y.address, 'p2wpkh', 200_000n]]);
    expect(a.fee).to.equal(50_000n);
    expect(a.blockHeight).to.equal(2);
    const b = await source.getTx(B.getId());
    expect(b.inputs.map((i) => i.address)).to.deep.equal([X.address, T.address]);
    expect(b.outputs[1]!.scriptType).to.equal('p2pkh');
    expect(X.address).to.match(/^bc1p/);
  });

  it('maps a transaction onto the port: one native BTC transfer per output plus the fee', async () => {
    const seed = await source.transaction(A.getId());
    expect(seed.blockNumber).to.equal(2);
    expect(seed.transfers.map((t) => [t.ref, t.kind, t.from, t.to, t.amount])).to.deep.equal([
      ['fee', 'fee', S.address, null, 50_000n],
      ['out:0', 'native', S.address, X.address, 150_000n],
      ['out:1', 'native', S.address, Y.address, 200_000n],
    ]);
    const balances = await source.balances([{ address: X.address, asset: 'BTC' }, { address: Y.address, asset: 'BTC' }], 2);
    expect(balances).to.deep.equal([150_000n, 200_000n]);
    expect(await source.balances([{ address: X.address, asset: 'BTC' }], 3)).to.deep.equal([0n]);
    const transfers = await source.transfers({ addresses: [X.address], direction: 'out', fromBlock: 0, toBlock: 3 });
    expect(transfers.map((t) => `${name(t.txHash)}#${t.ref}`)).to.deep.equal(['B#fee', 'B#out:0', 'B#out:1']);
  });

  for (const { model, expected } of cases) {
    it(`${model}: exact satoshis per output, fee, endpoint and holdings`, async () => {
      const result = await traceUtxo({
        seeds: [{ txid: F.getId(), vout: 0 }], model, maxHops: 5, fetch: source,
        isStop: (address) => address === E.address, tipHeight: await source.tipHeight(),
      });
      const tainted = Object.fromEntries(result.outputs.map((o) => [name(o.txid, o.vout), o.tainted]));
      expect(tainted).to.deep.equal(expected.tainted);
      expect(Object.fromEntries(result.fees.map((f) => [name(f.txid), f.tainted]))).to.deep.equal(expected.fees);
      expect(result.endpoints.map((o) => name(o.txid, o.vout))).to.deep.equal(expected.endpoints);
      expect(result.holdings.map((o) => name(o.txid, o.vout)).sort()).to.deep.equal(expected.holdings);
      if (model !== 'poison') {
        // Conservation: what the seed had = what stays + what reached endpoints + fees.
        const kept = [...result.holdings, ...result.endpoints].reduce((s, o) => s + o.tainted, 0n);
        const fees = result.fees.reduce((s, f) => s + f.tainted, 0n);
        expect(kept + fees).to.equal(result.seededTotal);
      }
      for (const e of result.endpoints) expect(e.path.map((t) => name(t))).to.deep.equal(['F', 'A', 'B']);
    });
  }

  it('maxHops 1 leaves the spent A:0 at the frontier', async () => {
    const result = await traceUtxo({ seeds: [{ txid: F.getId(), vout: 0 }], model: 'fifo', maxHops: 1, fetch: source });
    expect(result.frontier.map((o) => [name(o.txid, o.vout), o.tainted])).to.deep.equal([['A:0', 100_000n]]);
  });

  it('co-spend clustering puts X with T (spent together in B), S with C (in A)', async () => {
    const result = await traceUtxo({ seeds: [{ txid: F.getId(), vout: 0 }], model: 'poison', maxHops: 5, fetch: source });
    const clustering = clusterAddresses(result.txs);
    expect(clustering.clusterOf(X.address)!.addresses).to.have.members([X.address, T.address]);
    expect(clustering.clusterOf(S.address)!.addresses).to.have.members([S.address, C.address]);
    expect(clustering.clusterOf(E.address)!.addresses).to.deep.equal([E.address]);
  });

  it('retries 429 (honouring Retry-After) and 503, then succeeds', async () => {
    const fresh = createBitcoinSource({ chain: 'bitcoin', esploraUrl: server.url, confirmations: 0, backoff: { baseMs: 5, maxMs: 2_000 } });
    server.failNext(1, 429, 1, /\/outspends$/);
    server.failNext(2, 503, undefined, /\/outspends$/);
    const started = Date.now();
    const spends = await fresh.outspends(A.getId());
    expect(Date.now() - started).to.be.at.least(900);
    expect(spends.map((s) => s.txid && name(s.txid))).to.deep.equal(['B', undefined]);
    expect(fresh.stats().retries).to.equal(3);
  });

  it('unknown transactions are NotFound; unconfirmed ones are not seeds', async () => {
    const missing = 'ab'.repeat(32);
    await source.getTx(missing).then(() => expect.fail('resolved'), (e) => expect(e).to.be.instanceOf(NotFoundError));
    const data = new EsploraData();
    data.mine([F]);
    data.addMempool(A);
    const s2 = await startEsploraServer(data);
    try {
      const src = createBitcoinSource({ chain: 'bitcoin', esploraUrl: s2.url, confirmations: 0 });
      expect((await src.getTx(A.getId())).blockHeight).to.equal(null);
      await src.transaction(A.getId()).then(() => expect.fail('resolved'), (e) => expect(e).to.be.instanceOf(NotFoundError));
      // The seed's spend is unconfirmed: the seed output is still a holding.
      const result = await traceUtxo({ seeds: [{ txid: F.getId(), vout: 0 }], model: 'fifo', maxHops: 3, fetch: src, tipHeight: await src.tipHeight() });
      expect(result.holdings.map((o) => name(o.txid, o.vout))).to.deep.equal(['F:0']);
    } finally {
      await s2.close();
    }
  });

  it('validates addresses by checksum, bech32 and bech32m alike', () => {
    for (const w of [S, C, T]) expect(source.normalizeAddress(w.address)).to.equal(w.address);
    expect(source.normalizeAddress(S.address.toUpperCase())).to.equal(S.address);
    const flip = (a: string): string => a.slice(0, -1) + (a.endsWith('q') ? 'p' : 'q');
    for (const bad of [flip(S.address), flip(T.address), C.address.slice(0, -1) + (C.address.endsWith('1') ? '2' : '1'), '0xdeadbeef', 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx']) {
      expect(() => source.normalizeAddress(bad), bad).to.throw(InvalidInputError);
    }
  });

  it('address history pages past 25 transactions', async () => {
    const data = new EsploraData();
    const funders = Array.from({ length: 60 }, (_, i) => fund([[Y, BigInt(1_000 + i)]], i));
    for (let i = 0; i < 60; i += 1) data.mine([funders[i]!]);
    const s3 = await startEsploraServer(data);
    try {
      const src = createBitcoinSource({ chain: 'bitcoin', esploraUrl: s3.url, confirmations: 0 });
      const all = await src.addressTxs(Y.address);
      expect(all).to.have.length(60);
      expect(all[0]!.blockHeight).to.equal(60);
      expect(s3.requests.filter((p) => p.includes('/txs/chain/'))).to.have.length(2);
      expect(await src.addressTxs(Y.address, { fromHeight: 11, untilHeight: 20 })).to.have.length(10);
      const [bal] = await src.balances([{ address: Y.address, asset: 'BTC' }], 3);
      expect(bal).to.equal(1_000n + 1_001n + 1_002n);
    } finally {
      await s3.close();
    }
  });
});
