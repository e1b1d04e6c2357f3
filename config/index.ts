// The only module that reads process.env. Everything else receives the frozen Config it
// returns, validated once at start-up so a bad setting fails fast with a clear message.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidInputError } from '../services/errors';
import { LABEL_CATEGORIES, TAINT_MODELS, type LabelCategory, type TaintModel } from '../services/domain/types';
import defaultChains from './chains.json';
import { loadSecurityConfig, type SecurityConfig } from './security';
import { checkChainConfig } from './chain-schema';
import { CronExpressionParser } from 'cron-parser';

export interface TokenConfig {
  address: string;
  symbol: string;
  decimals: number;
  /** The stablecoin issuer entity that can freeze it (Tether, Circle). */
  issuer?: string;
}

export interface ChainConfig {
  name: string;
  kind: 'evm' | 'bitcoin' | 'tron';
  nativeAsset: string;
  chainId?: number;
  rpcUrl?: string;
  esploraUrl?: string;
  confirmations: number;
  /** EVM: settled blocks are the node's `finalized` block rather than the tip minus confirmations. */
  finality?: 'confirmations' | 'finalized';
  blockTimeSeconds: number;
  /** Tokens with known symbol/decimals/issuer. Tracing follows every fungible token unless `followTokens` is 'listed'. */
  tokens: TokenConfig[];
  followTokens: 'all' | 'listed';
  maxConcurrency: number;
  batchSize: number;
  maxLogRange: number;
  addressesPerLogCall: number;
  /** A block range this short is read with one eth_getLogs for every wallet (filtered locally), when cheaper than address chunks. */
  denseLogMaxBlocks: number;
  /** eth_getLogs and receipts reply bytes read per HTTP request: a larger answer is asked again in parts (no JSON.parse long enough to stall a worker). */
  maxLogReplyBytes: number;
  requestTimeoutMs: number;
  retries: number;
  /** Default minimum tainted amount worth following, per asset (native or listed symbol, or token address), in display units. */
  minAmounts?: Record<string, string>;
  /** Multicall3 and its deployment block, for balances in one call per thousand. */
  multicall3?: { address: string; sinceBlock: number };
  /** Balances through a reader placed by eth_call's state override, before Multicall3 (default true; false: never tried). */
  stateOverrideBalances?: boolean;
  /**
   * Tokens whose balances change without Transfer events (rebasing, interest-bearing): their
   * past balances are always read at their block, never derived from the stored history.
   */
  balanceTokensReadDirectly?: string[];
  /** Block explorer links: URL templates with `{tx}` and `{address}` (the workbench links hashes and wallets). */
  explorer?: ExplorerConfig;
}

export interface ExplorerConfig {
  tx: string;
  address: string;
}

export interface TracingConfig {
  stopCategories: LabelCategory[];
  defaultModel: TaintModel;
  defaultMaxHops: number;
  maxHopsLimit: number;
  /** Distinct counterparties in the window above which an unlabelled address is treated as a service. */
  serviceLikeCounterparties: number;
  /**
   * Bitcoin: confirmed transactions of an address (Esplora's `chain_stats.tx_count`) above
   * which it is treated as a service; its history is then never fetched.
   */
  btcServiceLikeTxCount: number;
  /**
   * EVM: transactions an account without code sent in the window (nonce difference) above
   * which it is treated as a service. Read only for wallets whose token logs were too large
   * to read in one answer; contracts never (their nonce counts contracts they created).
   */
  serviceLikeSentTxs: number;
  /** Crawled addresses per case before the trace stops widening (the report says so). */
  maxAddressesPerCase: number;
  /**
   * A hop fetches (EVM: in reads of whole multiples of the chain's `addressesPerLogCall`),
   * loads and judges the histories of the wallets it reached this many at a time, so what it
   * holds of them does not grow with the number of wallets a hop reaches.
   */
  judgeChunkAddresses: number;
  /** Stored transfers loaded at most per judging chunk; a wallet with more is judged alone. */
  judgeChunkTransfers: number;
  /** Deposit sweep window, in seconds; converted to blocks per chain. */
  depositSweepWindowSeconds: number;
  depositMinForwardBps: number;
}

