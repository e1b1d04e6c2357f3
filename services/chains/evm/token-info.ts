// symbol() and decimals() of an ERC-20, for display next to exact base-unit amounts.
// Old tokens (MKR, SAI) return bytes32 symbols; a contract without them gives null.
import { Interface, decodeBytes32String } from 'ethers';
import { shouldRetry } from '../../errors';

const ERC20 = new Interface(['function symbol() view returns (string)', 'function decimals() view returns (uint8)']);
const SYMBOL = ERC20.encodeFunctionData('symbol');
const DECIMALS = ERC20.encodeFunctionData('decimals');

export interface TokenInfo {
  symbol: string;
  decimals: number;
}

type Call = (to: string, data: string) => Promise<string>;

export async function readTokenInfo(call: Call, token: string): Promise<TokenInfo | null> {
  // A revert means "no such function"; a node that did not answer is no answer at all, and
  // must not turn into a report without symbol and decimals: that error goes up, to retry.
  const orNothing = (error: unknown): string => {
    if (shouldRetry(error)) throw error;
    return '0x';
  };
  const [symbolData, decimalsData] = await Promise.all([call(token, SYMBOL).catch(orNothing), call(token, DECIMALS).catch(orNothing)]);
  const symbol = decodeSymbol(symbolData);
  if (symbol === null || decimalsData.length < 66) return null;
  const decimals = Number(BigInt(decimalsData.slice(0, 66)));
  if (!Number.isInteger(decimals) || decimals > 77) return null;
  return { symbol, decimals };
}

function decodeSymbol(data: string): string | null {
  if (data.length < 66) return null;
  try {
    const [symbol] = ERC20.decodeFunctionResult('symbol', data) as unknown as [string];
    return clean(symbol);
  } catch {
    try {
      return clean(decodeBytes32String(data.slice(0, 66)));
    } catch {
      return null;
    }
  }
}

/** A token names itself: keep it printable and short. */
function clean(symbol: string): string | null {
  const printable = symbol.replace(/[^\x20-\x7e]/g, '').trim().slice(0, 16);
  return printable || null;
}

/** readTokenInfo once per token for the life of the source; a transient failure is not kept. */
export function cachedTokenInfo(call: Call): (token: string) => Promise<TokenInfo | null> {
  const infos = new Map<string, Promise<TokenInfo | null>>();
  return (token) => {
    let info = infos.get(token);
    if (!info) {
      info = readTokenInfo(call, token);
      infos.set(token, info);
      info.catch(() => infos.delete(token));
    }
    return info;
  };
}
