// bitcoinjs-lib and tiny-secp256k1 ship as ES modules whose CommonJS builds carry ESM-only
// type declarations; under `module: node16` TypeScript refuses a plain `import` of them from
// this CommonJS project. Load the CommonJS builds with require and type them from the ESM
// declarations: the one place that knows about it.
import type * as BitcoinJs from 'bitcoinjs-lib' with { 'resolution-mode': 'import' };
import type * as Secp256k1 from 'tiny-secp256k1' with { 'resolution-mode': 'import' };

/* eslint-disable @typescript-eslint/no-require-imports */
export const bitcoin: typeof BitcoinJs = require('bitcoinjs-lib');
export const ecc: typeof Secp256k1 = require('tiny-secp256k1');

// Taproot addresses need an elliptic-curve library to validate their key.
bitcoin.initEccLib(ecc);

export type Network = BitcoinJs.Network;
export type BitcoinTransaction = BitcoinJs.Transaction;
export type BitcoinBlock = BitcoinJs.Block;
