import { expect } from 'chai';
import fc from 'fast-check';
import { detectDepositAddress, type DepositEvidence, type DepositParams } from '../../services/domain/deposit-heuristic';
import { SEQ_FEE, SEQ_INTERNAL_BASE, SEQ_LOG_BASE, SEQ_TX_VALUE, type Label, type Transfer, type TransferKind } from '../../services/domain/types';
import { InvalidInputError } from '../../services/errors';

// Real mainnet wallets (Etherscan: Binance 14, Binance 16, Coinbase 1) and the USDT contract;
// the deposit address and the other parties are made up.
const BINANCE_14 = '0x28c6c06298d514db089934071355e5743bf21d60';
const BINANCE_16 = '0xdfd5293d8e347dfe59e90efd55b2956a1343963d';
const BINANCE_FUNDER = '0x' + 'b1'.repeat(20);
const COINBASE_1 = '0x71660c4005ba85c37ccec55d0c4493e66fe775d3';
const UNISWAP = '0x7a250d5630b4cf539739df2c5dacb4c659f2488d';
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const DEPOSIT = '0x' + 'de'.repeat(20);
const SCAMMER = '0x' + '5c'.repeat(20);
const PEEL_1 = '0x' + 'a1'.repeat(20);
const PEEL_2 = '0x' + 'a2'.repeat(20);

const LABELS: Record<string, Pick<Label, 'entity' | 'category'>> = {
  [BINANCE_14]: { entity: 'Binance', category: 'exchange' },
  [BINANCE_16]: { entity: 'Binance', category: 'exchange' },
  [BINANCE_FUNDER]: { entity: 'Binance', category: 'exchange' },
  [COINBASE_1]: { entity: 'Coinbase', category: 'exchange' },
  [UNISWAP]: { entity: 'Uniswap', category: 'dex' },
};

const GWEI = 10n ** 9n;
const ETHER = 10n ** 18n;
const FEE = 21_000n * 30n * GWEI;
const TOKEN_FEE = 60_000n * 30n * GWEI;

/** [tx, block, kind, asset, from, to, amount]: rows of one tx share its hash and index. */
type Row = [tx: string, block: number, kind: TransferKind, asset: string, from: string, to: string | null, amount: bigint];

interface Fixture {
  description: string;
  rows: Row[];
  params?: DepositParams;
  extraLabels?: Record<string, Pick<Label, 'entity' | 'category'>>;
  expected?: Partial<DepositEvidence>;
}

function buildTransfers(rows: readonly Row[]): Transfer[] {
  const txIndex = new Map<string, number>();
  return rows.map(([tx, block, kind, asset, from, to, amount], i) => {
    if (!txIndex.has(tx)) txIndex.set(tx, txIndex.size);
    const seq = kind === 'fee' ? SEQ_FEE : kind === 'native' ? SEQ_TX_VALUE : kind === 'internal' ? SEQ_INTERNAL_BASE : SEQ_LOG_BASE + i;
    const ref = kind === 'fee' ? 'fee' : kind === 'native' ? 'tx' : kind === 'internal' ? 'call:0' : `log:${i}`;
    return {
      chain: 'ethereum',
      txHash: '0x' + Buffer.from(tx).toString('hex').padStart(64, '0'),
      blockNumber: block,
      blockHash: '0x' + block.toString(16).padStart(64, '0'),
      timestamp: 1_700_000_000 + block * 12,
      txIndex: txIndex.get(tx)!,
      ref,
      seq,
      kind,
      asset,
      from,
      to,
      amount,
    };
  });
}

function labelOfFrom(extra: Fixture['extraLabels'] = {}) {
  const all = { ...LABELS, ...extra };
  return (address: string): Label | undefined => {
    const label = all[address.toLowerCase()];
    return label === undefined ? undefined : { chain: 'ethereum', address: address.toLowerCase(), ...label, confidence: 50 };
  };
}

