// The shared chain-data cache in front of a chain source: what it asks the chain for. The
// source here is a recording one over a fixed list of transfers (the port, not a chain);
// the store is a real migrated database.
import { expect } from 'chai';
import type { ChainSource, PendingFee, TransferQuery } from '../../services/chains/source';
import { SEQ_FEE, type Transfer } from '../../services/domain/types';
import type { Store } from '../../services/store';
import { createChainData } from '../../services/tracing/chain-data';
import { useTestStore } from '../support/db';

const hex = (i: number, width: number) => '0x' + i.toString(16).padStart(width, '0');
const wallet = (i: number) => hex(0xa000 + i, 40);

/** 4 wallets, each paying the next one every block from 1 to 150. */
function chainOf(): Transfer[] {
  const out: Transfer[] = [];
  for (let block = 1; block <= 150; block++) {
    for (let w = 0; w < 4; w++) {
      out.push({
        chain: 'local', txHash: hex(block * 10 + w, 64), blockNumber: block, blockHash: hex(block, 64), timestamp: 1_700_000_000 + block,
        txIndex: w, ref: 'log:0', seq: 1_000_000, kind: 'token', asset: '0xdac17f958d2ee523a2206206994597c13d831ec7',
        from: wallet(w), to: wallet((w + 1) % 4), amount: BigInt(block * 100 + w),
      });
    }
  }
  return out;
}

function recordingSource(transfers: Transfer[]): ChainSource & { queries: TransferQuery[] } {
  const queries: TransferQuery[] = [];
  const unsupported = () => Promise.reject(new Error('not used here'));
  return {
    chain: 'local', kind: 'evm', nativeAsset: 'ETH', queries,
    capabilities: unsupported, tip: unsupported, transaction: unsupported, balances: unsupported,
    async transfers(query) {
      queries.push(query);
      const set = new Set(query.addresses);
      return transfers.filter((t) => t.blockNumber >= query.fromBlock && t.blockNumber <= query.toBlock && (set.has(t.from) || (t.to !== null && set.has(t.to))));
    },
    normalizeAddress: (a) => a.toLowerCase(),
    stats: () => ({ rpcCalls: queries.length, httpRequests: queries.length, retries: 0 }),
    close: async () => undefined,
  };
}

describe('chain data: what a hop asks the chain for', () => {
  let store: Store;
  useTestStore('pglite', (s) => (store = s));
  const chain = chainOf();

  it('asks once for all frontier addresses, however different their windows, and stores each one\'s whole window', async () => {
    const source = recordingSource(chain);
    const data = createChainData(store, source);
    const windows = [
      { address: wallet(0), fromBlock: 10 },
      { address: wallet(1), fromBlock: 40 },
      { address: wallet(2), fromBlock: 75 },
    ];
    await data.ensureHistory(windows, 100);
    expect(source.queries.map((q) => [q.addresses.length, q.fromBlock, q.toBlock])).to.deep.equal([[3, 10, 100]]);
    for (const w of windows) {
      const stored = await data.transfersOf([w.address], { fromBlock: w.fromBlock, toBlock: 100 });
      const expected = chain.filter((t) => t.blockNumber >= w.fromBlock && t.blockNumber <= 100 && (t.from === w.address || t.to === w.address));
      expect(stored.map((t) => t.txHash)).to.deep.equal(expected.map((t) => t.txHash));
    }

    // Everything is stored now: the same windows cost nothing; a later end asks once for the new blocks.
    await data.ensureHistory(windows, 100);
    expect(source.queries).to.have.length(1);
    await data.ensureHistory([...windows, { address: wallet(3), fromBlock: 90 }], 120);
    expect(source.queries.slice(1).map((q) => [q.addresses.slice().sort(), q.fromBlock, q.toBlock])).to.deep.equal([
      [[wallet(0), wallet(1), wallet(2), wallet(3)].sort(), 90, 120],
    ]);
  });

  it('asks separately for a hole that ends before the others\' gaps', async () => {
    const source = recordingSource(chain);
    const data = createChainData(store, source);
    await store.chainData.markScanned('local', [wallet(3)], { fromBlock: 130, toBlock: 140 });
    await data.ensureHistory([{ address: wallet(3), fromBlock: 125 }], 145);
    expect(source.queries.map((q) => [q.fromBlock, q.toBlock])).to.deep.equal([[125, 129], [141, 145]]);
  });
});

