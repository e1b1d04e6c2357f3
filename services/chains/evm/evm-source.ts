// The ChainSource for every EVM chain: token transfers from eth_getLogs, native transfers and
// fees from trace_filter or a block scan, internal transfers where the node can trace.
import { compareChainOrder, transferId, type Transfer } from '../../domain/types';
import { loopTurns, runSteps, runStepsSliced, sortSteps, STEP, type Steps } from '../../domain/taint/steps';
import { InvalidInputError, NotFoundError, RetryableError, TraceholdError } from '../../errors';
import { RpcResponseError } from '../rpc/errors';
import { createRpcClient, type RpcClientStats } from '../rpc/client';
import { answerSizes } from '../rpc/sized-batch';
import type { BalanceQuery, ChainSource, ChainTip, HistoryRead, PendingFee, SeedTransaction, TransferQuery } from '../source';
import { addressTopic, normalizeEvmAddress } from './address';
import { readerBalances, readerState, type ReaderState } from './balance-reader';
import { checkBlock, createBlockStore, type BlockHeader, type BlockStoreStats } from './block-store';
import { findRecentTransaction, INTERNAL_NOTES, probeCallTracer, probeCapabilities, probeTraceUnion, type EvmCapabilities, type TracerVerdict } from './capabilities';
import { asCallFrame, internalCallsFromFrame, parityOrder, parityValueMove } from './internal-calls';
import { scanNative } from './native-scan';
import { Lru } from './lru';
import { hexToBigInt, hexToNumber, toHex, type CallFrame, type ParityTrace, type RpcBlock, type RpcLog, type RpcReceipt, type RpcTransaction } from './rpc-types';
import { feeTransfers, traceFilterHistory } from './trace-filter-scan';
import { feeTransfer, internalTransfer, logNames, tokenTransfer, valueTransfer } from './to-transfers';
import { createLogFetcher } from './token-logs';
import { BALANCES_PER_CALL, multicallBalances, type MulticallBalanceQuery, type MulticallLimits } from './multicall';
import { cachedTokenInfo, type TokenInfo } from './token-info';
import { readAccountFacts } from './account-facts';

export interface EvmSourceOptions {
  chain: string;
  rpcUrl: string;
  nativeAsset: string;
  confirmations: number;
  /**
   * Which blocks count as settled: the tip minus `confirmations`, or the node's `finalized`
   * block (L2s, BSC, Polygon), falling back to confirmations where the node lacks the tag.
   */
  finality?: 'confirmations' | 'finalized';
  /** The chain id the endpoint must serve; checked once before any data is read. */
  chainId?: number;
  /** Lower-case token contracts to follow; unset or empty = every fungible token. */
  tokens?: string[];
  maxConcurrency?: number;
  batchSize?: number;
  /** Blocks per eth_getLogs (and trace_filter) call; shrinks when the provider refuses. */
  maxLogRange?: number;
  addressesPerLogCall?: number;
  /** See LogFetcherOptions.denseMaxBlocks. */
  denseLogMaxBlocks?: number;
  /** See LogFetcherOptions.maxReplyBytes (receipts, full blocks and trace_filter too); default 8 MiB. */
  maxLogReplyBytes?: number;
  requestTimeoutMs?: number;
  retries?: number;
  /** Blocks kept in the shared in-memory cache. */
  blockCacheSize?: number;
  /**
   * What the node is known to serve, instead of probing it (a node whose method set is
   * documented, like java-tron's): no call to a method it lacks.
   */
  knownCapabilities?: { blockReceipts: boolean; historicalBalances: boolean; callTracer: false; reason: string };
  /** Multicall3 on this chain and the block it was deployed in: balances in one call per thousand. */
  multicall3?: { address: string; sinceBlock: number };
  /**
   * Balances through a reader placed by eth_call's state override (see balance-reader.ts),
   * before Multicall3; default true. A node found to ignore or refuse overrides is not asked again.
   */
  stateOverrideBalances?: boolean;
}

