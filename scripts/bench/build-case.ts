// A laundering tree of ~BENCH_TRANSFERS token transfers on the local node, built fast:
// one multiTransfer transaction emits many ERC-20 Transfer logs, and during the case the
// node's automine is off so each block carries up to `txsPerBlock` transactions (signed
// here, sent in-process, then one evm_mine), as on a real chain.
//
//   victims V1, V2 (USDT) and V3 (ETH) ──► scam wallet S                       (the seeds)
//   S ──multiTransfer──► L1 × f1            S ──ETH──► the first 10 L1
//   each L1 ──multiTransfer──► L2 × f2      those 10 L1 ──ETH──► 2 of their L2 each
//   each L2 ──multiTransfer──► L3 × 3..4    (10 L2 also pay the Binance hot wallet directly;
//                                            some L2 send ETH on to deposit addresses)
//   ~5 % of L3 ──► exchange deposit addresses ──sweep──► Binance / OKX / Kraken hot wallets
//   (the exchanges top their deposits up with gas first); every other L3 keeps its funds.
//   Clean money: a clean wallet pays 50 L2 before the case, 5 deposit addresses and 20 L3
//   holdings during it.
//   A busy wallet (busyTransfers > 0): 20 L2 also pay an unlabelled hot wallet B, which then
//   pays out `busyTransfers` times to busyTransfers / 10 distinct counterparties (clean money
//   it held before, mixed with the taint: under poison every payout after the first tainted
//   inflow is tainted, so a tracer that does not stop at B follows thousands of wallets).
//
// Gas funding (before the case) goes through the same hand-mined path as the case, not
// fundWallets: on anvil automine mines one block per arriving transaction and a block holds
// at most 30M gas (~1,400 plain transfers), so when 19 funders send thousands of transfers at
// once the backlog beyond one block stays pending after the last one arrives; at 100k transfers
// (6,109 wallets) fundWallets' receipts never came. Transactions go to the node and receipts
// come back in JSON-RPC batches of a block's worth each.
import { Contract, Interface, JsonRpcProvider, NonceManager, Wallet, keccak256, parseEther, parseUnits, toUtf8Bytes } from 'ethers';
import { contractArtifact, deploy, devAccount, receiptOf, type LocalNode } from '../../services/devchain';
import type { Label } from '../../services/domain/types';

export interface BenchCaseOptions {
  transfers: number;
  txsPerBlock: number;
  /** Payouts of the unlabelled busy hot wallet (0: no busy wallet). */
  busyTransfers?: number;
  /** Told when each stage of the build is done (a 100k case takes minutes). */
  progress?: (line: string) => void;
}

export interface BenchCase {
  chain: string;
  token: string;
  seedTxs: string[];
  labels: Label[];
  fromBlock: number;
  toBlock: number;
  wallets: {
    scam: string; hot: Record<string, string>; deposits: string[]; l1: string[]; l2: string[]; l3: string[];
    /** The unlabelled busy hot wallet and the wallets it paid, when there is one. */
    busy: string | null; busyCounterparties: string[];
  };
  built: {
    ms: number;
    fundingMs: number;
    /** ERC-20 Transfer logs and value-carrying ETH transactions inside [fromBlock, toBlock]. */
    tokenTransfers: number;
    nativeTransfers: number;
    transactions: number;
    blocks: number;
    fundedWallets: number;
    shape: { l1: number; l2: number; l3: number; l3Senders: number; deposits: number; busyPayers: number; busyPayouts: number; busyCounterparties: number };
  };
}

/**
 * Where a floor tracer stops (reaches, never follows): the labelled wallets and the unlabelled
 * busy hot wallet. A tracer must stop at a service (tracehold judges it on a bounded read of
 * its logs); one that followed it would read every payout it made, which is no floor of the
 * case (a million payouts are a 500 MB answer, longer than a string may be).
 */
export function floorStops(kase: Pick<BenchCase, 'labels' | 'wallets'>): string[] {
  return [...kase.labels.map((l) => l.address), ...(kase.wallets.busy ? [kase.wallets.busy] : [])].map((a) => a.toLowerCase());
}

const USDT = (n: number | string) => parseUnits(String(n), 6);
const GWEI = 10n ** 9n;
const MAX_FEE = 5n * GWEI;
const PRIORITY = 1n * GWEI;

/** The gas limit of a multiTransfer to `recipients` wallets. */
const multiGas = (recipients: number) => 60_000n + 40_000n * BigInt(recipients);
const maxBig = (a: bigint, b: bigint) => (a > b ? a : b);

