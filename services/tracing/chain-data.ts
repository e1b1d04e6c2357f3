// Chain data through the shared cache: what an earlier case (or hop) already fetched is
// read from Postgres; only the missing block ranges go to the chain, many addresses per call.
import type { AccountFacts, ChainSource, HistoryRead } from '../chains/source';
import type { Address, Asset, BlockRange, Transfer } from '../domain/types';
import type { Store } from '../store';
import { BalanceTable } from '../store/balance-table';
import { filterWithTurns, loopTurns } from '../domain/taint/steps';

export interface HistoryWindow {
  address: Address;
  fromBlock: number;
}

export interface OpeningQuery {
  address: Address;
  asset: Asset;
  /** Balance at the end of this block. */
  blockNumber: number;
}

export interface ChainData {
  /**
   * Make sure every transfer of each address from its fromBlock to toBlock is stored: of
   * the assets given (a case that asked for some assets needs no other), else of every asset.
   */
  ensureHistory(
    windows: HistoryWindow[], toBlock: number, assets?: readonly Asset[] | null, options?: { bounded?: boolean },
  ): Promise<{ fetchedTransfers: number; calls: number; reachedTo: Map<Address, number> }>;
  /**
   * Make sure the fees of the transactions each address sent from its fromBlock to toBlock
   * are stored: a history read leaves them pending where each costs a receipt (see
   * ChainSource.histories), and only a wallet whose native coin may carry taint, or whose
   * native sweeps the deposit heuristic weighs, needs them. Returns the addresses that got
   * fees (their stored histories changed).
   */
  ensureFees(windows: HistoryWindow[], toBlock: number): Promise<Set<Address>>;
  transfersOf(addresses: Address[], range: BlockRange): Promise<Transfer[]>;
  /** transfersOf one at a time, in the same order, read a page at a time (for a whole case's histories). */
  eachTransfer(addresses: Address[], range: BlockRange, visit: (t: Transfer) => void): Promise<void>;
  /**
   * Transactions sent in each window and code size at toBlock: kept in the shared chain data,
   * the rest read from the node in one batch. Empty where the chain has no such facts.
   */
  accountFacts(windows: HistoryWindow[], toBlock: number): Promise<Map<Address, AccountFacts>>;
  /**
   * Balances at the end of each query's block. With `historyTo`, a token balance whose
   * history from the block after it to `historyTo` is stored (the scanned-range cache says
   * so) is derived from the balance at `historyTo` instead of read at its own block: all
   * such queries cost one batched read at `historyTo` (see deriveOpenings).
   */
  balances(queries: OpeningQuery[], options?: { historyTo?: number }): Promise<BalanceTable>;
}

/** Pending fees read at a time (their receipts held at once). */
const FEES_AT_ONCE = 5_000;

export interface ChainDataOptions {
  /** Tokens whose past balances are never derived from history (see deriveOpenings). */
  balanceTokensReadDirectly?: readonly string[];
  /**
   * ensureHistory reads at most `addresses` addresses from the source at a time, so the
   * transfers (and the replies they came in) held at once do not grow with the number of
   * addresses asked. A whole multiple of the source's addresses per log call keeps the calls
   * those of one read. A range of at most `wholeRangeBlocks` is read in one go: the source may
   * read such a range whole, every log of its blocks, where each slice would ask again.
   */
  readSlice?: { addresses: number; wholeRangeBlocks: number };
}

