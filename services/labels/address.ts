// Address shape checks for label files. A label on a mistyped address would attribute a
// stranger's wallet, so a mixed-case EVM address must carry a valid EIP-55 checksum.
import { getAddress } from 'ethers';

const EVM_HEX = /^0x[0-9a-fA-F]{40}$/;
// Legacy (P2PKH `1…`) and P2SH (`3…`) base58check; the checksum itself is not verified here.
const BTC_BASE58 = /^[13][1-9A-HJ-NP-Za-km-z]{25,34}$/;
// Segwit v0 (42 or 62 characters) and taproot (62), all one case.
const BTC_BECH32 = /^bc1[02-9ac-hj-np-z]{39,59}$/;
const TRON_BASE58 = /^T[1-9A-HJ-NP-Za-km-z]{33}$/;

/** Chains whose addresses are not EVM hex. Every other chain name is taken for an EVM chain. */
const NON_EVM_CHAINS = new Set(['bitcoin', 'tron']);

export function isEvmChain(chain: string): boolean {
  return !NON_EVM_CHAINS.has(chain);
}

export type AddressCheck = { ok: true; address: string } | { ok: false; reason: string };

/** The canonical form of `raw` on `chain` (lower-case hex for EVM, lower-case bech32), or why it is not one. */
export function normalizeLabelAddress(chain: string, raw: string): AddressCheck {
  const address = raw.trim();
  if (address === '') return { ok: false, reason: 'empty address' };
  if (chain === 'bitcoin') {
    if (BTC_BASE58.test(address)) return { ok: true, address };
    const lower = address.toLowerCase();
    if ((address === lower || address === address.toUpperCase()) && BTC_BECH32.test(lower)) {
      return { ok: true, address: lower };
    }
    return { ok: false, reason: `not a bitcoin address: ${quote(address)}` };
  }
  if (chain === 'tron') {
    return TRON_BASE58.test(address) ? { ok: true, address } : { ok: false, reason: `not a tron address: ${quote(address)}` };
  }
  if (!EVM_HEX.test(address)) return { ok: false, reason: `not an EVM address (0x and 40 hex digits): ${quote(address)}` };
  const body = address.slice(2);
  const lower = address.toLowerCase();
  if (body !== body.toLowerCase() && body !== body.toUpperCase()) {
    const checksummed = getAddress(lower);
    if (checksummed !== address) {
      return { ok: false, reason: `bad EIP-55 checksum: ${address} (expected ${checksummed} or all lower-case)` };
    }
  }
  return { ok: true, address: lower };
}

/** The chain an address's shape implies, for lists that mix chains (OFAC's USDT list). */
export function chainOfAddressShape(raw: string): 'ethereum' | 'bitcoin' | 'tron' | undefined {
  const address = raw.trim();
  if (EVM_HEX.test(address)) return 'ethereum';
  if (BTC_BASE58.test(address) || BTC_BECH32.test(address.toLowerCase())) return 'bitcoin';
  if (TRON_BASE58.test(address)) return 'tron';
  return undefined;
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
