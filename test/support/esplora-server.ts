// A loopback Esplora for tests: the REST endpoints tracehold reads, served from blocks held in
// memory. Two ways to fill it: real mainnet blocks from ../shared/corpus/btc (`loadCorpusBlock`,
// `loadBlocksFile`), or transactions a test builds and signs (`mine`, `addMempool`).
// Like real Esplora it serves a spent output's `prevout` only when it knows that output: for
// corpus blocks, inputs spending outputs of blocks not loaded come back with `prevout: null`.
// Addresses are derived with bitcoinjs-lib's own `address.fromOutputScript`, independently of
// the adapter's encoder, so the two cross-check each other.
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { bitcoin, type BitcoinBlock, type BitcoinTransaction, type Network } from '../../services/chains/bitcoin/lib';

export const CORPUS_DIR = path.resolve(__dirname, '../../../shared/corpus');
export const CORPUS_BTC_DIR = path.join(CORPUS_DIR, 'btc');

export function corpusAvailable(): boolean {
  return existsSync(path.join(CORPUS_BTC_DIR, 'mainnet-574200.blk'));
}

interface StoredTx {
  tx: BitcoinTransaction;
  txid: string;
  hex: string;
  height: number | null;
  blockHash: string | null;
  blockTime: number | null;
  /** Position in its block (mempool: arrival order). */
  index: number;
}

export interface EsploraServer {
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  /** The next `count` requests whose path matches answer `status` (with Retry-After seconds). */
  failNext(count: number, status: number, retryAfterSeconds?: number, match?: RegExp): void;
  close(): Promise<void>;
}

export class EsploraData {
  readonly network: Network;
  private readonly txs = new Map<string, StoredTx>();
  private readonly spends = new Map<string, { txid: string; vin: number }>();
  private readonly byAddress = new Map<string, Set<string>>();
  private readonly blocks = new Map<number, string>();
  private mempoolCount = 0;
  /** Outputs whose spend `/tx/:txid/outspends` does not show (a lagging spend index). */
  private readonly hiddenSpends = new Set<string>();
  tipHeight = 0;

  constructor(network: Network = bitcoin.networks.bitcoin) {
    this.network = network;
  }

  addBlock(block: BitcoinBlock, height: number): void {
    const hash = block.getId();
    this.blocks.set(height, hash);
    this.tipHeight = Math.max(this.tipHeight, height);
    (block.transactions ?? []).forEach((tx, index) => this.addTx(tx, height, hash, block.timestamp, index));
  }

  loadCorpusBlock(file: string, height: number): BitcoinBlock {
    const block = bitcoin.Block.fromBuffer(readFileSync(path.join(CORPUS_BTC_DIR, file)));
    this.addBlock(block, height);
    return block;
  }

  /** `mainnet-1-255.blocks`: each block prefixed by the network magic and a 4-byte LE length. */
  loadBlocksFile(file: string, firstHeight: number): number {
    const data = readFileSync(path.join(CORPUS_BTC_DIR, file));
    let offset = 0;
    let height = firstHeight;
    while (offset + 8 <= data.length) {
      if (data.readUInt32LE(offset) !== 0xd9b4bef9) throw new Error(`bad magic at byte ${offset} of ${file}`);
      const length = data.readUInt32LE(offset + 4);
      this.addBlock(bitcoin.Block.fromBuffer(data.subarray(offset + 8, offset + 8 + length)), height);
      offset += 8 + length;
      height += 1;
    }
    return height - firstHeight;
  }

  /** A block of the given transactions on top of the tip (a coinbase is not required). */
  mine(txs: readonly BitcoinTransaction[], time = 1_700_000_000 + this.tipHeight * 600): number {
    const height = this.tipHeight + 1;
    const hash = Buffer.from(bitcoin.crypto.sha256(Buffer.from(`${height}:${txs.map((t) => t.getId()).join(',')}`))).toString('hex');
    this.blocks.set(height, hash);
    this.tipHeight = height;
    txs.forEach((tx, index) => {
      const txid = tx.getId();
      const stored = this.txs.get(txid);
      if (stored) Object.assign(stored, { height, blockHash: hash, blockTime: time, index });
      else this.addTx(tx, height, hash, time, index);
    });
    return height;
  }

