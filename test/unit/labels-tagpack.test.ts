import { expect } from 'chai';
import YAML from 'yaml';
import { scanFlatTagPack } from '../../services/labels/flat-yaml';
import { parseLabelText } from '../../services/labels/load';
import { parseOfacList } from '../../services/labels/ofac';
import { parseEtherscanLabels, classify } from '../../services/labels/etherscan';
import { parseTagPack } from '../../services/labels/tagpack';
import { categoryOfGraphSense, chainOfCurrency, parseConfidence } from '../../services/labels/vocabulary';
import { BadRequestError, InvalidInputError } from '../../services/errors';

const PACK = `title: Test pack
creator: tracehold tests
confidence: service_data
category: exchange
currency: ETH
label: Binance 14
source: https://example.org/binance
lastmod: 2023-01-01
tags:
- address: '0x28C6c06298d514Db089934071355E5743bf21d60'
- address: "0xdfd5293d8e347dfe59e90efd55b2956a1343963d"
  label: 'Bin''ance 16'
  confidence: 80
- address: 3BMEXbSSrK2K7cRgqxrtqUWfxowBBrW1BE
  currency: BTC
  actor: bitmex
  category: exchange
- address: 1LAScEFHGkfpyjtFzA4g9283JmL2cYR9Tx
  currency: BTC
  category: mixing_service
  label: ChipMixer
  confidence: forensic
- address: TRYL7PKCG4b4xRCM554Q5J6o8f1UjUmfnY
  network: TRX
  currency: USDT
- address: addr1qxck0
  currency: ADA
- address: 0x72A53cDBBcc1b9efa39c834A540550e23463AAcB
  currency: USDC
  label: crypto.com ERC20 reserves
  actor: cryptocom
`;

