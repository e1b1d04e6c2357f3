// Tron addresses: base58check of 0x41 followed by the 20-byte account (the same 20 bytes an
// EVM address has). Users and reports see `T…`; the node's JSON-RPC speaks 0x-hex.
import { decodeBase58, encodeBase58, getBytes, hexlify, sha256 } from 'ethers';
import { InvalidInputError } from '../../errors';

const BASE58 = /^T[1-9A-HJ-NP-Za-km-z]{33}$/;
const HEX41 = /^41[0-9a-fA-F]{40}$/;
const HEX20 = /^0x[0-9a-fA-F]{40}$/;

function checksum(payload: Uint8Array): Uint8Array {
  return getBytes(sha256(sha256(payload))).slice(0, 4);
}

/** `T…` from 0x-hex (20 bytes) or 41-hex (21 bytes). */
export function toTronAddress(hex: string): string {
  const body = HEX20.test(hex) ? hex.slice(2) : HEX41.test(hex) ? hex.slice(2) : null;
  if (body === null) throw new InvalidInputError(`not a 20-byte hex address: ${JSON.stringify(hex.slice(0, 80))}`);
  const payload = getBytes(`0x41${body}`);
  const full = new Uint8Array(25);
  full.set(payload);
  full.set(checksum(payload), 21);
  return encodeBase58(full);
}

/** The 20 bytes of a `T…` address as lower-case 0x-hex, for the node's JSON-RPC. */
export function tronToHex(address: string): string {
  return `0x${decodeTron(address).slice(4)}`;
}

/** 41-hex (21 bytes, no 0x), the form /wallet/* takes when `visible` is false. */
export function tronTo41Hex(address: string): string {
  return decodeTron(address).slice(2);
}

function decodeTron(address: string): string {
  if (!BASE58.test(address)) throw new InvalidInputError(`not a tron address (base58check T…): ${JSON.stringify(address.slice(0, 80))}`);
  const bytes = getBytes(`0x${decodeBase58(address).toString(16).padStart(50, '0')}`);
  const payload = bytes.slice(0, 21);
  const sum = bytes.slice(21);
  if (payload[0] !== 0x41 || hexlify(checksum(payload)) !== hexlify(sum)) {
    throw new InvalidInputError(`bad tron address checksum: ${address}`);
  }
  return hexlify(payload).toLowerCase();
}

/** Validate a user's address: `T…` with a good checksum, or 41-hex; always answers `T…`. */
export function normalizeTronAddress(raw: string): string {
  const address = String(raw).trim();
  if (HEX41.test(address)) return toTronAddress(address);
  decodeTron(address);
  return address;
}
