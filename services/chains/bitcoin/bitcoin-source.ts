// The bitcoin adapter: Esplora REST in, verified transactions out.
//
// How UTXOs map onto the account-shaped `ChainSource` port (`transaction`, `transfers`):
// each output becomes one `native` transfer of asset `BTC` (ref `out:<vout>`, seq 1 + vout,
// `to` = the output's address, or `script:<type>:<txid>:<vout>` for scripts with no address),
// and a known fee one `fee` transfer (ref `fee`, seq 0, `to` null). `from` is the address of
// the first input with a known address (`coinbase` for a coinbase): a UTXO transaction has no
// single sender, so this view is lossy by nature. `TransferKind` has no UTXO kind, and the
// account engine needs none: the UTXO tracer reads `getTx`/`outspends` instead.
// Transaction order inside a block is not served by Esplora's `/tx` endpoint: `txIndex` is 0.
import { InvalidInputError, NotFoundError, TraceholdError } from '../../errors';
import type { Address, Transfer } from '../../domain/types';
import { SEQ_FEE, SEQ_TX_VALUE } from '../../domain/types';
import type { Outspend, UtxoTx } from '../../domain/utxo';
import { Lru } from '../evm/lru';
import type { BackoffOptions } from '../rpc/backoff';
import type { BalanceQuery, ChainCapabilities, ChainSource, ChainTip, SeedTransaction, SourceStats, TransferQuery } from '../source';
import { createEsploraClient } from './esplora-client';
import type { EsploraAddress, EsploraOutspend, EsploraTx } from './esplora-types';
import { parseVerifiedTx } from './parse-tx';
import { networkOf, normalizeBitcoinAddress, type BitcoinNetworkName } from './script';

export type BtcTx = UtxoTx;
export type BtcOutspend = Outspend;

export interface BitcoinSourceOptions {
  chain: string;
  esploraUrl: string;
  /** Blocks below the tip a transaction must be to count: 0 accepts the tip block. */
  confirmations: number;
  network?: BitcoinNetworkName;
  timeoutMs?: number;
  retries?: number;
  backoff?: BackoffOptions;
  concurrency?: number;
  /** Parsed confirmed transactions kept in memory. */
  cacheSize?: number;
}

export interface AddressTxsOptions {
  /** Ignore transactions above this height. */
  untilHeight?: number;
  /** Stop paging once below this height. */
  fromHeight?: number;
}

export interface AddressTxRef {
  txid: string;
  blockHeight: number;
}

export interface BitcoinSource extends ChainSource {
  readonly kind: 'bitcoin';
  /** The transaction, parsed from its raw hex and checked against `txid`. */
  getTx(txid: string): Promise<BtcTx>;
  /** Who spent each output, in output order. */
  outspends(txid: string): Promise<BtcOutspend[]>;
  /** Confirmed transactions touching an address, newest first (Esplora's order). */
  addressTxs(address: string, options?: AddressTxsOptions): Promise<AddressTxRef[]>;
  /** Height of the confirmed tip (latest minus confirmations). */
  tipHeight(): Promise<number>;
  /**
   * Esplora's summary of an address (`GET /address/:a`): its confirmed transaction count
   * (`chain_stats.tx_count`), one request however busy the address is.
   */
  addressStats(address: string): Promise<{ txCount: number }>;
}

/** Esplora serves 25 confirmed transactions a page. */
const ESPLORA_PAGE = 25;

