import { expect } from 'chai';
import { parseCsvRecords, parseLabelCsv } from '../../services/labels/csv';
import { parseLabelText } from '../../services/labels/load';
import { BadRequestError, InvalidInputError, type TraceholdError } from '../../services/errors';

const BINANCE_14 = '0x28C6c06298d514Db089934071355E5743bf21d60'; // EIP-55
const BINANCE_14_BAD = '0x28C6c06298d514Db089934071355E5743bF21d60'; // one letter's case flipped

function thrown(fn: () => unknown): TraceholdError {
  try {
    fn();
  } catch (error) {
    return error as TraceholdError;
  }
  throw new Error('expected an error');
}

describe('labels: CSV', () => {
  describe('RFC 4180 records', () => {
    it('reads quoted commas, doubled quotes and line breaks, with line numbers', () => {
      const records = parseCsvRecords('a,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n\r\nlast,,\n');
      expect(records).to.deep.equal([
        { line: 1, fields: ['a', 'b', 'c'] },
        { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
        { line: 5, fields: ['last', '', ''] },
      ]);
    });

    it('strips a BOM and trims unquoted fields, keeping quoted spaces', () => {
      expect(parseCsvRecords('\uFEFF a , " b " ')).to.deep.equal([{ line: 1, fields: ['a', ' b '] }]);
    });

    it('rejects an unterminated quote and a stray quote as malformed', () => {
      expect(thrown(() => parseCsvRecords('a,"b\nc'))).to.be.instanceOf(BadRequestError).and.have.property('message').that.includes('line 1');
      expect(thrown(() => parseCsvRecords('a,b"c'))).to.be.instanceOf(BadRequestError);
      expect(thrown(() => parseCsvRecords('a,"b"c'))).to.be.instanceOf(BadRequestError);
    });
  });

  describe('parseLabelCsv', () => {
    it('parses the contract header with optional columns in any order', () => {
      const text = [
        '\uFEFFsource,confidence,category,entity,address,chain',
        `"etherscan, 2023",90,exchange,Binance,${BINANCE_14},ethereum`,
        ',,mixer,"Tornado ""Cash""",0x722122df12d4e14e13ac3b6895a86e84145b6967,ETHEREUM',
        'x,service_data,exchange,BitMEX,3BMEXbSSrK2K7cRgqxrtqUWfxowBBrW1BE,bitcoin',
        'x,70.4,exchange,Binance,BC1QM34LSC65ZPW79LXES69ZKQMK6EE3EWF0J77S3H,bitcoin',
      ].join('\r\n');
      const { labels, format } = parseLabelCsv(text, { defaultSource: 'mylist.csv' });
      expect(format).to.equal('csv');
      expect(labels).to.deep.equal([
        { chain: 'ethereum', address: BINANCE_14.toLowerCase(), entity: 'Binance', category: 'exchange', confidence: 90, source: 'etherscan, 2023' },
        { chain: 'ethereum', address: '0x722122df12d4e14e13ac3b6895a86e84145b6967', entity: 'Tornado "Cash"', category: 'mixer', confidence: 50, source: 'mylist.csv' },
        { chain: 'bitcoin', address: '3BMEXbSSrK2K7cRgqxrtqUWfxowBBrW1BE', entity: 'BitMEX', category: 'exchange', confidence: 50, source: 'x' },
        { chain: 'bitcoin', address: 'bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h', entity: 'Binance', category: 'exchange', confidence: 70, source: 'x' },
      ]);
    });

    it('works with only the four required columns and ignores unknown ones', () => {
      const { labels } = parseLabelCsv(`chain,address,entity,category,note\npolygon,${BINANCE_14.toLowerCase()},Binance,exchange,hot wallet\n`);
      expect(labels).to.deep.equal([{ chain: 'polygon', address: BINANCE_14.toLowerCase(), entity: 'Binance', category: 'exchange', confidence: 50 }]);
    });

    it('accepts an all upper-case EVM address (no checksum to check)', () => {
      const upper = '0x' + BINANCE_14.slice(2).toUpperCase();
      expect(parseLabelCsv(`chain,address,entity,category\nethereum,${upper},Binance,exchange`).labels[0]!.address).to.equal(BINANCE_14.toLowerCase());
    });

    const bad: Array<{ description: string; row: string; reason: RegExp }> = [
      { description: 'a wrong EIP-55 checksum', row: `ethereum,${BINANCE_14_BAD},Binance,exchange,`, reason: /bad EIP-55 checksum.*expected 0x28C6c06298d514Db089934071355E5743bf21d60/ },
      { description: 'an unknown category', row: `ethereum,${BINANCE_14},Binance,exchnage,`, reason: /unknown category "exchnage"/ },
      { description: 'an empty entity', row: `ethereum,${BINANCE_14},  ,exchange,`, reason: /empty entity/ },
      { description: 'a negative confidence', row: `ethereum,${BINANCE_14},Binance,exchange,-1`, reason: /confidence -1 is outside 0\.\.100/ },
      { description: 'an oversized confidence', row: `ethereum,${BINANCE_14},Binance,exchange,101`, reason: /confidence 101 is outside 0\.\.100/ },
      { description: 'a confidence that is neither number nor level', row: `ethereum,${BINANCE_14},Binance,exchange,high`, reason: /unknown confidence "high"/ },
      { description: 'a short EVM address', row: 'ethereum,0x1234,Binance,exchange,', reason: /not an EVM address/ },
      { description: 'a bitcoin address that is not one', row: 'bitcoin,0x28c6c06298d514db089934071355e5743bf21d60,Binance,exchange,', reason: /not a bitcoin address/ },
      { description: 'a missing field', row: `ethereum,${BINANCE_14},Binance`, reason: /expected 5 fields, found 3/ },
    ];
    bad.forEach(({ description, row, reason }) => {
      it(`rejects ${description} with its line number, returning nothing`, () => {
        const text = `chain,address,entity,category,confidence\nethereum,${BINANCE_14},Binance,exchange,80\n${row}\n`;
        const error = thrown(() => parseLabelCsv(text));
        expect(error).to.be.instanceOf(InvalidInputError);
        expect(error.code).to.equal('invalid_input');
        expect(error.message).to.match(/^label CSV: 1 invalid entry, nothing imported: line 3: /);
        expect(error.message).to.match(reason);
        expect(error.details).to.have.nested.property('issues[0].line', 3);
        if (!description.includes('missing field')) expect(error.message).to.not.include('fields');
      });
    });

    it('rejects a file without the header', () => {
      const error = thrown(() => parseLabelCsv(`ethereum,${BINANCE_14},Binance,exchange\n`));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.message).to.match(/header lacks chain, address, entity, category/);
      expect(thrown(() => parseLabelCsv('chain,address,entity\n'))).to.be.instanceOf(InvalidInputError).with.property('message').that.match(/lacks category/);
      expect(thrown(() => parseLabelCsv(''))).to.be.instanceOf(InvalidInputError);
    });

    it('lists the first five bad rows and counts the rest', () => {
      const rows = Array.from({ length: 8 }, (_, i) => `ethereum,${BINANCE_14},Binance,nope${i}`);
      const error = thrown(() => parseLabelCsv(['chain,address,entity,category', ...rows].join('\n')));
      expect(error.message).to.match(/8 invalid entries/);
      expect(error.message).to.include('line 2: unknown category "nope0"');
      expect(error.message).to.include('line 6: unknown category "nope4"');
      expect(error.message).to.not.include('line 7');
      expect(error.message).to.include('and 3 more');
      expect((error.details as { issues: unknown[] }).issues).to.have.length(8);
    });

    it('reports line numbers of records that follow a quoted line break', () => {
      const text = `chain,address,entity,category\nethereum,${BINANCE_14},"Bin\nance",exchange\nethereum,${BINANCE_14},Binance,bad\n`;
      expect(thrown(() => parseLabelCsv(text)).message).to.include('line 4: unknown category "bad"');
    });

    it('is picked for .csv files and for comma-separated text', () => {
      const text = `chain,address,entity,category\nethereum,${BINANCE_14},Binance,exchange\n`;
      expect(parseLabelText(text, { fileName: 'x.csv' }).labels[0]).to.include({ source: 'x.csv', entity: 'Binance' });
      expect(parseLabelText(text).format).to.equal('csv');
    });
  });
});
