// The ChainSource for Tron: TRX and TRC-20 from a java-tron full node. Blocks, logs and
// receipts come from its Ethereum-style JSON-RPC (<base>/jsonrpc), read by the EVM adapter's
// own code; this adapter speaks `T…` addresses and 0x-less transaction ids outside, 0x-hex to
// the node, takes solidified blocks only (head − confirmations, from /wallet/getnowblock), and
// makes contract calls through /wallet/triggerconstantcontract. java-tron answers eth_call and
// eth_getBalance only at `latest`, so a past balance is today's balance minus what moved since.
import type { Address, Asset, Transfer } from '../../domain/types';
import { InvalidInputError, NotFoundError, RetryableError, TraceholdError } from '../../errors';
// The node speaks Ethereum JSON-RPC: the EVM adapter reads it, rather than a second copy of that code.
import { createEvmSource } from '../evm';
import { postJson } from '../rpc/http-post';
import { cachedTokenInfo, type TokenInfo } from '../evm/token-info';
import type { BalanceQuery, ChainCapabilities, ChainSource, ChainTip, SeedTransaction, SourceStats, TransferQuery } from '../source';
import { normalizeTronAddress, toTronAddress, tronTo41Hex, tronToHex } from './address';
import { createWalletApi } from './wallet-api';
import { restErrorKind, rpcCalls, rpcErrors } from '../../metrics';

export interface TronSourceOptions {
  chain: string;
  /** Base URL serving /jsonrpc and /wallet/*. */
  rpcUrl: string;
  nativeAsset: string;
  /** Blocks behind the head a block is solidified (19 of 27 super representatives). */
  confirmations: number;
  /** TRC-20 contracts (`T…`) with their symbol and decimals; unset: every token. */
  tokens?: Array<{ address: string; symbol: string; decimals: number }>;
  followListedOnly?: boolean;
  maxConcurrency?: number;
  batchSize?: number;
  requestTimeoutMs?: number;
  retries?: number;
}

/** java-tron's limits on eth_getLogs. */
const MAX_LOG_BLOCKS = 5000;
const MAX_LOG_ADDRESSES = 1000;
const TRX_DECIMALS = 6;
const BALANCE_OF = '0x70a08231';
const TX_ID = /^(0x)?[0-9a-fA-F]{64}$/;

export interface TronSource extends ChainSource {
  readonly kind: 'tron';
}

