// Builds one ChainSource per configured chain, lazily, and shares it: its in-memory block
// cache and its request cap then serve every case of this process.
import { chainConfig, type Config } from '../../config';
import { InvalidInputError } from '../errors';
import type { Logger } from '../log';
import { createBitcoinSource } from './bitcoin';
import { createEvmSource } from './evm';
import { createTronSource } from './tron';
import type { ChainSource } from './source';

export interface ChainRegistry {
  get(chain: string): ChainSource;
  /** Chains with an endpoint configured. */
  enabled(): string[];
  close(): Promise<void>;
}

export function createChainRegistry(config: Config, _log: Logger): ChainRegistry {
  const sources = new Map<string, ChainSource>();
  return {
    get(name) {
      const existing = sources.get(name);
      if (existing) return existing;
      const chain = chainConfig(config, name);
      let source: ChainSource;
      if (chain.kind === 'evm') {
        if (!chain.rpcUrl) {
          const envName = name.toUpperCase().replace(/-/g, '_');
          throw new InvalidInputError(`chain "${name}" has no RPC endpoint: set ${name === 'ethereum' ? 'ETH_RPC_URL' : `${envName}_RPC_URL`} or pass --rpc`);
        }
        source = createEvmSource({
          chain: name,
          rpcUrl: chain.rpcUrl,
          nativeAsset: chain.nativeAsset,
          confirmations: chain.confirmations,
          finality: chain.finality,
          chainId: chain.chainId,
          tokens: chain.followTokens === 'listed' ? chain.tokens.map((t) => t.address) : undefined,
          maxConcurrency: chain.maxConcurrency,
          batchSize: chain.batchSize,
          maxLogRange: chain.maxLogRange,
          addressesPerLogCall: chain.addressesPerLogCall,
          denseLogMaxBlocks: chain.denseLogMaxBlocks,
          maxLogReplyBytes: chain.maxLogReplyBytes,
          requestTimeoutMs: chain.requestTimeoutMs,
          retries: chain.retries,
          multicall3: chain.multicall3,
          stateOverrideBalances: chain.stateOverrideBalances,
        });
      } else if (chain.kind === 'tron') {
        if (!chain.rpcUrl) throw new InvalidInputError(`chain "${name}" has no endpoint: set ${name.toUpperCase().replace(/-/g, '_')}_RPC_URL (a java-tron node serving /jsonrpc and /wallet/*) or pass --rpc`);
        source = createTronSource({
          chain: name,
          rpcUrl: chain.rpcUrl,
          nativeAsset: chain.nativeAsset,
          confirmations: chain.confirmations,
          tokens: chain.tokens,
          followListedOnly: chain.followTokens === 'listed',
          maxConcurrency: chain.maxConcurrency,
          batchSize: chain.batchSize,
          requestTimeoutMs: chain.requestTimeoutMs,
          retries: chain.retries,
        });
      } else {
        if (!chain.esploraUrl) throw new InvalidInputError(`chain "${name}" has no Esplora endpoint: set BTC_ESPLORA_URL or pass --esplora`);
        source = createBitcoinSource({
          chain: name,
          esploraUrl: chain.esploraUrl,
          confirmations: chain.confirmations,
          concurrency: chain.maxConcurrency,
          timeoutMs: chain.requestTimeoutMs,
          retries: chain.retries,
        });
      }
      sources.set(name, source);
      return source;
    },
    enabled() {
      return Object.values(config.chains).filter((c) => c.rpcUrl || c.esploraUrl).map((c) => c.name);
    },
    async close() {
      await Promise.all([...sources.values()].map((s) => s.close()));
      sources.clear();
    },
  };
}
