// Co-spend clustering, the CoinJoin guard, the one-time change heuristic (off by default) and
// label propagation to a cluster.
import { expect } from 'chai';
import { attributeByCluster, clusterAddresses, looksLikeCoinJoin } from '../../services/domain/clustering';
import type { Label } from '../../services/domain/types';
import type { UtxoTx } from '../../services/domain/utxo';

const tx = (txid: string, ins: string[], outs: Array<[string, number]>): UtxoTx => ({
  txid, blockHeight: 1, blockHash: 'h', blockTime: 0, fee: 0n,
  inputs: ins.map((address, i) => ({ prevTxid: `p${txid}`, prevVout: i, address, value: 1n, coinbase: false })),
  outputs: outs.map(([address, value], vout) => ({ vout, address, scriptType: 'p2pkh', value: BigInt(value) })),
});

describe('clustering', () => {
  it('co-spent inputs are one cluster, transitively', () => {
    const c = clusterAddresses([tx('t1', ['1A', '1B'], [['1X', 5]]), tx('t2', ['1B', '1C'], [['1Y', 5]])]);
    expect(c.clusterOf('1A')!.addresses).to.deep.equal(['1A', '1B', '1C']);
    expect(c.clusterOf('1X')!.addresses).to.deep.equal(['1X']);
    expect(c.clusterOf('1Q')).to.equal(undefined);
  });

  it('skips a CoinJoin (≥ 3 equal outputs, ≥ 2 inputs)', () => {
    const cj = tx('cj', ['1A', '1B', '1C'], [['1X', 100], ['1Y', 100], ['1Z', 100], ['1W', 7]]);
    expect(looksLikeCoinJoin(cj)).to.equal(true);
    expect(looksLikeCoinJoin(tx('pay', ['1A', '1B'], [['1X', 100], ['1Y', 100]]))).to.equal(false);
    const c = clusterAddresses([cj]);
    expect(c.clusterOf('1A')!.addresses).to.deep.equal(['1A']);
    expect(c.skippedCoinJoins).to.deep.equal(['cj']);
  });

  it('one-time change is off by default; when on, it links and says so', () => {
    // Inputs p2wpkh; outputs one p2wpkh (fresh, seen once) and one p2pkh payment.
    const change = 'bc1qchange0000000000000000000000000000000';
    const t = tx('t', ['bc1qinput00000000000000000000000000000000'], [['1Payee', 50], [change, 49]]);
    expect(clusterAddresses([t]).clusterOf(change)!.addresses).to.deep.equal([change]);
    const c = clusterAddresses([t], { changeHeuristic: true });
    expect(c.clusterOf(change)!.addresses).to.have.length(2);
    expect(c.clusterOf(change)!.viaChange).to.equal(true);
    expect(c.changeLinks).to.deep.equal([{ txid: 't', from: 'bc1qinput00000000000000000000000000000000', change }]);
    // Seen twice as an output: not one-time, no link.
    const again = tx('u', ['1Other'], [[change, 1]]);
    expect(clusterAddresses([t, again], { changeHeuristic: true }).changeLinks).to.deep.equal([]);
  });

  it('a label on one address of a cluster speaks for the others, attributed `cluster`', () => {
    const c = clusterAddresses([tx('t1', ['1Hot', '1Dep'], [['1X', 5]])]);
    const labels: Label[] = [{ chain: 'bitcoin', address: '1Hot', entity: 'Bitfinex', category: 'exchange' }];
    const attribute = attributeByCluster(c, (a) => labels.filter((l) => l.address === a));
    expect(attribute('1Dep')).to.deep.include({ attribution: 'cluster', labelledAddress: '1Hot', viaChange: false });
    expect(attribute('1Dep')!.label.entity).to.equal('Bitfinex');
    expect(attribute('1Hot')!.attribution).to.equal('label');
    expect(attribute('1X')).to.equal(undefined);
  });

  it('does not depend on transaction order', () => {
    const txs = [tx('a', ['1A', '1B'], [['1C', 1]]), tx('b', ['1C', '1D'], [['1E', 1]]), tx('c', ['1E', '1A'], [])];
    expect(clusterAddresses(txs).clusters).to.deep.equal(clusterAddresses([...txs].reverse()).clusters);
  });
});
