// Which assets a case traces. Anyone can deploy a contract that emits `Transfer` events naming
// any addresses, so a token is only followed when there is a reason to believe it is money of
// the case: the analyst asked for it (--asset / `assets`), or it is the chain's native coin, a
// token the deployment lists in config (USDT, USDC…), the asset of a victim's payment (a seed
// transfer), or a token a seed wallet paid out in a transaction it signed itself (it paid that
// transaction's fee). Events a fake contract emits "from" a seed wallet are in transactions
// someone else signed, so they never qualify. Every other asset is ignored everywhere.
import type { AssetScope } from '../domain/payments';
import type { LoopTurns } from '../domain/taint/steps';
import { transferId, txHashesOfIds, type Address, type Asset, type Transfer } from '../domain/types';

export interface TracedAssetsInput {
  /** The case's `assets`; when given, exactly these are traced. */
  requested: readonly Asset[] | null;
  nativeAsset: Asset;
  listedTokens: readonly Asset[];
  seedTransferIds: ReadonlySet<string>;
  sources: ReadonlySet<Address>;
  /** What the run has loaded: seed transactions and the ledgers' histories. */
  transfers: Iterable<Transfer>;
}

export function tracedAssets(input: TracedAssetsInput): Set<Asset> {
  if (input.requested !== null) return new Set(input.requested);
  const assets = new Set<Asset>([input.nativeAsset, ...input.listedTokens]);
  const signedBy = new Map<string, Address>(); // txHash → the address that paid its fee
  const list = [...input.transfers];
  for (const t of list) if (t.kind === 'fee') signedBy.set(t.txHash, t.from);
  // Ids are built only for transfers of a seed transaction (a 100k case loads 150,000 transfers).
  const seedTxs = txHashesOfIds(input.seedTransferIds);
  for (const t of list) {
    if (t.amount === 0n) continue;
    if (seedTxs.has(t.txHash) && input.seedTransferIds.has(transferId(t))) assets.add(t.asset);
    else if (input.sources.has(t.from) && signedBy.get(t.txHash) === t.from) assets.add(t.asset);
  }
  return assets;
}

export function describeScope(scope: AssetScope): string {
  return scope === null ? 'every asset' : [...scope].sort().join(', ');
}

/**
 * tracedAssets over a whole case graph, with event-loop turns: only the seed transactions'
 * transfers and those the sources sent can decide (a source's fee names the transactions it
 * signed, and a transaction's fee has one payer, its signer), so they are picked out first,
 * with turns (a 200k case holds 250,000 transfers, which tracedAssets reads twice in one go).
 */
export async function tracedAssetsOfGraph(input: TracedAssetsInput, turns: LoopTurns): Promise<Set<Asset>> {
  if (input.requested !== null) return tracedAssets(input);
  const seedTxs = txHashesOfIds(input.seedTransferIds);
  const deciding: Transfer[] = [];
  for (const t of input.transfers) {
    if (turns.due()) await turns.give();
    if (input.sources.has(t.from) || seedTxs.has(t.txHash)) deciding.push(t);
  }
  return tracedAssets({ ...input, transfers: deciding });
}