export function createChainData(store: Store, source: ChainSource, settings: ChainDataOptions = {}): ChainData {
  const chain = source.chain;
  return {
    /**
     * `bounded` (judging busy wallets): every answer bounded in size, so an address whose
     * history is too large for one answer is stored (and marked scanned) only up to its entry
     * in `reachedTo`; asking again continues from there. Sources without bounded reads read whole.
     */
    async ensureHistory(windows, toBlock, assets, options) {
      const reachedTo = new Map<Address, number>();
      const wanted = windows.filter((w) => w.fromBlock <= toBlock);
      if (wanted.length === 0) return { fetchedTransfers: 0, calls: 0, reachedTo };
      const fromOf = new Map<Address, number>();
      const turns = loopTurns();
      for (const w of wanted) {
        if (turns.due()) await turns.give();
        fromOf.set(w.address, Math.min(fromOf.get(w.address) ?? Infinity, w.fromBlock));
      }
      let earliest = Infinity; // not Math.min(...): past ~120,000 arguments it overflows the stack
      for (const from of fromOf.values()) earliest = Math.min(earliest, from);
      const missing = await store.chainData.missingRanges(chain, [...fromOf.keys()], { fromBlock: earliest, toBlock }, assets);
      // One query per end block (nearly always the run's toBlock) for every address missing
      // history up to it, from the earliest start among them: the source splits it into
      // calls of many addresses each, instead of one set of calls per distinct window.
      const gaps = new Map<number, { range: BlockRange; addresses: Address[] }>();
      for (const [address, ranges] of missing) {
        if (turns.due()) await turns.give();
        for (const r of ranges) {
          const fromBlock = Math.max(r.fromBlock, fromOf.get(address)!);
          if (fromBlock > r.toBlock) continue;
          const gap = gaps.get(r.toBlock) ?? { range: { fromBlock, toBlock: r.toBlock }, addresses: [] };
          gap.range.fromBlock = Math.min(gap.range.fromBlock, fromBlock);
          gap.addresses.push(address);
          gaps.set(r.toBlock, gap);
        }
      }
      let fetchedTransfers = 0;
      const slices = [...gaps.values()].flatMap(readSlices);
      const fetchSlice = ({ range, addresses }: (typeof slices)[number]) => {
        const query = { addresses, direction: 'both' as const, ...range, ...(assets ? { assets: [...assets] } : {}) };
        const read: Promise<HistoryRead> = source.histories
          ? source.histories(query, { bounded: options?.bounded === true })
          : source.transfers(query).then((transfers) => ({ transfers, reachedTo: new Map<Address, number>(), pendingFees: [] }));
        read.catch(() => undefined); // awaited in its turn; not "unhandled" if a write before it fails
        return read;
      };
      // The next slice is read from the node while this one is written: the node and the
      // database work at once. Two slices are held at most (one written, one read).
      let next = slices.length > 0 ? fetchSlice(slices[0]!) : undefined;
      for (let i = 0; i < slices.length; i++) {
        const { range, addresses } = slices[i]!;
        const read = await next!;
        next = i + 1 < slices.length ? fetchSlice(slices[i + 1]!) : undefined;
        await store.chainData.insertTransfers(read.transfers);
        // Before the range is marked: a scanned range holds its fees, stored or pending.
        await store.chainData.addPendingFees(chain, read.pendingFees);
        await store.chainData.markScanned(chain, addresses.filter((a) => !read.reachedTo.has(a)), range, assets);
        for (const [reached, cut] of groupBy([...read.reachedTo], ([, block]) => block)) {
          await store.chainData.markScanned(chain, cut.map(([a]) => a), { fromBlock: range.fromBlock, toBlock: reached }, assets);
        }
        for (const [a, block] of read.reachedTo) reachedTo.set(a, Math.min(reachedTo.get(a) ?? Infinity, block));
        fetchedTransfers += read.transfers.length;
      }
      return { fetchedTransfers, calls: slices.length, reachedTo };
    },

    async ensureFees(windows, toBlock) {
      const got = new Set<Address>();
      if (!source.fees || windows.length === 0) return got;
      const pending = await store.chainData.pendingFeesOf(chain, windows, toBlock);
      for (let i = 0; i < pending.length; i += FEES_AT_ONCE) {
        const slice = pending.slice(i, i + FEES_AT_ONCE);
        await store.chainData.insertTransfers(await source.fees(slice));
        await store.chainData.dropPendingFees(chain, slice.map((p) => p.txHash));
        for (const p of slice) got.add(p.sender);
      }
      return got;
    },

    transfersOf(addresses, range) {
      return store.chainData.transfersOf(chain, addresses, range, 'both');
    },

    eachTransfer(addresses, range, visit) {
      return store.chainData.eachTransferOf(chain, addresses, range, 'both', visit);
    },

    async accountFacts(windows, toBlock) {
      const facts = new Map<Address, AccountFacts>();
      if (!source.accountFacts || windows.length === 0) return facts;
      for (const row of await store.chainData.accountFacts(chain, windows, toBlock)) facts.set(row.address, row);
      const missing = windows.filter((w) => !facts.has(w.address));
      if (missing.length === 0) return facts;
      const read = await source.accountFacts(missing, toBlock);
      const rows = missing.flatMap((w, i) => {
        const f = read[i];
        return f ? [{ ...f, address: w.address, fromBlock: w.fromBlock, toBlock }] : [];
      });
      await store.chainData.recordAccountFacts(chain, rows);
      for (const row of rows) facts.set(row.address, row);
      return facts;
    },

    async balances(queries, options) {
      const result = await store.chainData.getBalances(chain, queries);
      // A hop asks for ~90,000 balances at the bench's 100k: the loops give the event loop turns.
      const turns = loopTurns();
      const stillMissing = (list: OpeningQuery[]) => filterWithTurns(list, (q) => !result.has(q), turns);
      const merge = async (found: BalanceTable) => {
        for (const row of found.rows()) {
          if (turns.due()) await turns.give();
          result.set(row, row.amount);
        }
      };
      let missing = await stillMissing(queries);
      if (options?.historyTo !== undefined && missing.length > 0) {
        await merge(await deriveOpenings(missing, options.historyTo));
        missing = await stillMissing(missing);
      }
      await merge(await readBalances(missing));
      return result;
    },
  };

  /** A gap's addresses in reads of at most `readSlice.addresses`, each over the gap's whole range. */
  function readSlices(gap: { range: BlockRange; addresses: Address[] }): Array<{ range: BlockRange; addresses: Address[] }> {
    const slice = settings.readSlice;
    const span = gap.range.toBlock - gap.range.fromBlock + 1;
    if (!slice || span <= slice.wholeRangeBlocks || gap.addresses.length <= slice.addresses) return [gap];
    const out = [];
    for (let i = 0; i < gap.addresses.length; i += slice.addresses) out.push({ range: gap.range, addresses: gap.addresses.slice(i, i + slice.addresses) });
    return out;
  }

  /** Balances read from the node (one batch per block), stored in the shared cache. */
  async function readBalances(queries: OpeningQuery[]): Promise<BalanceTable> {
    const result = new BalanceTable();
    const turns = loopTurns();
    // A hop's new ledgers are 90,000 balances at the bench's 100k: built with turns for the
    // event loop (mapped and spread in one go, with the GC they caused, 0.2-0.4 s).
    for (const [blockNumber, group] of groupBy(queries, (q) => q.blockNumber)) {
      const asked: Array<{ address: Address; asset: Asset }> = [];
      for (const q of group) {
        if (turns.due()) await turns.give();
        asked.push({ address: q.address, asset: q.asset });
      }
      const amounts = await source.balances(asked, blockNumber);
      const rows: Array<OpeningQuery & { amount: bigint }> = [];
      for (let i = 0; i < group.length; i++) {
        if (turns.due()) await turns.give();
        const q = group[i]!;
        rows.push({ address: q.address, asset: q.asset, blockNumber: q.blockNumber, amount: amounts[i]! });
        result.set(q, amounts[i]!);
      }
      await store.chainData.putBalances(chain, rows);
    }
    return result;
  }

  /**
   * Token balances at earlier blocks from the balance at `at` and the stored transfers
   * between: opening = balance at `at` − inflows + outflows after the opening block. Exact
   * when the stored history of the address in that token is complete from the block after
   * the opening to `at`, which is what a scanned range records, and the token moves
   * balances only through Transfer events (ERC-20). Not derived, so read at its own block:
   * - the native coin: block rewards, priority fees paid to the block's producer, beacon
   *   withdrawals and self-destruct beneficiaries change balances with no transfer stored;
   * - other chain kinds: Tron derives past balances in its source, Bitcoin has no ledgers;
   * - a token configured as non-standard (rebasing, interest-bearing: chains.json
   *   `balanceTokensReadDirectly`), or any history not complete in the store;
   * - a derived balance below zero, which no complete ERC-20 history gives.
   * Derived balances are stored in the shared cache like read ones: they are the same value.
   */
  async function deriveOpenings(queries: OpeningQuery[], at: number): Promise<BalanceTable> {
    const derived = new BalanceTable();
    if (source.kind !== 'evm') return derived;
    const native = source.nativeAsset.toUpperCase();
    const direct = new Set((settings.balanceTokensReadDirectly ?? []).map((t) => t.toLowerCase()));
    // A hop's new ledgers are 90,000 queries at the bench's 100k: the loops over them give
    // the event loop turns (together they held it for a second).
    const turns = loopTurns();
    const byAsset = new Map<string, OpeningQuery[]>();
    for (const q of queries) {
      if (turns.due()) await turns.give();
      if (q.blockNumber >= at || q.asset.toUpperCase() === native || direct.has(q.asset.toLowerCase())) continue;
      const group = byAsset.get(q.asset);
      if (group) group.push(q);
      else byAsset.set(q.asset, [q]);
    }
    const complete: OpeningQuery[] = [];
    for (const [asset, group] of byAsset) {
      let earliest = Infinity;
      const addresses = new Set<Address>();
      for (const q of group) {
        if (turns.due()) await turns.give();
        earliest = Math.min(earliest, q.blockNumber);
        addresses.add(q.address);
      }
      const gaps = await store.chainData.missingRanges(chain, [...addresses], { fromBlock: earliest + 1, toBlock: at }, [asset]);
      for (const q of group) {
        if (turns.due()) await turns.give();
        if ((gaps.get(q.address) ?? []).every((r) => r.toBlock <= q.blockNumber)) complete.push(q);
      }
    }
    if (complete.length === 0) return derived;
    // Each address and asset's balance at `at`, asked once (the table as a set of keys: its 0s are not read).
    const closingKeys = new BalanceTable();
    for (const q of complete) {
      if (turns.due()) await turns.give();
      closingKeys.set({ address: q.address, asset: q.asset, blockNumber: at }, 0n);
    }
    // 189,000 keys at the bench's 200k: looked up in one go, with the set above, they were a
    // 120 ms block of the worker's loop (a profiled run).
    const closingQueries: OpeningQuery[] = [];
    for (const q of closingKeys.rows()) {
      if (turns.due()) await turns.give();
      closingQueries.push(q);
    }
    const closing = await store.chainData.getBalances(chain, closingQueries);
    for (const row of (await readBalances(await filterWithTurns(closingQueries, (q) => !closing.has(q), turns))).rows()) {
      if (turns.due()) await turns.give();
      closing.set(row, row.amount);
    }
    // Summed in the database: a whole hop's new ledgers (90,000 at the bench's 100k) would
    // otherwise bring every transfer of theirs into memory for one number each.
    const asked: Array<{ address: Address; asset: Asset; afterBlock: number }> = [];
    for (const q of complete) {
      if (turns.due()) await turns.give();
      asked.push({ address: q.address, asset: q.asset, afterBlock: q.blockNumber });
    }
    const net = await store.chainData.netSentAfter(chain, asked, at);
    const rows: Array<OpeningQuery & { amount: bigint }> = [];
    for (let i = 0; i < complete.length; i++) {
      if (turns.due()) await turns.give();
      const q = complete[i]!;
      const amount = closing.get({ address: q.address, asset: q.asset, blockNumber: at })! + net[i]!;
      // Below zero the history cannot be complete: read it instead. (A literal, not `{ ...q,
      // amount }`: V8 gives each object spread with a new key a hidden class of its own; a heap
      // snapshot at the bench's 100k held 89,403 such maps for as many openings.)
      if (amount >= 0n) rows.push({ address: q.address, asset: q.asset, blockNumber: q.blockNumber, amount });
    }
    await store.chainData.putBalances(chain, rows);
    for (const row of rows) {
      if (turns.due()) await turns.give();
      derived.set(row, row.amount);
    }
    return derived;
  }
}

function groupBy<T, K>(items: T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
