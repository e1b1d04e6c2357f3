// Output scripts → script type and address, and address validation. Addresses are encoded
// here from the script bytes (base58check / bech32 / bech32m), so an output whose taproot key
// is not on the curve still gets the address Esplora and explorers show.
import { InvalidInputError } from '../../errors';
import type { ScriptType } from '../../domain/utxo';
import { bitcoin, type Network } from './lib';

export type BitcoinNetworkName = 'bitcoin' | 'testnet' | 'regtest';

export function networkOf(name: BitcoinNetworkName): Network {
  return name === 'bitcoin' ? bitcoin.networks.bitcoin : name === 'testnet' ? bitcoin.networks.testnet : bitcoin.networks.regtest;
}

export interface ScriptInfo {
  scriptType: ScriptType;
  address: string | null;
}

export function describeScript(script: Uint8Array, network: Network): ScriptInfo {
  const n = script.length;
  const b = (i: number): number => script[i]!;
  if (n === 25 && b(0) === 0x76 && b(1) === 0xa9 && b(2) === 0x14 && b(23) === 0x88 && b(24) === 0xac) {
    return { scriptType: 'p2pkh', address: bitcoin.address.toBase58Check(script.subarray(3, 23), network.pubKeyHash) };
  }
  if (n === 23 && b(0) === 0xa9 && b(1) === 0x14 && b(22) === 0x87) {
    return { scriptType: 'p2sh', address: bitcoin.address.toBase58Check(script.subarray(2, 22), network.scriptHash) };
  }
  if (n === 22 && b(0) === 0x00 && b(1) === 0x14) {
    return { scriptType: 'p2wpkh', address: bitcoin.address.toBech32(script.subarray(2), 0, network.bech32) };
  }
  if (n === 34 && b(0) === 0x00 && b(1) === 0x20) {
    return { scriptType: 'p2wsh', address: bitcoin.address.toBech32(script.subarray(2), 0, network.bech32) };
  }
  if (n === 34 && b(0) === 0x51 && b(1) === 0x20) {
    return { scriptType: 'p2tr', address: bitcoin.address.toBech32(script.subarray(2), 1, network.bech32) };
  }
  if (n >= 1 && b(0) === 0x6a) return { scriptType: 'op_return', address: null };
  if ((n === 35 && b(0) === 0x21 && b(34) === 0xac) || (n === 67 && b(0) === 0x41 && b(66) === 0xac)) {
    return { scriptType: 'p2pk', address: null };
  }
  if (n >= 4 && b(n - 1) === 0xae && b(0) >= 0x51 && b(0) <= 0x60) return { scriptType: 'multisig', address: null };
  // Future witness versions (v1 with other lengths, v2..v16): valid to spend to, no address here.
  if (n >= 4 && n <= 42 && (b(0) === 0x00 || (b(0) >= 0x51 && b(0) <= 0x60)) && b(1) === n - 2) {
    return { scriptType: 'witness_unknown', address: null };
  }
  return { scriptType: 'nonstandard', address: null };
}

/**
 * A bitcoin address checked against its checksum (base58check, bech32, bech32m) and network;
 * bech32 comes back lower-case. Throws InvalidInputError.
 */
export function normalizeBitcoinAddress(input: string, network: Network): string {
  const address = typeof input === 'string' ? input.trim() : '';
  const bech32 = /^[a-z]{2,4}1/i.test(address) && address.toLowerCase().startsWith(`${network.bech32}1`);
  if (bech32 && address !== address.toLowerCase() && address !== address.toUpperCase()) {
    throw new InvalidInputError(`mixed-case bech32 address: ${JSON.stringify(address.slice(0, 100))}`, { details: { address: input } });
  }
  const candidate = bech32 ? address.toLowerCase() : address;
  try {
    bitcoin.address.toOutputScript(candidate, network);
  } catch (error) {
    throw new InvalidInputError(
      `not a valid bitcoin address (bad checksum, wrong network or unknown form): ${JSON.stringify(String(input).slice(0, 100))}`,
      { details: { address: input }, cause: error },
    );
  }
  return candidate;
}