export interface Config {
  databaseUrl?: string;
  /** PGlite data folder when DATABASE_URL is unset. */
  dataDir: string;
  redisUrl?: string;
  queuePrefix: string;
  port: number;
  /** Interface the API binds to (0.0.0.0 in a container). */
  host: string;
  bootstrapAdminKey?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  chains: Readonly<Record<string, Readonly<ChainConfig>>>;
  tracing: Readonly<TracingConfig>;
  api: {
    bodyLimitBytes: number; maxSeeds: number; rateLimitPerMinute: number;
    /** TRACEHOLD_METRICS_TOKEN: when set, GET /metrics wants `Authorization: Bearer <it>`. */
    metricsToken?: string;
  };
  /** The nightly re-trace (cron in a time zone) and the live watch's polling interval (0: off). */
  retrace: { cron: string; timezone: string; watchIntervalMs: number };
  /** Webhook delivery of freeze requests: tries per send, first backoff (doubles), timeout per try. */
  delivery: { attempts: number; backoffMs: number; timeoutMs: number };
  security: SecurityConfig;
  /**
   * TRACEHOLD_HEAP_GROWING_PERCENT: after a full garbage collection the JS heap may grow to
   * (1 + this/100) × what survived before the next one. 0 leaves it to V8, which lets a busy
   * worker's heap reach several times its live data (see services/runtime.ts).
   */
  runtime: { heapGrowingPercent: number };
}

type Env = Record<string, string | undefined>;

const CHAIN_DEFAULTS = {
  confirmations: 12,
  blockTimeSeconds: 12,
  tokens: [] as TokenConfig[],
  followTokens: 'all' as const,
  maxConcurrency: 4,
  batchSize: 50,
  maxLogRange: 10_000,
  addressesPerLogCall: 200,
  denseLogMaxBlocks: 16,
  maxLogReplyBytes: 8 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  retries: 5,
};

