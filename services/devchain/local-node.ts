// A real EVM node (Hardhat's EDR) in this process, with no hardhat.config: tests, the demo
// and benchmarks get a chain that starts in milliseconds and speaks JSON-RPC over HTTP.
import { keccak256, toUtf8Bytes, computeAddress } from 'ethers';
import { serveJsonRpc, type Eip1193Provider } from './json-rpc-server';
import { contractArtifact } from './contracts';
import { MULTICALL3_ADDRESS } from '../chains/evm/multicall';

export interface LocalNodeOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Funded accounts created at genesis (default 20). */
  accounts?: number;
  chainId?: number;
  /** Wei per account (default 1,000,000 ETH). */
  balance?: bigint;
}

export interface DevAccount {
  address: string;
  privateKey: string;
}

export interface LocalNode {
  url: string;
  provider: Eip1193Provider;
  accounts: DevAccount[];
  chainId: number;
  /** Mine n empty blocks (default 1). */
  mine(n?: number): Promise<void>;
  close(): Promise<void>;
}

const ONE_MILLION_ETH = 10n ** 24n;

/** Deterministic keys so a demo run is reproducible; never use them on a real chain. */
export function devAccount(index: number): DevAccount {
  const privateKey = keccak256(toUtf8Bytes(`tracehold devchain account ${index}`));
  return { address: computeAddress(privateKey).toLowerCase(), privateKey };
}

export async function startLocalNode(options: LocalNodeOptions = {}): Promise<LocalNode> {
  const chainId = options.chainId ?? 31337;
  const accounts = Array.from({ length: options.accounts ?? 20 }, (_, i) => devAccount(i));
  const provider = await createEdrProvider(chainId, accounts, options.balance ?? ONE_MILLION_ETH);
  // Multicall3 at its canonical address from genesis on, as on mainnet.
  await provider.request({ method: 'hardhat_setCode', params: [MULTICALL3_ADDRESS, contractArtifact('Multicall3').deployedBytecode] });
  const server = await serveJsonRpc(provider, options.port ?? 0);
  return {
    url: server.url,
    provider,
    accounts,
    chainId,
    async mine(n = 1) {
      await provider.request({ method: 'hardhat_mine', params: [`0x${n.toString(16)}`] });
    },
    close: () => server.close(),
  };
}

interface HardhatNetworkModule {
  createHardhatNetworkProvider(config: object, loggerConfig: { enabled: boolean }): Promise<Eip1193Provider>;
}
interface HardhatDefaults {
  defaultHardhatNetworkParams: { hardfork: string; chains: unknown };
}

async function createEdrProvider(chainId: number, accounts: DevAccount[], balance: bigint): Promise<Eip1193Provider> {
  // Hardhat 2 internals: the same call `hardhat node` makes, minus the config file loading.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const network = require('hardhat/internal/hardhat-network/provider/provider') as HardhatNetworkModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const defaults = require('hardhat/internal/core/config/default-config') as HardhatDefaults;
  return network.createHardhatNetworkProvider(
    {
      hardfork: defaults.defaultHardhatNetworkParams.hardfork,
      chainId,
      networkId: chainId,
      blockGasLimit: 60_000_000,
      minGasPrice: 0n,
      automine: true,
      intervalMining: 0,
      mempoolOrder: 'priority',
      chains: defaults.defaultHardhatNetworkParams.chains,
      genesisAccounts: accounts.map((a) => ({ privateKey: a.privateKey, balance })),
      allowUnlimitedContractSize: false,
      // Behave like a real node: a reverting transaction is mined, not thrown back.
      throwOnTransactionFailures: false,
      throwOnCallFailures: false,
      allowBlocksWithSameTimestamp: false,
      enableTransientStorage: false,
      enableRip7212: false,
    },
    { enabled: false },
  );
}
