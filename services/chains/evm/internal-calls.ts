// Internal (contract-initiated) value transfers from either trace format, numbered the same
// way: `path` is the trace address, `order` the depth-first position (root = 0), so a
// transfer gets the same ref and seq whichever way it was found.
import type { CallFrame, ParityTrace } from './rpc-types';

export interface InternalCall {
  /** Trace address, e.g. [0, 1] for the second call made by the first sub-call. */
  path: number[];
  order: number;
  from: string;
  to: string;
  value: bigint;
}

/** Value-moving sub-calls of a callTracer tree that did not revert (nor sit under a revert). */
export function internalCallsFromFrame(root: CallFrame): InternalCall[] {
  const out: InternalCall[] = [];
  let order = 0;
  const visit = (frame: CallFrame, path: number[], reverted: boolean): void => {
    const here = order++;
    const failed = reverted || frame.error !== undefined;
    if (path.length > 0 && !failed && movesValue(frame.type) && frame.to) {
      const value = BigInt(frame.value ?? '0x0');
      if (value > 0n) out.push({ path, order: here, from: frame.from.toLowerCase(), to: frame.to.toLowerCase(), value });
    }
    (frame.calls ?? []).forEach((child, i) => visit(child, [...path, i], failed));
  };
  visit(root, [], false);
  return out;
}

/** DELEGATECALL and STATICCALL carry no value of their own. */
function movesValue(type: string): boolean {
  const t = type.toUpperCase();
  return t === 'CALL' || t === 'CREATE' || t === 'CREATE2' || t === 'SELFDESTRUCT' || t === 'CALLCODE';
}

/** Depth-first position of a trace address among all traces of its transaction. */
export function parityOrder(all: ParityTrace[]): Map<string, number> {
  // trace_transaction lists traces depth-first already; index them by their address.
  return new Map(all.map((t, i) => [t.traceAddress.join('.'), i]));
}

/** A parity trace as a value movement, or null when it moves nothing or failed. */
export function parityValueMove(t: ParityTrace): { from: string; to: string; value: bigint } | null {
  if (t.error !== undefined || t.transactionHash === null) return null;
  if (t.type === 'call') {
    const callType = t.action.callType ?? 'call';
    if (callType === 'delegatecall' || callType === 'staticcall') return null;
    const value = BigInt(t.action.value ?? '0x0');
    return value > 0n && t.action.from && t.action.to ? { from: t.action.from.toLowerCase(), to: t.action.to.toLowerCase(), value } : null;
  }
  if (t.type === 'create') {
    const value = BigInt(t.action.value ?? '0x0');
    const to = t.result?.address;
    return value > 0n && t.action.from && to ? { from: t.action.from.toLowerCase(), to: to.toLowerCase(), value } : null;
  }
  if (t.type === 'suicide') {
    const value = BigInt(t.action.balance ?? '0x0');
    const { address, refundAddress } = t.action;
    return value > 0n && address && refundAddress ? { from: address.toLowerCase(), to: refundAddress.toLowerCase(), value } : null;
  }
  return null;
}

/** A call trace, or null when the answer is something else (an empty success, struct logs). */
export function asCallFrame(result: unknown): CallFrame | null {
  const frame = result as Partial<CallFrame> | null;
  return frame && typeof frame === 'object' && typeof frame.type === 'string' && typeof frame.from === 'string' ? (frame as CallFrame) : null;
}
