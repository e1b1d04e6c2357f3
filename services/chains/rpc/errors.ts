// How a JSON-RPC failure is classified. Providers disagree on codes, so rate limits and
// "range too wide" refusals are recognised by code *and* by message.
import { TraceholdError, type ErrorOptions } from '../../errors';

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** A JSON-RPC error reply to one call. Deterministic unless `isRateLimited` says otherwise. */
export class RpcResponseError extends TraceholdError {
  override readonly code: string = 'rpc_error';
  readonly rpcCode: number;
  readonly rpcData: unknown;
  readonly method: string;

  constructor(method: string, error: JsonRpcErrorObject, options: ErrorOptions = {}) {
    super(`${method}: ${error.message} (JSON-RPC ${error.code})`, {
      ...options,
      details: { method, rpcCode: error.code, data: error.data },
    });
    this.rpcCode = error.code;
    this.rpcData = error.data;
    this.method = method;
  }
}

const RATE_LIMIT_CODES = new Set([-32005, -32016, 429]);
const RATE_LIMIT_TEXT = /rate.?limit|too many requests|exceeded.*(capacity|quota|rate)|busy|try again later/i;

/** The node is telling us to slow down; the same call may succeed later. */
export function isRateLimited(error: JsonRpcErrorObject): boolean {
  if (RATE_LIMIT_TEXT.test(error.message)) return true;
  // -32005 is also used by some nodes for "query returned more than N results"; that is a
  // range refusal, not a rate limit, and retrying the same range would never help.
  if (isRangeRefusal(error)) return false;
  return RATE_LIMIT_CODES.has(error.code);
}

const RANGE_TEXT =
  /more than \d+ (results|logs)|block range|range (is )?too (wide|large|big)|limit exceeded|response (size |is )?(too (big|large)|exceed)|too many (results|logs|blocks)|exceeds? (max|maximum)|query timeout|log response size/i;

/** eth_getLogs refused because the block range (or result) is too large: split and ask again. */
export function isRangeRefusal(error: JsonRpcErrorObject): boolean {
  return !RATE_LIMIT_TEXT.test(error.message) && RANGE_TEXT.test(error.message);
}

const METHOD_MISSING_TEXT = /not supported|does not exist|not found|not available|unsupported|unknown method|method not|not implemented|only supports the default tracer/i;

/** The node does not serve this method (or this tracer): a capability, not a failure. */
export function isMethodUnavailable(error: JsonRpcErrorObject): boolean {
  return error.code === -32601 || error.code === -32004 || METHOD_MISSING_TEXT.test(error.message);
}