/** Load and validate configuration. `overrides` lets entry points (CLI flags, tests) win over env. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const chains = loadChains(env);
  const config: Config = {
    databaseUrl: nonEmpty(env.DATABASE_URL),
    dataDir: nonEmpty(env.TRACEHOLD_DATA_DIR) ?? path.join(process.cwd(), '.tracehold', 'pgdata'),
    redisUrl: nonEmpty(env.REDIS_URL),
    queuePrefix: nonEmpty(env.TRACEHOLD_QUEUE_PREFIX) ?? 'tracehold',
    port: intSetting(env, 'PORT', 3000, 0, 65535),
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    bootstrapAdminKey: nonEmpty(env.TRACEHOLD_BOOTSTRAP_ADMIN_KEY),
    logLevel: oneOf(env.TRACEHOLD_LOG_LEVEL ?? 'info', ['debug', 'info', 'warn', 'error', 'silent'] as const, 'TRACEHOLD_LOG_LEVEL'),
    chains,
    tracing: {
      stopCategories: ['exchange', 'bridge', 'mixer', 'otc', 'gambling', 'service', 'issuer', 'dex'],
      defaultModel: oneOf(env.TRACEHOLD_DEFAULT_MODEL ?? 'fifo', TAINT_MODELS, 'TRACEHOLD_DEFAULT_MODEL'),
      defaultMaxHops: intSetting(env, 'TRACEHOLD_MAX_HOPS', 10, 1, 100),
      maxHopsLimit: 50,
      serviceLikeCounterparties: intSetting(env, 'TRACEHOLD_SERVICE_LIKE_COUNTERPARTIES', 500, 2, 1_000_000),
      btcServiceLikeTxCount: intSetting(env, 'TRACEHOLD_BTC_SERVICE_LIKE_TXS', 1_000, 2, 1_000_000_000),
      serviceLikeSentTxs: intSetting(env, 'TRACEHOLD_SERVICE_LIKE_SENT_TXS', 1_000, 2, 1_000_000_000),
      maxAddressesPerCase: intSetting(env, 'TRACEHOLD_MAX_ADDRESSES', 100_000, 1, 10_000_000),
      judgeChunkAddresses: intSetting(env, 'TRACEHOLD_JUDGE_CHUNK_ADDRESSES', 2_000, 1, 1_000_000),
      judgeChunkTransfers: intSetting(env, 'TRACEHOLD_JUDGE_CHUNK_TRANSFERS', 20_000, 1, 100_000_000),
      depositSweepWindowSeconds: intSetting(env, 'TRACEHOLD_DEPOSIT_SWEEP_SECONDS', 3 * 24 * 3600, 1, 365 * 24 * 3600),
      depositMinForwardBps: 9000,
    },
    retrace: {
      cron: cronSetting(env.TRACEHOLD_RETRACE_CRON ?? '0 2 * * *', timezoneSetting(env.TRACEHOLD_RETRACE_TZ ?? 'UTC')),
      timezone: timezoneSetting(env.TRACEHOLD_RETRACE_TZ ?? 'UTC'),
      watchIntervalMs: intSetting(env, 'TRACEHOLD_WATCH_INTERVAL_MS', 15_000, 0, 24 * 3600 * 1000),
    },
    api: {
      bodyLimitBytes: intSetting(env, 'TRACEHOLD_BODY_LIMIT_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
      maxSeeds: 1000,
      rateLimitPerMinute: intSetting(env, 'TRACEHOLD_RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
      ...metricsToken(env.TRACEHOLD_METRICS_TOKEN),
    },
    delivery: {
      attempts: intSetting(env, 'TRACEHOLD_DELIVERY_ATTEMPTS', 8, 1, 50),
      backoffMs: intSetting(env, 'TRACEHOLD_DELIVERY_BACKOFF_MS', 5_000, 1, 3_600_000),
      timeoutMs: intSetting(env, 'TRACEHOLD_DELIVERY_TIMEOUT_MS', 15_000, 100, 600_000),
    },
    security: loadSecurityConfig(env),
    runtime: { heapGrowingPercent: intSetting(env, 'TRACEHOLD_HEAP_GROWING_PERCENT', 20, 0, 400) },
    ...overrides,
  };
  const stops = nonEmpty(env.TRACEHOLD_STOP_CATEGORIES);
  if (stops) {
    const list = stops.split(',').map((s) => s.trim()).filter(Boolean);
    for (const c of list) oneOf(c, LABEL_CATEGORIES, 'TRACEHOLD_STOP_CATEGORIES');
    config.tracing = { ...config.tracing, stopCategories: list as LabelCategory[] };
  }
  return deepFreeze(config);
}

/** A bearer token for /metrics: long enough not to be guessed, and sendable as a header value. */
function metricsToken(raw: string | undefined): { metricsToken?: string } {
  const token = raw?.trim();
  if (!token) return {};
  if (!/^[\x21-\x7e]{16,512}$/.test(token)) {
    throw new InvalidInputError('TRACEHOLD_METRICS_TOKEN must be 16 to 512 printable characters without spaces (e.g. openssl rand -hex 24)');
  }
  return { metricsToken: token };
}

/** Look a chain up by name, with a clear error for an unknown one. */
export function chainConfig(config: Config, name: string): ChainConfig {
  const chain = config.chains[name];
  if (!chain) {
    throw new InvalidInputError(`unknown chain "${name}"; configured chains: ${Object.keys(config.chains).join(', ')}`);
  }
  return chain;
}

/** A copy of the config with one chain's endpoint replaced (CLI --rpc / --esplora). */
export function withChainEndpoint(config: Config, name: string, endpoint: { rpcUrl?: string; esploraUrl?: string }): Config {
  const chain = chainConfig(config, name);
  const updated = { ...chain, ...definedOnly(endpoint) };
  validateUrl(updated.rpcUrl, `${name} RPC URL`);
  validateUrl(updated.esploraUrl, `${name} Esplora URL`);
  return deepFreeze({ ...config, chains: { ...config.chains, [name]: updated } });
}

