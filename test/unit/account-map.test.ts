// The taint result's accounts (services/domain/taint/account-map.ts) read as the Map keyed
// `${address}|${asset}` they replace: same entries, same order, before and after a look-up by key.
import { expect } from 'chai';
import { propagateTaint, type AccountTaint } from '../../services/domain/taint';
import { AccountMap } from '../../services/domain/taint/account-map';
import type { Transfer } from '../../services/domain/types';

const transfer = (txHash: string, from: string, to: string, asset: string, amount: bigint, blockNumber: number): Transfer => ({
  chain: 'ethereum', txHash, ref: 'log:0', blockNumber, blockHash: `0xb${blockNumber}`, txIndex: 0, seq: 0, timestamp: blockNumber,
  from, to, asset, amount, kind: 'token',
});

describe('AccountMap', () => {
  // A source pays two wallets in two tokens; one of them passes some on.
  const result = propagateTaint({
    model: 'poison',
    transfers: [
      transfer('0x01', '0xs', '0xa', '0xt1', 5n, 1),
      transfer('0x02', '0xs', '0xb', '0xt2', 7n, 2),
      transfer('0x03', '0xa', '0xc', '0xt1', 3n, 3),
    ],
    ledgers: new Map([
      ['0xs', { fromBlock: 0, opening: new Map([['0xt1', 5n], ['0xt2', 7n]]), source: true }],
      ['0xa', { fromBlock: 0, opening: new Map(), source: false }],
    ]),
    seedTransfers: new Set(),
    stops: new Set(),
  });
  const keyed = (): Map<string, AccountTaint> => new Map([...result.accounts.values()].map((a) => [`${a.address}|${a.asset}`, a]));

  it('walks like the Map of its accounts keyed address|asset, in the order they first saw taint', () => {
    const accounts = new AccountMap([...result.accounts.values()]);
    const same = keyed();
    expect([...accounts.keys()]).to.deep.equal(['0xs|0xt1', '0xs|0xt2', '0xa|0xt1', '0xb|0xt2', '0xc|0xt1']);
    expect([...accounts.keys()]).to.deep.equal([...same.keys()]);
    expect([...accounts.values()]).to.deep.equal([...same.values()]);
    expect([...accounts]).to.deep.equal([...same]);
    expect(accounts.size).to.equal(same.size);
  });

  it('answers get and has by key, and walks the same after', () => {
    const accounts = new AccountMap([...result.accounts.values()]);
    const same = keyed();
    for (const key of ['0xs|0xt1', '0xa|0xt1', '0xc|0xt1', '0xb|0xt2', '0xa|0xt2', '0xd|0xt1', '0xs', '']) {
      expect(accounts.get(key), key).to.equal(same.get(key));
      expect(accounts.has(key), key).to.equal(same.has(key));
    }
    expect([...accounts.entries()]).to.deep.equal([...same.entries()]);
    const seen: string[] = [];
    accounts.forEach((a, key, m) => {
      expect(m).to.equal(accounts);
      expect(key).to.equal(`${a.address}|${a.asset}`);
      seen.push(key);
    });
    expect(seen).to.deep.equal([...same.keys()]);
  });

  it('is what the engine returns', () => {
    expect(result.accounts).to.be.instanceOf(AccountMap);
    expect(result.accounts.get('0xc|0xt1')?.taintedIn).to.equal(3n);
  });
});
