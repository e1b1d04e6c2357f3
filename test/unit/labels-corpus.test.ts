// Real label files from ../shared/corpus (GraphSense TagPacks, Etherscan, OFAC). Parse
// times are printed, never asserted (style point 8).
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveLabel } from '../../services/domain/attribution';
import { loadLabelFile } from '../../services/labels/load';
import type { ImportedLabel, ParsedLabels } from '../../services/labels/result';
import { parseActorPack, parseTagPack } from '../../services/labels/tagpack';
import { parseEtherscanLabels } from '../../services/labels/etherscan';

const CORPUS = resolve(__dirname, '../../../shared/corpus/labels');
const PACKS = join(CORPUS, 'graphsense-tagpacks');

function ms(start: number): string {
  return `${(performance.now() - start).toFixed(0)} ms`;
}

function find(labels: readonly ImportedLabel[], address: string): ImportedLabel | undefined {
  return labels.find((l) => l.address === address);
}

describe('labels: real corpus files', function () {
  const parsed = new Map<string, ParsedLabels>();

  before(function () {
    if (!existsSync(PACKS)) {
      console.log(`    (skipped: no corpus at ${CORPUS})`);
      this.skip();
    }
  });

  describe('GraphSense TagPacks', () => {
    before(function () {
      if (!existsSync(PACKS)) this.skip();
      for (const file of readdirSync(PACKS).filter((f) => f.endsWith('.yaml')).sort()) {
        parsed.set(file, parseTagPack(readFileSync(join(PACKS, file), 'utf8')));
      }
    });

    it('parses every pack', () => {
      expect(parsed.size).to.equal(38);
      for (const [file, result] of parsed) expect(result.labels.length, file).to.be.greaterThan(0);
      const total = [...parsed.values()].reduce((n, r) => n + r.labels.length, 0);
      expect(total).to.equal(356_994);
    });

    it('gives the same labels through the fast reader and the yaml package, pack by pack', () => {
      for (const file of parsed.keys()) {
        const text = readFileSync(join(PACKS, file), 'utf8');
        expect(parseTagPack(text, { fastPath: false }), file).to.deep.equal(parsed.get(file));
      }
    });

    it('usdt_blacklist.yaml: 774 addresses frozen by Tether', () => {
      const { labels } = parsed.get('usdt_blacklist.yaml')!;
      expect(labels).to.have.length(774);
      expect(new Set(labels.map((l) => l.address)).size).to.equal(774);
      expect(labels.every((l) => l.chain === 'ethereum' && l.category === 'sanctioned' && l.entity === 'USDT_blacklisted' && l.confidence === 90)).to.equal(true);
      expect(find(labels, '0x008fe40574e881e7247b50b991c0cc057d66647f')).to.include({ source: 'https://ikna.io' });
    });

    it('exchange-wallets-binance.yaml: Binance 14 is a Binance exchange wallet; BEP2 addresses are skipped', () => {
      const result = parsed.get('exchange-wallets-binance.yaml')!;
      expect(find(result.labels, '0x28c6c06298d514db089934071355e5743bf21d60')).to.deep.equal({
        chain: 'ethereum', address: '0x28c6c06298d514db089934071355e5743bf21d60', entity: 'Binance', category: 'exchange', confidence: 50,
        source: 'https://www.binance.com/en/blog/community/our-commitment-to-transparency-2895840147147652626', name: 'binance reserve wallets ETH',
      });
      expect(find(result.labels, '34xp4vRoCGJym3xR7yCVPFHoCNxv4Twseo')).to.include({ chain: 'bitcoin', entity: 'Binance', category: 'exchange' });
      expect(result.skipped).to.deep.equal({ 'currency BEP2': 25 });
    });

    it('BitMEX: 336,208 bitcoin addresses over seven files', () => {
      const files = [...parsed.keys()].filter((f) => f.startsWith('exchange-wallets-bitmex_'));
      const labels = files.flatMap((f) => parsed.get(f)!.labels);
      expect(files).to.have.length(7);
      expect(labels).to.have.length(336_208);
      expect(labels.every((l) => l.chain === 'bitcoin' && l.entity === 'BitMEX' && l.category === 'exchange')).to.equal(true);
      expect(find(labels, '3BMEXbSSrK2K7cRgqxrtqUWfxowBBrW1BE')).to.include({ name: 'bitmex reserve wallet' });
    });

    it('other exchanges, mixers, hacks and sanctions come out with the right entity and category', () => {
      const expectations: Array<[string, string, Partial<ImportedLabel>]> = [
        ['exchange-wallets-okx.yaml', '16rF2zwSJ9goQ9fZfYoti5LsUqqegb5RnA', { entity: 'OKX', category: 'exchange', chain: 'bitcoin' }],
        ['exchange-wallets-kucoin.yaml', 'TRYL7PKCG4b4xRCM554Q5J6o8f1UjUmfnY', { entity: 'KuCoin', category: 'exchange', chain: 'tron' }],
        ['exchange-wallets-bitfinexcom.yaml', '0x742d35cc6634c0532925a3b844bc454e4438f44e', { entity: 'Bitfinex', category: 'exchange', name: 'bitfinex ETH/ERC20 cold wallet' }],
        ['walletexplorer.yaml', '1vdXJDiDSzeUAoM7eAcWZPhM9wEKmH8dG', { entity: 'Huobi', category: 'exchange', name: 'Huobi.com', confidence: 50 }],
        ['tornado_cash.yaml', '0x8589427373d6d84e98730d7795d8f6f8731fda16', { entity: 'Tornado Cash', category: 'mixer', confidence: 60 }],
        ['blender_io.yaml', '3NDzzVxiLBUs1WPvVGRfCYDTAD2Ua2PvW4', { entity: 'Blender.io', category: 'mixer' }],
        ['mixing_fc2021.yaml', '1LAScEFHGkfpyjtFzA4g9283JmL2cYR9Tx', { entity: 'ChipMixer', category: 'mixer', confidence: 50 }],
        ['lazarus.yaml', '134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak', { entity: 'Lazarus Group', category: 'sanctioned', confidence: 60 }],
        ['ronin_bridge.yaml', '0x098b716b8aaf21512996dc57eb0615e2383e2f96', { entity: 'Ronin bridge exploiter', category: 'hack' }],
        ['binance_hack.yaml', '14QZ2wB8b8ZQNgb978Lwptdc8Vhv5aZQM2', { entity: 'binance hack', category: 'hack' }],
        ['ransomware.yaml', '1Lud76Q98VRHCUiyK7XUs7AgFofrqXeP78', { entity: '7ev3n', category: 'ransomware' }],
        ['plustoken.yaml', '3ETAVt2scYBFkBFksuNDk1i5tDLQ2c4zWR', { entity: 'Plus Token Scam', category: 'scam', confidence: 40 }],
        ['ofac.yaml', '3K35dyL85fR9ht7UgzPfd1gLRRXQtNTqE3', { entity: 'OFAC SDN', category: 'sanctioned' }],
        ['etherscamdb_tagpack.yaml', '0xd0cc2b24980cbcca47ef755da88b220a82291407', { entity: 'myelherwallel.com', category: 'scam' }],
        ['service-wallets-checksig.yaml', 'bc1q0djzlgy652674pns73x2ka5j8c2p9vl8q0cq650f9xgsppdk9eeqd4zclf', { category: 'service' }],
      ];
      for (const [file, address, expected] of expectations) {
        expect(find(parsed.get(file)!.labels, address), `${file} ${address}`).to.include(expected);
      }
    });

    it('skips, and counts, what tracehold cannot use: other chains and broken addresses', () => {
      expect(parsed.get('plustoken.yaml')!.skipped).to.deep.equal({ 'invalid bitcoin address': 1 });
      expect(parsed.get('ofac.yaml')!.skipped).to.include({ 'invalid bitcoin address': 1, 'currency XMR': 3, 'currency LTC': 8 });
      expect(parsed.get('etherscamdb_tagpack.yaml')!.skipped).to.deep.equal({ 'currency LTC': 15, 'currency BCH': 2, 'currency ZEC': 2 });
      expect(parsed.get('exchange-wallets-bitfinexcom.yaml')!.skipped).to.include({ 'invalid avalanche address': 1 });
    });

    it('resolves an address listed as both a Blender.io mixer and an OFAC asset to the more confident mixer label', () => {
      const address = '3K35dyL85fR9ht7UgzPfd1gLRRXQtNTqE3';
      const candidates = ['ofac.yaml', 'blender_io.yaml'].map((f) => find(parsed.get(f)!.labels, address)!);
      expect(resolveLabel(candidates)).to.include({ entity: 'Blender.io', category: 'mixer' });
    });

    it('reads the ActorPack and names actors from it', () => {
      const actors = parseActorPack(readFileSync(join(PACKS, 'actors', 'graphsense.actorpack.yaml'), 'utf8'));
      expect(actors.get('okex')).to.equal('OKX');
      expect(actors.get('binance')).to.equal('Binance');
      const { labels } = parseTagPack(readFileSync(join(PACKS, 'hacks.yaml'), 'utf8'), { actors });
      expect(find(labels, '1JoktQJhCzuCQkt3GnQ8Xddcq4mUgNyXEa')).to.include({ entity: actors.get('bitstamp'), category: 'exchange' });
    });

    it('prints parse times for the largest packs', () => {
      const files = readdirSync(PACKS)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => ({ f, size: statSync(join(PACKS, f)).size }))
        .sort((a, b) => b.size - a.size)
        .slice(0, 4);
      for (const { f, size } of files) {
        const text = readFileSync(join(PACKS, f), 'utf8');
        parseTagPack(text); // warm-up
        let start = performance.now();
        const { labels } = parseTagPack(text);
        const fast = ms(start);
        start = performance.now();
        parseTagPack(text, { fastPath: false });
        console.log(`      ${f}: ${(size / 1e6).toFixed(2)} MB, ${labels.length} labels: ${fast} (through the yaml package instead: ${ms(start)})`);
      }
    });
  });

  describe('Etherscan labels', () => {
    let result: ParsedLabels;
    before(function () {
      const file = join(CORPUS, 'etherscan', 'combinedAccountLabels.json');
      if (!existsSync(file)) this.skip();
      const start = performance.now();
      result = parseEtherscanLabels(readFileSync(file, 'utf8'));
      console.log(`      combinedAccountLabels.json: ${result.labels.length} labels in ${ms(start)}`);
    });

    it('labels every one of the 23,288 addresses on ethereum', () => {
      expect(result.labels).to.have.length(23_288);
      expect(result.skipped).to.deep.equal({});
      expect(result.labels.every((l) => l.chain === 'ethereum' && /^0x[0-9a-f]{40}$/.test(l.address))).to.equal(true);
    });

    it('names exchange wallets after the exchange', () => {
      expect(find(result.labels, '0x28c6c06298d514db089934071355e5743bf21d60')).to.include({ entity: 'Binance', category: 'exchange', name: 'Binance 14' });
      expect(find(result.labels, '0x71660c4005ba85c37ccec55d0c4493e66fe775d3')).to.include({ entity: 'Coinbase', category: 'exchange', name: 'Coinbase 1' });
      const exchanges = new Set(result.labels.filter((l) => l.category === 'exchange').map((l) => l.entity));
      for (const name of ['Binance', 'Coinbase', 'Kraken', 'Huobi', 'OKX', 'KuCoin', 'Bitfinex', 'Crypto.com', 'Gemini', 'Bitstamp']) {
        expect(exchanges.has(name), name).to.equal(true);
      }
    });

    it('maps mixers, sanctions and DEXes', () => {
      expect(find(result.labels, '0x12d66f87a04a9e220743712ce6d9bb1b5616b8fc')).to.include({ entity: 'Tornado Cash', category: 'mixer', name: 'Tornado.Cash: 0.1 ETH' });
      expect(find(result.labels, '0x19aa5fe80d33a56d56c78e82ea5e50e5d80b4dff')).to.include({ entity: 'OFAC SDN', category: 'sanctioned' });
      expect(find(result.labels, '0x0e8ba001a821f3ce0734763d008c9d7c957f5852')).to.include({ entity: 'AmadeusRelay', category: 'dex' });
    });

    it('agrees with the Binance TagPack on every wallet both know', () => {
      const pack = parsed.get('exchange-wallets-binance.yaml') ?? parseTagPack(readFileSync(join(PACKS, 'exchange-wallets-binance.yaml'), 'utf8'));
      const shared = pack.labels.filter((l) => l.chain === 'ethereum' && find(result.labels, l.address));
      expect(shared.length).to.be.greaterThan(5);
      for (const l of shared) expect(find(result.labels, l.address), l.address).to.include({ entity: 'Binance', category: 'exchange' });
    });
  });

  describe('OFAC lists', () => {
    const OFAC = join(CORPUS, 'ofac');
    before(function () {
      if (!existsSync(OFAC)) this.skip();
    });

    it('loads every list, by the chain its file name implies', async () => {
      const byFile = new Map<string, ParsedLabels>();
      for (const file of readdirSync(OFAC).filter((f) => f.endsWith('.txt'))) byFile.set(file, await loadLabelFile(join(OFAC, file)));
      const eth = byFile.get('sanctioned_addresses_ETH.txt')!;
      expect(eth.labels).to.have.length(152);
      expect(eth.labels.every((l) => l.chain === 'ethereum' && l.category === 'sanctioned' && l.entity === 'OFAC SDN')).to.equal(true);
      const xbt = byFile.get('sanctioned_addresses_XBT.txt')!;
      expect(xbt.labels.filter((l) => l.chain === 'bitcoin')).to.have.length(434);
      expect(xbt.skipped).to.deep.equal({ 'invalid bitcoin address': 1 }); // a TRON address in the XBT list
      expect(xbt.skippedExamples?.[0]).to.deep.equal({ line: 355, reason: 'not a bitcoin address: "TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq"' });
      expect(byFile.get('sanctioned_addresses_TRX.txt')!.labels.map((l) => l.chain)).to.deep.equal(Array(6).fill('tron'));
      const usdt = byFile.get('sanctioned_addresses_USDT.txt')!.labels;
      expect(new Set(usdt.map((l) => l.chain))).to.deep.equal(new Set(['ethereum', 'bitcoin', 'tron']));
      expect(usdt).to.have.length(26);
      expect(byFile.get('sanctioned_addresses_XMR.txt')!).to.deep.include({ labels: [], skipped: { 'asset XMR': 3 } });
      expect(byFile.get('sanctioned_addresses_BSC.txt')!.labels[0]!.chain).to.equal('bsc');
    });

    it('loadLabelFile picks the parser by extension', async () => {
      expect((await loadLabelFile(join(PACKS, 'tornado_cash.yaml'))).format).to.equal('tagpack');
      expect((await loadLabelFile(join(CORPUS, 'etherscan', 'combinedAccountLabels.json'))).format).to.equal('etherscan');
      expect((await loadLabelFile(join(OFAC, 'sanctioned_addresses_ETH.txt'))).format).to.equal('ofac');
    });
  });
});