function loadChains(env: Env): Record<string, ChainConfig> {
  const raw: Record<string, Partial<ChainConfig>> = { ...(defaultChains as Record<string, Partial<ChainConfig>>) };
  const extra = nonEmpty(env.TRACEHOLD_CHAINS_FILE);
  if (extra) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(extra, 'utf8'));
    } catch (error) {
      throw new InvalidInputError(`TRACEHOLD_CHAINS_FILE ${extra}: ${(error as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object') throw new InvalidInputError(`TRACEHOLD_CHAINS_FILE ${extra}: expected an object of chains`);
    for (const [name, value] of Object.entries(parsed as Record<string, Partial<ChainConfig>>)) {
      raw[name] = { ...(raw[name] ?? {}), ...value };
    }
  }
  const chains: Record<string, ChainConfig> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(name)) throw new InvalidInputError(`chain name "${name}" must be lower-case letters, digits or dashes`);
    const envName = name.toUpperCase().replace(/-/g, '_');
    const kind = oneOf(value.kind ?? 'evm', ['evm', 'bitcoin', 'tron'] as const, `chains.${name}.kind`);
    const chain: ChainConfig = {
      ...CHAIN_DEFAULTS,
      ...value,
      name,
      kind,
      nativeAsset: value.nativeAsset ?? (kind === 'bitcoin' ? 'BTC' : kind === 'tron' ? 'TRX' : 'ETH'),
      finality: value.finality === undefined ? undefined : oneOf(value.finality, ['confirmations', 'finalized'] as const, `chains.${name}.finality`),
      // Tron's base58 addresses are case-sensitive; EVM hex is compared in lower case.
      tokens: (value.tokens ?? []).map((t) => ({ ...t, address: kind === 'tron' ? t.address : t.address.toLowerCase() })),
      rpcUrl: nonEmpty(env[`${envName}_RPC_URL`]) ?? (name === 'ethereum' ? nonEmpty(env.ETH_RPC_URL) : undefined) ?? value.rpcUrl,
      esploraUrl: kind === 'bitcoin' ? nonEmpty(env.BTC_ESPLORA_URL) ?? nonEmpty(env[`${envName}_ESPLORA_URL`]) ?? value.esploraUrl : undefined,
    };
    const confirmations = env[`${envName}_CONFIRMATIONS`];
    if (confirmations !== undefined) chain.confirmations = intSetting(env, `${envName}_CONFIRMATIONS`, chain.confirmations, 0, 10_000);
    validateUrl(chain.rpcUrl, `${envName}_RPC_URL`);
    validateUrl(chain.esploraUrl, 'BTC_ESPLORA_URL');
    validateExplorer(chain.explorer, name);
    chains[name] = checkChainConfig(chain, extra ? `config/chains.json with TRACEHOLD_CHAINS_FILE ${extra}` : 'config/chains.json');
  }
  return chains;
}

function validateExplorer(explorer: ExplorerConfig | undefined, chain: string): void {
  if (explorer === undefined) return;
  for (const [field, slot] of [['tx', '{tx}'], ['address', '{address}']] as const) {
    const template = explorer[field];
    if (typeof template !== 'string' || !/^https?:\/\//.test(template) || !template.includes(slot)) {
      throw new InvalidInputError(`chains.${chain}.explorer.${field} must be an http(s) URL template containing ${slot}`);
    }
  }
}

function validateUrl(url: string | undefined, what: string): void {
  if (url === undefined) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInputError(`${what} is not a URL: ${url}`);
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) {
    throw new InvalidInputError(`${what} must be http(s) or ws(s): ${url}`);
  }
}

function intSetting(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new InvalidInputError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new InvalidInputError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** Five or six cron fields, checked by the parser BullMQ schedules with (ranges included). */
function cronSetting(value: string, timezone: string): string {
  const fields = value.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6 || !fields.every((f) => /^[\d*/,\-]+$/.test(f))) {
    throw new InvalidInputError(`TRACEHOLD_RETRACE_CRON must be a cron pattern like "0 2 * * *", got "${value}"`);
  }
  try {
    CronExpressionParser.parse(fields.join(' '), { tz: timezone });
  } catch (error) {
    throw new InvalidInputError(`TRACEHOLD_RETRACE_CRON "${value}": ${(error as Error).message}`);
  }
  return fields.join(' ');
}

function timezoneSetting(value: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    throw new InvalidInputError(`TRACEHOLD_RETRACE_TZ is not a time zone: "${value}"`);
  }
  return value;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidInputError(`${what} must be one of ${allowed.join(', ')}; got "${value}"`);
  }
  return value as T;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