export function createBitcoinSource(options: BitcoinSourceOptions): BitcoinSource {
  const network = networkOf(options.network ?? 'bitcoin');
  const confirmations = Math.max(0, Math.floor(options.confirmations));
  const client = createEsploraClient({
    baseUrl: options.esploraUrl,
    metricsLabel: options.chain,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
  const cache = new Lru<string, BtcTx>(options.cacheSize ?? 10_000);
  const inflight = new Map<string, Promise<BtcTx>>();

  const tipHeight = async (): Promise<number> => {
    const latest = Number(await client.getText('/blocks/tip/height'));
    return Math.max(0, latest - confirmations);
  };

  const getTx = (txidIn: string): Promise<BtcTx> => {
    const txid = normalizeTxid(txidIn);
    const cached = cache.get(txid);
    if (cached) return Promise.resolve(cached);
    let pending = inflight.get(txid);
    if (!pending) {
      pending = (async () => {
        const [json, hex] = await Promise.all([
          client.getJson<EsploraTx>(`/tx/${txid}`),
          client.getText(`/tx/${txid}/hex`),
        ]);
        const tx = parseVerifiedTx(txid, hex.trim(), json, network);
        // Only confirmed transactions are final enough to cache.
        if (tx.blockHeight !== null) cache.set(txid, tx);
        return tx;
      })().finally(() => inflight.delete(txid));
      inflight.set(txid, pending);
    }
    return pending;
  };

  const outspends = async (txidIn: string): Promise<BtcOutspend[]> => {
    const txid = normalizeTxid(txidIn);
    const replies = await client.getJson<EsploraOutspend[]>(`/tx/${txid}/outspends`);
    return replies.map((s) => ({
      spent: s.spent,
      ...(s.txid === undefined ? {} : { txid: s.txid }),
      ...(s.vin === undefined ? {} : { vin: s.vin }),
      ...(s.spent ? { blockHeight: s.status?.confirmed ? s.status.block_height ?? null : null } : {}),
    }));
  };

  const addressTxs = async (addressIn: string, range: AddressTxsOptions = {}): Promise<AddressTxRef[]> => {
    const address = normalizeBitcoinAddress(addressIn, network);
    const out: AddressTxRef[] = [];
    let path = `/address/${address}/txs`;
    for (;;) {
      const page = await client.getJson<EsploraTx[]>(path);
      const confirmed = page.filter((t) => t.status.confirmed);
      for (const t of confirmed) {
        const height = t.status.block_height!;
        if (range.untilHeight !== undefined && height > range.untilHeight) continue;
        if (range.fromHeight !== undefined && height < range.fromHeight) continue;
        out.push({ txid: t.txid, blockHeight: height });
      }
      const last = confirmed[confirmed.length - 1];
      if (confirmed.length < ESPLORA_PAGE || !last) break;
      if (range.fromHeight !== undefined && last.status.block_height! < range.fromHeight) break;
      path = `/address/${address}/txs/chain/${last.txid}`;
    }
    return out;
  };

  const addressStats = async (addressIn: string): Promise<{ txCount: number }> => {
    const address = normalizeBitcoinAddress(addressIn, network);
    const info = await client.getJson<EsploraAddress>(`/address/${address}`);
    const txCount = info.chain_stats?.tx_count;
    if (typeof txCount !== 'number' || !Number.isSafeInteger(txCount) || txCount < 0) {
      throw new TraceholdError(`Esplora /address/${address}: no chain_stats.tx_count in the answer`);
    }
    return { txCount };
  };

  const toTransfers = (tx: BtcTx): Transfer[] => {
    const base = {
      chain: options.chain, txHash: tx.txid, blockNumber: tx.blockHeight ?? -1, blockHash: tx.blockHash ?? '',
      timestamp: tx.blockTime ?? 0, txIndex: 0, asset: 'BTC',
    };
    const from = tx.inputs.find((i) => i.coinbase) ? 'coinbase' : tx.inputs.find((i) => i.address !== null)?.address ?? 'unknown';
    const transfers: Transfer[] = [];
    if (tx.fee !== null && tx.fee > 0n) {
      transfers.push({ ...base, ref: 'fee', seq: SEQ_FEE, kind: 'fee', from, to: null, amount: tx.fee });
    }
    for (const o of tx.outputs) {
      transfers.push({
        ...base, ref: `out:${o.vout}`, seq: SEQ_TX_VALUE + o.vout, kind: 'native', from,
        to: o.address ?? `script:${o.scriptType}:${tx.txid}:${o.vout}`, amount: o.value,
      });
    }
    return transfers;
  };

  return {
    chain: options.chain,
    kind: 'bitcoin',
    nativeAsset: 'BTC',
    getTx,
    outspends,
    addressTxs,
    addressStats,
    tipHeight,

    async capabilities(): Promise<ChainCapabilities> {
      return {
        internalTransfers: 'none',
        nativeTransfers: 'block-scan',
        historicalBalances: true,
        notes: [
          'bitcoin: transfers come from the Esplora address index; one transfer per output, `from` is the first input address (UTXO transactions have no single sender)',
          'bitcoin: historical balances are summed from the address history (Esplora prevouts)',
        ],
      };
    },

    async tip(): Promise<ChainTip> {
      const number = await tipHeight();
      const hash = (await client.getText(`/block-height/${number}`)).trim();
      return { number, hash };
    },

    async transfers(query: TransferQuery): Promise<Transfer[]> {
      if (query.assets && !query.assets.some((a) => a.toUpperCase() === 'BTC')) return [];
      const wanted = new Set(query.addresses.map((a) => normalizeBitcoinAddress(a, network)));
      const txids = new Set<string>();
      for (const address of wanted) {
        for (const ref of await addressTxs(address, { fromHeight: query.fromBlock, untilHeight: query.toBlock })) txids.add(ref.txid);
      }
      const txs = await Promise.all([...txids].map(getTx));
      const out: Transfer[] = [];
      for (const tx of txs) {
        const spends = tx.inputs.some((i) => i.address !== null && wanted.has(i.address));
        for (const t of toTransfers(tx)) {
          const incoming = t.to !== null && wanted.has(t.to);
          if ((query.direction !== 'in' && spends) || (query.direction !== 'out' && incoming)) out.push(t);
        }
      }
      return out.sort((a, b) => a.blockNumber - b.blockNumber || (a.txHash < b.txHash ? -1 : a.txHash > b.txHash ? 1 : 0) || a.seq - b.seq);
    },

    async transaction(txHash: string): Promise<SeedTransaction> {
      const tx = await getTx(txHash);
      if (tx.blockHeight === null || tx.blockHeight > (await tipHeight())) {
        throw new NotFoundError(`transaction ${tx.txid} is not confirmed yet (${confirmations} confirmations required)`);
      }
      return { txHash: tx.txid, blockNumber: tx.blockHeight, transfers: toTransfers(tx) };
    },

    async balances(queries: BalanceQuery[], blockNumber: number): Promise<bigint[]> {
      return Promise.all(queries.map(async ({ address: raw, asset }) => {
        if (asset.toUpperCase() !== 'BTC') return 0n;
        const address = normalizeBitcoinAddress(raw, network);
        let balance = 0n;
        for (const ref of await addressTxs(address, { untilHeight: blockNumber })) {
          const tx = await getTx(ref.txid);
          for (const o of tx.outputs) if (o.address === address) balance += o.value;
          for (const i of tx.inputs) {
            if (i.address !== address) continue;
            if (i.value === null) throw new NotFoundError(`value of ${i.prevTxid}:${i.prevVout} unknown to the source: cannot sum the balance of ${address}`);
            balance -= i.value;
          }
        }
        return balance;
      }));
    },

    normalizeAddress(address: string): Address {
      return normalizeBitcoinAddress(address, network);
    },

    stats(): SourceStats {
      return client.stats();
    },

    async close(): Promise<void> {
      inflight.clear();
    },
  };
}

function normalizeTxid(txid: string): string {
  const t = txid.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(t)) throw new InvalidInputError(`not a transaction id: ${JSON.stringify(txid.slice(0, 80))}`);
  return t;
}
