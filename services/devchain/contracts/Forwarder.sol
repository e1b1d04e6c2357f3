// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Splits the ETH it receives among recipients in one call: the value moves as internal
/// transfers, which only a tracing node (trace_filter / callTracer) reports.
contract Forwarder {
    error LengthMismatch();
    error AmountMismatch(uint256 sent, uint256 total);
    error PaymentFailed(address to);

    function split(address[] calldata to, uint256[] calldata amounts) external payable {
        if (to.length != amounts.length) revert LengthMismatch();
        uint256 total;
        for (uint256 i = 0; i < amounts.length; i++) total += amounts[i];
        if (total != msg.value) revert AmountMismatch(msg.value, total);
        for (uint256 i = 0; i < to.length; i++) {
            (bool ok, ) = to[i].call{value: amounts[i]}("");
            if (!ok) revert PaymentFailed(to[i]);
        }
    }

    receive() external payable {}
}