describe('labels: TagPack', () => {
  it('inherits header fields, lets tags override them, maps chains, categories and confidence', () => {
    const result = parseTagPack(PACK);
    expect(result.format).to.equal('tagpack');
    expect(result.skipped).to.deep.equal({ 'currency ADA': 1 });
    expect(result.labels).to.deep.equal([
      { chain: 'ethereum', address: '0x28c6c06298d514db089934071355e5743bf21d60', entity: 'Binance', category: 'exchange', confidence: 50, source: 'https://example.org/binance', name: 'Binance 14' },
      { chain: 'ethereum', address: '0xdfd5293d8e347dfe59e90efd55b2956a1343963d', entity: "Bin'ance", category: 'exchange', confidence: 80, source: 'https://example.org/binance', name: "Bin'ance 16" },
      { chain: 'bitcoin', address: '3BMEXbSSrK2K7cRgqxrtqUWfxowBBrW1BE', entity: 'BitMEX', category: 'exchange', confidence: 50, source: 'https://example.org/binance', name: 'Binance 14' },
      { chain: 'bitcoin', address: '1LAScEFHGkfpyjtFzA4g9283JmL2cYR9Tx', entity: 'ChipMixer', category: 'mixer', confidence: 50, source: 'https://example.org/binance' },
      { chain: 'tron', address: 'TRYL7PKCG4b4xRCM554Q5J6o8f1UjUmfnY', entity: 'Binance', category: 'exchange', confidence: 50, source: 'https://example.org/binance', name: 'Binance 14' },
      { chain: 'ethereum', address: '0x72a53cdbbcc1b9efa39c834a540550e23463aacb', entity: 'Crypto.com', category: 'exchange', confidence: 50, source: 'https://example.org/binance', name: 'crypto.com ERC20 reserves' },
    ]);
  });

  it('gives the same labels through the fast reader and the yaml package', () => {
    expect(scanFlatTagPack(PACK)).to.not.equal(null);
    expect(parseTagPack(PACK, { fastPath: false })).to.deep.equal(parseTagPack(PACK));
  });

  it('names actors from an ActorPack when given one', () => {
    const actors = new Map([['bitmex', 'BitMEX Exchange']]);
    expect(parseTagPack(PACK, { actors }).labels[2]!.entity).to.equal('BitMEX Exchange');
  });

  it('skips a tag whose address is not of its chain, or fails it when strict', () => {
    const pack = 'currency: BTC\nlabel: Plus Token Scam\nabuse: scam\ntags:\n- address: 14bwh6gmvol5ntwbvxqjkjdtzv4y5ebtvm\n- address: 3ETAVt2scYBFkBFksuNDk1i5tDLQ2c4zWR\n';
    const result = parseTagPack(pack);
    expect(result.labels.map((l) => l.address)).to.deep.equal(['3ETAVt2scYBFkBFksuNDk1i5tDLQ2c4zWR']);
    expect(result.labels[0]!.category).to.equal('scam');
    expect(result.skipped).to.deep.equal({ 'invalid bitcoin address': 1 });
    expect(result.skippedExamples?.[0]?.reason).to.match(/not a bitcoin address/);
    expect(() => parseTagPack(pack, { strict: true })).to.throw(InvalidInputError, /tags\[0\].*not a bitcoin address/);
  });

  it('rejects a bad EIP-55 checksum when strict', () => {
    const pack = "currency: ETH\nlabel: x\ntags:\n- address: '0x28C6c06298d514Db089934071355E5743bF21d60'\n";
    expect(() => parseTagPack(pack, { strict: true })).to.throw(InvalidInputError, /bad EIP-55 checksum/);
    expect(parseTagPack(pack).skipped).to.deep.equal({ 'invalid ethereum address': 1 });
  });

  it('fails the whole pack on an unknown confidence level or an out-of-range number', () => {
    const pack = (confidence: string) => `currency: BTC\nlabel: x\nconfidence: ${confidence}\ntags:\n- address: 3ETAVt2scYBFkBFksuNDk1i5tDLQ2c4zWR\n`;
    expect(() => parseTagPack(pack('gut_feeling'))).to.throw(InvalidInputError, /unknown confidence "gut_feeling"/);
    expect(() => parseTagPack(pack('120'))).to.throw(InvalidInputError, /outside 0\.\.100/);
    expect(parseTagPack(pack('75')).labels[0]!.confidence).to.equal(75);
  });

  it('fails on a tag with neither label nor actor, on no tags list, and on broken YAML', () => {
    expect(() => parseTagPack('currency: BTC\ntags:\n- address: 3ETAVt2scYBFkBFksuNDk1i5tDLQ2c4zWR\n')).to.throw(InvalidInputError, /no label or actor/);
    expect(() => parseTagPack('title: x\n')).to.throw(InvalidInputError, /no `tags:` list/);
    expect(() => parseTagPack('title: [x\ntags:\n- address: y\n')).to.throw(BadRequestError, /YAML/);
  });

  it('counts tags without a currency instead of guessing the chain', () => {
    expect(parseTagPack('label: x\ntags:\n- address: 3ETAVt2scYBFkBFksuNDk1i5tDLQ2c4zWR\n').skipped).to.deep.equal({ 'no currency or network': 1 });
  });

  it('names OFAC packs that only say `category: user` as sanctioned', () => {
    const pack = 'title: US Treasury OFAC Sanctions List\nlabel: Asset listed under US Treasury OFAC Sanctions List\ncategory: user\ntags:\n- address: 3K35dyL85fR9ht7UgzPfd1gLRRXQtNTqE3\n  currency: BTC\n';
    expect(parseTagPack(pack).labels[0]).to.include({ category: 'sanctioned', entity: 'OFAC SDN', name: 'Asset listed under US Treasury OFAC Sanctions List' });
  });

  describe('vocabulary', () => {
    const categories: Array<[string | undefined, string | undefined, string]> = [
      ['exchange', undefined, 'exchange'],
      ['defi_dex', undefined, 'dex'],
      ['defi_lending', undefined, 'defi'],
      ['defi_bridge', undefined, 'bridge'],
      ['mixing_service', undefined, 'mixer'],
      ['wallet_service', undefined, 'service'],
      ['market', undefined, 'service'],
      ['otc_broker', undefined, 'otc'],
      ['gambling', undefined, 'gambling'],
      ['miner', undefined, 'miner'],
      ['black_list', undefined, 'sanctioned'],
      ['perpetrator', undefined, 'scam'],
      ['hacker', undefined, 'hack'],
      ['user', 'sanction', 'sanctioned'],
      [undefined, 'service_hack', 'hack'],
      [undefined, 'phishing', 'scam'],
      [undefined, 'ponzi_scheme', 'scam'],
      [undefined, 'ransomware', 'ransomware'],
      ['exchange', 'sanction', 'exchange'],
      ['user', undefined, 'other'],
      ['organization', 'terrorism_financing', 'other'],
      [undefined, undefined, 'other'],
    ];
    categories.forEach(([category, abuse, expected]) => {
      it(`category ${category} + abuse ${abuse} → ${expected}`, () => expect(categoryOfGraphSense(category, abuse)).to.equal(expected));
    });

    it('maps currencies and networks to chain names', () => {
      expect(['ETH', 'btc', 'BSC', 'BNB', 'BEP20', 'MATIC', 'polygon', 'TRX', 'ARB', 'AVAX'].map(chainOfCurrency)).to.deep.equal([
        'ethereum', 'bitcoin', 'bsc', 'bsc', 'bsc', 'polygon', 'polygon', 'tron', 'arbitrum', 'avalanche',
      ]);
      expect(['LTC', 'BEP2', 'XMR', 'USDT'].map(chainOfCurrency)).to.deep.equal([undefined, undefined, undefined, undefined]);
    });

    it('maps GraphSense confidence levels and numbers to 0..100', () => {
      const levels = ['ownership', 'ledger_immanent', 'service_api', 'authority_data', 'service_data', 'forensic', 'untrusted_transaction', 'web_crawl', 'heuristic', 'unknown'];
      expect(levels.map((l) => parseConfidence(l))).to.deep.equal([100, 90, 70, 60, 50, 50, 40, 20, 10, 5].map((value) => ({ ok: true, value })));
      expect(parseConfidence('0')).to.deep.equal({ ok: true, value: 0 });
      expect(parseConfidence('-0.5').ok).to.equal(false);
    });
  });

  describe('fast flat reader', () => {
    const flat = [
      'a: 1\ntags:\n- address: x\n  label: "y"\n',
      '\uFEFFa: b c\r\ntags:\r\n    - address: \'it\'\'s\'\r\n      k: v#not-a-comment\r\n',
      'tags:\n  - address: x\n# comment\n  - address: y\nafter: z\n',
      'a: null\nb: true\nc: 0x10\nd: 2023-01-01 10:00:00.5\ntags:\n- address: 0xabc\n',
      'a: -1\ntags:\n- address: -x\n  b: a:b\n',
    ];
    const notFlat = [
      'a: b # comment\ntags:\n- address: x\n',
      'tags:\n- address: x\n  concepts:\n  - exchange\n',
      'tags:\n- address: x\n  label: long\n    continued\n',
      'tags:\n- address: "x\\ty"\n',
      'a: &anchor b\ntags:\n- address: x\n',
      'tags:\n- address: x\n  address: y\n',
      'tags:\n',
      '%YAML 1.1\n---\ntags:\n- address: x\n',
      'tags: []\n',
      'tags:\n- address: x\n\tlabel: y\n',
    ];
    flat.forEach((text) => {
      it(`reads ${JSON.stringify(text.slice(0, 40))}… as the yaml package does`, () => {
        const doc = scanFlatTagPack(text);
        expect(doc).to.not.equal(null);
        expect(doc).to.deep.equal(YAML.parse(text, { schema: 'failsafe' }));
      });
    });
    notFlat.forEach((text) => {
      it(`leaves ${JSON.stringify(text.slice(0, 40))}… to the yaml package`, () => expect(scanFlatTagPack(text)).to.equal(null));
    });
  });
});

