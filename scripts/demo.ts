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
import { loadConfig } from '../config';
import { createAppContext } from '../services/app';
import { draftFreezeRequests } from '../services/freeze/draft';
import { registerPartner } from '../services/freeze/partners';
import { silentLogger } from '../services/log';
import { caseReport, createCase, startTrace } from '../services/tracing/cases';
import type { PigButcheringCase } from '../services/demo/pig-butchering';
import { serveWorkbench, shouldServe } from './demo-workbench';

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
    const serviceEnv = { ...env, LOCAL_RPC_URL: node.url, TRACEHOLD_LOG_LEVEL: 'silent' };
    const { caseId } = await showFreezeRequests(kase, serviceEnv, say);
    say(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    if (shouldServe(process.argv.slice(2), process.env)) await serveWorkbench(serviceEnv, caseId, say);
    return 0;
  } finally {
    await node.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The last step: the trace becomes freeze requests to the partners it reached. */
async function showFreezeRequests(kase: PigButcheringCase, env: Record<string, string | undefined>, say: (text: string) => void): Promise<{ caseId: string }> {
  say('\nFreeze requests drafted from the trace (partners: Binance, OKX, Tether as USDT issuer):');
  const app = await createAppContext({ config: loadConfig(env), log: silentLogger, queue: 'inline' });
  try {
    const deps = app.deps;
    await deps.store.labels.upsert(kase.labels);
    const admin = { id: 'demo-admin', name: 'demo admin' };
    for (const p of [
      { name: 'Binance', kind: 'exchange', entities: ['Binance'], contactEmail: 'le-requests@binance.example', jurisdiction: 'KY' },
      { name: 'OKX', kind: 'exchange', entities: ['OKX'], contactEmail: 'le@okx.example', jurisdiction: 'SC' },
      { name: 'Tether', kind: 'issuer', entities: ['Tether'], contactEmail: 'compliance@tether.example', jurisdiction: 'SV' },
    ]) await registerPartner(deps, p, admin);
    const created = await createCase(deps, { title: 'Pig-butchering ring', reference: 'FIU-2026-0042', chain: kase.chain, seeds: kase.seedTxs.map((txHash) => ({ txHash })) }, 'demo-analyst');
    await startTrace(deps, created.id);
    await app.drain();
    await caseReport(deps, created.id);
    const drafted = await draftFreezeRequests(deps, created.id, {
      requestingAuthority: 'Financial Intelligence Unit, Cyber Fraud Team', legalBasis: 'AML Act s. 12; prosecutor order 2026/117',
      action: 'freeze', urgency: 'immediate', durationDays: 90, contact: { name: 'Det. Insp. A. Martin', email: 'a.martin@fiu.example' },
    }, { id: 'demo-analyst', name: 'analyst' });
    const partners = new Map((await deps.store.partners.list()).map((p) => [p.id, p.name]));
    const rows = drafted.flatMap(({ request, targets }) => targets.map((t, i) => [
      i === 0 ? partners.get(request.partnerId) ?? '' : '', i === 0 ? request.status : '', String(i + 1), t.kind, t.address,
      `${formatUnits(t.amount, t.decimals ?? 18)} ${t.symbol ?? t.asset.slice(0, 10)}`, String(t.hops), t.score.toFixed(3),
    ]));
    say(table(['partner', 'status', 'rank', 'target', 'address', 'amount', 'hops', 'score'], rows));
    for (const { request } of drafted) say(`  ${partners.get(request.partnerId)}: request ${request.id}, evidence sha256 ${request.evidenceSha256}`);
    say('  Next: a supervisor other than the drafter approves (POST /v1/freeze-requests/:id/approve), then send.');
    return { caseId: created.id };
  } finally {
    await app.close();
  }
}

demo().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`demo failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
