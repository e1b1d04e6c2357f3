// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The two Multicall3 functions tracehold uses, with Multicall3's ABI, so that the dev
/// chain can serve many balance look-ups in one eth_call at the canonical address
/// 0xcA11bde05977b3631167028862bE2a173976CA11, as mainnet and most EVM chains do.
contract Multicall3 {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    function aggregate3(Call3[] calldata calls) public payable returns (Result[] memory returnData) {
        uint256 length = calls.length;
        returnData = new Result[](length);
        for (uint256 i = 0; i < length; i++) {
            Call3 calldata c = calls[i];
            (bool ok, bytes memory ret) = c.target.call(c.callData);
            require(ok || c.allowFailure, "Multicall3: call failed");
            returnData[i] = Result(ok, ret);
        }
    }

    function getEthBalance(address addr) public view returns (uint256 balance) {
        balance = addr.balance;
    }
}
