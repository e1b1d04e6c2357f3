// Account-chain taint propagation: one pass over the transfers in chain order.
//
// Why these rules:
// - Only ledger addresses pass taint on. Passing taint through an address needs its full
//   history in the window and its opening balance; without them any split of an outflow into
//   tainted and clean would be invented. Everyone else (untracked addresses, stops) keeps
//   what it receives, which is also what a freeze request needs to know.
// - A seed transfer is tainted in full whoever sent it (a victim's payment). If the sender
//   has a ledger, the ledger is still debited by the model as usual; the part of the seed not
//   drawn from tainted funds is recorded as `seeded` at the sender, so taint is accounted for.
// - A source's opening balance and every inflow it receives in its window are tainted in
//   full at the source; the transfer itself still carries only the τ its sender gave it.
// - An outflow larger than the known balance means history or opening is incomplete: the
//   shortfall is clean funds of unknown origin (never invented taint) and is reported in `gaps`.
// - A stop's ledger spec is ignored: an endpoint absorbs everything and reports no gaps.
// - Ties in chain order are broken by transferId, so any input order gives the same result.
//   One chain per call: transferId is only unique within a chain.
// - Taint arriving at a ledger before its window cannot be placed in its balance (the opening
//   already covers that period), so it is held where it landed and reported in `lateInflows`.
//
// - Only payments move value (../payments.ts): a transfer from an address to itself leaves
//   every ledger as it was (a queue model would otherwise move its lots from the head to the
//   tail, washing taint), and zero values and untraced assets are ignored; all are counted
//   in `ignored`. A self-transfer's fee is a transfer of its own and is consumed as any fee.
// - What a source receives is tainted in full, but only the part its sender had not already
//   tainted is new (`sourced`): value that comes back to a seed is not seeded twice.
//
// Accounting identities (every model but poison), per (address, asset):
//   taintedIn + seeded == taintedOut + taintedHeld
// and per asset, summed over the result:
//   Σ source taint created + Σ seeded == Σ taintedHeld + sinks
// where source taint created = Σ sourced = tainted opening balances of sources + Σ (amount - τ)
// over the inflows sources received in their window.
//
// How it is built (cost, not answers): addresses and assets are interned to small integers;
// per-transfer data lives in typed arrays indexed by transfer number; amounts stay the
// caller's bigints (no copy); ledgers refer to their inflows by transfer number and name
// them by id only when an outflow reports its parents; one sort, no string key per transfer
// but the transfer id itself. The same generator runs to the end (`propagateTaint`) or in
// time slices that give the event loop back (`propagateTaintSliced`).
import { classifyTransfer } from '../payments';
import { isTransferIdOf, transferId, txHashesOfIds, type Address, type Asset, type Transfer } from '../types';
import { createLedger, type Ledger } from './ledgers';
import { aboutToGrow, compareStrings, runSteps, runStepsSliced, sortSteps, STEP, type SliceOptions, type Steps } from './steps';
import type { AccountRole, AccountTaint, LedgerSpec, TaintInput, TaintResult } from './types';
import { createInterner } from '../interner';
import { AccountMap } from './account-map';
import { ColumnMap } from './column-map';

export function propagateTaint(input: TaintInput): TaintResult {
  return runSteps(propagationSteps(input));
}

/**
 * The same as propagateTaint, giving the event loop a turn at least every `sliceMs` (default
 * 25 ms): for large cases in a process that must stay responsive (a queue worker renewing
 * its job lock). The input must not change until the promise settles.
 */
export function propagateTaintSliced(input: TaintInput, options: SliceOptions = {}): Promise<TaintResult> {
  return runStepsSliced(propagationSteps(input), options);
}

const ROLE_UNTRACKED = 0;
const ROLE_LEDGER = 1;
const ROLE_STOP = 2;
const ROLES: readonly AccountRole[] = ['untracked', 'ledger', 'stop'];

/** What the engine keeps per (address, asset) it meets. */
class Slot {
  ledger: Ledger | null = null;
  account: AccountTaint | null = null;
  /** Taint that stays where it arrived (non-ledgers, stops, inflows before a ledger's window). */
  absorbed = 0n;
  /**
   * Parts of the account's taintedIn and taintedOut not yet added to them, as long as they
   * are exact in a Number (see addExact): a bigint sum makes a new bigint at every transfer,
   * which lives until the account's next one and mostly dies in the old generation.
   */
  inExact = 0;
  outExact = 0;
  constructor(readonly address: number, readonly asset: number) {}
}

