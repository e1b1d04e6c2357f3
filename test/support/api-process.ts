// A real API process, as `npm run start:api` runs it but from the TypeScript sources:
// `services/main.ts api` in a child process, configured only by its environment. Resolves
// once it listens (PORT=0: the port it logs); `stop()` sends SIGTERM and waits for the exit.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface ApiProcess {
  url: string;
  pid: number;
  /** Everything it wrote so far (stdout and stderr). */
  output(): string;
  stop(): Promise<number | null>;
}

export function startApiProcess(env: Record<string, string>, role: 'api' | 'all' = 'api'): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'services/main.ts'), role], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', TRACEHOLD_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise<ApiProcess>((resolve, reject) => {
    let done = false;
    const timer = setInterval(() => {
      const m = /"msg":"api listening".*?"url":"(http:\/\/[^"]+)"|"url":"(http:\/\/[^"]+)".*?"msg":"api listening"/.exec(output);
      if (!m || done) return;
      done = true;
      clearInterval(timer);
      resolve({
        url: (m[1] ?? m[2])!,
        pid: child.pid!,
        output: () => output,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      if (!done) reject(new Error(`the API process exited (${code}) before listening:\n${output}`));
    });
  });
}
