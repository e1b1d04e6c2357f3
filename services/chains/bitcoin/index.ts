// The bitcoin chain adapter (Esplora REST, bitcoinjs-lib).
export {
  createBitcoinSource, type AddressTxRef, type AddressTxsOptions, type BitcoinSource, type BitcoinSourceOptions,
  type BtcOutspend, type BtcTx,
} from './bitcoin-source';
export { createEsploraClient, type EsploraClient, type EsploraClientOptions } from './esplora-client';
export { EvidenceMismatchError, parseVerifiedTx } from './parse-tx';
export { describeScript, networkOf, normalizeBitcoinAddress, type BitcoinNetworkName, type ScriptInfo } from './script';
