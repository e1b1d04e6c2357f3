// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Address-poisoning tools for tests, as scammers deploy them: a token that copies USDT's
/// name, symbol and decimals, and whose `spam` emits ERC-20 Transfer events naming any
/// sender and recipient without moving anything (a fake-event emitter).
contract SpamToken {
    event Transfer(address indexed from, address indexed to, uint256 value);

    function name() external pure returns (string memory) { return "Tether USD"; }
    function symbol() external pure returns (string memory) { return "USDT"; }
    function decimals() external pure returns (uint8) { return 6; }
    function balanceOf(address) external pure returns (uint256) { return 1_000_000 * 1e6; }

    /// One fake Transfer event per pair, "from" whoever the caller names.
    function spam(address[] calldata from, address[] calldata to, uint256 value) external {
        require(from.length == to.length, "length mismatch");
        for (uint256 i = 0; i < from.length; i++) emit Transfer(from[i], to[i], value);
    }
}
