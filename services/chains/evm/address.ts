// EVM addresses: lower-case is accepted as is, mixed case must carry a valid EIP-55 checksum,
// because a mistyped character in a checksummed address would otherwise trace a stranger.
import { getAddress } from 'ethers';
import { flatJoin } from '../../domain/types';
import { InvalidInputError } from '../../errors';

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function normalizeEvmAddress(input: string): string {
  const address = typeof input === 'string' ? input.trim() : '';
  if (!HEX_ADDRESS.test(address)) {
    throw new InvalidInputError(`not an EVM address (expected 0x and 40 hex digits): ${JSON.stringify(String(input).slice(0, 64))}`, {
      details: { address: input },
    });
  }
  const body = address.slice(2);
  if (body === body.toLowerCase() || body === body.toUpperCase()) return address.toLowerCase();
  if (getAddress(address.toLowerCase()) !== address) {
    throw new InvalidInputError(`bad EIP-55 checksum in address ${address} (expected ${getAddress(address.toLowerCase())} or all lower-case)`, {
      details: { address },
    });
  }
  return address.toLowerCase();
}

/** 32-byte topic form of an address, for eth_getLogs topic filters. */
export function addressTopic(address: string): string {
  return `0x${'0'.repeat(24)}${address.slice(2).toLowerCase()}`;
}

/**
 * The address in a 32-byte topic, or null if the upper 12 bytes are not zero. A flat string of
 * its own: `0x${topic.slice(26)}` is a pair of strings over a slice that holds the whole topic,
 * 152 bytes of heap an address against 64 (a hop's fetched logs are 100,000s).
 */
export function topicAddress(topic: string): string | null {
  if (!/^0x0{24}[0-9a-fA-F]{40}$/.test(topic)) return null;
  return flatJoin('0x', '', topic.slice(26).toLowerCase());
}
