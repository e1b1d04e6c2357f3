// The engine is written as generators that yield now and then (every few thousand transfers),
// so one implementation can run either to the end in one call or in time slices that give
// the event loop back between them: a million-transfer propagation blocks a worker's loop
// for seconds, long enough for BullMQ to think its job stalled.
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Work between yields: small enough that one step costs a few milliseconds at most. With
 * 4,096, a profiled run of the bench's 100k had 184 ms of the propagation in one 262 ms block.
 */
export const STEP = 1024;

export type Steps<T> = Generator<void, T, void>;

/** Run to the end in this call. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export interface SliceOptions {
  /** Longest run without giving the event loop back, in ms (default 25; 0 gives it back at every step). */
  sliceMs?: number;
}

/** Run in slices of about `sliceMs`, giving the event loop a turn between them. */
export async function runStepsSliced<T>(steps: Steps<T>, options: SliceOptions = {}): Promise<T> {
  const sliceMs = options.sliceMs ?? 25;
  if (!(sliceMs >= 0)) throw new RangeError(`sliceMs must be a number ≥ 0, got ${sliceMs}`);
  let deadline = performance.now() + sliceMs;
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() >= deadline) {
      await nextTurn();
      deadline = performance.now() + sliceMs;
    }
  }
}

/**
 * Turns for a plain loop in async code, where a generator would be a detour:
 * `if (turns.due()) await turns.give();` between items gives the event loop a turn about
 * every `sliceMs` (the clock is read every 64 calls of `due`).
 */
export interface LoopTurns {
  due(): boolean;
  give(): Promise<void>;
}

export function loopTurns(sliceMs = 25): LoopTurns {
  let deadline = performance.now() + sliceMs;
  let calls = 0;
  return {
    due: () => (++calls & 63) === 0 && performance.now() >= deadline,
    async give() {
      await nextTurn();
      deadline = performance.now() + sliceMs;
    },
  };
}

/** `items.filter(keep)`, giving the event loop turns through `turns` (a hop's ~90,000 wallets at the bench's 100k). */
export async function filterWithTurns<T>(items: readonly T[], keep: (item: T) => boolean, turns: LoopTurns = loopTurns()): Promise<T[]> {
  const out: T[] = [];
  for (const item of items) {
    if (turns.due()) await turns.give();
    if (keep(item)) out.push(item);
  }
  return out;
}

/**
 * Stable sort of `order` (indices) by `cmp`, yielding every STEP or so comparisons; returns
 * the sorted array (`order` itself or a new one). Input already in order — what callers
 * usually pass — costs one pass.
 */
export function* sortSteps(order: Int32Array<ArrayBufferLike>, cmp: (a: number, b: number) => number): Steps<Int32Array<ArrayBufferLike>> {
  const n = order.length;
  let sorted = true;
  for (let k = 1; k < n; k++) {
    if (cmp(order[k - 1]!, order[k]!) > 0) {
      sorted = false;
      break;
    }
    if (k % STEP === 0) yield;
  }
  if (sorted) return order;
  const RUN = 32;
  for (let lo = 0; lo < n; lo += RUN) {
    insertionSort(order, lo, Math.min(lo + RUN, n), cmp);
    if (lo % (STEP * 4) === 0) yield;
  }
  let src = order;
  let dst: Int32Array<ArrayBufferLike> = new Int32Array(n);
  let work = 0;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      for (let k = lo; k < hi; k++) {
        // Ties take the left run first: stable.
        if (i < mid && (j >= hi || cmp(src[i]!, src[j]!) <= 0)) dst[k] = src[i++]!;
        else dst[k] = src[j++]!;
        if (++work === STEP) {
          work = 0;
          yield;
        }
      }
    }
    const swap = src;
    src = dst;
    dst = swap;
  }
  return src;
}

function insertionSort(a: Int32Array, lo: number, hi: number, cmp: (a: number, b: number) => number): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= lo && cmp(a[j]!, x) > 0) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

/**
 * Whether a Map of this size is about to copy itself into a larger table on the next new key
 * (V8 doubles at powers of two), for a large one: a step that does so should do little else.
 * Only a hint for slicing; results never depend on it.
 */
export function aboutToGrow(size: number): boolean {
  return size >= 65_536 && (size & (size - 1)) === 0;
}

/** Strings in code-unit order, as `<` compares them. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
