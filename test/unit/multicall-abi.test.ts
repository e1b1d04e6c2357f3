// The hand-written Multicall3 aggregate3 encoding and decoding agree with ethers' ABI coder.
import { expect } from 'chai';
import { AbiCoder, getAddress, Interface } from 'ethers';
import { decodeAggregate3Result, encodeAggregate3 } from '../../services/chains/evm/multicall';

const MULTICALL3 = new Interface([
  'function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)',
]);
const ERC20 = new Interface(['function balanceOf(address owner) view returns (uint256)']);
const hex = (i: number) => '0x' + i.toString(16).padStart(40, '0');

describe('multicall: aggregate3 by hand', () => {
  const cases: Array<{ description: string; calls: { target: string; callData: string }[] }> = [
    { description: 'no call', calls: [] },
    { description: 'one balanceOf', calls: [{ target: hex(1), callData: ERC20.encodeFunctionData('balanceOf', [hex(2)]) }] },
    {
      description: 'mixed lengths (4, 36, 70 and 0 bytes of call data)',
      calls: [
        { target: hex(3), callData: '0x12345678' },
        { target: getAddress('0xca11bde05977b3631167028862be2a173976ca11'), callData: ERC20.encodeFunctionData('balanceOf', [hex(4)]) },
        { target: hex(5), callData: '0x' + 'ab'.repeat(70) },
        { target: hex(6), callData: '0x' },
      ],
    },
  ];
  cases.forEach((c) => {
    it(`encodes ${c.description} as ethers does`, () => {
      const ours = encodeAggregate3(c.calls.map((x) => ({ target: x.target, callData: x.callData.slice(2) })));
      expect(ours).to.equal(MULTICALL3.encodeFunctionData('aggregate3', [c.calls.map((x) => ({ ...x, allowFailure: true }))]));
    });
  });

  it('decodes results as ethers does: successes, failures, empty and long return data', () => {
    const results = [
      [true, AbiCoder.defaultAbiCoder().encode(['uint256'], [2n ** 255n + 12345n])],
      [false, '0x'],
      [true, '0x' + 'cd'.repeat(33)],
      [false, '0x08c379a0' + 'ee'.repeat(100)],
    ] as const;
    const encoded = AbiCoder.defaultAbiCoder().encode(['(bool,bytes)[]'], [results]);
    expect(decodeAggregate3Result(encoded)).to.deep.equal(results.map(([success, data]) => ({ success, returnData: data.slice(2) })));
    expect(decodeAggregate3Result(AbiCoder.defaultAbiCoder().encode(['(bool,bytes)[]'], [[]]))).to.deep.equal([]);
    expect(() => decodeAggregate3Result('0x' + '00'.repeat(31) + '20')).to.throw(RangeError);
  });
});
