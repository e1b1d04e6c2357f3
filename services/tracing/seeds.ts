// Seeds of a case as the taint engine needs them: seed wallets (sources) and the transfer
// ids of victims' payments. The seed transactions are fetched once and kept in the shared
// chain-data store, so every later hop reads them from there.
import type { ChainSource } from '../chains/source';
import { InvalidInputError } from '../errors';
import { checkAccountSeed } from './seed-check';
import { seedTransferRef, transferId, type Address, type Seed } from '../domain/types';
import type { Store } from '../store';

export interface ResolvedSeeds {
  sourceAddresses: Address[];
  seedTransferIds: Set<string>;
  /** Earliest block of a seed transaction, if any. */
  firstSeedBlock: number | null;
}

export async function resolveSeeds(store: Store, source: ChainSource, seeds: Seed[]): Promise<ResolvedSeeds> {
  const sourceAddresses: Address[] = [];
  const seedTransferIds = new Set<string>();
  let firstSeedBlock: number | null = null;
  for (const seed of seeds) {
    if ('address' in seed) {
      sourceAddresses.push(seed.address);
      continue;
    }
    let transfers = await store.chainData.transfersOfTx(source.chain, seed.txHash);
    if (transfers.length === 0) {
      const tx = await source.transaction(seed.txHash);
      await store.chainData.insertTransfers(tx.transfers);
      transfers = tx.transfers;
    }
    const value = transfers.filter((t) => t.kind !== 'fee' && t.amount > 0n);
    const ref = seedTransferRef(seed);
    if (ref === null) checkAccountSeed(seed.txHash, value); // one payment, or the analyst names it
    const chosen = ref === null ? value : value.filter((t) => t.ref === ref);
    if (chosen.length === 0) {
      throw new InvalidInputError(
        ref === null ? `seed transaction ${seed.txHash} moved no value`
          : seed.index !== undefined ? `seed transaction ${seed.txHash} has no token transfer at log index ${seed.index}`
            : `seed transaction ${seed.txHash} has no transfer of value ${ref} (its transfers: ${value.map((t) => t.ref).join(', ') || 'none'})`,
      );
    }
    for (const t of chosen) {
      seedTransferIds.add(transferId(t));
      firstSeedBlock = firstSeedBlock === null ? t.blockNumber : Math.min(firstSeedBlock, t.blockNumber);
    }
  }
  return { sourceAddresses: [...new Set(sourceAddresses)], seedTransferIds, firstSeedBlock };
}
