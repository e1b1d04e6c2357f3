// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A token that can move balances without telling anyone: `transfer` emits the ERC-20
/// Transfer event as usual, `moveSilently` changes the same balances and emits nothing, as
/// rebasing, fee-on-transfer or admin-move tokens do in the wild. A tracer that reads
/// Transfer logs cannot see the second kind of outflow; only the balance at a block shows it.
contract SilentToken {
    mapping(address => uint256) public balanceOf;
    uint256 public totalSupply;

    event Transfer(address indexed from, address indexed to, uint256 value);

    function name() external pure returns (string memory) { return "Silent Dollar"; }
    function symbol() external pure returns (string memory) { return "SLNT"; }
    function decimals() external pure returns (uint8) { return 6; }

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
        totalSupply += amount;
        emit Transfer(address(0), to, amount);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        require(balanceOf[msg.sender] >= amount, "balance");
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
        emit Transfer(msg.sender, to, amount);
        return true;
    }

    /// The caller's tokens move to `to` with no event.
    function moveSilently(address to, uint256 amount) external {
        require(balanceOf[msg.sender] >= amount, "balance");
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
    }
}