export function* propagationSteps(input: TaintInput): Steps<TaintResult> {
  const scope = input.assets ?? null;
  const inflowTaint = input.inflowTaint !== undefined && input.inflowTaint.size > 0 ? input.inflowTaint : null;

  // 1. Unique transfers (the first of equal copies), checked. Input order of first sight.
  // Copies are found by hashing the id's characters into a table sized once (no id string,
  // no Map growing under a million keys); id strings, unless given, are built only for what
  // is reported.
  // Without copies (the usual case) the input array itself is used: no copy of it.
  let transfers: readonly Transfer[] = input.transfers;
  const given = input.transferIds;
  // The given ids as they are (idOf only fills an id still missing, which given ones never
  // are; with copies they are sliced first), else built as they are needed.
  let ids = (given ?? new Array<string | undefined>(input.transfers.length)) as (string | undefined)[];
  {
    const all = input.transfers;
    const count = all.length;
    if (given !== undefined && given.length !== count) throw new RangeError(`propagateTaint: ${given.length} transferIds for ${count} transfers`);
    const mask = tableSize(count) - 1;
    const table = new Int32Array(mask + 1).fill(-1);
    const hashes = new Int32Array(count);
    /** The unique transfers once a copy has been met; until then, all[0..k) are. */
    let unique: Transfer[] | null = null;
    for (let k = 0; k < count; k++) {
      const t = all[k]!;
      if (typeof t.amount !== 'bigint' || t.amount < 0n) {
        throw new RangeError(`transfer ${transferId(t)}: amount must be a non-negative bigint`);
      }
      if (given !== undefined && !isTransferIdOf(given[k], t)) {
        throw new RangeError(`propagateTaint: transferIds[${k}] is ${JSON.stringify(given[k])}, not the id of ${transferId(t)}`);
      }
      const kept = unique === null ? all : unique;
      const h = idHash(t);
      let at = h & mask;
      let seen = -1;
      for (let x = table[at]!; x !== -1; x = table[(at = (at + 1) & mask)]!) {
        if (hashes[x] === h && sameId(kept[x]!, t)) {
          seen = x;
          break;
        }
      }
      if (seen === -1) {
        const x = unique === null ? k : unique.length;
        table[at] = x;
        hashes[x] = h;
        if (unique !== null) {
          unique.push(t);
          if (given !== undefined) ids.push(given[k]);
        }
      } else {
        if (!sameTransfer(kept[seen]!, t)) {
          // Two versions of one transfer mean mixed chains or a reorg upstream; guessing would be wrong.
          throw new RangeError(`transfer ${transferId(t)} appears twice with different contents`);
        }
        if (unique === null) {
          unique = all.slice(0, k);
          if (given !== undefined) ids = ids.slice(0, k);
        }
      }
      if ((k + 1) % STEP === 0) yield;
    }
    if (unique !== null) transfers = unique;
  }
  const idOf = (i: number): string => ids[i] ?? (ids[i] = transferId(transfers[i]!));
  const seedTxHashes = txHashesOfIds(input.seedTransfers);
  const isSeed = (i: number): boolean => seedTxHashes.has(transfers[i]!.txHash) && input.seedTransfers.has(idOf(i));

  for (const [address, spec] of input.ledgers) {
    for (const [asset, amount] of spec.opening) {
      if (typeof amount !== 'bigint' || amount < 0n) {
        throw new RangeError(`ledger ${address}: opening ${asset} must be a non-negative bigint`);
      }
    }
  }

  // 2. Interned addresses and assets; what each address is.
  const addressIndex = new Map<Address, number>();
  const addresses: Address[] = [];
  const roles: number[] = [];
  const specs: (LedgerSpec | undefined)[] = [];
  const internAddress = (a: Address): number => {
    let x = addressIndex.get(a);
    if (x === undefined) {
      x = addresses.length;
      addressIndex.set(a, x);
      addresses.push(a);
      // A stop absorbs; tracking its balance would only let taint leave it.
      const stop = input.stops.has(a);
      const spec = stop ? undefined : input.ledgers.get(a);
      roles.push(stop ? ROLE_STOP : spec !== undefined ? ROLE_LEDGER : ROLE_UNTRACKED);
      specs.push(spec);
    }
    return x;
  };
  const assetIds = createInterner<Asset>();
  const assets = assetIds.values;
  const internAsset = assetIds.id;

  // 3. Per transfer, in typed arrays: who and what (when is read from the transfer itself,
  // which is at hand wherever it is needed). Only payments move value (../payments.ts).
  const n = transfers.length;
  const fromOf = new Int32Array(n);
  const toOf = new Int32Array(n);
  const assetOf = new Int32Array(n);
  const ignored = { selfTransfers: 0, zeroValue: 0, untracedAssets: 0 };
  let payments = 0;
  const paymentList = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = transfers[i]!;
    const c = classifyTransfer(t, scope);
    if (c === 'payment') {
      paymentList[payments++] = i;
      fromOf[i] = internAddress(t.from);
      toOf[i] = t.to === null ? -1 : internAddress(t.to);
      assetOf[i] = internAsset(t.asset);
    } else if (c === 'self-transfer') ignored.selfTransfers++;
    else if (c === 'zero-value') ignored.zeroValue++;
    else ignored.untracedAssets++;
    if ((i + 1) % STEP === 0) yield;
  }

  // Tainted opening balances of sources, in a fixed order (address, then asset).
  const openings: { address: number; asset: number; amount: bigint }[] = [];
  const sources: Address[] = [];
  for (const [a, spec] of input.ledgers) if (spec.source && !input.stops.has(a)) sources.push(a);
  for (const address of sources.sort(compareStrings)) {
    const spec = input.ledgers.get(address)!;
    for (const asset of [...spec.opening.keys()].sort(compareStrings)) {
      const amount = spec.opening.get(asset)!;
      if (amount > 0n && (scope === null || scope.has(asset))) openings.push({ address: internAddress(address), asset: internAsset(asset), amount });
    }
  }

  // 4. One total order: chain order, ties broken by transfer id.
  const order = yield* sortSteps(paymentList.subarray(0, payments), (a, b) => {
    const x = transfers[a]!;
    const y = transfers[b]!;
    return x.blockNumber - y.blockNumber || x.txIndex - y.txIndex || x.seq - y.seq || compareIds(x, y);
  });

  // tiho: at each outflow, the sender's outflows of the same asset in the same block still to
  // come. Linked once (position → next position of the group) so the main loop is one pass.
  const model = input.model;
  let nextInGroup: Int32Array | null = null;
  if (model === 'tiho') {
    nextInGroup = new Int32Array(payments).fill(-1);
    const last = new Map<number, number>();
    const width = assets.length;
    for (let p = 0; p < payments; p++) {
      const i = order[p]!;
      if (p > 0 && transfers[order[p - 1]!]!.blockNumber !== transfers[i]!.blockNumber) last.clear();
      const key = fromOf[i]! * width + assetOf[i]!;
      const before = last.get(key);
      if (before !== undefined) nextInGroup[before] = p;
      last.set(key, p);
      if ((p + 1) % STEP === 0) yield;
    }
  }

  // 5. The pass.
  const slots = new Map<number, Slot>();
  const assetCount = assets.length;
  const slotOf = (address: number, asset: number): Slot => {
    const key = address * assetCount + asset;
    let s = slots.get(key);
    if (s === undefined) slots.set(key, (s = new Slot(address, asset)));
    return s;
  };
  /** How ledgers name their parents; null when none are wanted. */
  const parentIds = input.parents === false ? null : idOf;
  /** The ledger of (address, asset) if it is tracked at this block; created on first use. */
  const ledgerAt = (address: number, asset: number, block: number): Ledger | null => {
    const spec = specs[address];
    if (spec === undefined || block < spec.fromBlock) return null;
    const s = slotOf(address, asset);
    return (s.ledger ??= createLedger(model, spec.opening.get(assets[asset]!) ?? 0n, spec.source, parentIds));
  };
  const accounts: AccountTaint[] = [];
  const entry = (s: Slot): AccountTaint => {
    if (s.account === null) {
      s.account = {
        address: addresses[s.address]!, asset: assets[s.asset]!, role: ROLES[roles[s.address]!]!,
        taintedIn: 0n, taintedOut: 0n, sourced: 0n, seeded: 0n, taintedHeld: 0n,
        firstTaintedBlock: null, firstTaintedTimestamp: null, lastTaintedTimestamp: null,
      };
      accounts.push(s.account);
    }
    return s.account;
  };
  /** Taint that arrived: by transfer `t`, or (t = null) a source's opening balance; `sourced` of it created at a source. */
  const received = (s: Slot, amount: bigint, t: Transfer | null, sourced: bigint): void => {
    if (amount === 0n) return;
    const a = entry(s);
    const sum = addExact(s.inExact, amount);
    if (sum < 0) a.taintedIn += amount;
    else s.inExact = sum;
    if (sourced !== 0n) a.sourced += sourced;
    if (t === null) return;
    if (a.firstTaintedBlock === null) {
      a.firstTaintedBlock = t.blockNumber;
      a.firstTaintedTimestamp = t.timestamp;
    }
    a.lastTaintedTimestamp = t.timestamp;
  };

  // Tainted transfers: id → row, and per row its taint and its parents, read through two
  // ColumnMaps (see column-map.ts). The columns are sized once, for every payment: grown by
  // push they would leave twice their size in outgrown copies.
  const rows = new Map<string, number>();
  const taintOf = new Array<bigint>(payments);
  const parentsOf = parentIds === null ? null : new Array<string[]>(payments);
  const result: TaintResult = {
    tainted: new ColumnMap(rows, taintOf), parents: parentsOf === null ? new Map() : new ColumnMap(rows, parentsOf), accounts: new AccountMap(accounts), sinks: new Map<Asset, bigint>(),
    gaps: [], lateInflows: [], ignored,
  };
  for (const { address, asset, amount } of openings) received(slotOf(address, asset), amount, null, amount);

  // tiho's share of the outflow at position `at`: see highestFirst below.
  let at = 0;
  const share = nextInGroup === null ? null : (tainted: bigint) => highestFirst(tainted, at, order, nextInGroup!, transfers);

  for (let p = 0; p < payments; p++) {
    if (p % STEP === STEP - 1) yield;
    const i = order[p]!;
    const t = transfers[i]!;
    const amount = t.amount;
    const asset = assetOf[i]!;
    const from = fromOf[i]!;
    const block = t.blockNumber;

    // 1. The taint t carries: the sender's ledger decides, unless t is a seed.
    const sender = ledgerAt(from, asset, block);
    let drawn = 0n;
    if (sender !== null) {
      at = p;
      drawn = sender.debit(amount, share);
      if (sender.shortfall > 0n) result.gaps.push({ address: t.from, asset: t.asset, transferId: idOf(i), amount: sender.shortfall });
    }
    const seed = isSeed(i);
    const carried = seed ? amount : sender === null && inflowTaint !== null ? (inflowTaint.get(idOf(i)) ?? 0n) : drawn;
    if (carried > 0n) {
      // A Map copies itself into one twice its size when full: in a slice of its own.
      const row = rows.size;
      if (aboutToGrow(row)) yield;
      rows.set(idOf(i), row);
      taintOf[row] = carried;
      if (parentsOf !== null) parentsOf[row] = seed || sender === null ? [] : sender.parents();
      const s = slotOf(from, asset);
      const a = entry(s);
      const sum = addExact(s.outExact, carried);
      if (sum < 0) a.taintedOut += carried;
      else s.outExact = sum;
      if (seed && carried !== drawn) a.seeded += carried - drawn;
    }

    // 2. Where it lands.
    const to = toOf[i]!;
    if (to === -1) {
      if (carried > 0n) result.sinks.set(t.asset, (result.sinks.get(t.asset) ?? 0n) + carried);
      continue;
    }
    const recipient = ledgerAt(to, asset, block);
    if (recipient !== null) {
      const arriving = specs[to]!.source === true ? amount : carried;
      recipient.credit(amount, arriving, i);
      if (arriving !== 0n) received(slotOf(to, asset), arriving, t, arriving - carried);
    } else if (carried !== 0n) {
      const s = slotOf(to, asset);
      received(s, carried, t, 0n);
      s.absorbed += carried;
      if (roles[to] === ROLE_LEDGER) result.lateInflows.push({ address: t.to!, transferId: idOf(i), amount: carried });
    }
  }

  // The finished entries, in the order they first saw taint; held = absorbed + a ledger's tainted balance.
  for (let k = 0; k < accounts.length; k++) {
    const a = accounts[k]!;
    const address = addressIndex.get(a.address)!;
    const s = slotOf(address, assetIds.get(a.asset)!);
    let held = s.absorbed;
    if (a.role === 'ledger') {
      const spec = specs[address]!;
      // A ledger never used holds what a fresh one would: a source's opening, else nothing.
      held += s.ledger !== null ? s.ledger.taintedHeld() : spec.source ? (spec.opening.get(a.asset) ?? 0n) : 0n;
    }
    a.taintedHeld = held;
    if (s.inExact !== 0) a.taintedIn += BigInt(s.inExact);
    if (s.outExact !== 0) a.taintedOut += BigInt(s.outExact);
    if ((k + 1) % STEP === 0) yield;
  }
  taintOf.length = rows.size;
  if (parentsOf !== null) parentsOf.length = rows.size;
  return result;
}

