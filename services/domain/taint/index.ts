// The account-chain taint engine: pure, exact (bigint), deterministic. See propagate.ts for the rules.
export { propagateTaint, propagateTaintSliced } from './propagate';
export type { SliceOptions } from './steps';
export { accountKey } from './types';
export type {
  AccountRole, AccountTaint, Gap, LateInflow, LedgerSpec, TaintInput, TaintResult,
} from './types';
