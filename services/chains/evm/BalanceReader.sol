// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// Many balances at one block in one eth_call, on any chain and at any block since Byzantium,
/// with nothing deployed: the caller places this runtime code at an unused address through
/// eth_call's state override (services/chains/evm/balance-reader.ts holds it, compiled for
/// Byzantium without metadata; test/unit/balance-reader.test.ts checks the two agree).
///
/// Call data: the token as a word (0: the chain's native coin), then the holders' addresses,
/// 20 bytes each. Returns the number of holders read, then each one's balance as a word, in
/// order: 0 where the token's balanceOf failed or answered short (as Multicall3 reads give it).
/// Stops early, returning the count so far, when less than RESERVE gas is left before a read or
/// a read failed for want of gas: the caller asks again for the rest. So a node's eth_call gas
/// cap sets how many one call reads, and no call runs out of gas part way.
contract BalanceReader {
    fallback() external {
        assembly {
            if or(lt(calldatasize(), 32), mod(sub(calldatasize(), 32), 20)) { revert(0, 0) }
            let token := calldataload(0)
            let n := div(sub(calldatasize(), 32), 20)
            let out := 0x80
            // balanceOf(address): the selector in bytes 0-3, the holder written after it.
            mstore(0x00, 0x70a0823100000000000000000000000000000000000000000000000000000000)
            let i := 0
            for {} lt(i, n) { i := add(i, 1) } {
                // RESERVE: 100,000 gas, far more than a balanceOf needs.
                if lt(gas(), 100000) { break }
                let holder := div(calldataload(add(32, mul(i, 20))), 0x1000000000000000000000000)
                let amount := 0
                switch token
                case 0 { amount := balance(holder) }
                default {
                    mstore(0x04, holder)
                    let ok := staticcall(gas(), token, 0x00, 0x24, 0x00, 0x00)
                    // A read that ran out of gas leaves 1/64 of what it was given: not read, asked again.
                    if and(iszero(ok), lt(gas(), 50000)) { break }
                    if and(ok, iszero(lt(returndatasize(), 32))) {
                        returndatacopy(0x40, 0, 32)
                        amount := mload(0x40)
                    }
                }
                mstore(add(out, mul(add(i, 1), 32)), amount)
            }
            mstore(out, i)
            return(out, mul(add(i, 1), 32))
        }
    }
}
