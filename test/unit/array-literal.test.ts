// Long array parameters are made into Postgres array literals with event-loop turns, the same
// literal node-postgres would have made in one go (array-literal.ts).
import { expect } from 'chai';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { loopTurns } from '../../services/domain/taint/steps';
import { arrayLiteral, hasLongArray, LONG_ARRAY, withArrayLiterals } from '../../services/store/array-literal';

/** The driver's own serialisation of a parameter. */
const { prepareValue } = createRequire(__filename)('pg/lib/utils') as { prepareValue(value: unknown): unknown };

const element = fc.oneof(
  fc.string(),
  fc.constantFrom('a,b', 'c"d', 'e\\f', '\\"', '{x}', 'NULL', ' ', '', 'é', '0x00000000219ab540356cbb839cbe05303d7705fa'),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.bigInt(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

describe('array literals of long parameters', () => {
  it("are the driver's own literal, whatever the elements", async () => {
    await fc.assert(fc.asyncProperty(fc.array(element, { maxLength: 40 }), async (values) => {
      expect(await arrayLiteral(values)).to.equal(prepareValue(values));
    }));
  });

  it('leave an array the driver makes otherwise (nested, dates, buffers) as it is', async () => {
    for (const values of [[['a'], ['b']], [new Date(0)], [Buffer.from('ab')], ['a', { b: 1 }]]) {
      expect(await arrayLiteral(values)).to.equal(values);
    }
  });

  it('change only the long arrays of a statement, and nothing when none is long', async () => {
    const long = Array.from({ length: LONG_ARRAY }, (_, i) => `0x${i.toString(16).padStart(40, '0')}`);
    const short = ['a', 'b'];
    const params = ['local', short, 7, long];
    expect(hasLongArray(params)).to.equal(true);
    expect(hasLongArray(['local', short])).to.equal(false);
    expect(hasLongArray(undefined)).to.equal(false);
    const made = await withArrayLiterals(params);
    expect(made.slice(0, 3)).to.deep.equal(['local', short, 7]);
    expect(made[3]).to.equal(prepareValue(long));
    const untouched = ['local', short];
    expect(await withArrayLiterals(untouched)).to.equal(untouched);
  });

  it('let timers run while a long literal is made', async () => {
    const values = Array.from({ length: 400_000 }, (_, i) => `0x${i.toString(16).padStart(40, '0')}`);
    let fires = 0;
    const timer = setInterval(() => fires++, 1);
    // Turns as often as they are asked for: on a fast machine the whole literal may take less than a default slice.
    const literal = await arrayLiteral(values, loopTurns(0));
    clearInterval(timer);
    expect(literal).to.equal(prepareValue(values));
    expect(fires).to.be.greaterThan(1);
  });
});