  addMempool(tx: BitcoinTransaction): void {
    this.addTx(tx, null, null, null, this.mempoolCount++);
  }

  private addTx(tx: BitcoinTransaction, height: number | null, blockHash: string | null, blockTime: number | null, index: number): void {
    const txid = tx.getId();
    this.txs.set(txid, { tx, txid, hex: tx.toHex(), height, blockHash, blockTime, index });
    if (!tx.isCoinbase()) {
      tx.ins.forEach((input, vin) => {
        const prev = `${txidOf(input.hash)}:${input.index}`;
        this.spends.set(prev, { txid, vin });
        const address = this.prevout(txidOf(input.hash), input.index)?.address;
        if (address) this.index(address, txid);
      });
    }
    for (const out of tx.outs) {
      const address = this.addressOf(out.script);
      if (address) this.index(address, txid);
    }
    // Outputs of this transaction spent by ones already loaded (blocks loaded out of order).
    tx.outs.forEach((out, vout) => {
      const spender = this.spends.get(`${txid}:${vout}`);
      const address = spender && this.addressOf(out.script);
      if (spender && address) this.index(address, spender.txid);
    });
  }

  private index(address: string, txid: string): void {
    let set = this.byAddress.get(address);
    if (!set) this.byAddress.set(address, (set = new Set()));
    set.add(txid);
  }

  addressOf(script: Uint8Array): string | null {
    try {
      return bitcoin.address.fromOutputScript(script, this.network);
    } catch {
      return null;
    }
  }

  private prevout(txid: string, vout: number): { script: Uint8Array; value: bigint; address: string | null } | undefined {
    const out = this.txs.get(txid)?.tx.outs[vout];
    return out && { script: out.script, value: out.value, address: this.addressOf(out.script) };
  }

  private status(s: StoredTx): object {
    return s.height === null ? { confirmed: false }
      : { confirmed: true, block_height: s.height, block_hash: s.blockHash, block_time: s.blockTime };
  }

  txJson(txid: string): object | undefined {
    const s = this.txs.get(txid);
    if (!s) return undefined;
    const coinbase = s.tx.isCoinbase();
    return {
      txid,
      version: s.tx.version,
      locktime: s.tx.locktime,
      vin: s.tx.ins.map((input) => {
        const prev = coinbase ? undefined : this.prevout(txidOf(input.hash), input.index);
        return {
          txid: txidOf(input.hash),
          vout: input.index,
          is_coinbase: coinbase,
          sequence: input.sequence,
          prevout: prev ? {
            scriptpubkey: Buffer.from(prev.script).toString('hex'),
            ...(prev.address ? { scriptpubkey_address: prev.address } : {}),
            value: Number(prev.value),
          } : null,
        };
      }),
      vout: s.tx.outs.map((out) => {
        const address = this.addressOf(out.script);
        return { scriptpubkey: Buffer.from(out.script).toString('hex'), ...(address ? { scriptpubkey_address: address } : {}), value: Number(out.value) };
      }),
      status: this.status(s),
    };
  }

  hex(txid: string): string | undefined {
    return this.txs.get(txid)?.hex;
  }

  /**
   * Serve `txid:vout` as unspent in `/outspends` although its spender is held and shows in the
   * address history, as an Esplora whose spend index lags its address index does.
   */
  hideSpend(txid: string, vout: number): void {
    this.hiddenSpends.add(`${txid}:${vout}`);
  }

  outspends(txid: string): object[] | undefined {
    const s = this.txs.get(txid);
    if (!s) return undefined;
    return s.tx.outs.map((_, vout) => {
      const spend = this.hiddenSpends.has(`${txid}:${vout}`) ? undefined : this.spends.get(`${txid}:${vout}`);
      if (!spend) return { spent: false };
      return { spent: true, txid: spend.txid, vin: spend.vin, status: this.status(this.txs.get(spend.txid)!) };
    });
  }