interface TxSpec {
  wallet: Wallet;
  to: string;
  value?: bigint;
  data?: string;
  gasLimit: bigint;
}

const int = (n: number) => n.toLocaleString('en-US');

/** How long one batch of calls may take: a busy node on a shared machine is slow, not gone. */
const BATCH_TIMEOUT_MS = 300_000;

/**
 * Several JSON-RPC calls in one HTTP request (anvil and services/devchain's server both take
 * batches); answers in the order asked. Any error answer fails the whole batch.
 */
export async function rpcBatch<T = unknown>(url: string, calls: Array<[string, unknown[]]>, timeoutMs = BATCH_TIMEOUT_MS): Promise<T[]> {
  if (calls.length === 0) return [];
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params }))),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`JSON-RPC batch of ${calls.length}: HTTP ${response.status}`);
  const replies = (await response.json()) as Array<{ id: number; result?: T; error?: { message: string } }>;
  if (!Array.isArray(replies) || replies.length !== calls.length) throw new Error(`JSON-RPC batch of ${calls.length}: ${Array.isArray(replies) ? replies.length : 'no'} answers`);
  const byId = new Map(replies.map((r) => [r.id, r]));
  return calls.map(([method], id) => {
    const reply = byId.get(id);
    if (!reply) throw new Error(`JSON-RPC batch: no answer to ${method} (id ${id})`);
    if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
    return reply.result as T;
  });
}

/** A receive-only address: no key needed (deriving keys costs ~1 ms each). */
function receiver(tag: string): string {
  return '0x' + keccak256(toUtf8Bytes(`tracehold bench ${tag}`)).slice(-40);
}

export async function buildBenchCase(node: LocalNode, options: BenchCaseOptions): Promise<BenchCase> {
  const started = Date.now();
  const chain = 'local';
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 10 });
  try {
    return await build(node, provider, options, chain, started);
  } finally {
    provider.destroy();
  }
}

