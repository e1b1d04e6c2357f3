// The taint result's accounts (services/domain/taint/account-map.ts) read as the Map keyed
// `${address}|${asset}` they replace: same entries, same order, before and after a look-up by key.
import { expect } from 'chai';
import { propagateTaint, type AccountTaint } from '../../services/domain/taint';
import { AccountMap } from '../../services/domain/taint/account-map';
import type { Transfer } from '../../services/domain/types';
import { readsAs } from '../support/map-view';

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

  it('answers and walks as the Map of its accounts keyed address|asset, in the order they first saw taint', () => {
    const accounts = new AccountMap([...result.accounts.values()]);
    // Values first (a hop step's walk: no key made), then keys, look-ups and walks.
    expect([...accounts.values()]).to.deep.equal([...result.accounts.values()]);
    expect([...accounts.keys()]).to.deep.equal(['0xs|0xt1', '0xs|0xt2', '0xa|0xt1', '0xb|0xt2', '0xc|0xt1']);
    readsAs(accounts, keyed(), ['0xa|0xt2', '0xd|0xt1', '0xs', '']);
  });

  it('answers look-ups by key first, then walks the same', () => {
    const accounts = new AccountMap([...result.accounts.values()]);
    expect(accounts.get('0xb|0xt2')?.taintedIn).to.equal(7n);
    readsAs(accounts, keyed(), ['0xb|0xt1']);
  });

  it('answers by address and asset (of) as by key, an address with two assets too, before and after other look-ups', () => {
    const accounts = new AccountMap([...result.accounts.values()]);
    const asked: Array<[string, string]> = [['0xs', '0xt1'], ['0xs', '0xt2'], ['0xa', '0xt1'], ['0xa', '0xt2'], ['0xb', '0xt2'], ['0xc', '0xt1'], ['0xd', '0xt1'], ['0xs', '0xt3']];
    const byOf = () => asked.map(([address, asset]) => accounts.of(address, asset));
    const expected = asked.map(([address, asset]) => keyed().get(`${address}|${asset}`));
    expect(expected.filter((a) => a !== undefined)).to.have.length(5);
    expect(byOf()).to.deep.equal(expected);
    expect(accounts.get('0xs|0xt2')).to.equal(accounts.of('0xs', '0xt2'));
    expect(byOf()).to.deep.equal(expected);
    readsAs(accounts, keyed(), ['0xa|0xt2']);
  });

  it('is what the engine returns', () => {
    expect(result.accounts).to.be.instanceOf(AccountMap);
    expect(result.accounts.get('0xc|0xt1')?.taintedIn).to.equal(3n);
  });
});
