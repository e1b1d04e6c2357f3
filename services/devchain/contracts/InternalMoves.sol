// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Contracts that move ETH as internal transfers the way laundering flows do: a smart-contract
/// wallet's execute, a pooled mixer's withdrawals, a batch payout that tolerates a failed
/// payment, a factory creating a funded child that later self-destructs.

/// A minimal smart-contract wallet (Safe-like): the owner makes it call anything with value.
contract SmartWallet {
    address public immutable owner;
    error NotOwner();
    error CallFailed(bytes reason);

    constructor(address owner_) {
        owner = owner_;
    }

    function execute(address to, uint256 value, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != owner) revert NotOwner();
        (bool ok, bytes memory ret) = to.call{value: value}(data);
        if (!ok) revert CallFailed(ret);
        return ret;
    }

    receive() external payable {}
}

/// A pooled mixer: deposits by plain payment, withdrawals paid out by the operator to anyone.
contract Pool {
    address public immutable operator;
    error NotOperator();

    constructor(address operator_) {
        operator = operator_;
    }

    function withdraw(address payable to, uint256 amount) external {
        if (msg.sender != operator) revert NotOperator();
        (bool ok, ) = to.call{value: amount}("");
        require(ok, "payment failed");
    }

    receive() external payable {}
}

/// Pays many recipients; a failed payment is skipped and its ETH stays here.
contract BatchPayout {
    event Skipped(address to, uint256 amount);

    function pay(address[] calldata to, uint256[] calldata amounts) external payable {
        for (uint256 i = 0; i < to.length; i++) {
            (bool ok, ) = to[i].call{value: amounts[i]}("");
            if (!ok) emit Skipped(to[i], amounts[i]);
        }
    }
}

/// Refuses every payment: calls into it revert.
contract RejectingSink {
    receive() external payable {
        revert("no thanks");
    }
}

/// Created with value by the factory; its owner can self-destruct it to send the balance on.
contract Child {
    address public immutable owner;

    constructor(address owner_) payable {
        owner = owner_;
    }

    function destroy(address payable beneficiary) external {
        require(msg.sender == owner, "not owner");
        selfdestruct(beneficiary);
    }
}

contract ChildFactory {
    event Created(address child);

    function create(address owner_) external payable returns (address) {
        Child child = new Child{value: msg.value}(owner_);
        emit Created(address(child));
        return address(child);
    }
}