describe('chain data: many addresses read in slices', () => {
  let store: Store;
  useTestStore('pglite', (s) => (store = s));
  const chain = chainOf();
  const all = [0, 1, 2, 3].map((i) => ({ address: wallet(i), fromBlock: 1 }));

  it('reads at most readSlice.addresses addresses at a time, each over the whole gap, and stores what one read would', async () => {
    const source = recordingSource(chain);
    const data = createChainData(store, source, { readSlice: { addresses: 3, wholeRangeBlocks: 10 } });
    const { calls } = await data.ensureHistory(all, 100);
    expect(source.queries.map((q) => [q.addresses, q.fromBlock, q.toBlock])).to.deep.equal([
      [all.slice(0, 3).map((w) => w.address), 1, 100],
      [[wallet(3)], 1, 100],
    ]);
    expect(calls).to.equal(2);
    const stored = await data.transfersOf(all.map((w) => w.address), { fromBlock: 1, toBlock: 100 });
    expect(stored.map((t) => t.txHash)).to.deep.equal(chain.filter((t) => t.blockNumber <= 100).map((t) => t.txHash));
    expect([...(await store.chainData.missingRanges('local', all.map((w) => w.address), { fromBlock: 1, toBlock: 100 })).values()].flat()).to.deep.equal([]);
  });

  it('reads the next slice from the source while the last one is written, one read ahead at most', async () => {
    const source = recordingSource(chain);
    const events: string[] = [];
    let reading = 0;
    let maxReading = 0;
    const transfers = source.transfers.bind(source);
    source.transfers = async (query) => {
      const n = source.queries.length;
      events.push(`read ${n}`);
      maxReading = Math.max(maxReading, ++reading);
      await new Promise((resolve) => setTimeout(resolve, 5));
      reading--;
      return transfers(query);
    };
    let n = 0;
    const writing: Store = {
      ...store,
      chainData: {
        ...store.chainData,
        async insertTransfers(list) {
          const k = n++;
          events.push(`write ${k}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
          const stored = await store.chainData.insertTransfers(list);
          events.push(`written ${k}`);
          return stored;
        },
      },
    };
    const data = createChainData(writing, source, { readSlice: { addresses: 1, wholeRangeBlocks: 10 } });
    // Blocks the tests above left unread.
    const windows = all.slice(0, 3).map((w) => ({ ...w, fromBlock: 111 }));
    const { calls } = await data.ensureHistory(windows, 140);
    expect(calls).to.equal(3);
    // Slice k+1 is read while slice k is written, never two reads at once, never two ahead.
    expect(events).to.deep.equal(['read 0', 'read 1', 'write 0', 'written 0', 'read 2', 'write 1', 'written 1', 'write 2', 'written 2']);
    expect(maxReading).to.equal(1);
    const set = new Set(windows.map((w) => w.address));
    const stored = await data.transfersOf([...set], { fromBlock: 111, toBlock: 140 });
    expect(stored.map((t) => t.txHash)).to.deep.equal(chain.filter((t) => t.blockNumber >= 111 && t.blockNumber <= 140 && (set.has(t.from) || set.has(t.to!))).map((t) => t.txHash));
  });

  it('reads a range no longer than readSlice.wholeRangeBlocks in one go (the source may read such a range whole)', async () => {
    const source = recordingSource(chain);
    const data = createChainData(store, source, { readSlice: { addresses: 1, wholeRangeBlocks: 10 } });
    await data.ensureHistory(all, 110);
    expect(source.queries.map((q) => [q.addresses.length, q.fromBlock, q.toBlock])).to.deep.equal([[4, 101, 110]]);
  });
});

/** A source that reads histories as trace_filter does: every transaction's fee left pending, read by `fees`. */
function lazyFeeSource(transfers: Transfer[]) {
  const base = recordingSource(transfers);
  const feeReads: PendingFee[][] = [];
  const feeOf = (p: PendingFee): Transfer => ({
    chain: 'local', txHash: p.txHash, blockNumber: p.blockNumber, blockHash: hex(p.blockNumber, 64), timestamp: 1_700_000_000 + p.blockNumber,
    txIndex: p.txIndex, ref: 'fee', seq: SEQ_FEE, kind: 'fee', asset: 'ETH', from: p.sender, to: null, amount: 21_000n * BigInt(p.blockNumber),
  });
  const source: ChainSource & { queries: TransferQuery[]; feeReads: PendingFee[][] } = {
    ...base,
    feeReads,
    async histories(query) {
      const read = await base.transfers(query);
      const sent = new Set(query.addresses);
      const pendingFees = read.filter((t) => sent.has(t.from)).map((t) => ({ txHash: t.txHash, blockNumber: t.blockNumber, txIndex: t.txIndex, sender: t.from }));
      return { transfers: read, reachedTo: new Map(), pendingFees };
    },
    async fees(pending) {
      feeReads.push([...pending]);
      return pending.map(feeOf);
    },
  };
  return { source, feeOf };
}

describe('chain data: fees read only where asked (pending fees)', () => {
  let store: Store;
  useTestStore('pglite', (s) => (store = s));
  const chain = chainOf();

  it('stores a history without its fees, reads a wallet\'s fees in its window once, and counts a pending fee as activity', async () => {
    const { source, feeOf } = lazyFeeSource(chain);
    const data = createChainData(store, source);
    await data.ensureHistory([{ address: wallet(0), fromBlock: 1 }, { address: wallet(1), fromBlock: 1 }], 100);
    expect(source.feeReads).to.have.length(0);
    const stored = await data.transfersOf([wallet(0), wallet(1)], { fromBlock: 1, toBlock: 100 });
    expect(stored.some((t) => t.kind === 'fee')).to.equal(false);
    // A pending fee is news to the re-trace: the wallet sent a transaction (and paid for it).
    const idle = wallet(9);
    expect((await store.chainData.lastActivity('local', [idle], 110, 130)).has(idle)).to.equal(false);
    await store.chainData.addPendingFees('local', [{ txHash: hex(9_999, 64), blockNumber: 120, txIndex: 0, sender: idle }]);
    expect((await store.chainData.lastActivity('local', [idle], 110, 130)).get(idle)).to.equal(120);

    const got = await data.ensureFees([{ address: wallet(0), fromBlock: 40 }], 100);
    expect([...got]).to.deep.equal([wallet(0)]);
    const sent = chain.filter((t) => t.from === wallet(0) && t.blockNumber >= 40 && t.blockNumber <= 100);
    expect(source.feeReads.flat().map((p) => p.txHash)).to.deep.equal(sent.map((t) => t.txHash));
    const fees = (await data.transfersOf([wallet(0)], { fromBlock: 1, toBlock: 100 })).filter((t) => t.kind === 'fee');
    expect(fees).to.deep.equal(sent.map((t) => feeOf({ txHash: t.txHash, blockNumber: t.blockNumber, txIndex: t.txIndex, sender: t.from })));
    // Read once: asking again costs nothing; wallet(1)'s fees are still pending.
    expect((await data.ensureFees([{ address: wallet(0), fromBlock: 40 }], 100)).size).to.equal(0);
    expect(source.feeReads).to.have.length(1);
    expect((await store.chainData.pendingFeesOf('local', [{ address: wallet(1), fromBlock: 1 }], 100)).length).to.equal(100);

    // A history read again (another case, a wider window) does not make a stored fee pending again.
    await store.chainData.addPendingFees('local', sent.map((t) => ({ txHash: t.txHash, blockNumber: t.blockNumber, txIndex: t.txIndex, sender: t.from })));
    expect(await store.chainData.pendingFeesOf('local', [{ address: wallet(0), fromBlock: 40 }], 100)).to.deep.equal([]);
  });
});

describe('chain data: a hop of 130,000 wallets (server Postgres)', () => {
  let store: Store;
  useTestStore('pg', (s) => (store = s));

  it('takes a hop of 130,000 wallets in one query (their earliest window found without a 130,000-argument call)', async () => {
    const source = recordingSource(chainOf());
    const data = createChainData(store, source);
    const windows = Array.from({ length: 130_000 }, (_, i) => ({ address: hex(0xb00000 + i, 40), fromBlock: 50 + (i % 7) }));
    await data.ensureHistory(windows, 60);
    expect(source.queries.map((q) => [q.addresses.length, q.fromBlock, q.toBlock])).to.deep.equal([[130_000, 50, 60]]);
  });
});