function run(f: Fixture): DepositEvidence | null {
  return detectDepositAddress({ address: DEPOSIT, transfers: buildTransfers(f.rows), labelOf: labelOfFrom(f.extraLabels), ...(f.params ? { params: f.params } : {}) });
}

const TWO_POW_100 = 2n ** 100n;

const fixtures: { valid: Fixture[]; invalid: Fixture[] } = {
  valid: [
    {
      description: 'classic ERC-20 deposit: USDT in, ETH gas top-up from the exchange, USDT swept to the hot wallet',
      rows: [
        ['in', 100, 'token', USDT, SCAMMER, DEPOSIT, 5_000_000_000n],
        ['gas', 101, 'native', 'ETH', BINANCE_FUNDER, DEPOSIT, TOKEN_FEE],
        ['sweep', 103, 'fee', 'ETH', DEPOSIT, null, TOKEN_FEE],
        ['sweep', 103, 'token', USDT, DEPOSIT, BINANCE_14, 5_000_000_000n],
      ],
      expected: {
        entity: 'Binance', category: 'exchange', asset: USDT, hotWallets: [BINANCE_14], forwardedShareBps: 10000,
        sweeps: 1, maxDelayBlocks: 3, gasTopUps: 1, received: 5_000_000_000n, forwarded: 5_000_000_000n,
      },
    },
    {
      description: 'native-ETH deposit swept after 60 blocks, the fee paid out of the deposit',
      rows: [
        ['in', 200, 'native', 'ETH', SCAMMER, DEPOSIT, ETHER],
        ['sweep', 260, 'fee', 'ETH', DEPOSIT, null, FEE],
        ['sweep', 260, 'native', 'ETH', DEPOSIT, BINANCE_16, ETHER - FEE],
      ],
      expected: { entity: 'Binance', asset: 'ETH', sweeps: 1, maxDelayBlocks: 60, gasTopUps: 0, forwardedShareBps: 9993, forwarded: ETHER - FEE },
    },
    {
      description: 'two deposits FIFO-matched to two sweeps into two hot wallets of one exchange',
      rows: [
        ['in1', 100, 'token', USDT, SCAMMER, DEPOSIT, 700n],
        ['sweep1', 120, 'token', USDT, DEPOSIT, BINANCE_14, 700n],
        ['in2', 150, 'token', USDT, PEEL_1, DEPOSIT, 300n],
        ['sweep2', 170, 'token', USDT, DEPOSIT, BINANCE_16, 300n],
      ],
      expected: { asset: USDT, sweeps: 2, maxDelayBlocks: 20, hotWallets: [BINANCE_14, BINANCE_16].sort(), forwardedShareBps: 10000 },
    },
    {
      description: 'amounts of 2^100 and more stay exact (bigint only)',
      rows: [
        ['in', 10, 'token', USDT, SCAMMER, DEPOSIT, TWO_POW_100 + 12_345n],
        ['in2', 11, 'token', USDT, SCAMMER, DEPOSIT, TWO_POW_100 * 3n],
        ['sweep', 12, 'token', USDT, DEPOSIT, BINANCE_14, TWO_POW_100 * 4n + 12_345n],
      ],
      expected: { received: TWO_POW_100 * 4n + 12_345n, forwarded: TWO_POW_100 * 4n + 12_345n, forwardedShareBps: 10000 },
    },
    {
      description: 'a refund of 5 % to the sender is dust and tolerated',
      rows: [
        ['in', 100, 'token', USDT, SCAMMER, DEPOSIT, 1_000n],
        ['refund', 101, 'token', USDT, DEPOSIT, SCAMMER, 50n],
        ['sweep', 102, 'token', USDT, DEPOSIT, BINANCE_14, 950n],
      ],
      expected: { forwardedShareBps: 9500, sweeps: 1 },
    },
    {
      description: 'one late sweep among timely ones lowers the share but does not veto',
      rows: [
        ['in1', 100, 'token', USDT, SCAMMER, DEPOSIT, 95n],
        ['sweep1', 110, 'token', USDT, DEPOSIT, BINANCE_14, 95n],
        ['in2', 200, 'token', USDT, SCAMMER, DEPOSIT, 5n],
        ['sweep2', 200 + 7201, 'token', USDT, DEPOSIT, BINANCE_14, 5n],
      ],
      expected: { forwardedShareBps: 9500, sweeps: 2, maxDelayBlocks: 10 },
    },
    {
      description: 'an inflow not yet due at the end of the window is pending, not unforwarded',
      params: { windowEndBlock: 1_000 },
      rows: [
        ['in1', 100, 'token', USDT, SCAMMER, DEPOSIT, 100n],
        ['sweep1', 105, 'token', USDT, DEPOSIT, BINANCE_14, 100n],
        ['in2', 990, 'token', USDT, SCAMMER, DEPOSIT, 900n],
      ],
      expected: { forwardedShareBps: 10000, received: 100n },
    },
    {
      description: 'a deposit swept within a short per-chain delay (maxDelayBlocks 144, as for bitcoin)',
      params: { maxDelayBlocks: 144 },
      rows: [
        ['in', 800_000, 'native', 'ETH', SCAMMER, DEPOSIT, 25_000_000n],
        ['sweep', 800_100, 'fee', 'ETH', DEPOSIT, null, 2_000n],
        ['sweep', 800_100, 'native', 'ETH', DEPOSIT, COINBASE_1, 24_998_000n],
      ],
      expected: { entity: 'Coinbase', maxDelayBlocks: 100, forwardedShareBps: 9999 },
    },
  ],
  invalid: [
    {
      description: 'too slow: swept a day and a block later',
      rows: [
        ['in', 100, 'token', USDT, SCAMMER, DEPOSIT, 1_000n],
        ['sweep', 100 + 7201, 'token', USDT, DEPOSIT, BINANCE_14, 1_000n],
      ],
    },
    {
      description: 'forwards only 60 %',
      rows: [
        ['in', 100, 'token', USDT, SCAMMER, DEPOSIT, 1_000n],
        ['sweep', 101, 'token', USDT, DEPOSIT, BINANCE_14, 600n],
      ],
    },
    {
      description: 'splits between two exchanges',
      rows: [
        ['in', 100, 'token', USDT, SCAMMER, DEPOSIT, 1_000n],
        ['out1', 101, 'token', USDT, DEPOSIT, BINANCE_14, 500n],
        ['out2', 102, 'token', USDT, DEPOSIT, COINBASE_1, 500n],
      ],
    },
    {
      description: 'forwards to an unlabelled wallet with a small peel to the exchange (peel chain)',
      rows: [
        ['in', 100, 'native', 'ETH', SCAMMER, DEPOSIT, 10n * ETHER],
        ['peel', 101, 'fee', 'ETH', DEPOSIT, null, FEE],
        ['peel', 101, 'native', 'ETH', DEPOSIT, BINANCE_14, ETHER],
        ['next', 102, 'fee', 'ETH', DEPOSIT, null, FEE],
        ['next', 102, 'native', 'ETH', DEPOSIT, PEEL_1, 9n * ETHER - 2n * FEE],
      ],
    },
    {
      description: 'the address is labelled itself',
      extraLabels: { [DEPOSIT]: { entity: 'Some Fund', category: 'other' } },
      rows: [
        ['in', 100, 'token', USDT, SCAMMER, DEPOSIT, 1_000n],
        ['sweep', 101, 'token', USDT, DEPOSIT, BINANCE_14, 1_000n],
      ],
    },
    {
      description: 'pays dust to several unlabelled wallets besides the exchange',
      rows: [
        ['in', 100, 'token', USDT, SCAMMER, DEPOSIT, 1_000n],
        ['sweep', 101, 'token', USDT, DEPOSIT, BINANCE_14, 960n],
        ['d1', 102, 'token', USDT, DEPOSIT, PEEL_1, 20n],
        ['d2', 103, 'token', USDT, DEPOSIT, PEEL_2, 20n],
      ],
    },
    {
      description: 'swept to a DEX router, not an exchange',
      rows: [
        ['in', 100, 'token', USDT, SCAMMER, DEPOSIT, 1_000n],
        ['swap', 101, 'token', USDT, DEPOSIT, UNISWAP, 1_000n],
      ],
    },
    {
      description: '2^100-sized amounts with 89.99… % forwarded: no float rounding up to 90 %',
      rows: [
        ['in', 100, 'token', USDT, SCAMMER, DEPOSIT, TWO_POW_100 * 10n],
        ['sweep', 101, 'token', USDT, DEPOSIT, BINANCE_14, TWO_POW_100 * 9n - 1n],
      ],
    },
    {
      description: 'only outflows: the swept balance was there before the window',
      rows: [['sweep', 101, 'token', USDT, DEPOSIT, BINANCE_14, 1_000n]],
    },
    {
      description: 'ambiguous: USDT swept to Binance, ETH swept to Coinbase',
      rows: [
        ['in1', 100, 'token', USDT, SCAMMER, DEPOSIT, 1_000n],
        ['in2', 100, 'native', 'ETH', SCAMMER, DEPOSIT, ETHER],
        ['s1', 101, 'token', USDT, DEPOSIT, BINANCE_14, 1_000n],
        ['s2', 101, 'native', 'ETH', DEPOSIT, COINBASE_1, ETHER],
      ],
    },
    {
      description: 'only gas top-ups arrived (nothing of the customer)',
      rows: [
        ['gas', 100, 'native', 'ETH', BINANCE_FUNDER, DEPOSIT, ETHER],
        ['back', 101, 'native', 'ETH', DEPOSIT, BINANCE_14, ETHER],
      ],
    },
  ],
};

