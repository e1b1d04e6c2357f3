// Hand-checked examples for the taint engine, one fixture per situation.
// Amounts are decimal strings and transfers have short ids (`s1`), so fixtures read like data;
// every expected number is worked out in the comment above it.
import { expect } from 'chai';
import type { TaintModel, Transfer } from '../../services/domain/types';
import { propagateTaint, type LedgerSpec, type TaintResult } from '../../services/domain/taint';

interface TransferFixture {
  id: string;
  from: string;
  /** null: a fee. */
  to: string | null;
  amount: string;
  block: number;
  tx?: number;
  seq?: number;
  asset?: string;
}

interface AccountFixture {
  role?: 'ledger' | 'stop' | 'untracked';
  taintedIn?: string;
  taintedOut?: string;
  seeded?: string;
  taintedHeld?: string;
  firstTaintedBlock?: number | null;
}

interface Fixture {
  description: string;
  model: TaintModel;
  ledgers: Record<string, { fromBlock: number; opening?: Record<string, string>; source?: boolean }>;
  seeds?: string[];
  stops?: string[];
  transfers: TransferFixture[];
  expected: {
    /** Every tainted transfer. */
    tainted: Record<string, string>;
    /** Parents of the listed transfers. */
    parents?: Record<string, string[]>;
    /** Every account (`address|asset`), with the listed fields. */
    accounts?: Record<string, AccountFixture>;
    /** Every sink; none if omitted. */
    sinks?: Record<string, string>;
    /** [address, asset, transferId, amount]; none if omitted. */
    gaps?: [string, string, string, string][];
    /** [address, transferId, amount]; none if omitted. */
    lateInflows?: [string, string, string][];
  };
}

// A commingled wallet A: 100 clean at the start, a victim's 50 arrives, then 60 and 90 leave.
const commingled = (model: TaintModel, sameBlock = false): Pick<Fixture, 'model' | 'ledgers' | 'seeds' | 'transfers'> => ({
  model,
  ledgers: { A: { fromBlock: 1, opening: { ETH: '100' } } },
  seeds: ['s1'],
  transfers: [
    { id: 's1', from: 'V', to: 'A', amount: '50', block: 2 },
    { id: 'o1', from: 'A', to: 'X', amount: '60', block: 3 },
    { id: 'o2', from: 'A', to: 'Y', amount: '90', block: sameBlock ? 3 : 4, tx: sameBlock ? 1 : 0 },
  ],
});

