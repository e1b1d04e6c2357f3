// One ledger per tracked (address, asset): the model's view of which part of a balance is tainted.
import type { TaintModel } from '../../../services/domain/types';
import { createQueueLedger } from './ledger-queue';
import { createPoolLedger } from './ledger-pool';
import { createPoisonLedger } from './ledger-poison';
import { haircutTake } from './haircut';
import { tihoTake } from './tiho';

export interface Outflow {
  amount: bigint;
  /** tiho only: the sender's outflows of this asset in this block not yet processed, this one first, in chain order. */
  sameBlock: readonly bigint[];
}

export interface Debit {
  /** Taint the ledger gave up for this outflow. */
  tainted: bigint;
  /** What the balance could not cover; counted as clean funds of unknown origin. */
  shortfall: bigint;
  /** Origins (inflow transferIds) of the taint given up, largest first, at most 3. */
  parents: string[];
}

export interface Ledger {
  /** An inflow of `amount`, `tainted` of which is tainted, from transfer `origin`. */
  credit(amount: bigint, tainted: bigint, origin: string): void;
  debit(out: Outflow): Debit;
  /** The tainted balance, as the model sees it. */
  taintedHeld(): bigint;
}

/** A source's opening balance is tainted in full; anyone else's is clean. */
export function createLedger(model: TaintModel, opening: bigint, source: boolean): Ledger {
  switch (model) {
    case 'fifo': return createQueueLedger('head', opening, source);
    case 'lifo': return createQueueLedger('tail', opening, source);
    case 'haircut': return createPoolLedger(opening, source, haircutTake);
    case 'tiho': return createPoolLedger(opening, source, tihoTake);
    case 'poison': return createPoisonLedger(opening, source);
  }
}
