// Real mainnet block 574200 (2019-05-02) served by the loopback Esplora, traced by hand-checked
// seeds. Only this block is loaded: inputs spending older outputs have no prevout (unknown
// value), as a real Esplora would never answer but a partial one does.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createBitcoinSource, type BitcoinSource } from '../../services/chains/bitcoin';
import { clusterAddresses } from '../../services/domain/clustering';
import type { TaintModel } from '../../services/domain/types';
import { traceUtxo } from '../../services/domain/utxo-taint';
import { CORPUS_DIR, EsploraData, corpusAvailable, startEsploraServer, type EsploraServer } from '../support/esplora-server';

// The OFAC-listed output of the block: 41f366…:0 pays 1NpHuti9NSM9fVTXLkvSDU4AnhqGQ5N53d 38,796,959 sat.
const OFAC_TX = '41f366c2afcc222fe45398b6dc13dcca8874ca6ed288420700575495d03f8dad';
const OFAC_ADDRESS = '1NpHuti9NSM9fVTXLkvSDU4AnhqGQ5N53d';
// Tx #473 of the block spends two outputs of the same block:
//   in 0 e5656dba…:1 1,917,273 (the seed), in 1 fcb75d10…:1 20,755,804 → 22,673,077
//   out 0 2,994,323 (38F45PBan…), out 1 19,654,454 (123aHFP8…), fee 24,300.
const MIX_TX = '0e6f9dec2888f27f382e55f7ffa70b556876ccdefcee25a966fe585867bed538';
const MIX_SEED = { txid: 'e5656dbad26008b16e19d01730853c4d141c423698796646283d8e71cc23848e', vout: 1 };

const mixCases: Array<{ model: TaintModel; out0: bigint; out1: bigint; fee: bigint }> = [
  // fifo: seed at 0-1,917,273; out0 takes 0-2,994,323 → all 1,917,273.
  { model: 'fifo', out0: 1_917_273n, out1: 0n, fee: 0n },
  // lifo: fee takes 0-24,300 (24,300 tainted); out0 the last 2,994,323 (clean);
  // out1 24,300-19,678,754 → 1,917,273 − 24,300 = 1,892,973.
  { model: 'lifo', out0: 0n, out1: 1_892_973n, fee: 24_300n },
  // Sequentially: out0 = floor(2,994,323 × 1,917,273 / 22,673,077) = 253,204; then
  // out1 = floor(19,654,454 × 1,664,069 / 19,678,754) = 1,662,014; the fee takes the last 2,055.
  { model: 'haircut', out0: 253_204n, out1: 1_662_014n, fee: 2_055n },
  // tiho: the largest output, out1, takes all.
  { model: 'tiho', out0: 0n, out1: 1_917_273n, fee: 0n },
  { model: 'poison', out0: 2_994_323n, out1: 19_654_454n, fee: 24_300n },
];

