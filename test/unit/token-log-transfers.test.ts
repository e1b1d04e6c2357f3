// ERC-20 Transfer logs → transfers, on two real mainnet logs (../shared/corpus/eth): a
// reply's logs share one string per address and token (logNames), with the same transfers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { topicAddress } from '../../services/chains/evm/address';
import type { BlockHeader } from '../../services/chains/evm/block-store';
import type { RpcLog } from '../../services/chains/evm/rpc-types';
import { logNames, tokenTransfer } from '../../services/chains/evm/to-transfers';
import { CORPUS_DIR } from '../support/esplora-server';

const file = path.join(CORPUS_DIR, 'eth/rpc-samples/test_export_token_transfers_job/block_with_transfers/web3_response.eth_getFilterLogs_0x0.json');
const logs = (JSON.parse(readFileSync(file, 'utf8')) as { result: RpcLog[] }).result;
const header: BlockHeader = { number: 0x76250, hash: logs[0]!.blockHash, timestamp: 1_500_000_000 } as BlockHeader;

describe('token logs to transfers', () => {
  it('reads the corpus logs as the transfers they are', () => {
    const t = tokenTransfer('ethereum', header, logs[1]!);
    expect(t).to.include({
      txHash: '0xcea6f89720cc1d2f46cc7a935463ae0b99dd5fad9c91bb7357de5421511cee49', ref: 'log:1', kind: 'token',
      asset: '0xf4eced2f682ce333f96f2d8966c613ded8fc95dd', from: '0x9b22a80d5c7b3374a05b446081f97d0a34079e7f', to: '0x66f183060253cfbe45beff1e6e7ebbe318c81e56',
    });
    expect(t!.amount).to.equal(200_000n);
  });

  it('gives the same transfers with a reply\'s shared names, a checksummed token and address lower-cased', () => {
    const names = logNames();
    // The same logs again, as a node that writes the token checksummed and a topic in capitals would send them.
    const shouted = logs.map((l) => ({ ...l, address: '0xF4eCED2F682CE333f96f2d8966C613dEd8fC95DD', topics: [l.topics[0]!, l.topics[1]!.toUpperCase().replace('0X', '0x'), l.topics[2]!] }));
    for (const [i, log] of [...logs, ...shouted].entries()) {
      expect(tokenTransfer('ethereum', header, log, names)).to.deep.equal(tokenTransfer('ethereum', header, logs[i % logs.length]!));
    }
  });

  it('names an address once per topic, and no address where the upper bytes are not zero', () => {
    const names = logNames();
    const topic = logs[0]!.topics[1]!;
    expect(names.address(topic)).to.equal('0x1b63142628311395ceafeea5667e7c9026c862ca');
    expect(names.address(topic)).to.equal(topicAddress(topic));
    expect(names.address('0x' + '1'.repeat(64))).to.equal(null);
    expect(names.token('0xF4eCED2F682CE333f96f2d8966C613dEd8fC95DD')).to.equal('0xf4eced2f682ce333f96f2d8966c613ded8fc95dd');
  });
});
