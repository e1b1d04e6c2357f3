// One ledger per tracked (address, asset): the model's view of which part of a balance is
// tainted. Origins are transfer numbers (indices into the case's transfers), not id strings,
// so a ledger holds no strings; parents are turned into ids only when reported.
//
// - fifo / lifo: the balance is a queue of lots in arrival order; an outflow consumes from the
//   head (fifo) or the tail (lifo) and names the inflows it drew from.
// - haircut / tiho: the balance is one pool {total, tainted}; a take rule decides how much
//   taint each outflow draws (haircut: in proportion; tiho: highest outflows of the block first).
// - poison: once a tainted unit arrives, everything the address sends is tainted in full, and
//   so is everything it holds. It does not conserve taint; it is the upper bound.
// An outflow larger than the balance: the shortfall is added as clean funds of unknown origin.
import type { TaintModel } from '../types';

/** Parents are a pointer for investigators ("this came mostly from there"): the few largest. */
export const MAX_PARENTS = 3; // Top below is written for 3

/** A lot's origin: a transfer number, or one of these. */
const CLEAN = -1;
/** Tainted without an inflow to name: a source's opening balance. */
const OPENING = -2;

export interface Ledger {
  /** An inflow of `amount`, `tainted` of which is tainted, from transfer number `origin`. */
  credit(amount: bigint, tainted: bigint, origin: number): void;
  /**
   * An outflow of `amount`; returns the taint it draws. `share` (tiho only) gives this
   * outflow's share of a tainted balance among the sender's outflows of the block still to come.
   * Afterwards `shortfall` and `parents` describe it.
   */
  debit(amount: bigint, share: ((tainted: bigint) => bigint) | null): bigint;
  /** Of the last debit: what the balance could not cover. */
  shortfall: bigint;
  /**
   * Of the last debit that drew taint: ids of the inflows it drew from, largest first (ties:
   * earlier first), at most MAX_PARENTS. May be shared with other outflows: do not change it.
   */
  parents(): string[];
  /** The tainted balance, as the model sees it. */
  taintedHeld(): bigint;
}

/** A source's opening balance is tainted in full; anyone else's is clean. */
/** The id of transfer number i (built when first asked for). */
export type IdOf = (i: number) => string;