describe('bitcoin: mainnet block 574200 over a loopback Esplora', function () {
  let server: EsploraServer;
  let source: BitcoinSource;
  let ofac: Set<string>;

  before(async function () {
    if (!corpusAvailable()) {
      console.log(`    (skipped: no corpus at ${CORPUS_DIR})`);
      this.skip();
    }
    const data = new EsploraData();
    data.loadCorpusBlock('mainnet-574200.blk', 574200);
    server = await startEsploraServer(data);
    source = createBitcoinSource({ chain: 'bitcoin', esploraUrl: server.url, confirmations: 0 });
    ofac = new Set(readFileSync(path.join(CORPUS_DIR, 'labels/ofac/sanctioned_addresses_XBT.txt'), 'utf8').split(/\s+/).filter(Boolean));
  });
  after(async () => {
    await server?.close();
  });

  it('verifies a real transaction against its hash and derives its addresses', async () => {
    const tx = await source.getTx(OFAC_TX);
    expect(tx.blockHeight).to.equal(574200);
    expect(tx.blockHash).to.equal('0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2');
    expect(tx.outputs[0]).to.deep.include({ address: OFAC_ADDRESS, scriptType: 'p2pkh', value: 38_796_959n });
    // Its inputs spend outputs of older blocks: unknown to this server, so value and fee unknown.
    expect(tx.inputs.map((i) => i.value)).to.deep.equal([null, null]);
    expect(tx.fee).to.equal(null);
  });

  it('fee and script types of an intra-block spend', async () => {
    const coinbase = (await source.getTx('a80bb6aea647e2ba69d0c5189b0976734d3918d4e9d6e0cb5bef07549706c8d1'));
    expect(coinbase.inputs[0]!.coinbase).to.equal(false); // tx #1, not the coinbase
    const mix = await source.getTx(MIX_TX);
    expect(mix.fee).to.equal(24_300n);
    expect(mix.outputs.map((o) => o.scriptType)).to.deep.equal(['p2sh', 'p2pkh']);
  });

  for (const c of mixCases) {
    it(`${c.model}: a seed mixed with a clean input in tx #473 (exact satoshis)`, async () => {
      const result = await traceUtxo({ seeds: [MIX_SEED], model: c.model, maxHops: 1, fetch: source, tipHeight: 574200 });
      const of = (vout: number): bigint => result.outputs.find((o) => o.txid === MIX_TX && o.vout === vout)?.tainted ?? 0n;
      expect([of(0), of(1)]).to.deep.equal([c.out0, c.out1]);
      expect(result.fees.find((f) => f.txid === MIX_TX)?.tainted ?? 0n).to.equal(c.fee);
      expect(result.seededTotal).to.equal(1_917_273n);
    });
  }

  it('follows a peel chain across intra-block spends (every model agrees on single-input hops)', async () => {
    // 08fa…:0 (531,373,383) → dfe6… (fee 170,000) → f2f7… (170,000) → 9e65… (170,000).
    const result = await traceUtxo({
      seeds: [{ txid: '08fa125169f16e7a45bc4e4db50ecd175be0b04fb2d7792289a17ef9ac69ea7b', vout: 0 }],
      model: 'fifo', maxHops: 3, fetch: source, tipHeight: 574200,
    });
    expect(result.fees.map((f) => f.tainted)).to.deep.equal([170_000n, 170_000n, 170_000n]);
    const kept = [...result.holdings, ...result.frontier].reduce((s, o) => s + o.tainted, 0n);
    expect(kept + 510_000n).to.equal(531_373_383n);
    expect(result.frontier).to.have.length(1);
    expect(result.frontier[0]!.hops).to.equal(3);
  });

  it('reaches the OFAC-listed output and stops there', async () => {
    const result = await traceUtxo({ seeds: [{ txid: OFAC_TX }], model: 'fifo', maxHops: 3, fetch: source, isStop: (a) => ofac.has(a), tipHeight: 574200 });
    expect(result.endpoints.map((e) => [e.address, e.tainted, e.hops, e.path])).to.deep.equal([[OFAC_ADDRESS, 38_796_959n, 0, [OFAC_TX]]]);
  });

  it('a seed whose own transaction the server does not hold (the prevout the OFAC payment spends) fails as not found', async () => {
    // The server does not hold 2980df…; the tracer needs the seed's own transaction, so it fails clearly.
    const seed = { txid: '2980df669ad25165c37e0a28e0a6743cea1aa96cc3ba34a4e560695e4dc68646', vout: 2 };
    await traceUtxo({ seeds: [seed], model: 'poison', maxHops: 1, fetch: source }).then(
      () => expect.fail('resolved'), (e: Error) => expect(e.message).to.match(/not found/i));
  });

  it('co-spend clustering over the block-wide transactions read', async () => {
    const result = await traceUtxo({ seeds: [MIX_SEED], model: 'poison', maxHops: 2, fetch: source, tipHeight: 574200 });
    const clustering = clusterAddresses(result.txs);
    const mix = await source.getTx(MIX_TX);
    expect(clustering.clusterOf(mix.inputs[0]!.address!)!.addresses).to.include(mix.inputs[1]!.address!);
  });
});