const fixtures: Fixture[] = [
  {
    // Queue [clean 100][tainted 50 s1]. o1 takes 60 of the clean lot → 0.
    // o2 takes the clean 40 left, then the 50 tainted → 50.
    description: 'fifo: a commingled wallet spends its clean balance first',
    ...commingled('fifo'),
    expected: {
      tainted: { s1: '50', o2: '50' },
      parents: { s1: [], o2: ['s1'] },
      accounts: {
        'V|ETH': { role: 'untracked', taintedIn: '0', taintedOut: '50', seeded: '50', taintedHeld: '0', firstTaintedBlock: null },
        'A|ETH': { role: 'ledger', taintedIn: '50', taintedOut: '50', seeded: '0', taintedHeld: '0', firstTaintedBlock: 2 },
        'Y|ETH': { role: 'untracked', taintedIn: '50', taintedHeld: '50' },
      },
    },
  },
  {
    // o1 takes from the tail: the 50 tainted, then 10 clean → 50. o2 takes 90 clean → 0.
    description: 'lifo: a commingled wallet spends the latest inflow first',
    ...commingled('lifo'),
    expected: {
      tainted: { s1: '50', o1: '50' },
      parents: { o1: ['s1'] },
      accounts: {
        'V|ETH': { seeded: '50' },
        'A|ETH': { taintedIn: '50', taintedOut: '50', taintedHeld: '0' },
        'X|ETH': { taintedIn: '50', taintedHeld: '50' },
      },
    },
  },
  {
    // Pool 150, 50 tainted. o1: 60 * 50 / 150 = 20 → pool 90, 30 tainted.
    // o2 empties the pool (90 == 90) and takes the remaining 30.
    description: 'haircut: a commingled wallet spends in proportion',
    ...commingled('haircut'),
    expected: {
      tainted: { s1: '50', o1: '20', o2: '30' },
      parents: { o1: ['s1'], o2: ['s1'] },
      accounts: {
        'V|ETH': { seeded: '50' },
        'A|ETH': { taintedIn: '50', taintedOut: '50', taintedHeld: '0' },
        'X|ETH': { taintedIn: '20' },
        'Y|ETH': { taintedIn: '30' },
      },
    },
  },
  {
    // A is poisoned by s1 (block 2): both later outflows are tainted in full, 60 and 90.
    // A sent 150 tainted out of 50 received: poison does not conserve.
    description: 'poison: everything a wallet sends after its first tainted inflow is tainted',
    ...commingled('poison'),
    expected: {
      tainted: { s1: '50', o1: '60', o2: '90' },
      parents: { o1: ['s1'], o2: ['s1'] },
      accounts: {
        'V|ETH': { seeded: '50' },
        'A|ETH': { taintedIn: '50', taintedOut: '150', taintedHeld: '0' },
        'X|ETH': { taintedIn: '60' },
        'Y|ETH': { taintedIn: '90' },
      },
    },
  },
  {
    // Same block 3. At o1 (60): outflows left [60, 90]; the 50 tainted go to the 90 first → o1's
    // share 0; its clean part 60 <= clean 100, so no clamp → 0. At o2: share min(90, 50) = 50;
    // clean part 40 = the clean 40 left → 50.
    description: 'tiho: the tainted balance goes to the largest outflow of the block',
    ...commingled('tiho', true),
    expected: {
      tainted: { s1: '50', o2: '50' },
      parents: { o2: ['s1'] },
      accounts: {
        'V|ETH': { seeded: '50' },
        'A|ETH': { taintedIn: '50', taintedOut: '50', taintedHeld: '0' },
        'Y|ETH': { taintedIn: '50' },
      },
    },
  },
  {
    // Pool 200, 100 tainted; block 3 sends 60, 90, 50 in that chain order.
    // o1: left [60, 90, 50] → 90 gets 90, 60 gets 10, 50 gets 0; o1 = 10 (clean part 50 <= 100).
    //     Pool 140, 90 tainted, 50 clean.
    // o2: left [90, 50] → 90 gets 90; clean part 0 → 90. Pool 50, 0 tainted.
    // o3: 0.
    description: 'tiho: highest first over three outflows, the tainted balance exceeding the largest',
    model: 'tiho',
    ledgers: { A: { fromBlock: 0, opening: { ETH: '100' } } },
    seeds: ['s1'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '100', block: 2 },
      { id: 'o1', from: 'A', to: 'X', amount: '60', block: 3, tx: 0 },
      { id: 'o2', from: 'A', to: 'Y', amount: '90', block: 3, tx: 1 },
      { id: 'o3', from: 'A', to: 'Z', amount: '50', block: 3, tx: 2 },
    ],
    expected: {
      tainted: { s1: '100', o1: '10', o2: '90' },
      accounts: {
        'V|ETH': {}, 'A|ETH': { taintedIn: '100', taintedOut: '100', taintedHeld: '0' },
        'X|ETH': { taintedIn: '10' }, 'Y|ETH': { taintedIn: '90' },
      },
    },
  },
  {
    // A: 10 clean. Block 5: tx0 s1 brings 50 tainted; tx1 o1 sends 40; tx2 W brings 100 clean;
    // tx3 o2 sends 100.
    // o1: left [40, 100] → the 100 gets all 50 tainted, o1's share 0. But its clean part would be
    //     40 > clean balance 10, so it takes 40 - 10 = 30 tainted (the clamp). Pool 20, all tainted.
    // w1: pool 120, 20 tainted. o2: share min(100, 20) = 20; clean part 80 <= 100 → 20.
    // Taint conserved: 30 + 20 = 50.
    description: 'tiho: an outflow never uses more clean funds than the wallet holds (clamp)',
    model: 'tiho',
    ledgers: { A: { fromBlock: 1, opening: { ETH: '10' } } },
    seeds: ['s1'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '50', block: 5, tx: 0 },
      { id: 'o1', from: 'A', to: 'X', amount: '40', block: 5, tx: 1 },
      { id: 'w1', from: 'W', to: 'A', amount: '100', block: 5, tx: 2 },
      { id: 'o2', from: 'A', to: 'Y', amount: '100', block: 5, tx: 3 },
    ],
    expected: {
      tainted: { s1: '50', o1: '30', o2: '20' },
      accounts: {
        'V|ETH': {}, 'A|ETH': { taintedIn: '50', taintedOut: '50', taintedHeld: '0' },
        'X|ETH': { taintedIn: '30' }, 'Y|ETH': { taintedIn: '20' },
      },
    },
  },
  {
    // Pool 100, 90 tainted. o1: 50 * 90 / 100 = 45 → pool 50, 45. o2: 30 * 45 / 50 = 27 → pool 20, 18.
    // o3 empties the pool → 18. 45 + 27 + 18 = 90.
    description: 'haircut: a split into three',
    model: 'haircut',
    ledgers: { A: { fromBlock: 0, opening: { ETH: '10' } } },
    seeds: ['s1'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '90', block: 2 },
      { id: 'o1', from: 'A', to: 'B', amount: '50', block: 3, tx: 0 },
      { id: 'o2', from: 'A', to: 'C', amount: '30', block: 3, tx: 1 },
      { id: 'o3', from: 'A', to: 'D', amount: '20', block: 3, tx: 2 },
    ],
    expected: {
      tainted: { s1: '90', o1: '45', o2: '27', o3: '18' },
      parents: { o1: ['s1'], o2: ['s1'], o3: ['s1'] },
    },
  },
  {
    // Pool 3, 2 tainted. o1: floor(1 * 2 / 3) = 0 → pool 2, 2. o2: 1 * 2 / 2 = 1 → pool 1, 1.
    // o3 empties the pool → 1. Flooring never loses the unit: the last outflow takes it.
    description: 'haircut: integer rounding floors, the last outflow takes the remainder',
    model: 'haircut',
    ledgers: { A: { fromBlock: 0, opening: { ETH: '1' } } },
    seeds: ['s1'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '2', block: 2 },
      { id: 'o1', from: 'A', to: 'B', amount: '1', block: 3, tx: 0 },
      { id: 'o2', from: 'A', to: 'C', amount: '1', block: 3, tx: 1 },
      { id: 'o3', from: 'A', to: 'D', amount: '1', block: 3, tx: 2 },
    ],
    expected: {
      tainted: { s1: '2', o2: '1', o3: '1' },
      accounts: {
        'V|ETH': {}, 'A|ETH': { taintedIn: '2', taintedOut: '2', taintedHeld: '0' },
        'C|ETH': { taintedIn: '1' }, 'D|ETH': { taintedIn: '1' },
      },
    },
  },
  {
    // Pool models name the largest tainted inflows since the tainted balance was last zero.
    // o1 empties the pool (80 of 80 tainted): parents s2 (30), s4 (20), then of the three 10s the
    // earliest, s1. The tainted balance is now zero, so o2 (5 of 5) names only s6.
    description: 'haircut: parents are the largest tainted inflows since the pool was last clean',
    model: 'haircut',
    ledgers: { A: { fromBlock: 0 } },
    seeds: ['s1', 's2', 's3', 's4', 's5', 's6'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '10', block: 1, tx: 0 },
      { id: 's2', from: 'V', to: 'A', amount: '30', block: 1, tx: 1 },
      { id: 's3', from: 'V', to: 'A', amount: '10', block: 1, tx: 2 },
      { id: 's4', from: 'V', to: 'A', amount: '20', block: 1, tx: 3 },
      { id: 's5', from: 'V', to: 'A', amount: '10', block: 1, tx: 4 },
      { id: 'o1', from: 'A', to: 'B', amount: '80', block: 2 },
      { id: 's6', from: 'V', to: 'A', amount: '5', block: 3 },
      { id: 'o2', from: 'A', to: 'C', amount: '5', block: 4 },
    ],
    expected: {
      tainted: { s1: '10', s2: '30', s3: '10', s4: '20', s5: '10', o1: '80', s6: '5', o2: '5' },
      parents: { o1: ['s2', 's4', 's1'], o2: ['s6'] },
    },
  },
  {
    // A holds only the victim's 100: its fees 1 + 1 and outflows 70 and 28 are all tainted.
    // B: queue [clean 30][tainted 70 ab]. Fee 2 takes clean → 0. bc 60 takes clean 28 + tainted 32 → 32.
    // B keeps 38 tainted. 100 = 38 (B) + 32 (C) + 28 (X) + 2 (sinks).
    // s1 is listed twice (fetched from both ends): it counts once.
    description: 'fifo: a peel chain A → B → C with fees',
    model: 'fifo',
    ledgers: { A: { fromBlock: 0 }, B: { fromBlock: 0, opening: { ETH: '30' } } },
    seeds: ['s1'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '100', block: 1 },
      { id: 's1', from: 'V', to: 'A', amount: '100', block: 1 },
      { id: 'fa1', from: 'A', to: null, amount: '1', block: 2, tx: 0, seq: 0 },
      { id: 'ab', from: 'A', to: 'B', amount: '70', block: 2, tx: 0, seq: 1 },
      { id: 'fa2', from: 'A', to: null, amount: '1', block: 2, tx: 1, seq: 0 },
      { id: 'ax', from: 'A', to: 'X', amount: '28', block: 2, tx: 1, seq: 1 },
      { id: 'fb', from: 'B', to: null, amount: '2', block: 3, tx: 0, seq: 0 },
      { id: 'bc', from: 'B', to: 'C', amount: '60', block: 3, tx: 0, seq: 1 },
    ],
    expected: {
      tainted: { s1: '100', fa1: '1', ab: '70', fa2: '1', ax: '28', bc: '32' },
      parents: { ab: ['s1'], fa1: ['s1'], bc: ['ab'] },
      sinks: { ETH: '2' },
      accounts: {
        'V|ETH': { seeded: '100', taintedOut: '100' },
        'A|ETH': { taintedIn: '100', taintedOut: '100', taintedHeld: '0' },
        'B|ETH': { taintedIn: '70', taintedOut: '32', taintedHeld: '38', firstTaintedBlock: 2 },
        'C|ETH': { taintedIn: '32', taintedHeld: '32' },
        'X|ETH': { taintedIn: '28', taintedHeld: '28' },
      },
    },
  },
  {
    // A: [tainted 100 s1]. ab 40 → 40. B: [clean 10][tainted 40 ab]; ba 30 → clean 10 + tainted 20 → 20.
    // A: [tainted 60 s1][tainted 20 ba][clean 10]; ac 75 → 60 + 15 → 75, parents s1 (60) then ba (15).
    // A keeps 5 tainted, B 20, C 75: 100.
    description: 'fifo: a cycle A → B → A',
    model: 'fifo',
    ledgers: { A: { fromBlock: 0 }, B: { fromBlock: 0, opening: { ETH: '10' } } },
    seeds: ['s1'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '100', block: 1 },
      { id: 'ab', from: 'A', to: 'B', amount: '40', block: 2 },
      { id: 'ba', from: 'B', to: 'A', amount: '30', block: 3 },
      { id: 'ac', from: 'A', to: 'C', amount: '75', block: 4 },
    ],
    expected: {
      tainted: { s1: '100', ab: '40', ba: '20', ac: '75' },
      parents: { ab: ['s1'], ba: ['ab'], ac: ['s1', 'ba'] },
      accounts: {
        'V|ETH': {},
        'A|ETH': { taintedIn: '120', taintedOut: '115', taintedHeld: '5' },
        'B|ETH': { taintedIn: '40', taintedOut: '20', taintedHeld: '20' },
        'C|ETH': { taintedIn: '75' },
      },
    },
  },
  {
    // EX is a stop (an exchange): it keeps the 100 and passes nothing on, even though it has a
    // ledger spec. Its spec is ignored: with opening 0 its 500 outflow would otherwise be a gap.
    description: 'fifo: a stop absorbs taint even with a ledger',
    model: 'fifo',
    ledgers: { A: { fromBlock: 0 }, EX: { fromBlock: 0 } },
    seeds: ['s1'],
    stops: ['EX'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '100', block: 1 },
      { id: 'ax', from: 'A', to: 'EX', amount: '100', block: 2 },
      { id: 'xz', from: 'EX', to: 'Z', amount: '500', block: 3 },
    ],
    expected: {
      tainted: { s1: '100', ax: '100' },
      accounts: {
        'V|ETH': {},
        'A|ETH': { taintedIn: '100', taintedOut: '100', taintedHeld: '0' },
        'EX|ETH': { role: 'stop', taintedIn: '100', taintedOut: '0', taintedHeld: '100' },
      },
    },
  },
  {
    // s1: victim V (no ledger) pays W (no ledger) 70: tainted in full, seeded at V, held by W.
    // s2: A (a ledger, 100 clean then 50 tainted) sends a seed of 120: the transfer carries 120;
    // A's queue gives 100 clean + 20 tainted, so 100 is created at A (seeded). A keeps 30 tainted:
    // 50 in + 100 seeded = 120 out + 30 held.
    description: 'fifo: seed transfers, from a non-ledger victim and from a ledger',
    model: 'fifo',
    ledgers: { A: { fromBlock: 0, opening: { ETH: '100' } } },
    seeds: ['s1', 's2', 's3'],
    transfers: [
      { id: 's1', from: 'V', to: 'W', amount: '70', block: 1 },
      { id: 's3', from: 'V', to: 'A', amount: '50', block: 1, tx: 1 },
      { id: 's2', from: 'A', to: 'W', amount: '120', block: 2 },
    ],
    expected: {
      tainted: { s1: '70', s3: '50', s2: '120' },
      parents: { s1: [], s2: [], s3: [] },
      accounts: {
        'V|ETH': { role: 'untracked', taintedOut: '120', seeded: '120', taintedHeld: '0' },
        'W|ETH': { role: 'untracked', taintedIn: '190', taintedHeld: '190', firstTaintedBlock: 1 },
        'A|ETH': { taintedIn: '50', taintedOut: '120', seeded: '100', taintedHeld: '30' },
      },
    },
  },
  {
    // S is a source: opening 40 ETH and 5 usdt, tainted. u1 (60, from an untracked U) carries no
    // taint but is tainted in full on arrival at S. sb 70: queue [40 opening][60 u1] → 70 tainted;
    // parents: u1 only (the opening balance has no parent transfer). S keeps 30 ETH, 5 usdt.
    description: 'fifo: a source wallet taints its opening balance and every inflow',
    model: 'fifo',
    ledgers: { S: { fromBlock: 5, opening: { ETH: '40', usdt: '5' }, source: true } },
    transfers: [
      { id: 'u1', from: 'U', to: 'S', amount: '60', block: 6 },
      { id: 'sb', from: 'S', to: 'B', amount: '70', block: 7 },
    ],
    expected: {
      tainted: { sb: '70' },
      parents: { sb: ['u1'] },
      accounts: {
        'S|ETH': { role: 'ledger', taintedIn: '100', taintedOut: '70', taintedHeld: '30', firstTaintedBlock: 6 },
        'S|usdt': { taintedIn: '5', taintedOut: '0', taintedHeld: '5', firstTaintedBlock: null },
        'B|ETH': { taintedIn: '70' },
      },
    },
  },
  {
    // A: [clean 10][tainted 20]. ab 50 consumes both (20 tainted) and is 20 short: gap 20, clean.
    // ac 5: nothing left, gap 5, clean.
    description: 'fifo: an outflow larger than the known balance records a gap',
    model: 'fifo',
    ledgers: { A: { fromBlock: 0, opening: { ETH: '10' } } },
    seeds: ['s1'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '20', block: 1 },
      { id: 'ab', from: 'A', to: 'B', amount: '50', block: 2 },
      { id: 'ac', from: 'A', to: 'C', amount: '5', block: 3 },
    ],
    expected: {
      tainted: { s1: '20', ab: '20' },
      gaps: [['A', 'ETH', 'ab', '20'], ['A', 'ETH', 'ac', '5']],
    },
  },
  {
    // A is poisoned by s1; ab is tainted in full, 50, though 20 of it had to be funds of unknown
    // origin (gap 20): poison does not look inside the balance.
    description: 'poison: an outflow with a gap is still tainted in full',
    model: 'poison',
    ledgers: { A: { fromBlock: 0, opening: { ETH: '10' } } },
    seeds: ['s1'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '20', block: 1 },
      { id: 'ab', from: 'A', to: 'B', amount: '50', block: 2 },
    ],
    expected: {
      tainted: { s1: '20', ab: '50' },
      gaps: [['A', 'ETH', 'ab', '20']],
      accounts: {
        'V|ETH': {}, 'A|ETH': { taintedIn: '20', taintedOut: '50', taintedHeld: '0' }, 'B|ETH': { taintedIn: '50' },
      },
    },
  },
  {
    // Pool 50, 20 tainted. ab: 10 * 20 / 50 = 4 → pool 40, 16. ac 60: 20 short, added as clean →
    // pool 60, 16; it empties the pool → 16.
    description: 'haircut: a shortfall is added as clean, then the outflow empties the pool',
    model: 'haircut',
    ledgers: { A: { fromBlock: 0, opening: { ETH: '30' } } },
    seeds: ['s1'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '20', block: 1 },
      { id: 'ab', from: 'A', to: 'B', amount: '10', block: 2 },
      { id: 'ac', from: 'A', to: 'C', amount: '60', block: 3 },
    ],
    expected: {
      tainted: { s1: '20', ab: '4', ac: '16' },
      gaps: [['A', 'ETH', 'ac', '20']],
    },
  },
  {
    // The victim's 50 is in usdt: A's ETH ledger (100 clean) stays clean, its fee too.
    description: 'fifo: each asset is an independent ledger',
    model: 'fifo',
    ledgers: { A: { fromBlock: 0, opening: { ETH: '100' } } },
    seeds: ['s1'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '50', block: 1, asset: 'usdt' },
      { id: 'fa', from: 'A', to: null, amount: '1', block: 2, seq: 0 },
      { id: 'ab', from: 'A', to: 'B', amount: '60', block: 2, seq: 1 },
      { id: 'ab2', from: 'A', to: 'B', amount: '50', block: 2, tx: 1, asset: 'usdt' },
    ],
    expected: {
      tainted: { s1: '50', ab2: '50' },
      accounts: {
        'V|usdt': {},
        'A|usdt': { taintedIn: '50', taintedOut: '50', taintedHeld: '0' },
        'B|usdt': { taintedIn: '50' },
      },
    },
  },
  {
    // A's history starts at block 10. s1 (block 5) is tainted but lands before the window: it
    // stays at A (held) and is reported. ac (block 6) does not touch the ledger either, so ab
    // (block 11) finds the full 100 clean opening: no gap, no taint.
    description: 'fifo: a tainted inflow before a ledger\'s window is reported, not propagated',
    model: 'fifo',
    ledgers: { A: { fromBlock: 10, opening: { ETH: '100' } } },
    seeds: ['s1'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '50', block: 5 },
      { id: 'ac', from: 'A', to: 'C', amount: '30', block: 6 },
      { id: 'ab', from: 'A', to: 'B', amount: '100', block: 11 },
    ],
    expected: {
      tainted: { s1: '50' },
      lateInflows: [['A', 's1', '50']],
      accounts: {
        'V|ETH': {},
        'A|ETH': { role: 'ledger', taintedIn: '50', taintedOut: '0', taintedHeld: '50', firstTaintedBlock: 5 },
      },
    },
  },
  {
    // A: [clean 30][tainted 20]; ab 50 → 20. B receives it as [tainted 20 ab][clean 30]:
    // the tainted part of a partly tainted inflow enters first. bc 20 takes the tainted lot → 20.
    description: 'fifo: a partly tainted inflow enters tainted part first',
    model: 'fifo',
    ledgers: { A: { fromBlock: 0, opening: { ETH: '30' } }, B: { fromBlock: 0 } },
    seeds: ['s1'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '20', block: 1 },
      { id: 'ab', from: 'A', to: 'B', amount: '50', block: 2 },
      { id: 'bc', from: 'B', to: 'C', amount: '20', block: 3 },
      { id: 'bd', from: 'B', to: 'D', amount: '30', block: 4 },
    ],
    expected: { tainted: { s1: '20', ab: '20', bc: '20' }, parents: { bc: ['ab'] } },
  },
  {
    // A from the tail: tainted 20 then clean 30 → 20. B: [tainted 20 ab][clean 30]; bc 20 from the
    // tail is clean → 0; bd 30 takes clean 10 + tainted 20 → 20.
    description: 'lifo: a partly tainted inflow enters tainted part first, so it leaves last',
    model: 'lifo',
    ledgers: { A: { fromBlock: 0, opening: { ETH: '30' } }, B: { fromBlock: 0 } },
    seeds: ['s1'],
    transfers: [
      { id: 's1', from: 'V', to: 'A', amount: '20', block: 1 },
      { id: 'ab', from: 'A', to: 'B', amount: '50', block: 2 },
      { id: 'bc', from: 'B', to: 'C', amount: '20', block: 3 },
      { id: 'bd', from: 'B', to: 'D', amount: '30', block: 4 },
    ],
    expected: { tainted: { s1: '20', ab: '20', bd: '20' }, parents: { bd: ['ab'] } },
  },
  {
    // S (source, opening 0) is poisoned by u1 on arrival: sa 5 is tainted in full. A (100 clean) is
    // poisoned by sa: ab 1 is tainted, and A holds its whole balance 104 as tainted.
    description: 'poison: a source poisons on arrival, and a poisoned wallet holds its whole balance',
    model: 'poison',
    ledgers: { S: { fromBlock: 0, source: true }, A: { fromBlock: 0, opening: { ETH: '100' } } },
    transfers: [
      { id: 'u1', from: 'U', to: 'S', amount: '10', block: 1 },
      { id: 'sa', from: 'S', to: 'A', amount: '5', block: 2 },
      { id: 'ab', from: 'A', to: 'B', amount: '1', block: 3 },
    ],
    expected: {
      tainted: { sa: '5', ab: '1' },
      parents: { sa: ['u1'], ab: ['sa'] },
      accounts: {
        'S|ETH': { taintedIn: '10', taintedOut: '5', taintedHeld: '5' },
        'A|ETH': { taintedIn: '5', taintedOut: '1', taintedHeld: '104' },
        'B|ETH': { taintedIn: '1' },
      },
    },
  },
];