/** `ids` null: no parents wanted (TaintInput.parents false); the ledger remembers no inflows for them and names none. */
export function createLedger(model: TaintModel, opening: bigint, source: boolean, ids: IdOf | null): Ledger {
  switch (model) {
    case 'fifo': return new QueueLedger(true, opening, source, ids);
    case 'lifo': return new QueueLedger(false, opening, source, ids);
    case 'haircut': return new PoolLedger(false, opening, source, ids);
    case 'tiho': return new PoolLedger(true, opening, source, ids);
    case 'poison': return new PoisonLedger(opening, source, ids);
  }
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** Dropping consumed head lots costs O(live lots); only when they are at least as many, so it stays O(1) amortised. */
const COMPACT_AFTER = 8;

/**
 * The largest contributions seen, in order, ties keeping the earlier: what a stable sort by
 * amount (descending) and a cut at MAX_PARENTS would keep.
 */
class Top {
  // Three slots as fields, not two arrays of three: 100 bytes less per ledger, and a case has
  // a ledger per wallet.
  private o0 = 0;
  private o1 = 0;
  private o2 = 0;
  private a0 = 0n;
  private a1 = 0n;
  private a2 = 0n;
  private n = 0;
  private cached: string[] | null = null;

  add(origin: number, amount: bigint): void {
    // After every kept amount at least as large (ties keep the earlier); the third falls off.
    const n = this.n;
    if (n === 0 || this.a0 < amount) {
      this.o2 = this.o1;
      this.a2 = this.a1;
      this.o1 = this.o0;
      this.a1 = this.a0;
      this.o0 = origin;
      this.a0 = amount;
    } else if (n === 1 || this.a1 < amount) {
      this.o2 = this.o1;
      this.a2 = this.a1;
      this.o1 = origin;
      this.a1 = amount;
    } else if (n === 2 || this.a2 < amount) {
      this.o2 = origin;
      this.a2 = amount;
    } else return;
    if (n < MAX_PARENTS) this.n = n + 1;
    this.cached = null;
  }

  clear(): void {
    this.n = 0;
    this.cached = null;
  }

  /**
   * As ids. The array is shared by the outflows that draw from the same top (also across a
   * clear, when the same inflows come out on top again): read it, do not change it.
   */
  ids(idOf: IdOf): string[] {
    if (this.cached !== null) return this.cached;
    const n = this.n;
    const last = this.last;
    // Id strings are built once per transfer, so the same inflows give the very same strings.
    const a = n > 0 ? idOf(this.o0) : '';
    const b = n > 1 ? idOf(this.o1) : '';
    const c = n > 2 ? idOf(this.o2) : '';
    if (last.length === n && (n < 1 || last[0] === a) && (n < 2 || last[1] === b) && (n < 3 || last[2] === c)) {
      this.cached = last;
    } else {
      // Literals: an array of exactly the size needed (push would reserve room for 17).
      this.cached = n === 0 ? EMPTY : n === 1 ? [a] : n === 2 ? [a, b] : [a, b, c];
      this.last = this.cached;
    }
    return this.cached;
  }

  private last: string[] = EMPTY;
}

/** Shared by every outflow that draws taint without an inflow to name (a source's opening balance). */
const EMPTY: string[] = [];

class QueueLedger implements Ledger {
  /** Lots in arrival order: amount and origin (a transfer number, CLEAN or OPENING). */
  private amounts: bigint[] = [];
  private origins: number[] = [];
  private head = 0;
  /**
   * The tainted balance is held + heldExact: a Number while it is exact (up to 2^53), so that
   * most inflows and outflows make no new bigint that would live on until the next one.
   */
  private held = 0n;
  private heldExact = 0;
  private readonly top: Top | null;
  shortfall = 0n;

  constructor(private readonly fromHead: boolean, opening: bigint, source: boolean, private readonly ids: IdOf | null) {
    this.top = ids === null ? null : new Top();
    this.push(opening, source ? OPENING : CLEAN);
  }

  private push(amount: bigint, origin: number): void {
    if (amount === 0n) return;
    this.amounts.push(amount);
    this.origins.push(origin);
    if (origin === CLEAN) return;
    const sum = amount <= MAX_EXACT ? this.heldExact + Number(amount) : Infinity;
    if (sum <= Number.MAX_SAFE_INTEGER) this.heldExact = sum;
    else this.held += amount;
  }

  // The tainted part goes first: it arrived "first" as far as the queue can tell, and the
  // choice must be fixed for results to be reproducible (lifo therefore spends it last).
  credit(amount: bigint, tainted: bigint, origin: number): void {
    // All clean or all tainted (the usual inflow): the transfer's own amount, no new bigint.
    if (tainted === 0n) this.push(amount, CLEAN);
    else if (tainted === amount) this.push(amount, origin);
    else {
      this.push(tainted, origin);
      this.push(amount - tainted, CLEAN);
    }
  }

  debit(amount: bigint): bigint {
    const { amounts, origins, top } = this;
    let rest = amount;
    let drawn = 0n;
    top?.clear();
    // Each inflow makes at most one tainted lot in a ledger, so an origin contributes once per debit.
    while (rest > 0n && this.head < amounts.length) {
      const at = this.fromHead ? this.head : amounts.length - 1;
      const lot = amounts[at]!;
      const take = lot < rest ? lot : rest;
      rest -= take;
      const origin = origins[at]!;
      if (origin !== CLEAN) {
        drawn += take;
        if (origin !== OPENING) top?.add(origin, take);
      }
      if (take === lot) {
        if (this.fromHead) this.head++;
        else {
          amounts.pop();
          origins.pop();
        }
      } else amounts[at] = lot - take;
    }
    // Consumed lots are let go once they are half the queue: a queue keeps its live lots and
    // at most as many dead ones (a million transfers leave millions of consumed lots otherwise).
    const head = this.head;
    if (head >= COMPACT_AFTER && head * 2 >= amounts.length) {
      const live = amounts.length - head;
      for (let k = 0; k < live; k++) {
        amounts[k] = amounts[head + k]!;
        origins[k] = origins[head + k]!;
      }
      // Shortening an array releases (or trims) the rest of its storage.
      amounts.length = live;
      origins.length = live;
      this.head = 0;
    }
    if (drawn !== 0n) {
      if (drawn <= MAX_EXACT && Number(drawn) <= this.heldExact) this.heldExact -= Number(drawn);
      else {
        this.held += BigInt(this.heldExact) - drawn;
        this.heldExact = 0;
      }
    }
    this.shortfall = rest;
    return drawn;
  }

  parents(): string[] {
    return this.top === null ? EMPTY : this.top.ids(this.ids!);
  }

  taintedHeld(): bigint {
    return this.held + BigInt(this.heldExact);
  }
}

/**
 * A non-negative amount held as a Number while it is exact (up to 2^53 - 1), else as a bigint
 * (the Number then 0): a ledger touched again thousands of transfers later would otherwise
 * keep a new bigint per transfer that outlives a scavenge and dies in the old generation (tens
 * of megabytes over a million transfers). A Number field is updated in place.
 */
class Amount {
  exact: number;
  big = 0n;

  constructor(value: bigint) {
    this.exact = 0;
    this.set(value);
  }

  /** Whether the value is the Number `exact`. */
  get isExact(): boolean {
    return this.big === 0n;
  }

  get(): bigint {
    return this.big === 0n ? BigInt(this.exact) : this.big;
  }

  set(value: bigint): void {
    if (value <= MAX_EXACT) {
      this.exact = Number(value);
      this.big = 0n;
    } else {
      this.exact = 0;
      this.big = value;
    }
  }

  add(x: bigint): void {
    if (this.big === 0n && x <= MAX_EXACT) {
      const sum = this.exact + Number(x);
      if (sum <= Number.MAX_SAFE_INTEGER) {
        this.exact = sum;
        return;
      }
    }
    this.set(this.get() + x);
  }
}

class PoolLedger implements Ledger {
  private readonly total: Amount;
  private readonly tainted: Amount;
  /**
   * The largest tainted inflows (by tainted amount on arrival, ties: earlier first) since the
   * tainted balance was last zero: a unit of pooled taint has no single origin. Inflows never
   * change once recorded, so the top few are kept as they come.
   */
  private readonly top: Top | null;
  private last: string[] = EMPTY;
  shortfall = 0n;

  constructor(private readonly tiho: boolean, opening: bigint, source: boolean, private readonly ids: IdOf | null) {
    this.top = ids === null ? null : new Top();
    this.total = new Amount(opening);
    this.tainted = new Amount(source ? opening : 0n);
  }

  credit(amount: bigint, tainted: bigint, origin: number): void {
    this.total.add(amount);
    if (tainted === 0n) return;
    this.tainted.add(tainted);
    if (tainted > 0n) this.top?.add(origin, tainted);
  }

  debit(amount: bigint, share: ((tainted: bigint) => bigint) | null): bigint {
    const drawn = this.total.isExact && this.tainted.isExact && amount <= MAX_EXACT ? this.debitExact(amount, share) : this.debitBig(amount, share);
    if (drawn === 0n) return 0n;
    if (this.top !== null) {
      this.last = this.top.ids(this.ids!);
      if (this.tainted.isExact && this.tainted.exact === 0) this.top.clear();
    }
    return drawn;
  }

  /** debit in Numbers: every figure is at most the balance plus the outflow, exact. */
  private debitExact(amount: bigint, share: ((tainted: bigint) => bigint) | null): bigint {
    const a = Number(amount);
    let total = this.total.exact;
    const tainted = this.tainted.exact;
    const shortfall = a > total ? a - total : 0;
    total += shortfall;
    let drawn: number;
    if (this.tiho) drawn = tihoTakeExact(a, total, tainted, Number(share!(BigInt(tainted))));
    else {
      drawn = haircutTakeExact(a, total, tainted);
      if (drawn === -1) drawn = Number(haircutTake(amount, BigInt(total), BigInt(tainted)));
    }
    if (drawn < 0 || drawn > tainted || a - drawn > total - tainted) {
      throw new Error(`taint rule drew ${drawn} of ${amount} from a pool of ${total} (${tainted} tainted)`);
    }
    this.shortfall = shortfall === 0 ? 0n : BigInt(shortfall);
    this.total.exact = total - a;
    this.tainted.exact = tainted - drawn;
    // The outflow's own bigint when it is tainted in full: no new one.
    return drawn === 0 ? 0n : drawn === a ? amount : BigInt(drawn);
  }

  private debitBig(amount: bigint, share: ((tainted: bigint) => bigint) | null): bigint {
    let total = this.total.get();
    const shortfall = amount > total ? amount - total : 0n;
    if (shortfall !== 0n) total += shortfall;
    const tainted = this.tainted.get();
    const drawn = this.tiho ? tihoTake(amount, total, tainted, share!(tainted)) : haircutTake(amount, total, tainted);
    // Neither part may exceed what the pool holds of it.
    if (drawn < 0n || drawn > tainted || amount - drawn > total - tainted) {
      throw new Error(`taint rule drew ${drawn} of ${amount} from a pool of ${total} (${tainted} tainted)`);
    }
    this.shortfall = shortfall;
    this.total.set(total - amount);
    if (drawn !== 0n) this.tainted.set(tainted - drawn);
    return drawn;
  }

  parents(): string[] {
    return this.last;
  }

  taintedHeld(): bigint {
    return this.tainted.get();
  }
}

class PoisonLedger implements Ledger {
  private readonly total: Amount;
  private poisoned: boolean;
  private readonly top: Top | null; // never cleared: poison never forgets
  shortfall = 0n;

  constructor(opening: bigint, source: boolean, private readonly ids: IdOf | null) {
    this.top = ids === null ? null : new Top();
    this.total = new Amount(opening);
    this.poisoned = source && opening > 0n;
  }

  credit(amount: bigint, tainted: bigint, origin: number): void {
    this.total.add(amount);
    if (tainted > 0n) {
      this.poisoned = true;
      this.top?.add(origin, tainted);
    }
  }

  debit(amount: bigint): bigint {
    const total = this.total;
    if (total.isExact && amount <= MAX_EXACT) {
      const a = Number(amount);
      if (a > total.exact) {
        this.shortfall = BigInt(a - total.exact);
        total.exact = 0;
      } else {
        this.shortfall = 0n;
        total.exact -= a;
      }
    } else {
      // total + shortfall - amount.
      const held = total.get();
      if (amount > held) {
        this.shortfall = amount - held;
        total.set(0n);
      } else {
        this.shortfall = 0n;
        total.set(held - amount);
      }
    }
    return this.poisoned ? amount : 0n;
  }

  parents(): string[] {
    return this.top === null ? EMPTY : this.top.ids(this.ids!);
  }

  taintedHeld(): bigint {
    return this.poisoned ? this.total.get() : 0n;
  }
}

/**
 * haircut: an outflow is tainted in proportion to the pool's tainted share, floored. Flooring
 * leaves the rounding residue in the pool rather than losing it, and the outflow that empties
 * the pool (amount == total) takes exactly the remaining taint: floor(total * T / total) == T.
 * The explicit branch says so, and avoids dividing by zero for a zero outflow from an empty pool.
 */
export function haircutTake(amount: bigint, total: bigint, tainted: bigint): bigint {
  if (amount === total) return tainted;
  if (tainted === 0n) return 0n; // what the division would give, without a product
  return (amount * tainted) / total;
}

/**
 * tiho (taint in, highest out), account chains: within one block, the sender's tainted
 * balance goes to its largest outflows first — the reading most favourable to a freeze.
 * Outflows are still processed one by one in chain order, because inflows can land between
 * them. At each outflow the current tainted balance is re-allocated over the outflows of the
 * block not yet processed, and this one keeps its share (`share`) — unless that would make its
 * clean part larger than the clean balance (the clean funds it "should" use arrive later in
 * the block); then it takes as much taint as needed to stay solvent in clean funds.
 */
export function tihoTake(amount: bigint, total: bigint, tainted: bigint, share: bigint): bigint {
  const clean = total - tainted;
  const need = amount - clean;
  const want = share > need ? share : need;
  const most = amount < tainted ? amount : tainted;
  return most < want ? most : want;
}

/** haircutTake in Numbers (all exact): the same floor, or -1 when amount × tainted is past 2^53. */
function haircutTakeExact(amount: number, total: number, tainted: number): number {
  if (amount === total) return tainted;
  if (tainted === 0) return 0;
  // A product that rounds to at most 2^53 - 1 is exact; then % and the division are too.
  const product = amount * tainted;
  if (product > Number.MAX_SAFE_INTEGER) return -1;
  return (product - (product % total)) / total;
}

/** tihoTake in Numbers (all exact: differences of exact non-negative integers). */
function tihoTakeExact(amount: number, total: number, tainted: number, share: number): number {
  const need = amount - (total - tainted);
  const want = share > need ? share : need;
  const most = amount < tainted ? amount : tainted;
  return most < want ? most : want;
}
