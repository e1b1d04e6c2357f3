// Chain data through the shared cache: what an earlier case (or hop) already fetched is
// read from Postgres; only the missing block ranges go to the chain, many addresses per call.
import type { ChainSource } from '../chains/source';
import type { Address, Asset, BlockRange, Transfer } from '../domain/types';
import type { Store } from '../store';

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
  ensureHistory(windows: HistoryWindow[], toBlock: number, assets?: readonly Asset[] | null): Promise<{ fetchedTransfers: number; calls: number }>;
  transfersOf(addresses: Address[], range: BlockRange): Promise<Transfer[]>;
  balances(queries: OpeningQuery[]): Promise<Map<string, bigint>>;
}

export function balanceKey(q: OpeningQuery): string {
  return `${q.address}|${q.asset}|${q.blockNumber}`;
}

export function createChainData(store: Store, source: ChainSource): ChainData {
  const chain = source.chain;
  return {
    async ensureHistory(windows, toBlock, assets) {
      const wanted = windows.filter((w) => w.fromBlock <= toBlock);
      if (wanted.length === 0) return { fetchedTransfers: 0, calls: 0 };
      const fromOf = new Map<Address, number>();
      for (const w of wanted) fromOf.set(w.address, Math.min(fromOf.get(w.address) ?? Infinity, w.fromBlock));
      const earliest = Math.min(...fromOf.values());
      const missing = await store.chainData.missingRanges(chain, [...fromOf.keys()], { fromBlock: earliest, toBlock }, assets);
      // One query per end block (nearly always the run's toBlock) for every address missing
      // history up to it, from the earliest start among them: the source splits it into
      // calls of many addresses each, instead of one set of calls per distinct window.
      const gaps = new Map<number, { range: BlockRange; addresses: Address[] }>();
      for (const [address, ranges] of missing) {
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
      for (const { range, addresses } of gaps.values()) {
        const transfers = await source.transfers({ addresses, direction: 'both', ...range, ...(assets ? { assets: [...assets] } : {}) });
        await store.chainData.insertTransfers(transfers);
        await store.chainData.markScanned(chain, addresses, range, assets);
        fetchedTransfers += transfers.length;
      }
      return { fetchedTransfers, calls: gaps.size };
    },

    transfersOf(addresses, range) {
      return store.chainData.transfersOf(chain, addresses, range, 'both');
    },

    async balances(queries) {
      const result = await store.chainData.getBalances(chain, queries);
      const missing = queries.filter((q) => !result.has(balanceKey(q)));
      for (const [blockNumber, group] of groupBy(missing, (q) => q.blockNumber)) {
        const amounts = await source.balances(group.map(({ address, asset }) => ({ address, asset })), blockNumber);
        const rows = group.map((q, i) => ({ ...q, amount: amounts[i]! }));
        await store.chainData.putBalances(chain, rows);
        for (const row of rows) result.set(balanceKey(row), row.amount);
      }
      return result;
    },
  };
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
