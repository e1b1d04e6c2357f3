// java-tron's HTTP API (/wallet/*): the head block and constant contract calls. Its answers
// are JSON objects, not JSON-RPC; a contract that reverts says so in `result`.
import { RetryableError, TraceholdError } from '../../errors';
import { postJson } from '../rpc/http-post';
import { restErrorKind, rpcCalls, rpcErrors } from '../../metrics';

export interface WalletApi {
  /** The head block (not solidified): number and id. */
  nowBlock(): Promise<{ number: number; id: string }>;
  /** A constant call at the head: the raw return data as 0x-hex. */
  triggerConstant(contract41Hex: string, data: string): Promise<string>;
  calls(): number;
}

interface NowBlock {
  blockID?: string;
  block_header?: { raw_data?: { number?: number } };
}

interface ConstantResult {
  result?: { result?: boolean; code?: string; message?: string };
  constant_result?: string[];
}

/** The zero account as owner: a constant call needs one but moves nothing. */
const OWNER = `41${'0'.repeat(40)}`;

/** `chain` labels the calls in the RPC metrics, the method being the path (`/wallet/getnowblock`). */
export function createWalletApi(baseUrl: string, timeoutMs: number, chain = 'tron'): WalletApi {
  const base = baseUrl.replace(/\/+$/, '');
  let count = 0;
  const post = async (path: string, body: object): Promise<unknown> => {
    count += 1;
    rpcCalls.inc({ chain, method: path });
    try {
      return await postJson(JSON.stringify(body), { url: `${base}${path}`, timeoutMs });
    } catch (error) {
      rpcErrors.inc({ chain, method: path, kind: restErrorKind(error) });
      throw error;
    }
  };
  return {
    async nowBlock() {
      const block = (await post('/wallet/getnowblock', {})) as NowBlock;
      const number = block.block_header?.raw_data?.number;
      if (typeof number !== 'number' || typeof block.blockID !== 'string') throw new RetryableError('/wallet/getnowblock answered without a block number');
      return { number, id: block.blockID };
    },
    async triggerConstant(contract41Hex, data) {
      const answer = (await post('/wallet/triggerconstantcontract', {
        owner_address: OWNER,
        contract_address: contract41Hex,
        data: data.replace(/^0x/, ''),
        visible: false,
      })) as ConstantResult;
      if (answer.result?.result !== true || !Array.isArray(answer.constant_result)) {
        throw new TraceholdError(`triggerconstantcontract on ${contract41Hex} failed: ${answer.result?.message ?? answer.result?.code ?? 'no result'}`);
      }
      return `0x${answer.constant_result[0] ?? ''}`;
    },
    calls: () => count,
  };
}
