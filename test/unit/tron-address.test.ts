// Tron base58check addresses against known pairs (Tether's USDT contract, the zero account).
import { expect } from 'chai';
import { normalizeTronAddress, toTronAddress, tronTo41Hex, tronToHex } from '../../services/chains/tron';

const valid = [
  { base58: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', hex: '0xa614f803b6fd780986a42c78ec9c7f77e6ded13c' }, // USDT (TRC-20)
  { base58: 'T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb', hex: '0x0000000000000000000000000000000000000000' }, // the zero account
];
const invalid = [
  'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u', // one character off: checksum fails
  '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', // a bitcoin address
  '0xa614f803b6fd780986a42c78ec9c7f77e6ded13c', // EVM hex is not a tron address
  'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6', // too short
];

describe('tron addresses', () => {
  valid.forEach((f) => {
    it(`${f.base58} ↔ ${f.hex}`, () => {
      expect(tronToHex(f.base58)).to.equal(f.hex);
      expect(toTronAddress(f.hex)).to.equal(f.base58);
      expect(tronTo41Hex(f.base58)).to.equal(`41${f.hex.slice(2)}`);
      expect(normalizeTronAddress(`41${f.hex.slice(2)}`)).to.equal(f.base58);
      expect(normalizeTronAddress(` ${f.base58} `)).to.equal(f.base58);
    });
  });
  invalid.forEach((address) => {
    it(`refuses ${address}`, () => {
      expect(() => normalizeTronAddress(address)).to.throw(/tron address/);
    });
  });
});
