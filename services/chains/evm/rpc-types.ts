// The subset of JSON-RPC shapes the adapter reads. Quantities are hex strings on the wire.

export interface RpcTransaction {
  hash: string;
  from: string;
  to: string | null;
  value: string;
  transactionIndex: string;
  blockNumber: string | null;
  blockHash: string | null;
  input?: string;
  /** Legacy and pre-London transactions; on EIP-1559 ones the price cap. */
  gasPrice?: string;
}

export interface RpcBlock {
  number: string;
  hash: string;
  timestamp: string;
  transactions: RpcTransaction[];
}

export interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  transactionIndex: string;
  logIndex: string;
  removed?: boolean;
  /** The block's timestamp, where the node includes it (geth ≥ 1.15, anvil ≥ 1.x, reth). */
  blockTimestamp?: string;
}

export interface RpcReceipt {
  transactionHash: string;
  transactionIndex: string;
  blockNumber: string;
  blockHash: string;
  from: string;
  to: string | null;
  contractAddress: string | null;
  gasUsed: string;
  /** Absent on very old nodes; then the transaction's gasPrice applies. */
  effectiveGasPrice?: string;
  /** Absent before Byzantium (a `root` field instead): such transactions count as successful. */
  status?: string | null;
  logs: RpcLog[];
  /** OP-stack chains charge an L1 data fee on top of gasUsed × price. */
  l1Fee?: string | null;
}

/** callTracer frame (debug_traceTransaction with { tracer: 'callTracer' }). */
export interface CallFrame {
  type: string;
  from: string;
  to?: string;
  value?: string;
  error?: string;
  calls?: CallFrame[];
}

/** One entry of a trace_filter reply (OpenEthereum/Erigon/Reth "parity" traces). */
export interface ParityTrace {
  type: string;
  action: { from?: string; to?: string; value?: string; callType?: string; address?: string; refundAddress?: string; balance?: string; input?: string; init?: string };
  result?: { address?: string; output?: string; code?: string } | null;
  error?: string;
  traceAddress: number[];
  transactionHash: string | null;
  transactionPosition: number | null;
  blockNumber: number;
  blockHash: string;
}

export function hexToNumber(hex: string | number | null | undefined): number {
  if (typeof hex === 'number') return hex;
  if (hex === null || hex === undefined) throw new TypeError('missing quantity');
  return Number.parseInt(hex, 16);
}

export function hexToBigInt(hex: string | null | undefined): bigint {
  if (hex === null || hex === undefined || hex === '0x' || hex === '') return 0n;
  return BigInt(hex);
}

export function toHex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}
