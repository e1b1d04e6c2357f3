export { createTronSource, type TronSource, type TronSourceOptions } from './tron-source';
export { normalizeTronAddress, toTronAddress, tronToHex, tronTo41Hex } from './address';