export interface EvmSourceStats extends RpcClientStats {
  blockCache: BlockStoreStats;
  /** Blocks per eth_getLogs call after any shrinking. */
  logRange: number;
}

export interface EvmSource extends ChainSource {
  readonly kind: 'evm';
  capabilities(): Promise<EvmCapabilities>;
  stats(): EvmSourceStats;
}

const TX_HASH = /^0x[0-9a-fA-F]{64}$/;
const BALANCE_OF = '0x70a08231';

export function createEvmSource(options: EvmSourceOptions): EvmSource {
  const confirmations = Math.max(0, Math.floor(options.confirmations));
  const rpc = createRpcClient({
    url: options.rpcUrl,
    maxConcurrency: options.maxConcurrency ?? 8,
    batchSize: options.batchSize ?? 100,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    retries: options.retries ?? 5,
    metricsLabel: options.chain,
  });
  const maxReplyBytes = options.maxLogReplyBytes ?? 8 * 1024 * 1024;
  const blocks = createBlockStore(rpc, options.blockCacheSize ?? 4096, maxReplyBytes);
  // Confirmed transactions' call traces never change: each is traced once per process.
  const frames = new Lru<string, CallFrame>((options.blockCacheSize ?? 4096) * 16);
  const settledTxs = new Lru<string, SeedTransaction>(1024);
  const maxLogRange = options.maxLogRange ?? 2000;
  const addressesPerLogCall = options.addressesPerLogCall ?? 200;
  const logs = createLogFetcher(rpc, { maxLogRange, addressesPerLogCall, denseMaxBlocks: options.denseLogMaxBlocks ?? 0, maxReplyBytes });
  const followed = options.tokens && options.tokens.length > 0 ? options.tokens.map((t) => normalizeEvmAddress(t)) : undefined;
  const nativeAsset = options.nativeAsset;
  let basePromise: ReturnType<typeof probeCapabilities> | undefined;
  /** Settled on the first real transaction traced; never on an empty chain or a made-up hash. */
  const known = options.knownCapabilities;
  let tracer: TracerVerdict | undefined = known ? { available: false, reason: known.reason } : undefined;

  const baseCapabilities = (): ReturnType<typeof probeCapabilities> => {
    if (known) return Promise.resolve({ nativeTransfers: 'block-scan', blockReceipts: known.blockReceipts, historicalBalances: known.historicalBalances, notes: [] });
    basePromise ??= probeCapabilities(rpc).catch((error: unknown) => {
      basePromise = undefined; // a transient failure must not stick
      throw error;
    });
    return basePromise;
  };

  async function callTracer(sampleTxHash: string): Promise<boolean> {
    tracer ??= await probeCallTracer(rpc, sampleTxHash);
    return tracer.available;
  }

  async function capabilities(): Promise<EvmCapabilities> {
    const base = await baseCapabilities();
    if (base.nativeTransfers === 'trace_filter') return { ...base, internalTransfers: 'trace_filter', notes: [...base.notes] };
    if (!tracer) {
      const recent = await findRecentTransaction(rpc, await latestBlock());
      if (recent) await callTracer(recent);
    }
    const notes = [...base.notes];
    if (!tracer) notes.push(INTERNAL_NOTES.unprobed);
    else if (!tracer.available) notes.push(INTERNAL_NOTES.none(tracer.reason));
    return { ...base, internalTransfers: tracer?.available ? 'callTracer' : 'none', notes };
  }

  async function latestBlock(): Promise<number> {
    return hexToNumber(await rpc.request<string>('eth_blockNumber'));
  }

  let chainIdChecked: Promise<void> | undefined;
  /** An endpoint for another chain would file its blocks under this chain's name: refuse it. */
  function checkChainId(): Promise<void> {
    if (options.chainId === undefined) return Promise.resolve();
    chainIdChecked ??= rpc.request<string>('eth_chainId').then(
      (served) => {
        if (hexToNumber(served) !== options.chainId) {
          throw new TraceholdError(`the ${options.chain} endpoint serves chain id ${hexToNumber(served)}, but ${options.chain} is chain id ${options.chainId}`);
        }
      },
      (error: unknown) => {
        chainIdChecked = undefined;
        throw error;
      },
    );
    return chainIdChecked;
  }

  /** The highest block seen settled so far: a block once settled stays settled. */
  let knownSettled = -1;
  /** Balances per aggregate3 call, lowered for the source's life when the node refuses as many (see multicallBalances). */
  const multicallLimits: MulticallLimits = { perCall: BALANCES_PER_CALL };
  /** Whether the node takes the balance reader's state override, and how many reads fit a call. */
  const reader: ReaderState = { ...readerState(), ...(options.stateOverrideBalances === false ? { supported: false } : {}) };

  /** A look at the settled block under way: concurrent asks share it. */
  let settling: Promise<number> | undefined;

  /** The highest settled block: finalized where configured and served, else latest − confirmations. */
  async function settledBlock(): Promise<number> {
    settling ??= readSettledBlock().finally(() => (settling = undefined));
    const number = await settling;
    knownSettled = Math.max(knownSettled, number);
    return number;
  }

  async function readSettledBlock(): Promise<number> {
    await checkChainId();
    if (options.finality === 'finalized') {
      try {
        const block = await rpc.request<RpcBlock | null>('eth_getBlockByNumber', ['finalized', false]);
        if (block) return hexToNumber(block.number);
      } catch (error) {
        if (!(error instanceof RpcResponseError)) throw error;
      }
    }
    return Math.max(0, (await latestBlock()) - confirmations);
  }

  /** `block` is settled: known without a call when an earlier look saw the chain past it. */
  async function isSettled(block: number): Promise<boolean> {
    return block <= knownSettled || block <= (await settledBlock());
  }

  async function tip(): Promise<ChainTip> {
    const number = await settledBlock();
    const block = await rpc.request<RpcBlock | null>('eth_getBlockByNumber', [toHex(number), false]);
    if (!block) throw new NotFoundError(`block ${number} not found on ${options.chain}`);
    checkBlock(block, number);
    return { number, hash: block.hash.toLowerCase() };
  }

  async function blockHash(number: number): Promise<string | null> {
    const block = await rpc.request<RpcBlock | null>('eth_getBlockByNumber', [toHex(number), false]);
    if (!block) return null;
    checkBlock(block, number);
    return block.hash.toLowerCase();
  }

  /** Which assets a query keeps: native on/off, and the token contracts (undefined = all). */
  function assetScope(assets: string[] | undefined): { native: boolean; tokens: string[] | undefined } {
    if (assets === undefined) return { native: true, tokens: followed };
    const native = assets.some((a) => a.toUpperCase() === nativeAsset.toUpperCase());
    const asked = assets.filter((a) => a.toUpperCase() !== nativeAsset.toUpperCase()).map((a) => normalizeEvmAddress(a));
    const tokens = followed ? asked.filter((t) => followed.includes(t)) : asked;
    return { native, tokens };
  }

  async function transfers(query: TransferQuery): Promise<Transfer[]> {
    return withFees(await readTransfers(query, false));
  }

  /** A read's transfers with its pending fees read (sorted in as one read gives them). */
  async function withFees(read: HistoryRead): Promise<Transfer[]> {
    if (read.pendingFees.length === 0) return read.transfers;
    return runStepsSliced(sortUniqueSteps([...read.transfers, ...(await fees(read.pendingFees))]));
  }

  async function fees(pending: readonly PendingFee[]): Promise<Transfer[]> {
    const caps = await baseCapabilities();
    return feeTransfers({ chain: options.chain, nativeAsset, rpc, blocks, blockReceipts: caps.blockReceipts }, pending);
  }

  /**
   * Token logs and native transfers of the query. `bounded`: an address whose token logs or
   * traces are too large for one answer is read only part way (reachedTo, the lower of the
   * two reaches; see LogFetcher.fetchBounded and traceFilterHistory). Block scans (nodes
   * without trace_filter) read native transfers whole. The fees of what the addresses sent
   * are left pending (trace_filter and block scans alike).
   */
  async function readTransfers(query: TransferQuery, bounded: boolean): Promise<HistoryRead> {
    const reachedTo = new Map<string, number>();
    if (!Number.isInteger(query.fromBlock) || !Number.isInteger(query.toBlock) || query.fromBlock < 0) {
      throw new InvalidInputError(`bad block range ${query.fromBlock}..${query.toBlock}`);
    }
    const addresses = [...new Set(query.addresses.map((a) => normalizeEvmAddress(a)))];
    const scope = assetScope(query.assets);
    if (addresses.length === 0) return { transfers: [], reachedTo, pendingFees: [] };
    // A run's steps ask for blocks up to the block it pinned, settled when pinned: no call.
    const toBlock = query.toBlock <= knownSettled ? query.toBlock : Math.min(query.toBlock, await settledBlock());
    if (query.fromBlock > toBlock) return { transfers: [], reachedTo, pendingFees: [] };
    const range = { fromBlock: query.fromBlock, toBlock };

    const tokenRead = scope.tokens && scope.tokens.length === 0
      ? Promise.resolve([])
      : tokenTransfersOf(addresses, query.direction, range, scope.tokens, bounded ? reachedTo : undefined);
    // The token logs state their blocks' headers (most nodes): the native read takes them from there.
    // Its own reach map: the token read notes its reaches while the traces are read.
    const nativeReach = bounded ? new Map<string, number>() : undefined;
    const [tokenTransfers, native] = await Promise.all([
      tokenRead,
      scope.native ? nativeTransfersOf(new Set(addresses), query.direction, range, tokenRead, nativeReach) : { transfers: [], pendingFees: [] },
    ]);
    for (const [address, block] of nativeReach ?? []) reachedTo.set(address, Math.min(reachedTo.get(address) ?? Infinity, block));
    // A hop's logs are hundreds of thousands at scale: sorted in time slices, not in one go.
    return { transfers: await runStepsSliced(sortUniqueSteps([...tokenTransfers, ...native.transfers])), reachedTo, pendingFees: native.pendingFees };
  }

  async function tokenTransfersOf(
    addresses: string[],
    direction: TransferQuery['direction'],
    range: { fromBlock: number; toBlock: number },
    tokens: string[] | undefined,
    reachedTo?: Map<string, number>,
  ): Promise<Transfer[]> {
    const query = { addresses, direction, ...range, tokens };
    let raw: RpcLog[];
    if (reachedTo) {
      const read = await logs.fetchBounded(query);
      raw = read.logs;
      for (const [address, block] of read.reachedTo) reachedTo.set(address, block);
    } else raw = await logs.fetch(query);
    if (raw.length === 0) return [];
    // A node that states each log's block timestamp (geth ≥ 1.15, anvil, reth) saves a header
    // read per block; the others are read, in one batch. The loop gives the event loop turns
    // (with the transfers made from the logs, it was part of a 137 ms block in a profiled 100k run).
    const headerOf = new Map<number, BlockHeader>();
    const unstated = new Set<number>();
    const turns = loopTurns();
    for (const log of raw) {
      if (turns.due()) await turns.give();
      const n = hexToNumber(log.blockNumber);
      if (headerOf.has(n)) continue;
      const header = headerFromLog(log, n);
      if (header) headerOf.set(n, header);
      else unstated.add(n);
    }
    blocks.noteHeaders(headerOf.values());
    const unread = [...unstated].filter((n) => !headerOf.has(n));
    for (const h of await blocks.headers(unread)) headerOf.set(h.number, h);
    return runStepsSliced(tokenTransferSteps(options.chain, raw, headerOf));
  }

  const traceReplySizes = answerSizes();
  const traceRange: { blocks?: number } = {};
  /** trace_filter's union mode, probed once on a range with a call in it (false until then). */
  let unionVerdict: Promise<boolean | undefined> | undefined;
  async function traceUnion(range: { fromBlock: number; toBlock: number }): Promise<boolean> {
    unionVerdict ??= probeTraceUnion(rpc, range);
    const verdict = await unionVerdict.catch(() => undefined);
    if (verdict === undefined) unionVerdict = undefined; // nothing to try it on, or a transient failure: the next range decides
    return verdict ?? false;
  }

  async function nativeTransfersOf(
    addresses: Set<string>,
    direction: TransferQuery['direction'],
    range: { fromBlock: number; toBlock: number },
    headersAfter: Promise<unknown>,
    reachedTo?: Map<string, number>,
  ): Promise<{ transfers: Transfer[]; pendingFees: PendingFee[] }> {
    const caps = await baseCapabilities();
    const query = { addresses, direction, ...range };
    if (caps.nativeTransfers === 'trace_filter') {
      return traceFilterHistory({
        chain: options.chain, nativeAsset, rpc, blocks, blockReceipts: caps.blockReceipts, maxRange: maxLogRange, addressesPerCall: addressesPerLogCall,
        denseMaxBlocks: options.denseLogMaxBlocks ?? 0, maxReplyBytes, replySizes: traceReplySizes, rangeLimit: traceRange, headersAfter, union: () => traceUnion(range),
      }, query, reachedTo);
    }
    return scanNative({ chain: options.chain, nativeAsset, rpc, blocks, blockReceipts: caps.blockReceipts, callTracer, frames }, query);
  }

  async function transaction(txHash: string): Promise<SeedTransaction> {
    if (typeof txHash !== 'string' || !TX_HASH.test(txHash)) throw new InvalidInputError(`not a transaction hash: ${JSON.stringify(String(txHash).slice(0, 80))}`);
    const hash = txHash.toLowerCase();
    // A settled transaction never changes: the check when a case is opened and its first
    // step read it once.
    const cached = settledTxs.get(hash);
    if (cached) return cached;
    const read = await readTransaction(hash);
    settledTxs.set(hash, read);
    return read;
  }

  async function readTransaction(hash: string): Promise<SeedTransaction> {
    const [tx, receipt] = await rpc.batchResults<unknown>([
      { method: 'eth_getTransactionByHash', params: [hash] },
      { method: 'eth_getTransactionReceipt', params: [hash] },
    ]) as [RpcTransaction | null, RpcReceipt | null];
    if (!tx || !receipt || tx.blockNumber === null) throw new NotFoundError(`transaction ${hash} not found on ${options.chain}`);
    const blockNumber = hexToNumber(receipt.blockNumber);
    if (!(await isSettled(blockNumber))) {
      const rule = options.finality === 'finalized' ? 'a finalized block' : `${confirmations} confirmations`;
      throw new NotFoundError(`transaction ${hash} is not confirmed yet (${rule} required)`);
    }
    const [header] = await blocks.headers([blockNumber]);
    const ctx = { chain: options.chain, nativeAsset, header: header!, txHash: hash, txIndex: hexToNumber(receipt.transactionIndex) };
    const out: Transfer[] = [];
    const fee = feeTransfer(ctx, tx, receipt);
    if (fee) out.push(fee);
    const value = valueTransfer(ctx, tx, receipt);
    if (value) out.push(value);
    out.push(...(await internalOf(ctx, receipt)));
    for (const log of receipt.logs) {
      const t = tokenTransfer(options.chain, header!, log);
      if (t && (!followed || followed.includes(t.asset))) out.push(t);
    }
    return { txHash: hash, blockNumber, transfers: runSteps(sortUniqueSteps(out)) };
  }

  async function internalOf(ctx: Parameters<typeof internalTransfer>[0], receipt: RpcReceipt): Promise<Transfer[]> {
    const caps = await baseCapabilities();
    if (caps.nativeTransfers === 'block-scan') {
      if (!(await callTracer(ctx.txHash))) return [];
      const frame = frames.get(ctx.txHash) ?? asCallFrame(await rpc.request<unknown>('debug_traceTransaction', [ctx.txHash, { tracer: 'callTracer' }]));
      if (!frame) throw new RetryableError(`debug_traceTransaction answered without a call trace for ${ctx.txHash}`);
      frames.set(ctx.txHash, frame);
      return internalCallsFromFrame(frame).map((c) => internalTransfer(ctx, c));
    }
    if (receipt.status !== '0x0') {
      const tree = await rpc.request<ParityTrace[]>('trace_transaction', [ctx.txHash]);
      const order = parityOrder(tree);
      const failed = tree.filter((t) => t.error !== undefined).map((t) => t.traceAddress);
      return tree.flatMap((t) => {
        if (t.traceAddress.length === 0) return [];
        if (failed.some((f) => f.length <= t.traceAddress.length && f.every((x, k) => t.traceAddress[k] === x))) return [];
        const move = parityValueMove(t);
        return move ? [internalTransfer(ctx, { path: t.traceAddress, order: order.get(t.traceAddress.join('.')) ?? 0, ...move })] : [];
      });
    }
    return [];
  }

  async function balances(queries: BalanceQuery[], blockNumber: number): Promise<bigint[]> {
    if (!Number.isInteger(blockNumber) || blockNumber < 0) throw new InvalidInputError(`bad block number ${blockNumber}`);
    const tag = toHex(blockNumber);
    // Multicall3 where it is deployed at the block: the reader's fallback.
    const multicall = options.multicall3 && blockNumber >= options.multicall3.sinceBlock ? normalizeEvmAddress(options.multicall3.address) : undefined;
    const amounts = new Array<bigint | undefined>(queries.length).fill(undefined);
    if (queries.length > 1 && (reader.supported !== false || multicall)) {
      // ~90,000 balances at the bench's 100k: the checks give the event loop turns.
      const asked: MulticallBalanceQuery[] = [];
      const turns = loopTurns();
      for (const q of queries) {
        if (turns.due()) await turns.give();
        asked.push({ address: normalizeEvmAddress(q.address), token: q.asset.toUpperCase() === nativeAsset.toUpperCase() ? null : normalizeEvmAddress(q.asset) });
      }
      // The reader first; what it could not give (all, on a node without state overrides)
      // through Multicall3; what is still missing, one by one below.
      const read = await readerBalances(rpc, asked, tag, reader);
      if (read) read.forEach((amount, i) => (amounts[i] = amount));
      const notByReader = holes(amounts);
      if (notByReader.length > 0 && multicall) {
        const viaMulticall = await multicallBalances(rpc, multicall, notByReader.map((i) => asked[i]!), tag, multicallLimits);
        if (viaMulticall) notByReader.forEach((i, k) => (amounts[i] = viaMulticall[k]));
      }
    }
    const missing = holes(amounts);
    const calls = missing.map((i) => {
      const q = queries[i]!;
      const address = normalizeEvmAddress(q.address);
      if (q.asset.toUpperCase() === nativeAsset.toUpperCase()) return { method: 'eth_getBalance', params: [address, tag] };
      const token = normalizeEvmAddress(q.asset);
      return { method: 'eth_call', params: [{ to: token, data: `${BALANCE_OF}${addressTopic(address).slice(2)}` }, tag] };
    });
    const results = calls.length > 0 ? await rpc.batchResults<string>(calls) : [];
    // A token address without code answers 0x: it holds nothing we could trace.
    missing.forEach((i, k) => (amounts[i] = hexToBigInt(results[k] === '0x' ? '0x0' : results[k]!.slice(0, 66))));
    return amounts as bigint[];
  }

  // A token's symbol and decimals at any settled block: the highest known one, no call for it.
  const tokenInfo = cachedTokenInfo((to, data) => callView(to, data, knownSettled >= 0 ? knownSettled : undefined));
  function assetInfo(asset: string): Promise<TokenInfo | null> {
    if (asset.toUpperCase() === nativeAsset.toUpperCase()) return Promise.resolve({ symbol: nativeAsset, decimals: 18 });
    return tokenInfo(normalizeEvmAddress(asset));
  }

  async function callView(to: string, data: string, blockNumber?: number): Promise<string> {
    if (!/^0x([0-9a-fA-F]{2})*$/.test(data)) throw new InvalidInputError('call data must be 0x-hex bytes');
    // No block: the chain as it is now, settled (an issuer's freeze is checked this way).
    const tag = toHex(blockNumber ?? (await settledBlock()));
    return rpc.request<string>('eth_call', [{ to: normalizeEvmAddress(to), data }, tag]);
  }

  return {
    chain: options.chain,
    kind: 'evm',
    nativeAsset,
    capabilities,
    tip,
    blockHash,
    transfers,
    histories: (query, { bounded }) => readTransfers(query, bounded),
    fees,
    accountFacts: (queries, toBlock) => readAccountFacts(rpc, queries.map((q) => ({ address: normalizeEvmAddress(q.address), fromBlock: q.fromBlock })), toBlock),
    transaction,
    balances,
    callView,
    assetInfo,
    normalizeAddress: normalizeEvmAddress,
    stats: () => ({ ...rpc.stats(), blockCache: blocks.stats(), logRange: logs.currentRange() }),
    close: () => rpc.close(),
  };
}