describe('labels: Etherscan and OFAC (small inputs)', () => {
  it('classifies Etherscan words', () => {
    expect(classify('Binance 14', ['binance'])).to.deep.equal({ entity: 'Binance', category: 'exchange' });
    expect(classify('Binance: BNB Token', ['binance', 'blocked'])).to.deep.equal({ entity: 'Binance', category: 'sanctioned' });
    expect(classify('Tornado.Cash: 10 ETH', ['ofac-sanctions-lists', 'tornado-cash'])).to.deep.equal({ entity: 'Tornado Cash', category: 'mixer' });
    expect(classify('OFAC SDN: 0x19a...dff', ['blocked', 'ofac-sanctions-lists'])).to.deep.equal({ entity: 'OFAC SDN', category: 'sanctioned' });
    expect(classify('Fake_Phishing1234', ['phish-hack'])).to.deep.equal({ entity: 'Fake_Phishing1234', category: 'scam' });
    expect(classify('Harmony Bridge Exploiter', ['phish-hack'])).to.deep.equal({ entity: 'Harmony Bridge Exploiter', category: 'hack' });
    expect(classify('bZx PrivKey Exploiter 2', ['blocked'])).to.deep.equal({ entity: 'bZx PrivKey Exploiter', category: 'hack' });
    expect(classify('Sorbet Finance Hack Alert 149', ['maker-vault-owner', 'take-action'])?.category).to.equal('defi');
    expect(classify('Multichain Hack Alert 1000', ['take-action'])).to.deep.equal({ entity: 'Multichain Hack Alert', category: 'other' });
    expect(classify('Huobi 1', ['derivatives', 'huobi', 'otc'])).to.deep.equal({ entity: 'Huobi', category: 'exchange' });
    expect(classify('Genesis Trading: OTC Desk 2', ['otc'])).to.deep.equal({ entity: 'Genesis Trading', category: 'otc' });
    expect(classify('Tether: USDT Stablecoin', ['bitfinex', 'blocked', 'stablecoin'])).to.deep.equal({ entity: 'Tether', category: 'issuer' });
    expect(classify('', ['airdrop-hunter'])).to.deep.equal({ entity: 'etherscan:airdrop-hunter', category: 'other' });
    expect(classify('', [])).to.equal(undefined);
  });

  it('rejects an Etherscan file with a bad address, and one that is not JSON', () => {
    expect(() => parseEtherscanLabels('{"0x1234": {"name": "x", "labels": []}}')).to.throw(InvalidInputError, /not an EVM address/);
    expect(() => parseEtherscanLabels('{"a":')).to.throw(BadRequestError);
    expect(() => parseEtherscanLabels('[]')).to.throw(InvalidInputError);
  });

  it('reads an OFAC list for one chain, or by address shape', () => {
    const text = '0x8589427373D6D84E98730D7795D8f6f8731FDA16\n\n# comment\n';
    expect(parseOfacList(text, 'ethereum').labels).to.deep.equal([
      { chain: 'ethereum', address: '0x8589427373d6d84e98730d7795d8f6f8731fda16', entity: 'OFAC SDN', category: 'sanctioned', confidence: 60, source: 'https://www.treasury.gov/ofac/downloads/sdnlist.txt' },
    ]);
    const mixed = parseOfacList('0x8589427373d6d84e98730d7795d8f6f8731fda16\nTEAqwfMhXLaomXhZ8KeMhx3njGmQEDnsUR\n1CF46Rfbp97absrs7zb7dFfZS6qBXUm9EP\nrUnknown\n', 'by-shape');
    expect(mixed.labels.map((l) => l.chain)).to.deep.equal(['ethereum', 'tron', 'bitcoin']);
    expect(mixed.skipped).to.deep.equal({ 'address of no known chain': 1 });
    expect(() => parseOfacList('TEAqwfMhXLaomXhZ8KeMhx3njGmQEDnsUR\n', 'ethereum', { strict: true })).to.throw(InvalidInputError, /line 1: not an EVM address/);
    expect(parseOfacList('TEAqwfMhXLaomXhZ8KeMhx3njGmQEDnsUR\n', 'ethereum')).to.deep.include({ labels: [], skipped: { 'invalid ethereum address': 1 } });
  });

  it('picks the chain of an OFAC list from its file name', () => {
    expect(parseLabelText('3K35dyL85fR9ht7UgzPfd1gLRRXQtNTqE3\n', { fileName: 'sanctioned_addresses_XBT.txt' }).labels[0]!.chain).to.equal('bitcoin');
    expect(parseLabelText('49Hq\n5be5\n', { fileName: 'sanctioned_addresses_XMR.txt' }).skipped).to.deep.equal({ 'asset XMR': 2 });
    expect(() => parseLabelText('3K35dyL85fR9ht7UgzPfd1gLRRXQtNTqE3\n', { fileName: 'list.txt' })).to.throw(InvalidInputError, /cannot tell the chain/);
  });
});
