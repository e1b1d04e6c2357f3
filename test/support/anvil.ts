// anvil (Foundry) as the test node: a real EVM node that serves trace_filter,
// debug_traceTransaction with callTracer and eth_getBlockReceipts, which Hardhat 2 does not.
// It runs as a child process on a free port, one per test run, shaped like the dev chain's
// LocalNode so scenarios (playPigButchering, fundWallets) run on it unchanged.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { AbiCoder, ContractFactory, JsonRpcProvider, Network, Wallet, encodeBytes32String, keccak256 } from 'ethers';
import path from 'node:path';
import { devAccount, contractArtifact, type LocalNode } from '../../services/devchain';
import { MULTICALL3_ADDRESS } from '../../services/chains/evm/multicall';

export interface AnvilOptions {
  chainId?: number;
  /** Dev accounts funded at start (devAccount(0..n-1)), default 20. */
  accounts?: number;
  /** Wei per account, default 1,000,000 ETH. */
  balance?: bigint;
  /** Base fee and gas price 0: transactions cost nothing (Tron's free bandwidth, for the Tron stand-in). */
  zeroFees?: boolean;
  /** Block gas limit, which is also the node's gas cap for eth_call (default anvil's 30M). */
  gasLimit?: number;
}

export interface AnvilNode extends LocalNode {
  /** One JSON-RPC call to the node. */
  rpc<T>(method: string, params?: unknown[]): Promise<T>;
}

/** The binary inside the npm package (no install script needed: it ships prebuilt). */
export function anvilBinary(): string {
  const pkg = require.resolve('@foundry-rs/anvil-linux-amd64/package.json');
  return path.join(path.dirname(pkg), 'bin', 'anvil');
}

/**
 * Make SIGINT and SIGTERM end this process through process.exit, so the exit handlers of its
 * anvil nodes run (a node killed by the signal alone leaves its home, states and all: ~20 GB
 * at the bench's 200k). For a script's main (the bench), not for a test runner with its own.
 */
export function exitOnSignals(): void {
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
}

export async function startAnvil(options: AnvilOptions = {}): Promise<AnvilNode> {
  const chainId = options.chainId ?? 31337;
  const args = ['--host', '127.0.0.1', '--port', '0', '--chain-id', String(chainId), '--accounts', '0', '--hardfork', 'cancun'];
  if (options.zeroFees) args.push('--base-fee', '0', '--gas-price', '0');
  if (options.gasLimit !== undefined) args.push('--gas-limit', String(options.gasLimit));
  // anvil keeps the states of older blocks as files under $HOME/.foundry/anvil/tmp and leaves
  // them there when it stops: ~1 GB per 4,000 blocks, 78 GB after a day of benches here. Each
  // node gets a home of its own, removed when it is closed or this process exits.
  const home = mkdtempSync(path.join(os.tmpdir(), 'tracehold-anvil-'));
  const child = spawn(anvilBinary(), args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: home },
  });
  const removeHome = () => rmSync(home, { recursive: true, force: true });
  const onExit = () => {
    child.kill('SIGKILL');
    removeHome();
  };
  process.once('exit', onExit);
  const url = await listeningUrl(child).catch((error: unknown) => {
    process.off('exit', onExit);
    removeHome();
    throw error;
  });
  let nextId = 1;
  const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
    });
    const reply = (await response.json()) as { result?: T; error?: { code: number; message: string } };
    if (reply.error) throw Object.assign(new Error(`${method}: ${reply.error.message}`), { code: reply.error.code });
    return reply.result as T;
  };
  const accounts = Array.from({ length: options.accounts ?? 20 }, (_, i) => devAccount(i));
  const balance = options.balance ?? 10n ** 24n;
  for (const a of accounts) await rpc('anvil_setBalance', [a.address, `0x${balance.toString(16)}`]);
  // Multicall3 at its canonical address, as on every chain we configure.
  await rpc('anvil_setCode', [MULTICALL3_ADDRESS, contractArtifact('Multicall3').deployedBytecode]);
  await rpc('anvil_mine', ['0x1']);
  return {
    url,
    provider: { request: ({ method, params }) => rpc(method, (params as unknown[] | undefined) ?? []) },
    rpc,
    accounts,
    chainId,
    async mine(n = 1) {
      await rpc('anvil_mine', [`0x${n.toString(16)}`]);
    },
    async close() {
      await stop(child);
      process.off('exit', onExit);
      removeHome();
    },
  };
}

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /Listening on (127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.resume(); // keep draining so anvil never blocks on a full pipe
        resolve(`http://${match[1]}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`anvil exited (${code}) before listening: ${out.slice(-500)}`)));
    child.once('error', reject);
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Put a token with `symbol` and `decimals` at `address` (a real chain's USDT, say): deployed
 * once, then its code copied there. Mint is open; returns nothing, the address is the token.
 */
export async function placeToken(node: AnvilNode, address: string, symbol: string, decimals: number): Promise<void> {
  const { abi, bytecode } = contractArtifact('PlacedToken');
  const deployer = new Wallet(node.accounts[0]!.privateKey, anvilProvider(node));
  try {
    const factory = new ContractFactory(abi, bytecode, deployer);
    const contract = await factory.deploy(encodeBytes32String(symbol), decimals);
    await contract.waitForDeployment();
    const code = await node.rpc<string>('eth_getCode', [await contract.getAddress(), 'latest']);
    await node.rpc('anvil_setCode', [address, code]);
  } finally {
    (deployer.provider as JsonRpcProvider).destroy();
  }
}

/**
 * Balances of a token placed by placeToken set straight in its storage (the balanceOf mapping
 * at slot 0), thousands in one HTTP request, then a block mined: they hold from that block on.
 */
export async function setTokenBalances(node: AnvilNode, token: string, balances: ReadonlyArray<readonly [wallet: string, amount: bigint]>): Promise<void> {
  const slot = (wallet: string) => keccak256(AbiCoder.defaultAbiCoder().encode(['address', 'uint256'], [wallet, 0]));
  const body = balances.map(([wallet, amount], i) => ({ jsonrpc: '2.0', id: i, method: 'anvil_setStorageAt', params: [token, slot(wallet), '0x' + amount.toString(16).padStart(64, '0')] }));
  const answers = (await (await fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as Array<{ error?: { message?: string } }>;
  const failed = answers.find((a) => a.error);
  if (failed) throw new Error(`anvil_setStorageAt: ${failed.error?.message ?? 'failed'}`);
  await node.rpc('anvil_mine', ['0x1']);
}

/**
 * An ethers provider for the node under a plain network of its chain id: ethers would otherwise
 * recognise 137 as Polygon and ask Polygon's gas station on the internet for fees.
 */
export function anvilProvider(node: LocalNode): JsonRpcProvider {
  const network = new Network(`anvil-${node.chainId}`, node.chainId);
  return new JsonRpcProvider(node.url, network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 10 });
}
