// The API's shapes, as far as the workbench reads them. Extra fields are kept and shown.
export type Role = 'admin' | 'analyst' | 'supervisor' | 'partner';
export interface Session { keyId: string; name: string; role: Role; partnerId: string | null }

export interface ChainDisplay {
  name: string; kind: string; nativeAsset: string; nativeDecimals: number;
  tokens: { address: string; symbol: string; decimals: number; issuer?: string }[];
  explorer: { tx: string; address: string } | null;
}
export interface Asset { asset: string; symbol: string; decimals: number }

export type CaseStatus = 'new' | 'queued' | 'tracing' | 'traced' | 'failed';
export interface CaseSummary {
  id: string; title: string; reference: string | null; chain: string; model: string; status: CaseStatus;
  seeds: Record<string, unknown>[]; maxHops: number; fromBlock: number | null; toBlock: number | null;
  assets: string[] | null; minAmount: unknown; closed?: boolean; progress: Record<string, unknown> | null;
  createdAt: string; updatedAt: string; [extra: string]: unknown;
}

export interface Endpoint {
  address: string; entity: string | null; category: string | null; attribution: string; asset: string; amount: string;
  hops: number; paths: string[][]; symbol?: string; decimals?: number; labels?: unknown; [extra: string]: unknown;
}
export interface Report {
  chain: string; model: string; seeds: Record<string, unknown>[]; endpoints: Endpoint[];
  exposure: { entity: string; category: string; asset: string; amount: string; share: number; [k: string]: unknown }[];
  holdings: { address: string; asset: string; amount: string; hops: number; symbol?: string; decimals?: number; [k: string]: unknown }[];
  stopped?: { address?: string; asset?: string; amount?: string; reason?: string; [k: string]: unknown }[];
  accounting?: Record<string, unknown>[]; limitations?: string[]; stats?: Record<string, unknown>;
  fromBlock?: number; toBlock?: number; toBlockHash?: string; [extra: string]: unknown;
}

export interface GraphNode {
  address: string; asset: string; hop: number | null; role: string; entity: string | null; category: string | null;
  attribution: string | null; taintedIn: string; taintedOut: string; taintedHeld: string; toExposure?: string; [k: string]: unknown;
}
export interface GraphEdge {
  txHash: string; ref: string; from: string; to: string | null; asset: string; amount: string; tainted: string; hop: number | null; blockNumber: number;
}
export interface CaseGraph { nodes: GraphNode[]; edges: GraphEdge[] }
