// Per (address, asset) totals for the report. Entries appear on the first taint they see, in
// processing order, so the map's order is as deterministic as the processing.
import type { Address, Asset, Transfer } from '../../../services/domain/types';
import { accountKey, type AccountRole, type AccountTaint } from './types';

export interface AccountBook {
  /** Taint that arrived: by transfer `t`, or (t = null) a source's opening balance; `sourced` of it created at a source. */
  received(address: Address, asset: Asset, role: AccountRole, amount: bigint, t: Transfer | null, sourced: bigint): void;
  /** Taint that stays where it arrived (non-ledgers, stops, inflows before a ledger's window). */
  absorbed(address: Address, asset: Asset, amount: bigint): void;
  sent(address: Address, asset: Asset, role: AccountRole, amount: bigint, seeded: bigint): void;
  /** The finished entries; `ledgerHeld` gives a ledger's tainted balance at the end. */
  finish(ledgerHeld: (address: Address, asset: Asset) => bigint): Map<string, AccountTaint>;
}

export function createAccountBook(): AccountBook {
  const accounts = new Map<string, AccountTaint>();
  const absorbed = new Map<string, bigint>();

  const entry = (address: Address, asset: Asset, role: AccountRole): AccountTaint => {
    const key = accountKey(address, asset);
    let a = accounts.get(key);
    if (a === undefined) {
      a = {
        address, asset, role,
        taintedIn: 0n, taintedOut: 0n, sourced: 0n, seeded: 0n, taintedHeld: 0n,
        firstTaintedBlock: null, firstTaintedTimestamp: null, lastTaintedTimestamp: null,
      };
      accounts.set(key, a);
    }
    return a;
  };

  return {
    received(address, asset, role, amount, t, sourced) {
      if (amount === 0n) return;
      const a = entry(address, asset, role);
      a.taintedIn += amount;
      a.sourced += sourced;
      if (t === null) return;
      if (a.firstTaintedBlock === null) {
        a.firstTaintedBlock = t.blockNumber;
        a.firstTaintedTimestamp = t.timestamp;
      }
      a.lastTaintedTimestamp = t.timestamp;
    },
    absorbed(address, asset, amount) {
      if (amount === 0n) return;
      const key = accountKey(address, asset);
      absorbed.set(key, (absorbed.get(key) ?? 0n) + amount);
    },
    sent(address, asset, role, amount, seeded) {
      if (amount === 0n && seeded === 0n) return;
      const a = entry(address, asset, role);
      a.taintedOut += amount;
      a.seeded += seeded;
    },
    finish(ledgerHeld) {
      for (const [key, a] of accounts) {
        a.taintedHeld = (absorbed.get(key) ?? 0n) + (a.role === 'ledger' ? ledgerHeld(a.address, a.asset) : 0n);
      }
      return accounts;
    },
  };
}
