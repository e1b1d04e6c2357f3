// The port every chain adapter implements. Tracing code depends on this, never on ethers
// or bitcoinjs-lib directly.
import type { Address, Asset, BlockRange, Transfer } from '../domain/types';

export type TransferDirection = 'out' | 'in' | 'both';

export interface TransferQuery extends BlockRange {
  addresses: Address[];
  direction: TransferDirection;
  /** Restrict to these assets (native symbol or token addresses). Unset: every asset. */
  assets?: Asset[];
}

/**
 * A transaction an address sent whose fee a history read left unread (see
 * ChainSource.histories): the fee needs the transaction's receipt, read with `fees` only
 * where a model needs it.
 */
export interface PendingFee {
  txHash: string;
  blockNumber: number;
  txIndex: number;
  sender: Address;
}

/** What a history read gives: see ChainSource.histories. */
export interface HistoryRead {
  transfers: Transfer[];
  reachedTo: Map<Address, number>;
  pendingFees: PendingFee[];
}

export interface ChainTip {
  /** Highest block with the configured confirmations. */
  number: number;
  hash: string;
}

export interface ChainCapabilities {
  /** How internal (contract-to-address) native transfers are found, if at all. */
  internalTransfers: 'trace_filter' | 'callTracer' | 'none';
  /** How top-level native transfers are found. */
  nativeTransfers: 'trace_filter' | 'block-scan';
  /** Historical balances (archive state) available. */
  historicalBalances: boolean;
  /** Human-readable notes on what was not available, for the trace report. */
  notes: string[];
}

export interface SourceStats {
  rpcCalls: number;
  /** JSON-RPC requests that went out in one HTTP round trip count once here. */
  httpRequests: number;
  retries: number;
}

export interface SeedTransaction {
  txHash: string;
  blockNumber: number;
  /** Every value transfer inside it (fee included), in chain order. */
  transfers: Transfer[];
}

export interface AccountFacts {
  address: Address;
  /** Transactions the account sent in the window: nonce at its end − nonce before its start. */
  sentTxs: number;
  /** Bytes of code at the window's end (0: no code). */
  codeSize: number;
  /** The code is an EIP-7702 delegation (0xef0100 ‖ address): the account is still an EOA. */
  delegated: boolean;
}

export interface BalanceQuery {
  address: Address;
  asset: Asset;
}

export interface ChainSource {
  readonly chain: string;
  readonly kind: 'evm' | 'bitcoin' | 'tron';
  readonly nativeAsset: Asset;
  capabilities(): Promise<ChainCapabilities>;
  /** The confirmed tip: latest minus the configured confirmations. */
  tip(): Promise<ChainTip>;
  /** The hash of a block on the chain as it is now (null when the block does not exist): reorg checks. */
  blockHash?(blockNumber: number): Promise<string | null>;
  /**
   * Every transfer (fees included) sent and/or received by any of the addresses in the
   * range, confirmed blocks only, in chain order. Implementations batch: one call for many
   * addresses.
   */
  transfers(query: TransferQuery): Promise<Transfer[]>;
  /**
   * Like `transfers`, for the shared chain data, with the fees of the transactions the
   * addresses sent left unread where reading them costs a receipt each (a busy block's
   * receipts are megabytes of other people's logs): those come as `pendingFees`, to read with
   * `fees` where a model needs them. `bounded` (judging busy wallets from bounded evidence):
   * every answer bounded in size, so an address whose history in the range is too large to
   * read in one answer is read only from fromBlock to its entry in `reachedTo` (complete up
   * to there); the others to toBlock. Optional: sources without it are read whole through
   * `transfers`, every fee included.
   */
  histories?(query: TransferQuery, options: { bounded: boolean }): Promise<HistoryRead>;
  /** The fee transfers of pending fees (none where a fee is zero), receipts read in batches by block. */
  fees?(pending: readonly PendingFee[]): Promise<Transfer[]>;
  /**
   * Account facts at the end of toBlock, one JSON-RPC batch for all: transactions each sent
   * in [fromBlock, toBlock] (nonce difference) and code size. Null where the node cannot tell
   * (no archive state for an old block). Optional: account chains only.
   */
  accountFacts?(queries: ReadonlyArray<{ address: Address; fromBlock: number }>, toBlock: number): Promise<Array<AccountFacts | null>>;
  /** The value transfers of one transaction; throws NotFoundError if absent or unconfirmed. */
  transaction(txHash: string): Promise<SeedTransaction>;
  /** Balances at the end of `blockNumber` (archive state), in query order. */
  balances(queries: BalanceQuery[], blockNumber: number): Promise<bigint[]>;
  /**
   * A read-only contract call (eth_call) at a block or the confirmed tip: the raw return
   * data as 0x-hex. Optional: only account chains with contracts have it.
   */
  callView?(to: Address, data: string, blockNumber?: number): Promise<string>;
  /** Symbol and decimals of an asset, for display; null when the chain cannot tell. Optional. */
  assetInfo?(asset: Asset): Promise<{ symbol: string; decimals: number } | null>;
  /** An address as one 32-byte ABI word (hex, no 0x), for contract calls; EVM-style padding when absent. */
  addressWord?(address: Address): string;
  /** Validate and normalise an address for this chain; throws InvalidInputError. */
  normalizeAddress(address: string): Address;
  stats(): SourceStats;
  close(): Promise<void>;
}
