// The EVM adapter's public surface.
export { createEvmSource, type EvmSource, type EvmSourceOptions, type EvmSourceStats } from './evm-source';
export { normalizeEvmAddress } from './address';
export type { EvmCapabilities } from './capabilities';