describe('taint: hand-checked examples', () => {
  fixtures.forEach((f) => {
    it(`${f.description}`, () => {
      const result = propagateTaint({
        model: f.model,
        transfers: f.transfers.map(toTransfer),
        ledgers: new Map(Object.entries(f.ledgers).map(([address, l]): [string, LedgerSpec] => [address, {
          fromBlock: l.fromBlock,
          opening: new Map(Object.entries(l.opening ?? {}).map(([asset, v]) => [asset, BigInt(v)])),
          source: l.source ?? false,
        }])),
        seedTransfers: new Set((f.seeds ?? []).map((id) => idOf(f, id))),
        stops: new Set(f.stops ?? []),
      });
      const e = f.expected;

      expect(short(result.tainted), 'tainted').to.deep.equal(e.tainted);
      for (const [id, parents] of Object.entries(e.parents ?? {})) {
        expect(result.parents.get(idOf(f, id))?.map(shortId), `parents of ${id}`).to.deep.equal(parents);
      }
      expect(Object.fromEntries([...result.sinks].map(([a, v]) => [a, v.toString()])), 'sinks').to.deep.equal(e.sinks ?? {});
      expect(result.gaps.map((g) => [g.address, g.asset, shortId(g.transferId), g.amount.toString()]), 'gaps')
        .to.deep.equal(e.gaps ?? []);
      expect(result.lateInflows.map((l) => [l.address, shortId(l.transferId), l.amount.toString()]), 'lateInflows')
        .to.deep.equal(e.lateInflows ?? []);
      if (e.accounts) {
        expect([...result.accounts.keys()].sort(), 'accounts').to.deep.equal(Object.keys(e.accounts).sort());
        for (const [key, want] of Object.entries(e.accounts)) {
          const got = result.accounts.get(key)!;
          for (const [field, value] of Object.entries(want)) {
            const actual = got[field as keyof typeof got];
            expect(typeof actual === 'bigint' ? actual.toString() : actual, `${key} ${field}`).to.equal(value);
          }
        }
      }
      if (f.model !== 'poison') expectAccountsBalance(result);
    });
  });
});

