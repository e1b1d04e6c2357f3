// The local dev chain: a real EVM node in-process plus the contracts scenarios need.
export { startLocalNode, devAccount, type LocalNode, type LocalNodeOptions, type DevAccount } from './local-node';
export { serveJsonRpc, type Eip1193Provider, type JsonRpcServer } from './json-rpc-server';
export { compiledContracts, contractArtifact, deploy, type ContractName, type CompiledContract } from './contracts';
export { fundWallets } from './fund';
export { receiptOf } from './receipts';
