// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A stablecoin stand-in whose code can be copied to the real token's address on a test node
/// (anvil_setCode): symbol and decimals live in immutables, not storage, so they travel with
/// the code. Open mint; Tether's blacklist names for the issuer check.
contract PlacedToken {
    uint8 public immutable decimals;
    bytes32 private immutable symbol32;
    mapping(address => uint256) public balanceOf;
    mapping(address => bool) public isBlackListed;
    uint256 public totalSupply;

    event Transfer(address indexed from, address indexed to, uint256 value);

    constructor(bytes32 symbol_, uint8 decimals_) {
        symbol32 = symbol_;
        decimals = decimals_;
    }

    function symbol() external view returns (string memory) {
        uint256 n = 0;
        while (n < 32 && symbol32[n] != 0) n++;
        bytes memory out = new bytes(n);
        for (uint256 i = 0; i < n; i++) out[i] = symbol32[i];
        return string(out);
    }

    function name() external view returns (string memory) {
        return this.symbol();
    }

    function getBlackListStatus(address user) external view returns (bool) {
        return isBlackListed[user];
    }

    function addBlackList(address user) external {
        isBlackListed[user] = true;
    }

    function mint(address to, uint256 amount) external {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        require(!isBlackListed[msg.sender] && !isBlackListed[to], "blacklisted");
        require(balanceOf[msg.sender] >= amount, "balance");
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
        emit Transfer(msg.sender, to, amount);
        return true;
    }
}
