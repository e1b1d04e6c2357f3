// Random laundering graphs for the taint engine's tests: self-transfers (also EVM hex in
// other letter case), zero values, several assets and an asset scope, stops, seed transfers,
// sources, late inflows, openings, fees, ties in chain order, duplicates in the input, any
// input order, amounts past 2^53 and 2^64.
import fc from 'fast-check';
import type { LedgerSpec, TaintInput } from '../../services/domain/taint';
import { transferId, type Transfer } from '../../services/domain/types';

const amount = fc.oneof(
  { arbitrary: fc.constant(0n), weight: 2 },
  { arbitrary: fc.bigInt({ min: 1n, max: 100n }), weight: 8 },
  { arbitrary: fc.constantFrom(7n, 50n, 400n), weight: 3 }, // equal outflows: tiho's ties
  { arbitrary: fc.bigInt({ min: 100n, max: 5000n }), weight: 4 }, // outflows that span several inflows
  { arbitrary: fc.bigInt({ min: 2n ** 52n, max: 2n ** 54n }), weight: 2 }, // around Number's exact range
  { arbitrary: fc.bigInt({ min: 2n ** 63n, max: 2n ** 90n }), weight: 2 },
);
const opening = fc.oneof(amount, fc.bigInt({ min: 100n, max: 10_000n }));
// Hex addresses, some of which differ only in letter case (one EVM address: a self-transfer).
export const NAMES = ['0xaa01', '0xAA01', '0xbb02', '0xcc03', '0xdd04', '0xee05', 'T6nonhex', 't6NONHEX', '0xff07', '0x1108'];
const ASSETS = ['ETH', 'usdt', 'dai'];

const addressSpec = fc.record({
  ledger: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
  source: fc.integer({ min: 0, max: 2 }).map((n) => n === 0),
  stop: fc.integer({ min: 0, max: 8 }).map((n) => n === 0),
  fromBlock: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 1 }),
  opening: fc.dictionary(fc.constantFrom(...ASSETS), opening, { maxKeys: 3 }),
});

const transferSpec = fc.record({
  from: fc.nat(NAMES.length - 1),
  to: fc.option(fc.nat(NAMES.length - 1), { freq: 7 }),
  asset: fc.constantFrom(...ASSETS),
  amount,
  block: fc.integer({ min: 0, max: 6 }),
  tx: fc.integer({ min: 0, max: 2 }),
  seq: fc.integer({ min: 0, max: 2 }),
  ref: fc.integer({ min: 0, max: 3 }),
  seed: fc.integer({ min: 0, max: 4 }).map((k) => k === 0),
  stamp: fc.integer({ min: 0, max: 2 }),
});

export const scenario = fc.record({
  addresses: fc.array(addressSpec, { minLength: NAMES.length, maxLength: NAMES.length }),
  transfers: fc.array(transferSpec, { minLength: 0, maxLength: 90, size: 'max' }),
  /** One sender paying out several times in one block (tiho's ground), often equal amounts. */
  bursts: fc.array(fc.record({
    from: fc.nat(NAMES.length - 1), asset: fc.constantFrom(...ASSETS), block: fc.integer({ min: 0, max: 6 }),
    outs: fc.array(fc.record({ to: fc.nat(NAMES.length - 1), amount: fc.oneof(amount, fc.constantFrom(7n, 50n)), tx: fc.integer({ min: 0, max: 2 }) }), { minLength: 2, maxLength: 4 }),
  }), { maxLength: 3 }),
  /** Transfers given a second time under another split of the same id: hash `H#log`, ref `i` for `H`, `log#i`. */
  splits: fc.array(fc.nat(), { maxLength: 3 }),
  /** Indices of transfers given twice (identical contents; the timestamp may differ, as a re-read block could). */
  duplicates: fc.array(fc.nat(), { maxLength: 6 }),
  assets: fc.option(fc.subarray(ASSETS), { freq: 5 }),
  order: fc.array(fc.nat(), { maxLength: 80 }),
}).map(({ addresses, transfers: singles, bursts, splits, duplicates, assets, order }): Omit<TaintInput, 'model'> => {
  const transfers = [...singles];
  for (const b of bursts) {
    for (const o of b.outs) transfers.push({ from: b.from, to: o.to, asset: b.asset, amount: o.amount, block: b.block, tx: o.tx, seq: 1, ref: 0, seed: false, stamp: 0 });
  }
  const ts: Transfer[] = transfers.map((t, i) => {
    // Few transaction hashes so several transfers share one; refs make the id unique.
    const txHash = `0x${(i % 7).toString(16)}${t.block}${t.tx}`;
    return {
      chain: 'test', txHash, blockNumber: t.block, blockHash: `0xb${t.block}`, timestamp: 1_000 + t.block * 12 + t.stamp,
      txIndex: t.tx, ref: t.to === null ? `fee${i}` : `log:${i}`, seq: t.seq, kind: t.to === null ? 'fee' : 'token',
      asset: t.asset, from: NAMES[t.from]!, to: t.to === null ? null : NAMES[t.to]!, amount: t.amount,
    };
  });
  for (const j of splits) {
    if (!ts.length) break;
    const t = ts[j % ts.length]!;
    if (t.ref.includes('#')) continue;
    t.ref = `log#${j % ts.length}`;
    ts.push({ ...t, txHash: `${t.txHash}#log`, ref: `${j % ts.length}` });
  }
  const seedTransfers = new Set(transfers.flatMap((t, i) => (t.seed ? [transferId(ts[i]!)] : [])));
  seedTransfers.add('0xnone#log:0'); // a seed the input does not hold changes nothing
  for (const d of duplicates) if (ts.length) ts.push({ ...ts[d % ts.length]!, timestamp: 999 });
  // Any input order: swap by the given indices.
  for (let k = 0; k + 1 < order.length && ts.length > 1; k += 2) {
    const a = order[k]! % ts.length, b = order[k + 1]! % ts.length;
    [ts[a], ts[b]] = [ts[b]!, ts[a]!];
  }
  const ledgers = new Map<string, LedgerSpec>();
  addresses.forEach((a, i) => {
    if (a.ledger) ledgers.set(NAMES[i]!, { fromBlock: a.fromBlock, opening: new Map(Object.entries(a.opening)), source: a.source });
  });
  return {
    transfers: ts,
    ledgers,
    seedTransfers,
    stops: new Set(addresses.flatMap((a, i) => (a.stop ? [NAMES[i]!] : []))),
    assets: assets === null ? undefined : new Set(assets),
  };
});

