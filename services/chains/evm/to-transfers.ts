// Raw JSON-RPC objects → domain Transfers. Every path (block scan, trace_filter, a single
// transaction) builds them here so refs, seqs and amounts agree.
import { SEQ_FEE, SEQ_INTERNAL_BASE, SEQ_LOG_BASE, SEQ_TX_VALUE, type Transfer } from '../../domain/types';
import { topicAddress } from './address';
import type { BlockHeader } from './block-store';
import type { InternalCall } from './internal-calls';
import { hexToBigInt, hexToNumber, type RpcLog, type RpcReceipt, type RpcTransaction } from './rpc-types';
import { TRANSFER_TOPIC } from './token-logs';

export interface TxContext {
  chain: string;
  nativeAsset: string;
  header: BlockHeader;
  txHash: string;
  txIndex: number;
}

/**
 * A native-coin transfer of the transaction. One literal, not `{ ...base, ref, … }`: V8 gives
 * each object spread with new keys a hidden class of its own.
 */
function transfer(ctx: TxContext, ref: string, seq: number, kind: Transfer['kind'], from: string, to: string | null, amount: bigint): Transfer {
  return {
    chain: ctx.chain,
    txHash: ctx.txHash,
    blockNumber: ctx.header.number,
    blockHash: ctx.header.hash,
    timestamp: ctx.header.timestamp,
    txIndex: ctx.txIndex,
    ref,
    seq,
    kind,
    asset: ctx.nativeAsset,
    from,
    to,
    amount,
  };
}

/** Receipts without a status predate Byzantium; those transactions did not fail. */
export function succeeded(receipt: RpcReceipt): boolean {
  return receipt.status === undefined || receipt.status === null || hexToNumber(receipt.status) === 1;
}

/** Gas paid by the sender; L1 data fees (OP-stack) are added when the receipt states them. */
export function feeOf(receipt: RpcReceipt, tx?: { gasPrice?: string }): bigint {
  const price = hexToBigInt(receipt.effectiveGasPrice ?? tx?.gasPrice ?? '0x0');
  return hexToBigInt(receipt.gasUsed) * price + hexToBigInt(receipt.l1Fee ?? undefined);
}

/** What the fee and value of a transaction need of it: from the transaction, or from its top-level trace. */
export type TxFacts = Pick<RpcTransaction, 'from' | 'to' | 'value'> & { gasPrice?: string };

export function feeTransfer(ctx: TxContext, tx: TxFacts, receipt: RpcReceipt): Transfer | null {
  const amount = feeOf(receipt, tx);
  if (amount === 0n) return null;
  return transfer(ctx, 'fee', SEQ_FEE, 'fee', tx.from.toLowerCase(), null, amount);
}

export function valueTransfer(ctx: TxContext, tx: TxFacts, receipt: RpcReceipt): Transfer | null {
  const amount = hexToBigInt(tx.value);
  if (amount === 0n || !succeeded(receipt)) return null;
  const to = (tx.to ?? receipt.contractAddress)?.toLowerCase();
  if (!to) return null;
  return transfer(ctx, 'tx', SEQ_TX_VALUE, 'native', tx.from.toLowerCase(), to, amount);
}

export function internalTransfer(ctx: TxContext, call: InternalCall): Transfer {
  // The root frame is order 0 and never emitted here, so the first sub-call gets SEQ_INTERNAL_BASE.
  return transfer(ctx, `call:${call.path.join('.')}`, SEQ_INTERNAL_BASE + call.order - 1, 'internal', call.from, call.to, call.value);
}

/**
 * The addresses and tokens of the logs of one answer, each one string however many logs name
 * it: a read of 200 wallets' logs names each sender in every log it sent, and a log's token
 * contract is a string of its own in each log parsed.
 */
export interface LogNames {
  address(topic: string): string | null;
  token(address: string): string;
}

export function logNames(): LogNames {
  const addresses = new Map<string, string | null>();
  const tokens = new Map<string, string>();
  return {
    address(topic) {
      let address = addresses.get(topic);
      if (address === undefined) addresses.set(topic, (address = topicAddress(topic)));
      return address;
    },
    token(address) {
      let token = tokens.get(address);
      if (token === undefined) tokens.set(address, (token = address.toLowerCase()));
      return token;
    },
  };
}

const UNSHARED: LogNames = { address: topicAddress, token: (address) => address.toLowerCase() };

/** An ERC-20 Transfer log, or null for ERC-721 (4 topics), odd data, or a removed log. */
export function tokenTransfer(chain: string, header: BlockHeader, log: RpcLog, names: LogNames = UNSHARED): Transfer | null {
  if (log.removed === true) return null;
  if (log.topics.length !== 3 || log.topics[0]!.toLowerCase() !== TRANSFER_TOPIC) return null;
  if (!/^0x[0-9a-fA-F]{64}$/.test(log.data)) return null;
  const from = names.address(log.topics[1]!);
  const to = names.address(log.topics[2]!);
  if (!from || !to) return null;
  const logIndex = hexToNumber(log.logIndex);
  return {
    chain,
    txHash: log.transactionHash.toLowerCase(),
    blockNumber: header.number,
    blockHash: header.hash,
    timestamp: header.timestamp,
    txIndex: hexToNumber(log.transactionIndex),
    ref: `log:${logIndex}`,
    seq: SEQ_LOG_BASE + logIndex,
    kind: 'token',
    asset: names.token(log.address),
    from,
    to,
    amount: BigInt(log.data),
  };
}
