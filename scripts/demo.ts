// `npm run demo`: start a local EVM node in this process, play a pig-butchering laundering
// case on it, and trace it through the same CLI and code the service uses (embedded
// Postgres, in-process jobs). Nothing to install beyond `npm install`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../services/cli/main';
import { labelsCsv, playPigButchering } from '../services/demo/pig-butchering';
import { startLocalNode } from '../services/devchain';
import type { TraceReport } from '../services/domain/report';
import { formatUnits, table } from '../services/format';

async function demo(): Promise<number> {
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tracehold-demo-'));
  const say = (text: string) => process.stdout.write(text + '\n');
  say('Starting a local EVM node and playing a pig-butchering laundering case…');
  const node = await startLocalNode();
  try {
    const kase = await playPigButchering(node);
    const labelsFile = path.join(work, 'exchange-labels.csv');
    fs.writeFileSync(labelsFile, labelsCsv(kase.labels));
    say(`  ${kase.toBlock - kase.fromBlock + 1} blocks of laundering: 3 victims paid scam wallet ${kase.wallets.s}`);
    say(`  seeds (the victims' payments): ${kase.seedTxs.join(', ')}\n`);

    // Tell tracehold what the local token is, as a deployment lists USDT and USDC in config/.
    const chainsFile = path.join(work, 'chains.json');
    fs.writeFileSync(chainsFile, JSON.stringify({ local: { tokens: [{ address: kase.token, symbol: 'USDT', decimals: 6, issuer: 'Tether' }] } }));
    const env = { ...process.env, TRACEHOLD_DATA_DIR: path.join(work, 'pgdata'), TRACEHOLD_CHAINS_FILE: chainsFile, DATABASE_URL: '', REDIS_URL: '' };
    const args = ['trace', '--chain', kase.chain, '--rpc', node.url, ...kase.seedTxs.flatMap((s) => ['--seed', s]), '--labels', labelsFile];
    say(`$ tracehold ${args.map((a) => (a.length > 24 ? a.slice(0, 12) + '…' : a)).join(' ')}\n`);
    const code = await main(args, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), env });
    if (code !== 0) return code;

    say('\nThe same case under each taint model (USDT reaching exchanges and left at H):');
    const rows: string[][] = [];
    for (const model of ['fifo', 'lifo', 'haircut', 'poison', 'tiho']) {
      let json = '';
      const rc = await main([...args, '--model', model, '--json'], { out: (t) => (json += t), err: () => {}, env });
      if (rc !== 0) return rc;
      const report = JSON.parse(json) as TraceReport;
      const usdt = (address: string, list: { address: string; asset: string; amount: string }[]) =>
        formatUnits(list.filter((e) => e.address === address && e.asset === kase.token).reduce((s, e) => s + BigInt(e.amount), 0n), 6);
      rows.push([model, usdt(kase.wallets.d1, report.endpoints), usdt(kase.wallets.d2, report.endpoints), usdt(kase.wallets.binanceHot, report.endpoints), usdt(kase.wallets.h, report.holdings)]);
    }
    say(table(['model', 'Binance deposit D1', 'OKX deposit D2', 'Binance hot wallet', 'holding at H'], rows));
    say(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return 0;
  } finally {
    await node.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

demo().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`demo failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
