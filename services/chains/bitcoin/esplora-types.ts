// The parts of Esplora's JSON replies we read.
export interface EsploraStatus {
  confirmed: boolean;
  block_height?: number;
  block_hash?: string;
  block_time?: number;
}

export interface EsploraPrevout {
  scriptpubkey: string;
  scriptpubkey_address?: string;
  value: number;
}

export interface EsploraVin {
  txid: string;
  vout: number;
  is_coinbase: boolean;
  prevout: EsploraPrevout | null;
}

export interface EsploraTx {
  txid: string;
  vin: EsploraVin[];
  vout: Array<{ scriptpubkey: string; value: number }>;
  status: EsploraStatus;
}

export interface EsploraOutspend {
  spent: boolean;
  txid?: string;
  vin?: number;
  status?: EsploraStatus;
}

/** `GET /address/:address`: confirmed (`chain_stats`) and mempool figures of an address. */
export interface EsploraAddress {
  address: string;
  chain_stats?: { tx_count?: number; funded_txo_count?: number; spent_txo_count?: number; funded_txo_sum?: number; spent_txo_sum?: number };
  mempool_stats?: { tx_count?: number };
}
