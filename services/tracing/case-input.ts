// Validation of a new case, shared by the API and the CLI. Malformed input (wrong types,
// missing fields) is a BadRequestError; well-formed but invalid input (a bad checksum, an
// unknown chain, a negative amount) is an InvalidInputError. Nothing is written before this passes.
import { chainConfig, type ChainConfig, type Config } from '../../config';
import { BadRequestError, InvalidInputError } from '../errors';
import { SEED_REF, TAINT_MODELS, type Asset, type Seed, type TaintModel } from '../domain/types';
import { assetOfKey, toBaseUnits, type MinAmountEntry } from './min-amounts';

export interface CaseInput {
  title: string;
  reference: string | null;
  chain: string;
  seeds: Seed[];
  fromBlock: number | null;
  toBlock: number | null;
  model: TaintModel;
  maxHops: number;
  assets: Asset[] | null;
  /** The older all-asset figure in base units (a bare string or number). */
  minAmount: bigint | null;
  /** Per asset (`{"USDT": "100", "ETH": "0.05"}`), in display units; resolved to base units when the case is opened. */
  minAmounts: MinAmountEntry[];
}

export type AddressNormalizer = (chain: string, address: string) => string;

const MAX_BLOCK = 2 ** 48;

export function validateCaseInput(config: Config, normalize: AddressNormalizer, raw: unknown): CaseInput {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new BadRequestError('expected a JSON object');
  const body = raw as Record<string, unknown>;
  const title = str(body.title, 'title', 1, 200);
  const reference = body.reference === undefined || body.reference === null ? null : str(body.reference, 'reference', 1, 200);
  const chainName = str(body.chain, 'chain', 1, 32);
  const chain = chainConfig(config, chainName);
  if (!Array.isArray(body.seeds)) throw new BadRequestError('seeds must be an array');
  if (body.seeds.length === 0) throw new InvalidInputError('at least one seed is required');
  if (body.seeds.length > config.api.maxSeeds) throw new InvalidInputError(`at most ${config.api.maxSeeds} seeds per case`);
  const seeds = body.seeds.map((s, i) => seedOf(s, i, chain.kind, (a) => normalize(chainName, a)));
  const fromBlock = optInt(body.fromBlock, 'fromBlock', 0, MAX_BLOCK);
  const toBlock = optInt(body.toBlock, 'toBlock', 0, MAX_BLOCK);
  if (fromBlock !== null && toBlock !== null && fromBlock > toBlock) throw new InvalidInputError('fromBlock must not be after toBlock');
  const model = body.model === undefined || body.model === null ? config.tracing.defaultModel : oneOf(body.model, TAINT_MODELS, 'model');
  const maxHops = optInt(body.maxHops, 'maxHops', 1, config.tracing.maxHopsLimit) ?? config.tracing.defaultMaxHops;
  let assets: Asset[] | null = null;
  if (body.assets !== undefined && body.assets !== null) {
    if (!Array.isArray(body.assets)) throw new BadRequestError('assets must be an array');
    if (body.assets.length > 100) throw new InvalidInputError('at most 100 assets');
    assets = [...new Set(body.assets.map((a, i) => {
      const asset = str(a, `assets[${i}]`, 1, 100);
      return asset.toUpperCase() === chain.nativeAsset ? chain.nativeAsset : normalize(chainName, asset);
    }))];
  }
  const perAsset = body.minAmount !== null && typeof body.minAmount === 'object';
  const minAmount = body.minAmount === undefined || body.minAmount === null || perAsset ? null : amountOf(body.minAmount, 'minAmount');
  const minAmounts = perAsset ? minAmountEntries(body.minAmount, chain, (a) => normalize(chainName, a)) : [];
  return { title, reference, chain: chainName, seeds, fromBlock, toBlock, model, maxHops, assets, minAmount, minAmounts };
}

/** `{"USDT": "100", "ETH": "0.05"}`: keys are symbols or token addresses, values display amounts. */
function minAmountEntries(raw: unknown, chain: ChainConfig, normalize: (a: string) => string): MinAmountEntry[] {
  if (Array.isArray(raw)) throw new BadRequestError('minAmount must be base units, or an object of asset → amount in display units');
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > 100) throw new InvalidInputError('minAmount: at most 100 assets');
  return entries.map(([key, value]) => {
    const what = `minAmount.${key}`;
    if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
    if (typeof value !== 'string') throw new BadRequestError(`${what} must be a decimal string in display units`);
    const { decimals } = assetOfKey(chain, key.trim(), normalize); // an unknown symbol fails here
    toBaseUnits(value, decimals ?? 78, what); // the syntax and sign now; decimals of an unlisted token later
    return { key: key.trim(), display: value.trim() };
  });
}