describe('taint: input handling', () => {
  const base = commingled('fifo');
  const input = () => ({
    model: 'fifo' as const,
    transfers: base.transfers.map(toTransfer),
    ledgers: new Map([['A', { fromBlock: 1, opening: new Map([['ETH', 100n]]), source: false }]]),
    seedTransfers: new Set(['s1#tx']),
    stops: new Set<string>(),
  });

  it('rejects a transfer that appears twice with different contents', () => {
    const i = input();
    i.transfers.push({ ...i.transfers[0]!, amount: 51n });
    expect(() => propagateTaint(i)).to.throw(RangeError, /s1#tx appears twice/);
  });

  it('rejects a negative or non-bigint amount', () => {
    const negative = input();
    negative.transfers[1] = { ...negative.transfers[1]!, amount: -1n };
    expect(() => propagateTaint(negative)).to.throw(RangeError, /non-negative bigint/);
    const number = input();
    number.transfers[1] = { ...number.transfers[1]!, amount: 60 as unknown as bigint };
    expect(() => propagateTaint(number)).to.throw(RangeError, /non-negative bigint/);
    const opening = input();
    opening.ledgers.get('A')!.opening.set('ETH', -5n);
    expect(() => propagateTaint(opening)).to.throw(RangeError, /opening ETH/);
  });

  it('does not change its input', () => {
    const i = input();
    const before = JSON.stringify(i, (_k, v: unknown) =>
      typeof v === 'bigint' ? `${v}n` : v instanceof Map || v instanceof Set ? [...v] : v);
    propagateTaint(i);
    propagateTaint({ ...i, model: 'tiho' });
    expect(JSON.stringify(i, (_k, v: unknown) =>
      typeof v === 'bigint' ? `${v}n` : v instanceof Map || v instanceof Set ? [...v] : v)).to.equal(before);
  });
});

/** Every account: taint in + taint created == taint out + taint held. */
function expectAccountsBalance(result: TaintResult): void {
  for (const [key, a] of result.accounts) {
    expect(a.taintedIn + a.seeded, `balance of ${key}`).to.equal(a.taintedOut + a.taintedHeld);
  }
}

function toTransfer(t: TransferFixture): Transfer {
  return {
    chain: 'test', txHash: t.id, blockNumber: t.block, blockHash: `0xb${t.block}`,
    timestamp: 1_700_000_000 + 12 * t.block, txIndex: t.tx ?? 0, ref: t.to === null ? 'fee' : 'tx',
    seq: t.seq ?? (t.to === null ? 0 : 1), kind: t.to === null ? 'fee' : t.asset ? 'token' : 'native',
    asset: t.asset ?? 'ETH', from: t.from, to: t.to, amount: BigInt(t.amount),
  };
}

function idOf(f: Pick<Fixture, 'transfers'>, id: string): string {
  const t = f.transfers.find((x) => x.id === id);
  if (!t) throw new Error(`fixture has no transfer ${id}`);
  return `${id}#${t.to === null ? 'fee' : 'tx'}`;
}

function shortId(transferId: string): string {
  return transferId.split('#')[0]!;
}

function short(m: ReadonlyMap<string, bigint>): Record<string, string> {
  return Object.fromEntries([...m].map(([id, v]) => [shortId(id), v.toString()]));
}
