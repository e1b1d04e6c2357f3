// The CLI's progress on stderr while a trace runs: on a terminal a live line (cli-progress)
// with the hop, wallets crawled, transfers, RPC calls and elapsed time; otherwise one plain
// line each time the hop changes. stdout stays for the report alone.
import { SingleBar } from 'cli-progress';

export interface ProgressSnapshot {
  hop: number;
  maxHops: number;
  wallets: number;
  transfers: number;
  rpcCalls: number;
}

export interface ProgressOptions {
  read: () => Promise<ProgressSnapshot>;
  write: (text: string) => void;
  /** A live display (stderr is a terminal), or plain lines. */
  tty: boolean;
  intervalMs?: number;
  /** For the live display: the stream it redraws. */
  stream?: NodeJS.WritableStream;
}

export function showProgress(options: ProgressOptions): { stop(): Promise<void> } {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const line = (s: ProgressSnapshot) => `hop ${s.hop}/${s.maxHops} · ${s.wallets} wallets · ${s.transfers} transfers · ${s.rpcCalls} RPC calls · ${elapsed()}`;
  const bar = options.tty
    ? new SingleBar({
        format: 'tracing [{bar}] hop {hop}/{total} · {wallets} wallets · {transfers} transfers · {rpc} RPC calls · {duration_formatted}',
        stream: options.stream ?? process.stderr,
        hideCursor: true,
        clearOnComplete: false,
        barsize: 20,
      })
    : null;
  let last = -1;
  let running = true;
  let busy: Promise<void> = Promise.resolve();
  const tick = async () => {
    const s = await options.read().catch(() => null);
    if (!s) return;
    if (bar) {
      if (last < 0) bar.start(s.maxHops, 0, { hop: 0, wallets: 0, transfers: 0, rpc: 0 });
      bar.setTotal(Math.max(s.maxHops, s.hop));
      bar.update(s.hop, { hop: s.hop, wallets: s.wallets, transfers: s.transfers, rpc: s.rpcCalls });
    } else if (s.hop !== last) {
      options.write(`${line(s)}\n`);
    }
    last = s.hop;
  };
  const timer = setInterval(() => {
    if (running) busy = busy.then(tick);
  }, options.intervalMs ?? 500);
  busy = busy.then(tick);
  return {
    async stop() {
      running = false;
      clearInterval(timer);
      await busy;
      await tick();
      bar?.stop();
      if (!bar) options.write(`done · ${elapsed()}\n`);
    },
  };
}