/**
 * `address`, `txhash`, `txhash:index` (a log index or a vout), or `txhash:tx` / `txhash:call:0.1`
 * (the transaction's own value or an internal transfer), as the CLI takes seeds.
 */
export function parseSeedArg(arg: string): Record<string, unknown> {
  const colon = arg.indexOf(':');
  const head = colon < 0 ? arg : arg.slice(0, colon);
  if (colon >= 0) {
    const pick = arg.slice(colon + 1);
    if (/^\d+$/.test(pick)) return { txHash: head, index: Number(pick) };
    if (SEED_REF.test(pick)) return { txHash: head, ref: pick };
    throw new InvalidInputError(`seed "${arg}": after ':' comes a log index or vout (a whole number), \`tx\` or an internal transfer such as \`call:0.1\``);
  }
  const bare = (head ?? '').replace(/^0x/i, '');
  return /^[0-9a-fA-F]{64}$/.test(bare) ? { txHash: head } : { address: head };
}

function seedOf(raw: unknown, i: number, kind: 'evm' | 'bitcoin' | 'tron', normalize: (a: string) => string): Seed {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new BadRequestError(`seeds[${i}] must be an object`);
  const seed = raw as Record<string, unknown>;
  if (seed.address !== undefined) {
    if (seed.txHash !== undefined) throw new BadRequestError(`seeds[${i}] has both address and txHash`);
    return { address: normalize(str(seed.address, `seeds[${i}].address`, 1, 100)) };
  }
  if (seed.txHash === undefined) throw new BadRequestError(`seeds[${i}] needs an address or a txHash`);
  const hash = str(seed.txHash, `seeds[${i}].txHash`, 1, 100);
  const pattern = kind === 'evm' ? /^0x[0-9a-fA-F]{64}$/ : /^[0-9a-fA-F]{64}$/;
  if (!pattern.test(hash)) throw new InvalidInputError(`seeds[${i}].txHash is not a ${kind === 'evm' ? '0x-prefixed 32-byte' : '32-byte hex'} transaction hash`);
  const index = optInt(seed.index, `seeds[${i}].index`, 0, 1_000_000);
  const ref = seed.ref === undefined || seed.ref === null ? null : str(seed.ref, `seeds[${i}].ref`, 2, 400);
  if (ref !== null) {
    if (index !== null) throw new BadRequestError(`seeds[${i}] has both index and ref: name the transfer one way`);
    if (kind === 'bitcoin') throw new InvalidInputError(`seeds[${i}].ref: a bitcoin output is named by its vout (index)`);
    if (!SEED_REF.test(ref)) throw new InvalidInputError(`seeds[${i}].ref must be \`tx\` (the transaction's own value) or an internal transfer such as \`call:0.1\``);
    return { txHash: hash.toLowerCase(), ref };
  }
  return index === null ? { txHash: hash.toLowerCase() } : { txHash: hash.toLowerCase(), index };
}

function str(value: unknown, what: string, min: number, max: number): string {
  if (typeof value !== 'string') throw new BadRequestError(`${what} must be a string`);
  const trimmed = value.trim();
  if (trimmed.length < min || trimmed.length > max) throw new InvalidInputError(`${what} must be ${min} to ${max} characters`);
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new InvalidInputError(`${what} must not contain control characters`);
  return trimmed;
}

function optInt(value: unknown, what: string, min: number, max: number): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new BadRequestError(`${what} must be a whole number`);
  if (value < min || value > max) throw new InvalidInputError(`${what} must be between ${min} and ${max}`);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value !== 'string') throw new BadRequestError(`${what} must be a string`);
  if (!(allowed as readonly string[]).includes(value)) throw new InvalidInputError(`${what} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** Base units as a decimal string (or a safe integer), never negative, at most 78 digits. */
export function amountOf(value: unknown, what: string): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new InvalidInputError(`${what} must be a whole number of base units (pass large amounts as a string)`);
    value = String(value);
  }
  if (typeof value !== 'string') throw new BadRequestError(`${what} must be a string of base units`);
  if (!/^-?\d{1,78}$/.test(value)) throw new InvalidInputError(`${what} must be a whole number of base units, at most 78 digits`);
  const amount = BigInt(value);
  if (amount < 0n) throw new InvalidInputError(`${what} must not be negative`);
  return amount;
}
