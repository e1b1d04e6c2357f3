// The account-chain taint engine: pure, exact (bigint), deterministic. See propagate.ts for the rules.
export { propagateTaint } from './propagate';
export { accountKey } from './types';
export type {
  AccountRole, AccountTaint, Gap, LateInflow, LedgerSpec, TaintInput, TaintResult,
} from './types';
