// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// A USDT-like token for local tests: 6 decimals, owner mint, and Tether's blacklist names so
/// freeze requests can be rehearsed against a real contract.
contract TestUSDT is ERC20, Ownable {
    mapping(address => bool) public isBlackListed;

    event AddedBlackList(address indexed user);
    event RemovedBlackList(address indexed user);

    error Blacklisted(address account);

    constructor() ERC20("Test Tether USD", "USDT") Ownable(msg.sender) {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /// Pay many recipients in one transaction: one ERC-20 Transfer from msg.sender per recipient.
    function multiTransfer(address[] calldata to, uint256[] calldata amounts) external returns (bool) {
        require(to.length == amounts.length, "length mismatch");
        for (uint256 i = 0; i < to.length; i++) {
            _transfer(msg.sender, to[i], amounts[i]);
        }
        return true;
    }

    function addBlackList(address user) external onlyOwner {
        isBlackListed[user] = true;
        emit AddedBlackList(user);
    }

    function removeBlackList(address user) external onlyOwner {
        isBlackListed[user] = false;
        emit RemovedBlackList(user);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (isBlackListed[from]) revert Blacklisted(from);
        if (isBlackListed[to]) revert Blacklisted(to);
        super._update(from, to, value);
    }
}
