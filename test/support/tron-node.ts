// A Tron-shaped endpoint in front of anvil: what tracehold's Tron adapter talks to in tests.
// It serves java-tron's Ethereum-style JSON-RPC at /jsonrpc with java-tron's documented method
// set and limits, and the two HTTP API calls the adapter uses (/wallet/getnowblock,
// /wallet/triggerconstantcontract) with Tron's 41-hex / base58 addresses. What it does not
// simulate is listed in the README (section "Tron").
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { id } from 'ethers';
import { toTronAddress, tronToHex } from '../../services/chains/tron';
import { forward, type CallAnswer, type WireCall } from './evm';

/** What java-tron's /jsonrpc serves (https://developers.tron.network/reference/json-rpc). */
const SERVED = new Set([
  'eth_blockNumber', 'eth_chainId', 'net_version', 'net_listening', 'web3_clientVersion', 'eth_gasPrice', 'eth_estimateGas',
  'eth_getBlockByNumber', 'eth_getBlockByHash', 'eth_getBlockTransactionCountByNumber', 'eth_getTransactionByHash',
  'eth_getTransactionByBlockNumberAndIndex', 'eth_getTransactionReceipt', 'eth_getBlockReceipts', 'eth_getLogs',
  'eth_call', 'eth_getBalance', 'eth_getCode', 'eth_getStorageAt', 'eth_syncing',
]);
export const MAX_LOG_BLOCKS = 5000;
export const MAX_LOG_ADDRESSES = 1000;

export interface TronTestNode {
  /** The base URL: /jsonrpc and /wallet/* under it (TRON_RPC_URL). */
  url: string;
  /** JSON-RPC calls received at /jsonrpc, and HTTP API paths, in arrival order. */
  calls: WireCall[];
  wallet: string[];
  /** Calls refused for asking what java-tron does not serve or allow. */
  refused: Array<{ method: string; reason: string }>;
  close(): Promise<void>;
}

export async function startTronTestNode(anvilUrl: string): Promise<TronTestNode> {
  const calls: WireCall[] = [];
  const wallet: string[] = [];
  const refused: TronTestNode['refused'] = [];
  const refuse = (call: WireCall, code: number, reason: string): CallAnswer => {
    refused.push({ method: call.method, reason });
    return { error: { code, message: reason } };
  };

  const rpc = async (call: WireCall): Promise<CallAnswer> => {
    calls.push(call);
    if (!SERVED.has(call.method)) return refuse(call, -32601, `the method ${call.method} does not exist/is not available`);
    if (call.method === 'eth_getLogs') {
      const filter = (call.params[0] ?? {}) as { fromBlock?: string; toBlock?: string; address?: string | string[]; topics?: Array<string | string[] | null> };
      const latest = BigInt((await forward(anvilUrl, { id: 0, method: 'eth_blockNumber', params: [] }) as { result: string }).result);
      const blockOf = (tag: string | undefined) => (tag === undefined || tag === 'latest' ? latest : BigInt(tag));
      if (blockOf(filter.toBlock) - blockOf(filter.fromBlock) + 1n > BigInt(MAX_LOG_BLOCKS)) {
        return refuse(call, -32005, `exceed max block range: ${MAX_LOG_BLOCKS}`);
      }
      const lists = [filter.address, ...(filter.topics ?? [])].filter(Array.isArray) as string[][];
      if (lists.some((l) => l.length > MAX_LOG_ADDRESSES)) return refuse(call, -32602, `exceed max addresses or topics: ${MAX_LOG_ADDRESSES}`);
    }
    if (call.method === 'eth_call' || call.method === 'eth_getBalance') {
      const tag = call.params[1];
      if (tag !== undefined && tag !== 'latest') {
        return refuse(call, -32602, typeof tag === 'string' && tag.startsWith('0x') ? 'QUANTITY not supported, just support TAG as latest' : `TAG ${String(tag)} not supported`);
      }
    }
    if (call.method === 'eth_getBlockByNumber' && typeof call.params[0] === 'string' && !/^0x|^latest$|^earliest$/.test(call.params[0])) {
      return refuse(call, -32602, `TAG ${call.params[0]} not supported`);
    }
    return forward(anvilUrl, call);
  };

  const walletApi = async (path: string, body: Record<string, unknown>): Promise<{ status: number; json: unknown }> => {
    wallet.push(path);
    if (path === '/wallet/getnowblock') {
      const block = (await forward(anvilUrl, { id: 0, method: 'eth_getBlockByNumber', params: ['latest', false] }) as { result: { hash: string; number: string; timestamp: string } }).result;
      return { status: 200, json: { blockID: block.hash.slice(2), block_header: { raw_data: { number: Number(block.number), timestamp: Number(block.timestamp) * 1000 } } } };
    }
    if (path === '/wallet/triggerconstantcontract') {
      const visible = body.visible === true;
      const contract = String(body.contract_address ?? '');
      let to: string;
      try {
        to = visible ? tronToHex(contract) : tronToHex(toTronAddress(contract));
      } catch {
        return { status: 200, json: { result: { code: 'OTHER_ERROR', message: 'invalid contract_address' } } };
      }
      const data = typeof body.data === 'string' ? body.data : `${selectorOf(String(body.function_selector ?? ''))}${String(body.parameter ?? '')}`;
      const answer = await forward(anvilUrl, { id: 0, method: 'eth_call', params: [{ to, data: `0x${data.replace(/^0x/, '')}` }, 'latest'] });
      if ('error' in answer) return { status: 200, json: { result: { code: 'CONTRACT_EXE_ERROR', message: Buffer.from(answer.error.message).toString('hex') } } };
      return { status: 200, json: { result: { result: true }, energy_used: 0, constant_result: [String(answer.result).replace(/^0x/, '')] } };
    }
    return { status: 404, json: { Error: `${path} is not served by this test node` } };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const path = (req.url ?? '/').split('?')[0]!;
        try {
          if (path === '/jsonrpc') {
            const body = JSON.parse(text) as WireCall | WireCall[];
            const list = Array.isArray(body) ? body : [body];
            const replies = [];
            for (const call of list) replies.push({ jsonrpc: '2.0', id: call.id, ...(await rpc({ ...call, params: call.params ?? [] })) });
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Array.isArray(body) ? replies : replies[0]));
            return;
          }
          const { status, json } = await walletApi(path, text ? (JSON.parse(text) as Record<string, unknown>) : {});
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        } catch (error) {
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ Error: (error as Error).message }));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    wallet,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function selectorOf(signature: string): string {
  return signature ? id(signature).slice(2, 10) : '';
}