async function build(node: LocalNode, provider: JsonRpcProvider, options: BenchCaseOptions, chain: string, started: number): Promise<BenchCase> {
  const rpc = <T>(method: string, params: unknown[] = []) => node.provider.request({ method, params }) as Promise<T>;

  // --- Shape: f1 × f2 × ~k token transfers, scaled from the target.
  const n = Math.max(200, options.transfers);
  const scale = Math.sqrt(Math.min(1, n / 10_000));
  const f1 = Math.max(3, Math.round(100 * scale));
  const f2 = Math.max(3, Math.round(20 * scale));
  const l2Count = f1 * f2;
  const depositCount = Math.max(3, Math.round(n / 250));
  const l3Senders = depositCount * 10;
  const directToHot = Math.min(10, l2Count);
  const cleanInCase = 5 + 20; // clean → 5 deposits, clean → 20 L3 holdings
  const sweeps = depositCount;
  const l3Count = Math.max(l2Count, n - f1 - l2Count - directToHot - l3Senders - sweeps - cleanInCase - 2);
  const nativeL1 = Math.min(10, f1);

  // --- Wallets. Senders get keys; receive-only L3 wallets are plain addresses.
  let keyIndex = 100_000;
  const key = () => new Wallet(devAccount(keyIndex++).privateKey);
  const v1 = key(), v2 = key(), v3 = key(), s = key(), clean = key();
  const hotNames = ['Binance', 'OKX', 'Kraken'];
  const hot = hotNames.map(() => key());
  const l1 = Array.from({ length: f1 }, key);
  const l2 = Array.from({ length: l2Count }, key);
  // L3: every `stride`-th child is a sender (to a deposit address); the rest only receive.
  const stride = Math.max(1, Math.floor(l3Count / l3Senders));
  const l3: string[] = [];
  const l3Wallets = new Map<string, Wallet>();
  for (let i = 0; i < l3Count; i++) {
    if (i % stride === 0 && l3Wallets.size < l3Senders) {
      const w = key();
      l3Wallets.set(w.address.toLowerCase(), w);
      l3.push(w.address.toLowerCase());
    } else l3.push(receiver(`l3 ${i}`));
  }
  const deposits = Array.from({ length: depositCount }, key);
  const busyTransfers = Math.max(0, options.busyTransfers ?? 0);
  const busy = busyTransfers > 0 ? key() : null;
  const busyPayers = busy ? Math.min(20, Math.max(0, l2Count - directToHot)) : 0;
  const busyCounterparties = Array.from({ length: busy ? Math.max(1, Math.floor(busyTransfers / 10)) : 0 }, (_, i) => receiver(`busy customer ${i}`));
  const BUSY_FLOAT = USDT(10 * busyTransfers);
  const addr = (w: Wallet) => w.address.toLowerCase();
  const exchangeOf = (d: number) => d % hot.length;

  // --- Before the case: token, mints, gas for every sender.
  const owner = new NonceManager(new Wallet(node.accounts[0]!.privateKey, provider));
  const token = (await deploy(owner, 'TestUSDT')) as unknown as Contract;
  const tokenAddress = (await token.getAddress()).toLowerCase();
  const mints: Array<[Wallet, bigint]> = [[v1, USDT(600_000)], [v2, USDT(400_000)], [clean, USDT(1_000_000)]];
  if (busy) mints.push([busy, BUSY_FLOAT]);
  for (const [w, amount] of mints) {
    const tx = (await token.mint(addr(w), amount)) as { hash: string };
    await receiptOf(provider, tx.hash);
  }
  options.progress?.(`token deployed, ${mints.length} mints (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  // --- From here on, blocks are mined by hand: the gas funding too.
  await rpc('evm_setAutomine', [false]);
  const usdt = new Interface(contractArtifact('TestUSDT').abi);
  const nonces = new Map<string, number>();
  const balance = new Map<string, bigint>();
  const credit = (a: string, v: bigint) => balance.set(a, (balance.get(a) ?? 0n) + v);
  let transactions = 0;
  let tokenTransfers = 0;
  let nativeTransfers = 0;
  let counting = false;

  const multi = (from: Wallet, pay: Array<[string, bigint]>): TxSpec => {
    for (const [to, v] of pay) {
      credit(addr(from), -v);
      credit(to, v);
    }
    return {
      wallet: from,
      to: tokenAddress,
      data: usdt.encodeFunctionData('multiTransfer', [pay.map((p) => p[0]), pay.map((p) => p[1])]),
      gasLimit: multiGas(pay.length),
    };
  };
  const eth = (from: Wallet, to: string, value: bigint): TxSpec => ({ wallet: from, to, value, gasLimit: 21_000n });
  const batch = <T>(calls: Array<[string, unknown[]]>) => rpcBatch<T>(node.url, calls);

  /** Sign, send (one batch), mine `txsPerBlock` per block, check every receipt (one batch). Returns hashes. */
  const play = async (specs: TxSpec[]): Promise<string[]> => {
    const hashes: string[] = [];
    for (let i = 0; i < specs.length; i += options.txsPerBlock) {
      const chunk = specs.slice(i, i + options.txsPerBlock);
      const raws: string[] = [];
      for (const spec of chunk) {
        const from = addr(spec.wallet);
        const nonce = nonces.get(from) ?? 0;
        nonces.set(from, nonce + 1);
        raws.push(await spec.wallet.signTransaction({
          type: 2, chainId: node.chainId, nonce, to: spec.to, value: spec.value ?? 0n, data: spec.data ?? '0x',
          gasLimit: spec.gasLimit, maxFeePerGas: MAX_FEE, maxPriorityFeePerGas: PRIORITY,
        }));
      }
      const chunkHashes = (await batch<string>(raws.map((raw) => ['eth_sendRawTransaction', [raw]]))).map((h) => h.toLowerCase());
      // A block fills up before the chunk does when the chunk's gas limits pass the block's
      // (a busy wallet's 250-payout transactions: 3 a block): mine until all are in.
      for (let round = 0; ; round++) {
        await rpc('evm_mine');
        const pending = await rpc<{ transactions: unknown[] }>('eth_getBlockByNumber', ['pending', false]);
        if (!pending || pending.transactions.length === 0) break;
        if (round > chunk.length) throw new Error(`${pending.transactions.length} transactions stuck in the mempool after ${round + 1} blocks`);
      }
      const receipts = await batch<{ status: string; logs: unknown[] } | null>(chunkHashes.map((hash) => ['eth_getTransactionReceipt', [hash]]));
      for (const [k, receipt] of receipts.entries()) {
        if (!receipt || receipt.status !== '0x1') throw new Error(`bench transaction ${chunkHashes[k]} failed (${receipt?.status ?? 'no receipt'})`);
        if (counting) {
          tokenTransfers += receipt.logs.length;
          if ((chunk[k]!.value ?? 0n) > 0n) nativeTransfers += 1;
        }
      }
      hashes.push(...chunkHashes);
      if (counting) transactions += chunk.length;
    }
    return hashes;
  };

  // --- Gas for every sender: plain ETH transfers from the genesis accounts (200 wallets per
  // funder in turn), mined like the case.
  const fundingStarted = Date.now();
  const gas: Array<[string[], bigint]> = [
    [[addr(v1), addr(v2), addr(clean)], parseEther('0.1')],
    [[addr(v3)], parseEther('11')],
    [[addr(s)], parseEther('1')],
    [hot.map(addr), parseEther('10')],
    [l1.map(addr), parseEther('0.1')],
    // An L2 pays its L3 share (and maybe a hot or the busy wallet) in one multiTransfer, whose
    // gas limit grows with it: ~96 recipients at 200k, ~190 at 400k (0.02 ETH was too little).
    [l2.map(addr), maxBig(parseEther('0.02'), multiGas(Math.ceil(l3.length / l2.length) + 1) * MAX_FEE * 11n / 10n)],
    [[...l3Wallets.keys()], parseEther('0.01')],
    ...(busy ? [[[addr(busy)], parseEther('50')] as [string[], bigint]] : []),
  ];
  const funders = node.accounts.slice(1).map((a) => new Wallet(a.privateKey));
  const funderNonces = await batch<string>(funders.map((f) => ['eth_getTransactionCount', [f.address, 'pending']]));
  funders.forEach((f, i) => nonces.set(addr(f), Number(funderNonces[i])));
  const fundSpecs: TxSpec[] = [];
  let funderTurn = 0;
  for (const [list, amount] of gas) {
    for (let i = 0; i < list.length; i += 200) {
      const funder = funders[funderTurn++ % funders.length]!;
      for (const to of list.slice(i, i + 200)) fundSpecs.push(eth(funder, to, amount));
    }
  }
  await play(fundSpecs);
  const fundedWallets = gas.reduce((sum, [list]) => sum + list.length, 0);
  // The case's full blocks (the busy wallet's payouts above all) raise the base fee by up to
  // ~50× before its last block; start it far enough below MAX_FEE that no transaction waits.
  for (let empty = 0; ; empty++) {
    const latest = await rpc<{ baseFeePerGas?: string }>('eth_getBlockByNumber', ['latest', false]);
    if (BigInt(latest.baseFeePerGas ?? 0) <= MAX_FEE / 1000n) break;
    if (empty >= 1000) throw new Error(`base fee still ${latest.baseFeePerGas} wei after ${empty} empty blocks`);
    await rpc('evm_mine');
  }
  const fundingMs = Date.now() - fundingStarted;
  options.progress?.(`gas funding of ${int(fundedWallets)} wallets mined (${(fundingMs / 1000).toFixed(1)} s)`);

  credit(addr(v1), USDT(600_000));
  credit(addr(v2), USDT(400_000));
  credit(addr(clean), USDT(1_000_000));
  if (busy) credit(addr(busy), BUSY_FLOAT);
  // Clean money held by 50 L2 wallets before the case (commingled later).
  const cleanL2 = l2.filter((_, i) => i % Math.max(1, Math.floor(l2.length / 50)) === 0).slice(0, 50);
  await play([multi(clean, cleanL2.map((w) => [addr(w), USDT(100)]))]);

  // --- The case.
  counting = true;
  const seedTxs = await play([
    multi(v1, [[addr(s), USDT(600_000)]]),
    multi(v2, [[addr(s), USDT(400_000)]]),
    eth(v3, addr(s), parseEther('10')),
  ]);
  const fromBlock = Number((await provider.getTransactionReceipt(seedTxs[0]!))!.blockNumber);

  // S fans out to L1 (USDT in chunks of 100 per transaction) and pays ETH to the first L1s.
  const perL1 = USDT(1_000_000) / BigInt(f1);
  const sSpecs: TxSpec[] = [];
  for (let i = 0; i < l1.length; i += 100) sSpecs.push(multi(s, l1.slice(i, i + 100).map((w) => [addr(w), perL1])));
  for (const w of l1.slice(0, nativeL1)) sSpecs.push(eth(s, addr(w), parseEther('0.5')));
  await play(sSpecs);

  // Each L1 fans out to its f2 L2 wallets; the ETH-funded L1s pass ETH to two of them.
  const perL2 = perL1 / BigInt(f2);
  const childrenOf = (i: number) => l2.slice(i * f2, (i + 1) * f2);
  const l1Specs: TxSpec[] = l1.map((w, i) => multi(w, childrenOf(i).map((c) => [addr(c), perL2])));
  const ethL2: Wallet[] = [];
  for (let i = 0; i < nativeL1; i++) {
    for (const c of childrenOf(i).slice(0, 2)) {
      l1Specs.push(eth(l1[i]!, addr(c), parseEther('0.2')));
      ethL2.push(c);
    }
  }
  await play(l1Specs);

  // Each L2 fans out to its L3 share (3 or 4 each); some also pay Binance directly.
  const l2Specs: TxSpec[] = [];
  let next = 0;
  for (let i = 0; i < l2.length; i++) {
    const take = Math.floor(((i + 1) * l3.length) / l2.length) - Math.floor((i * l3.length) / l2.length);
    const kids = l3.slice(next, next + take);
    next += take;
    const recipients = i < directToHot ? [...kids, addr(hot[0]!)] : busy && i < directToHot + busyPayers ? [...kids, addr(busy)] : kids;
    const each = perL2 / BigInt(recipients.length);
    l2Specs.push(multi(l2[i]!, recipients.map((r) => [r, each])));
  }
  // Half the ETH-funded L2 wallets send ETH on to a deposit address.
  const ethDeposits = new Map<number, bigint>();
  ethL2.forEach((w, i) => {
    if (i % 2 !== 0) return;
    const d = i % deposits.length;
    l2Specs.push(eth(w, addr(deposits[d]!), parseEther('0.15')));
    ethDeposits.set(d, (ethDeposits.get(d) ?? 0n) + parseEther('0.15'));
  });
  await play(l2Specs);
  options.progress?.(`L1, L2 and their fan-out played (${int(transactions)} case transactions, ${((Date.now() - started) / 1000).toFixed(1)} s)`);

  // The busy wallet pays its customers (250 per transaction), after its tainted inflows.
  if (busy) {
    const payouts: TxSpec[] = [];
    const each = BUSY_FLOAT / BigInt(busyTransfers) / 2n;
    for (let i = 0; i < busyTransfers; i += 250) {
      const n = Math.min(250, busyTransfers - i);
      payouts.push(multi(busy, Array.from({ length: n }, (_, k) => [busyCounterparties[(i + k) % busyCounterparties.length]!, each] as [string, bigint])));
    }
    await play(payouts);
    options.progress?.(`busy wallet's ${int(busyTransfers)} payouts played (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }

  // The L3 senders pay deposit addresses; clean customers pay some deposits and holdings too.
  const l3Specs: TxSpec[] = [];
  [...l3Wallets.values()].forEach((w, i) => l3Specs.push(multi(w, [[addr(deposits[i % deposits.length]!), balance.get(addr(w))!]])));
  l3Specs.push(multi(clean, deposits.slice(0, 5).map((d) => [addr(d), USDT(1_000)])));
  const holdings = l3.filter((a) => !l3Wallets.has(a)).slice(0, 20);
  l3Specs.push(multi(clean, holdings.map((a) => [a, USDT(50)])));
  await play(l3Specs);

  // The exchanges top their deposit addresses up with gas, then sweep them.
  await play(deposits.map((d, i) => eth(hot[exchangeOf(i)]!, addr(d), parseEther('0.01'))));
  await play(deposits.map((d, i) => multi(d, [[addr(hot[exchangeOf(i)]!), balance.get(addr(d))!]])));
  await play([...ethDeposits].map(([d, amount]) => eth(deposits[d]!, addr(hot[exchangeOf(d)]!), amount)));

  const toBlock = Number(await provider.getBlockNumber());
  await rpc('evm_setAutomine', [true]);
  return {
    chain,
    token: tokenAddress,
    seedTxs,
    labels: hot.map((w, i) => ({ chain, address: addr(w), entity: hotNames[i]!, category: 'exchange' as const, confidence: 90, source: 'bench' })),
    fromBlock,
    toBlock,
    wallets: {
      scam: addr(s),
      hot: Object.fromEntries(hot.map((w, i) => [hotNames[i]!, addr(w)])),
      deposits: deposits.map(addr),
      l1: l1.map(addr),
      l2: l2.map(addr),
      l3,
      busy: busy ? addr(busy) : null,
      busyCounterparties,
    },
    built: {
      ms: Date.now() - started,
      fundingMs,
      tokenTransfers,
      nativeTransfers,
      transactions,
      blocks: toBlock - fromBlock + 1,
      fundedWallets,
      shape: {
        l1: f1, l2: l2Count, l3: l3Count, l3Senders: l3Wallets.size, deposits: depositCount,
        busyPayers, busyPayouts: busyTransfers, busyCounterparties: busyCounterparties.length,
      },
    },
  };
}
