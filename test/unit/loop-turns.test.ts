// Plain loops in async code give the event loop turns (loopTurns), and the report's JSON
// written as COPY text in pieces is the same text as in one go (jsonCopyField).
import { expect } from 'chai';
import fc from 'fast-check';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { filterWithTurns, loopTurns } from '../../services/domain/taint/steps';
import { copyField, jsonCopyField, jsonPieces } from '../../services/store/copy-text';
import { jsonParam, lastPerKey, lastPerKeyWithTurns } from '../../services/store/values';

async function pieces(value: unknown, pieceChars?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const piece of jsonCopyField(value, pieceChars, 0)) out.push(piece);
  return out;
}

/**
 * Busy work for about `ms`, asking `due` between small items, or less once the timer has fired
 * `enough` times; counts the timer fires seen meanwhile. (A fixed stretch with turns saw only 3
 * fires in 80 ms once, on a loaded machine: the turns are there, the machine's pace is not.)
 */
async function busyLoop(ms: number, withTurns: boolean, enough = Infinity): Promise<number> {
  let fires = 0;
  const timer = setInterval(() => fires++, 1);
  const turns = loopTurns(5);
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end && fires < enough) {
    for (let i = 0; i < 100; i++) x += Math.sqrt(i);
    if (withTurns && turns.due()) await turns.give();
  }
  const seen = fires;
  clearInterval(timer);
  await nextTurn();
  return x > 0 ? seen : -1;
}

describe('loop turns', () => {
  it('let timers run during a long loop that asks for them, and none without', async () => {
    expect(await busyLoop(80, false)).to.equal(0);
    expect(await busyLoop(2_000, true, 4)).to.be.greaterThan(3);
  });

  it('filterWithTurns keeps what Array.filter keeps, in order, and lets timers run meanwhile', async () => {
    const items = Array.from({ length: 60_000 }, (_, i) => i);
    let fires = 0;
    const timer = setInterval(() => fires++, 1);
    const kept = await filterWithTurns(items, (i) => {
      const until = performance.now() + 0.002; // ~120 ms in all
      while (performance.now() < until);
      return i % 3 !== 1;
    }, loopTurns(5));
    clearInterval(timer);
    expect(kept).to.deep.equal(items.filter((i) => i % 3 !== 1));
    expect(fires).to.be.greaterThan(3);
  });

  it('lastPerKeyWithTurns keeps what lastPerKey keeps, in order, and lets timers run meanwhile', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.record({ k: fc.integer({ min: 0, max: 20 }), v: fc.nat() })), async (rows) => {
      expect(await lastPerKeyWithTurns(rows, (r) => String(r.k), loopTurns(0))).to.deep.equal(lastPerKey(rows, (r) => String(r.k)));
    }));
    const rows = Array.from({ length: 60_000 }, (_, i) => ({ k: i % 50_000, v: i }));
    let fires = 0;
    const timer = setInterval(() => fires++, 1);
    const kept = await lastPerKeyWithTurns(rows, (r) => {
      const until = performance.now() + 0.002; // ~120 ms in all
      while (performance.now() < until);
      return String(r.k);
    }, loopTurns(5));
    clearInterval(timer);
    expect(kept).to.deep.equal(lastPerKey(rows, (r) => String(r.k)));
    expect(fires).to.be.greaterThan(3);
  });

  it('are not due before the slice is spent', () => {
    const turns = loopTurns(60_000);
    for (let i = 0; i < 10_000; i++) expect(turns.due()).to.equal(false);
  });
});

describe('jsonCopyField', () => {
  const leaf = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('a\\b', 'tab\there', 'line\nbreak', 'cr\r', '"quoted"'), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.bigInt(), fc.date({ noInvalidDate: true }));
  const item = fc.oneof(leaf, fc.dictionary(fc.string(), leaf, { maxKeys: 4 }), fc.array(leaf, { maxLength: 4 }));

  it('is copyField(jsonParam(value)) in pieces, long arrays included', async () => {
    await fc.assert(fc.asyncProperty(
      fc.dictionary(fc.string(), fc.oneof(item, fc.array(item, { minLength: 0, maxLength: 1_200 }))),
      fc.array(item, { minLength: 1_000, maxLength: 2_500 }),
      fc.integer({ min: 1, max: 1_000 }), // under the long array's text (≥ 2 characters an element): more than one piece
      async (report, long, pieceChars) => {
        const value = { ...report, holdings: long };
        const got = await pieces(value, pieceChars);
        expect(got.join('')).to.equal(copyField(jsonParam(value)));
        expect(got.length).to.be.greaterThan(1);
        // The plain JSON pieces (an HTTP answer's) are jsonParam(value) itself.
        const plain: string[] = [];
        for await (const piece of jsonPieces(value, pieceChars, 0)) plain.push(piece);
        expect(plain.join('')).to.equal(jsonParam(value));
        expect(plain).to.have.length(got.length);
      },
    ), { numRuns: 40 });
  });

  it('writes anything but a plain object as copyField(jsonParam) does', async () => {
    for (const value of [null, 5, 'x\\y', [1, 2n, undefined], new Date(0), { toJSON: () => 'y' }]) {
      expect((await pieces(value)).join('')).to.equal(copyField(jsonParam(value)));
    }
  });
});
