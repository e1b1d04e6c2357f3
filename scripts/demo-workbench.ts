// The demo's last step: serve the workbench on the demo case until Ctrl-C, with an analyst
// and a supervisor key to sign in with (created now, printed once).
import { loadConfig } from '../config';
import { createApiApp } from '../services/api/app';
import { startServer, type RunningServer } from '../services/api/server';
import { createAppContext } from '../services/app';
import { createApiKey } from '../services/auth/api-keys';
import { silentLogger } from '../services/log';
import { startInlinePump } from '../services/queues/inline';

export function shouldServe(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return !argv.includes('--no-serve') && !env.CI;
}

export async function serveWorkbench(env: Record<string, string | undefined>, caseId: string, say: (text: string) => void): Promise<void> {
  const app = await createAppContext({ config: loadConfig(env), log: silentLogger, queue: 'inline' });
  const stopPump = startInlinePump(app.inline!, () => app.drain(), () => undefined);
  let server: RunningServer | undefined;
  try {
    const analyst = await createApiKey(app.deps.store, { role: 'analyst', name: 'Demo Analyst' });
    const supervisor = await createApiKey(app.deps.store, { role: 'supervisor', name: 'Demo Supervisor' });
    const port = Number(env.PORT ?? 3000);
    server = await startServer(createApiApp(app.deps), port).catch(() => startServer(createApiApp(app.deps), 0));
    say(`\nThe workbench is serving the demo case: ${server.url}/cases/${caseId}`);
    say(`  sign in as the analyst with     ${analyst.key}`);
    say(`  or as a supervisor (approves)   ${supervisor.key}`);
    say('  Ctrl-C stops it.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    say('\nStopping the workbench.');
  } finally {
    stopPump();
    await server?.stop();
    await app.close();
  }
}