/** Positions of the balances not read yet. */
function holes(amounts: ReadonlyArray<bigint | undefined>): number[] {
  const out: number[] = [];
  for (let i = 0; i < amounts.length; i++) if (amounts[i] === undefined) out.push(i);
  return out;
}

/** The header a log states (number, hash, timestamp), or null when it lacks a well-formed timestamp or hash. */
export function headerFromLog(log: Pick<RpcLog, 'blockHash' | 'blockTimestamp'>, number: number): BlockHeader | null {
  if (typeof log.blockTimestamp !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(log.blockTimestamp)) return null;
  if (typeof log.blockHash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(log.blockHash)) return null;
  return { number, hash: log.blockHash.toLowerCase(), timestamp: hexToNumber(log.blockTimestamp) };
}

/** Each transfer once (the last of equal ids, at the first one's place), in chain order; in steps. */
function* sortUniqueSteps(transfers: Transfer[]): Steps<Transfer[]> {
  const seen = new Map<string, Transfer>();
  for (let i = 0; i < transfers.length; i++) {
    const t = transfers[i]!;
    seen.set(transferId(t), t);
    if (i % STEP === STEP - 1) yield;
  }
  const unique = [...seen.values()];
  const order = yield* sortSteps(Int32Array.from(unique.keys()), (a, b) => compareChainOrder(unique[a]!, unique[b]!) || unique[a]!.ref.localeCompare(unique[b]!.ref));
  return Array.from(order, (i) => unique[i]!);
}

/** Token logs as transfers (ERC-721 and odd logs dropped), in steps. */
function* tokenTransferSteps(chain: string, logs: RpcLog[], headerOf: Map<number, BlockHeader>): Steps<Transfer[]> {
  const out: Transfer[] = [];
  const names = logNames();
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i]!;
    const t = tokenTransfer(chain, headerOf.get(hexToNumber(log.blockNumber))!, log, names);
    if (t) out.push(t);
    if (i % STEP === STEP - 1) yield;
  }
  return out;
}
