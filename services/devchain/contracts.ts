// Compiles the dev-chain contracts with the bundled solc (WASM, seconds per run), so the
// output is kept in memory per process and on disk keyed by a hash of the sources.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ContractFactory, type BaseContract, type ContractRunner, type InterfaceAbi } from 'ethers';

export type ContractName = 'TestUSDT' | 'TestUSDC' | 'SpamToken' | 'Forwarder' | 'Multicall3' | 'SmartWallet' | 'Pool' | 'BatchPayout' | 'RejectingSink' | 'ChildFactory' | 'Child' | 'PlacedToken' | 'SilentToken';

export interface CompiledContract {
  abi: InterfaceAbi;
  bytecode: string;
  /** Runtime code, for placing a contract at a fixed address (hardhat_setCode). */
  deployedBytecode: string;
}

type Artifacts = Record<string, CompiledContract>;

const CONTRACTS_DIR = path.join(__dirname, 'contracts');
const SOLC_VERSION = '0.8.28';
const OUTPUTS = ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'];

let memo: Artifacts | undefined;

/** Every contract in services/devchain/contracts, compiled once per process. */
export function compiledContracts(): Artifacts {
  if (memo) return memo;
  const sources = Object.fromEntries(
    readdirSync(CONTRACTS_DIR)
      .filter((f) => f.endsWith('.sol'))
      .sort()
      .map((f) => [f, { content: readFileSync(path.join(CONTRACTS_DIR, f), 'utf8') }]),
  );
  const key = createHash('sha256').update(SOLC_VERSION).update(OUTPUTS.join()).update(JSON.stringify(sources)).digest('hex').slice(0, 16);
  const cacheFile = path.join(cacheDir(), `contracts-${key}.json`);
  if (existsSync(cacheFile)) {
    memo = JSON.parse(readFileSync(cacheFile, 'utf8')) as Artifacts;
    return memo;
  }
  memo = compile(sources);
  try {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileSync(cacheFile, JSON.stringify(memo));
  } catch {
    // A read-only checkout still works; it just compiles on every start.
  }
  return memo;
}

export function contractArtifact(name: ContractName): CompiledContract {
  const artifact = compiledContracts()[name];
  if (!artifact) throw new Error(`contract ${name} not found in ${CONTRACTS_DIR}`);
  return artifact;
}

/** Deploy a dev-chain contract and wait until it is mined. */
export async function deploy(signer: ContractRunner, name: ContractName, args: unknown[] = []): Promise<BaseContract & { address: string }> {
  const { abi, bytecode } = contractArtifact(name);
  const factory = new ContractFactory(abi, bytecode, signer);
  const contract = await factory.deploy(...args);
  await contract.waitForDeployment();
  return Object.assign(contract, { address: (await contract.getAddress()).toLowerCase() });
}

interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>;
  contracts: Record<string, Record<string, { abi: InterfaceAbi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>>;
}

function compile(sources: Record<string, { content: string }>): Artifacts {
  // Loaded lazily: requiring solc parses a large WASM blob even when the cache is warm.
  // soljson (emscripten) installs process handlers that rethrow any unhandled rejection and
  // would crash test runners long after compiling; drop whatever it adds.
  const before = {
    unhandledRejection: new Set(process.listeners('unhandledRejection')),
    uncaughtException: new Set(process.listeners('uncaughtException')),
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require('solc') as { compile(input: string, callbacks: { import: (p: string) => { contents: string } | { error: string } }): string };
  for (const listener of process.listeners('unhandledRejection')) {
    if (!before.unhandledRejection.has(listener)) process.removeListener('unhandledRejection', listener);
  }
  for (const listener of process.listeners('uncaughtException')) {
    if (!before.uncaughtException.has(listener)) process.removeListener('uncaughtException', listener);
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      outputSelection: { '*': { '*': OUTPUTS } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: resolveImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const artifacts: Artifacts = {};
  for (const file of Object.values(output.contracts)) {
    for (const [name, c] of Object.entries(file)) {
      artifacts[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}`, deployedBytecode: `0x${c.evm.deployedBytecode.object}` };
    }
  }
  return artifacts;
}

function resolveImport(importPath: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(require.resolve(importPath), 'utf8') };
  } catch {
    const local = path.join(CONTRACTS_DIR, importPath);
    if (existsSync(local)) return { contents: readFileSync(local, 'utf8') };
    return { error: `import not found: ${importPath}` };
  }
}

function cacheDir(): string {
  // node_modules/.cache is the conventional place for tool caches and is already ignored by git.
  return path.join(path.dirname(require.resolve('solc')), '..', '.cache', 'tracehold');
}
