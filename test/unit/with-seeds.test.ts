// The graph's transfers: the histories, then the seeds not among them, as a copy with them
// added would read (services/tracing/case-graph.ts withSeeds), without the copy.
import { expect } from 'chai';
import { transferId, type Transfer } from '../../services/domain/types';
import { withSeeds } from '../../services/tracing/case-graph';
import { readsAs } from '../support/map-view';

const transfer = (txHash: string, ref: string, blockNumber: number): Transfer => ({
  chain: 'ethereum', txHash, ref, blockNumber, blockHash: `0xb${blockNumber}`, txIndex: 0, seq: 0, timestamp: blockNumber,
  from: '0xa', to: '0xb', asset: '0xt', amount: 1n, kind: 'token',
});
const byId = (ts: Transfer[]) => new Map(ts.map((t) => [transferId(t), t]));

describe('withSeeds', () => {
  const history = byId([transfer('0x02', 'log:0', 2), transfer('0x03', 'log:1', 3)]);

  it('is the histories themselves when every seed is among them', () => {
    expect(withSeeds(history, [transfer('0x03', 'log:1', 3)])).to.equal(history);
    expect(withSeeds(history, [])).to.equal(history);
  });

  it("reads as the histories then the seeds not among them, in the seeds' order", () => {
    const seeds = [transfer('0x01', 'log:4', 1), transfer('0x03', 'log:1', 3), transfer('0x01', 'log:2', 1)];
    const copy = new Map(history);
    for (const t of seeds) if (!copy.has(transferId(t))) copy.set(transferId(t), t);
    const view = withSeeds(history, seeds);
    expect([...view.keys()]).to.deep.equal(['0x02#log:0', '0x03#log:1', '0x01#log:4', '0x01#log:2']);
    readsAs(view, copy, ['0x04#log:0', '0x01#log:0']);
    // The histories' own transfer, not the seed's copy of it.
    expect(view.get('0x03#log:1')).to.equal(history.get('0x03#log:1'));
  });
});