export function createTronSource(options: TronSourceOptions): TronSource {
  const base = options.rpcUrl.replace(/\/+$/, '');
  const confirmations = Math.max(0, Math.floor(options.confirmations));
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const wallet = createWalletApi(base, timeoutMs, options.chain);
  const nativeAsset = options.nativeAsset;
  const listed = options.tokens ?? [];
  // The EVM adapter over the node's JSON-RPC, on 0x-hex, with no settling of its own: the head
  // is what it sees; this adapter cuts every range at the solidified block itself.
  const evm = createEvmSource({
    chain: options.chain,
    rpcUrl: `${base}/jsonrpc`,
    nativeAsset,
    confirmations: 0,
    tokens: options.followListedOnly ? listed.map((t) => tronToHex(t.address)) : undefined,
    maxConcurrency: options.maxConcurrency,
    batchSize: options.batchSize,
    maxLogRange: MAX_LOG_BLOCKS,
    addressesPerLogCall: MAX_LOG_ADDRESSES,
    requestTimeoutMs: timeoutMs,
    retries: options.retries,
    knownCapabilities: { blockReceipts: true, historicalBalances: false, callTracer: false, reason: 'java-tron serves no trace_* or debug_* methods' },
  });

  const isNative = (asset: Asset) => asset.toUpperCase() === nativeAsset.toUpperCase();
  const assetIn = (asset: Asset) => (isNative(asset) ? nativeAsset : tronToHex(normalizeTronAddress(asset)));
  const assetOut = (asset: Asset) => (isNative(asset) ? nativeAsset : toTronAddress(asset));
  const txOut = (hash: string) => hash.replace(/^0x/, '').toLowerCase();
  const transferOut = (t: Transfer): Transfer => ({
    ...t,
    txHash: txOut(t.txHash),
    from: toTronAddress(t.from),
    to: t.to === null ? null : toTronAddress(t.to),
    asset: assetOut(t.asset),
  });

  async function solidified(): Promise<number> {
    return Math.max(0, (await wallet.nowBlock()).number - confirmations);
  }

  async function tip(): Promise<ChainTip> {
    const number = await solidified();
    const hash = await evm.blockHash!(number);
    if (hash === null) throw new NotFoundError(`block ${number} not found on ${options.chain}`);
    return { number, hash };
  }

  async function transfers(query: TransferQuery): Promise<Transfer[]> {
    const toBlock = Math.min(query.toBlock, await solidified());
    if (query.fromBlock > toBlock) return [];
    const found = await evm.transfers({
      ...query,
      toBlock,
      addresses: query.addresses.map((a) => tronToHex(normalizeTronAddress(a))),
      assets: query.assets?.map(assetIn),
    });
    return found.map(transferOut);
  }

  async function transaction(txId: string): Promise<SeedTransaction> {
    if (typeof txId !== 'string' || !TX_ID.test(txId)) throw new InvalidInputError(`not a tron transaction id (64 hex digits): ${JSON.stringify(String(txId).slice(0, 80))}`);
    const seed = await evm.transaction(`0x${txOut(txId)}`);
    if (seed.blockNumber > (await solidified())) throw new NotFoundError(`transaction ${txOut(txId)} is not solidified yet (${confirmations} blocks)`);
    return { txHash: txOut(seed.txHash), blockNumber: seed.blockNumber, transfers: seed.transfers.map(transferOut) };
  }

  /** Balances now, read between two identical head blocks so they belong to that block. */
  async function balancesAtHead(queries: BalanceQuery[]): Promise<{ head: number; amounts: bigint[] }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await wallet.nowBlock();
      const amounts: bigint[] = [];
      for (const q of queries) {
        const hex = tronToHex(normalizeTronAddress(q.address));
        if (isNative(q.asset)) {
          amounts.push(BigInt(await evmRpc('eth_getBalance', [hex, 'latest'])));
        } else {
          const answer = await wallet.triggerConstant(tronTo41Hex(normalizeTronAddress(q.asset)), `${BALANCE_OF}${hex.slice(2).padStart(64, '0')}`);
          amounts.push(answer.length >= 66 ? BigInt(answer.slice(0, 66)) : 0n);
        }
      }
      const after = await wallet.nowBlock();
      if (after.number === before.number) return { head: before.number, amounts };
    }
    throw new RetryableError('the head block kept moving while balances were read');
  }

  async function balances(queries: BalanceQuery[], blockNumber: number): Promise<bigint[]> {
    if (!Number.isInteger(blockNumber) || blockNumber < 0) throw new InvalidInputError(`bad block number ${blockNumber}`);
    if (queries.length === 0) return [];
    const { head, amounts } = await balancesAtHead(queries);
    if (blockNumber >= head) return amounts;
    // What moved after the block, up to the head the balances were read at, undone.
    const addresses = [...new Set(queries.map((q) => normalizeTronAddress(q.address)))];
    const assets = [...new Set(queries.map((q) => (isNative(q.asset) ? nativeAsset : normalizeTronAddress(q.asset))))];
    const later = (await evm.transfers({ addresses: addresses.map(tronToHex), direction: 'both', fromBlock: blockNumber + 1, toBlock: head, assets: assets.map(assetIn) })).map(transferOut);
    return queries.map((q, i) => {
      const address = normalizeTronAddress(q.address);
      const asset = isNative(q.asset) ? nativeAsset : normalizeTronAddress(q.asset);
      let amount = amounts[i]!;
      for (const t of later) {
        if (t.asset !== asset) continue;
        if (t.to === address) amount -= t.amount;
        if (t.from === address) amount += t.amount;
      }
      if (amount < 0n) throw new RetryableError(`balance of ${address} in ${asset} at block ${blockNumber} came out negative: the node's answers disagree`);
      return amount;
    });
  }

  let rpcCount = 0;
  async function evmRpc(method: string, params: unknown[]): Promise<string> {
    rpcCount += 1;
    rpcCalls.inc({ chain: options.chain, method });
    let reply: { result?: string; error?: { message: string } };
    try {
      reply = (await postJson(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }), { url: `${base}/jsonrpc`, timeoutMs })) as typeof reply;
    } catch (error) {
      rpcErrors.inc({ chain: options.chain, method, kind: restErrorKind(error) === 'rate_limited' ? 'rate_limited' : 'transport' });
      throw error;
    }
    if (reply.error || typeof reply.result !== 'string') {
      rpcErrors.inc({ chain: options.chain, method, kind: 'rpc' });
      throw new TraceholdError(`${method}: ${reply.error?.message ?? 'no result'}`);
    }
    return reply.result;
  }

  async function callView(to: Address, data: string, blockNumber?: number): Promise<string> {
    if (!/^0x([0-9a-fA-F]{2})*$/.test(data)) throw new InvalidInputError('call data must be 0x-hex bytes');
    if (blockNumber !== undefined) throw new InvalidInputError('tron nodes answer contract calls only at the latest block');
    return wallet.triggerConstant(tronTo41Hex(normalizeTronAddress(to)), data);
  }

  const tokenInfo = cachedTokenInfo((to, data) => callView(to, data));
  function assetInfo(asset: Asset): Promise<TokenInfo | null> {
    if (isNative(asset)) return Promise.resolve({ symbol: nativeAsset, decimals: TRX_DECIMALS });
    const token = normalizeTronAddress(asset);
    const known = listed.find((t) => t.address === token);
    return known ? Promise.resolve({ symbol: known.symbol, decimals: known.decimals }) : tokenInfo(token);
  }

  async function capabilities(): Promise<ChainCapabilities> {
    return {
      internalTransfers: 'none',
      nativeTransfers: 'block-scan',
      historicalBalances: false,
      notes: [
        "TRX moved by contracts (internal transactions) is not traced: java-tron's JSON-RPC serves no trace_* or debug_* methods",
        'past balances are the balance at the head minus the transfers since (java-tron answers eth_getBalance and eth_call only at latest)',
      ],
    };
  }

  function stats(): SourceStats {
    const inner = evm.stats();
    return { rpcCalls: inner.rpcCalls + wallet.calls() + rpcCount, httpRequests: inner.httpRequests + wallet.calls() + rpcCount, retries: inner.retries };
  }

  return {
    chain: options.chain,
    kind: 'tron',
    nativeAsset,
    capabilities,
    tip,
    blockHash: (n) => evm.blockHash!(n),
    transfers,
    transaction,
    balances,
    callView,
    assetInfo,
    normalizeAddress: normalizeTronAddress,
    addressWord: (address) => tronToHex(normalizeTronAddress(address)).slice(2).padStart(64, '0'),
    stats,
    close: () => evm.close(),
  };
}
