// The UTXO tracer's queue of transactions to (re)compute, lowest block first (ties: txid).
// A binary min-heap: push and pop cost O(log n) comparisons, so a frontier of n transactions
// is drained in O(n log n) where a scan for the minimum per pop cost O(n²). A transaction
// queued twice is held once. `comparisons` counts the work, for tests and benchmarks.

export interface PendingEntry {
  txid: string;
  /** Block height; unconfirmed transactions sort last. */
  height: number;
}

export class PendingQueue {
  private readonly heap: PendingEntry[] = [];
  private readonly queued = new Set<string>();
  /** Entry comparisons made so far. */
  comparisons = 0;

  get size(): number {
    return this.heap.length;
  }

  has(txid: string): boolean {
    return this.queued.has(txid);
  }

  push(txid: string, height: number | null): void {
    if (this.queued.has(txid)) return;
    this.queued.add(txid);
    this.heap.push({ txid, height: height ?? Number.MAX_SAFE_INTEGER });
    this.up(this.heap.length - 1);
  }

  /** The lowest entry, removed; undefined when empty. */
  pop(): PendingEntry | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    this.queued.delete(top.txid);
    return top;
  }

  /** The entries in no particular order (for persisting the queue). */
  entries(): PendingEntry[] {
    return [...this.heap];
  }

  private less(a: PendingEntry, b: PendingEntry): boolean {
    this.comparisons += 1;
    return a.height < b.height || (a.height === b.height && a.txid < b.txid);
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && this.less(heap[left]!, heap[least]!)) least = left;
      if (right < heap.length && this.less(heap[right]!, heap[least]!)) least = right;
      if (least === i) return;
      [heap[i], heap[least]] = [heap[least]!, heap[i]!];
      i = least;
    }
  }
}
