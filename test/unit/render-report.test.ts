// The readable report of a big case: a column of ~125,000 cells as Math.max's arguments
// overflowed the stack, so `tracehold trace` without --json (and, as the text was made
// first, with it) failed at the end of a case with that many holdings.
import { expect } from 'chai';
import { LISTED_ROWS, renderReport } from '../../services/cli/render';
import type { TraceReport } from '../../services/domain/report';
import { table } from '../../services/format';

const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const wallet = (i: number) => '0x' + i.toString(16).padStart(40, '0');

function bigReport(holdings: number, stopped: number): TraceReport {
  return {
    chain: 'ethereum', model: 'poison', seeds: [{ address: wallet(0) }], fromBlock: 1, toBlock: 2,
    endpoints: [{ address: wallet(1), entity: 'Binance', category: 'exchange', attribution: 'label', asset: USDT, amount: '5000000', hops: 2, paths: [['0xaa', '0xbb']], symbol: 'USDT', decimals: 6 }],
    exposure: [{ entity: 'Binance', category: 'exchange', asset: USDT, amount: '5000000', share: 0.5 }],
    // Largest first, as the report sorts them.
    holdings: Array.from({ length: holdings }, (_, i) => ({ address: wallet(i + 2), asset: USDT, amount: String(holdings - i), hops: 3, symbol: 'USDT', decimals: 6 })),
    stopped: Array.from({ length: stopped }, (_, i) => ({ address: wallet(i + 10 ** 7), asset: USDT, amount: '1', hops: 10, reason: 'max-hops' })),
    accounting: [], limitations: [], sanctions: [], hops: [], assets: [USDT],
    ignored: { zeroValue: 0, untracedAssets: 0, selfTransfers: 0 },
    stats: { addresses: holdings + 2, transfers: holdings, rpcCalls: 1, ms: 1000, hops: 3 },
  } as unknown as TraceReport;
}

describe('readable report', () => {
  it('a table of 200,000 rows pads each column to its widest cell', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [String(i), 'x']);
    rows[150_000] = ['y', 'a much wider cell'];
    const lines = table(['n', 'cell'], rows).split('\n');
    expect(lines).to.have.length(200_002);
    expect(lines[1]).to.equal(`${'-'.repeat(6)}  ${'-'.repeat('a much wider cell'.length)}`);
    expect(lines[2]).to.equal('0       x');
  });

  it('a case with 200,000 holdings renders: every endpoint, the largest holdings, a count of the rest', () => {
    const text = renderReport(bigReport(200_000, 150));
    expect(text).to.include(wallet(1)).and.include('Binance');
    const holdingLines = text.split('\n').filter((l) => l.startsWith('0x') && l.includes(' USDT') && l.trimEnd().endsWith(' 3'));
    expect(holdingLines).to.have.length(LISTED_ROWS);
    expect(holdingLines[0]).to.include(wallet(2)).and.include('0.2 USDT');
    expect(text).to.not.include(wallet(2 + LISTED_ROWS));
    expect(text).to.include('… 199,900 more holdings not shown (200,000 in all; every one is in the JSON report: --json)');
    expect(text).to.include('… 50 more not followed not shown (150 in all');
  });

  it('a small case lists everything, with no line for the rest', () => {
    const text = renderReport(bigReport(3, 2));
    for (let i = 2; i < 5; i++) expect(text).to.include(wallet(i));
    expect(text).to.not.include('not shown');
  });
});