  /** Mempool first (up to 50), then confirmed newest first, 25 a page, after `lastSeen`. */
  addressTxs(address: string, lastSeen?: string): object[] {
    const all = [...(this.byAddress.get(address) ?? [])].map((t) => this.txs.get(t)!);
    const newestFirst = (a: StoredTx, b: StoredTx): number => (b.height ?? 0) - (a.height ?? 0) || b.index - a.index;
    const confirmed = all.filter((s) => s.height !== null).sort(newestFirst);
    if (lastSeen !== undefined) {
      const at = confirmed.findIndex((s) => s.txid === lastSeen);
      return confirmed.slice(at + 1, at + 1 + 25).map((s) => this.txJson(s.txid)!);
    }
    const mempool = all.filter((s) => s.height === null).sort(newestFirst).slice(0, 50);
    return [...mempool, ...confirmed.slice(0, 25)].map((s) => this.txJson(s.txid)!);
  }

  /** `GET /address/:a`: Esplora's summary, with the confirmed transaction count. */
  addressInfo(address: string): object {
    const all = [...(this.byAddress.get(address) ?? [])].map((t) => this.txs.get(t)!);
    const confirmed = all.filter((s) => s.height !== null).length;
    return { address, chain_stats: { tx_count: confirmed }, mempool_stats: { tx_count: all.length - confirmed } };
  }

  blockHash(height: number): string | undefined {
    return this.blocks.get(height);
  }

  /** Every transaction id held, in (height, index) order. */
  txids(): string[] {
    return [...this.txs.values()].sort((a, b) => (a.height ?? Infinity) - (b.height ?? Infinity) || a.index - b.index).map((s) => s.txid);
  }

  rawTx(txid: string): BitcoinTransaction | undefined {
    return this.txs.get(txid)?.tx;
  }
}

export async function startEsploraServer(data: EsploraData): Promise<EsploraServer> {
  const requests: string[] = [];
  const faults: Array<{ count: number; status: number; retryAfter: number | undefined; match: RegExp }> = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const p = url.pathname;
    requests.push(p);
    const fault = faults.find((f) => f.count > 0 && f.match.test(p));
    if (fault) {
      fault.count -= 1;
      res.writeHead(fault.status, fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) }).end('try later');
      return;
    }
    const json = (body: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const text = (body: string): void => void res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
    const notFound = (what: string): void => void res.writeHead(404, { 'content-type': 'text/plain' }).end(what);
    let m: RegExpMatchArray | null;
    if (p === '/blocks/tip/height') return text(String(data.tipHeight));
    if ((m = p.match(/^\/block-height\/(\d+)$/))) {
      const hash = data.blockHash(Number(m[1]));
      return hash ? text(hash) : notFound('Block not found');
    }
    if ((m = p.match(/^\/tx\/([0-9a-f]{64})(\/hex|\/outspends)?$/))) {
      const body = m[2] === '/hex' ? data.hex(m[1]!) : m[2] === '/outspends' ? data.outspends(m[1]!) : data.txJson(m[1]!);
      if (body === undefined) return notFound('Transaction not found');
      return typeof body === 'string' ? text(body) : json(body);
    }
    if ((m = p.match(/^\/address\/([^/]+)$/))) return json(data.addressInfo(decodeURIComponent(m[1]!)));
    if ((m = p.match(/^\/address\/([^/]+)\/txs(?:\/chain\/([0-9a-f]{64}))?$/))) {
      return json(data.addressTxs(decodeURIComponent(m[1]!), m[2]));
    }
    if (p.startsWith('/tx/')) return void res.writeHead(400).end('Invalid hex string');
    return notFound('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(count, status, retryAfterSeconds, match = /./) {
      faults.push({ count, status, retryAfter: retryAfterSeconds, match });
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((e) => (e ? reject(e) : resolve()));
    }),
  };
}

function txidOf(hash: Uint8Array): string {
  return Buffer.from(hash).reverse().toString('hex');
}