/**
 * tiho: the share of `tainted` that the outflow at position `at` gets when the tainted balance
 * is given greedily to the sender's remaining outflows of the block (this one and the later
 * ones of its group), largest first, ties in chain order. Only strictly larger outflows come
 * before this one, and the greedy walk leaves max(0, tainted − their sum) for it.
 */
function highestFirst(tainted: bigint, at: number, order: Int32Array, next: Int32Array, transfers: readonly Transfer[]): bigint {
  const first = transfers[order[at]!]!.amount;
  let left = tainted;
  for (let q = next[at]!; q !== -1; q = next[q]!) {
    if (left <= 0n) return 0n;
    const amount = transfers[order[q]!]!.amount;
    if (amount > first) left -= amount;
  }
  if (left <= 0n) return 0n;
  return first < left ? first : left;
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** sum + x if it is a safe integer (then every integer up to it is exact as a Number), else -1. */
function addExact(sum: number, x: bigint): number {
  if (x > MAX_EXACT) return -1;
  const next = sum + Number(x);
  return next <= Number.MAX_SAFE_INTEGER ? next : -1;
}

/** Open addressing at most half full. */
function tableSize(count: number): number {
  let size = 16;
  while (size < 2 * count) size *= 2;
  return size;
}

/** FNV-1a over the characters of transferId(t), without building it. */
function idHash(t: Transfer): number {
  let h = 0x811c9dc5;
  const { txHash, ref } = t;
  for (let k = 0; k < txHash.length; k++) h = Math.imul(h ^ txHash.charCodeAt(k), 0x01000193);
  h = Math.imul(h ^ 35, 0x01000193); // '#'
  for (let k = 0; k < ref.length; k++) h = Math.imul(h ^ ref.charCodeAt(k), 0x01000193);
  return h;
}

/** The k-th UTF-16 code unit of transferId(t). */
function idCharAt(t: Transfer, k: number): number {
  const n = t.txHash.length;
  return k < n ? t.txHash.charCodeAt(k) : k === n ? 35 : t.ref.charCodeAt(k - n - 1);
}

/** transferId(a) === transferId(b), without building them. */
function sameId(a: Transfer, b: Transfer): boolean {
  if (a.txHash === b.txHash) return a.ref === b.ref;
  const length = a.txHash.length + 1 + a.ref.length;
  if (length !== b.txHash.length + 1 + b.ref.length) return false;
  for (let k = 0; k < length; k++) if (idCharAt(a, k) !== idCharAt(b, k)) return false;
  return true;
}

/** transferId(a) against transferId(b) as `<` compares strings (code units), without building them. */
export function compareIds(a: Transfer, b: Transfer): number {
  if (a.txHash === b.txHash) return compareStrings(a.ref, b.ref);
  const la = a.txHash.length + 1 + a.ref.length;
  const lb = b.txHash.length + 1 + b.ref.length;
  const common = la < lb ? la : lb;
  for (let k = 0; k < common; k++) {
    const d = idCharAt(a, k) - idCharAt(b, k);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return la - lb < 0 ? -1 : la > lb ? 1 : 0;
}

function sameTransfer(a: Transfer, b: Transfer): boolean {
  return (
    a.chain === b.chain && a.blockNumber === b.blockNumber && a.txIndex === b.txIndex && a.seq === b.seq &&
    a.asset === b.asset && a.from === b.from && a.to === b.to && a.amount === b.amount
  );
}