describe('deposit-heuristic: detectDepositAddress', () => {
  describe('valid (a deposit address)', () => {
    fixtures.valid.forEach((f) => {
      it(f.description, () => {
        const result = run(f);
        expect(result, 'detected').to.not.equal(null);
        expect(result).to.deep.include(f.expected ?? {});
      });
    });
  });

  describe('invalid (not a deposit address)', () => {
    fixtures.invalid.forEach((f) => {
      it(f.description, () => {
        expect(run(f)).to.equal(null);
      });
    });
  });

  it('compares EVM addresses case-insensitively', () => {
    const f = fixtures.valid[0]!;
    const transfers = buildTransfers(f.rows).map((t) => ({ ...t, to: t.to === BINANCE_14 ? '0x28C6c06298d514Db089934071355E5743bf21d60' : t.to }));
    const result = detectDepositAddress({ address: DEPOSIT.toUpperCase().replace('0X', '0x'), transfers, labelOf: labelOfFrom() });
    expect(result?.entity).to.equal('Binance');
  });

  it('rejects nonsense parameters', () => {
    const input = { address: DEPOSIT, transfers: [], labelOf: labelOfFrom() };
    expect(() => detectDepositAddress({ ...input, params: { minForwardShareBps: 0 } })).to.throw(InvalidInputError);
    expect(() => detectDepositAddress({ ...input, params: { minForwardShareBps: 10001 } })).to.throw(InvalidInputError);
    expect(() => detectDepositAddress({ ...input, params: { maxDelayBlocks: -1 } })).to.throw(InvalidInputError);
  });

  describe('properties', () => {
    const parties = [SCAMMER, PEEL_1, PEEL_2, BINANCE_14, BINANCE_16, BINANCE_FUNDER, COINBASE_1];
    const rowArb: fc.Arbitrary<Row> = fc
      .record({
        block: fc.integer({ min: 0, max: 40 }),
        token: fc.boolean(),
        incoming: fc.boolean(),
        party: fc.constantFrom(...parties),
        amount: fc.bigInt({ min: 1n, max: 2n ** 110n }),
      })
      .map(({ block, token, incoming, party, amount }): Row => [
        '', block, token ? 'token' : 'native', token ? USDT : 'ETH', incoming ? party : DEPOSIT, incoming ? DEPOSIT : party, amount,
      ]);
    // A real deposit pattern plus noise, so that both outcomes occur.
    const scenarioArb = fc
      .tuple(fc.array(fc.bigInt({ min: 1n, max: 2n ** 110n }), { minLength: 1, maxLength: 4 }), fc.array(rowArb, { maxLength: 8 }))
      .map(([deposits, noise]) => {
        const rows: Row[] = [];
        deposits.forEach((amount, i) => {
          rows.push(['', 10 * i, 'token', USDT, SCAMMER, DEPOSIT, amount]);
          rows.push(['', 10 * i + 2, 'token', USDT, DEPOSIT, i % 2 ? BINANCE_14 : BINANCE_16, amount]);
        });
        return [...rows, ...noise].map((row, i): Row => [`tx${i}`, ...(row.slice(1) as [number, TransferKind, string, string, string | null, bigint])]);
      });

    it('does not depend on the order of transfers (nor on duplicates)', () => {
      let detected = 0;
      fc.assert(
        fc.property(scenarioArb, fc.array(fc.nat(), { minLength: 64, maxLength: 64 }), (rows, keys) => {
          const transfers = buildTransfers(rows);
          const labelOf = labelOfFrom();
          const expected = detectDepositAddress({ address: DEPOSIT, transfers, labelOf });
          if (expected !== null) detected++;
          const shuffled = transfers
            .map((t, i) => ({ t, key: keys[i % keys.length]! * 1000 + i }))
            .sort((a, b) => a.key - b.key)
            .map(({ t }) => t);
          expect(detectDepositAddress({ address: DEPOSIT, transfers: shuffled, labelOf })).to.deep.equal(expected);
          expect(detectDepositAddress({ address: DEPOSIT, transfers: [...shuffled, ...transfers.slice(0, 3)], labelOf })).to.deep.equal(expected);
        }),
        { numRuns: 300 },
      );
      expect(detected, 'some scenarios are deposits').to.be.greaterThan(0);
    });

    it('ignores transfers that do not touch the address', () => {
      fc.assert(
        fc.property(scenarioArb, fc.array(rowArb, { maxLength: 5 }), (rows, unrelated) => {
          const labelOf = labelOfFrom();
          const expected = detectDepositAddress({ address: DEPOSIT, transfers: buildTransfers(rows), labelOf });
          const elsewhere = unrelated.map((row, i): Row => [`x${i}`, row[1], row[2], row[3], SCAMMER, PEEL_1, row[6]]);
          const actual = detectDepositAddress({ address: DEPOSIT, transfers: buildTransfers([...rows, ...elsewhere]), labelOf });
          expect(actual).to.deep.equal(expected);
        }),
        { numRuns: 200 },
      );
    });

    it('a detected address always forwards at least the minimum share of what it received', () => {
      fc.assert(
        fc.property(scenarioArb, fc.integer({ min: 5000, max: 10000 }), (rows, minForwardShareBps) => {
          const result = detectDepositAddress({ address: DEPOSIT, transfers: buildTransfers(rows), labelOf: labelOfFrom(), params: { minForwardShareBps } });
          if (result === null) return;
          expect(result.forwardedShareBps).to.be.at.least(minForwardShareBps);
          expect(result.forwarded * 10000n >= result.received * BigInt(minForwardShareBps)).to.equal(true);
          expect(result.forwarded <= result.received).to.equal(true);
        }),
        { numRuns: 200 },
      );
    });
  });
});
