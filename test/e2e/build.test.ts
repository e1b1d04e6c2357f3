// The production build: `npm run build` compiles to dist/, and the compiled service (what
// `npm start` and the Docker image run) migrates, serves the API and shuts down on SIGTERM.
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createTestDb, type TestDb } from '../support/db';

const ROOT = path.resolve(__dirname, '../..');

describe('e2e: production build', function () {
  this.timeout(300_000);
  let testDb: TestDb;

  before(async () => {
    testDb = await createTestDb({ migrate: false });
  });
  after(async () => {
    await testDb?.drop();
  });

  it('npm run build compiles to dist/, and the compiled service migrates, serves and stops on SIGTERM', async () => {
    await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: ROOT });
    const pkg = require(path.join(ROOT, 'package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).to.equal('node dist/services/main.js');
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/services/main.js'), 'api'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATABASE_URL: testDb.url, PORT: '0', TRACEHOLD_LOG_LEVEL: 'info', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const m = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
          if (m) { clearInterval(timer); resolve(m[0]); }
        }, 100);
        exited.then(() => { clearInterval(timer); reject(new Error(`exited early: ${output}`)); });
      });
      expect((await fetch(`${url}/healthz`)).status).to.equal(200);
      const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { openapi: string; info: { version: string } };
      expect(doc.openapi).to.equal('3.1.0');
      expect(doc.info.version).to.equal(require(path.join(ROOT, 'package.json')).version);
      expect((await fetch(`${url}/v1/cases`)).status).to.equal(401);
      const { rows } = await testDb.db.query<{ n: string }>('select count(*) as n from tracehold_migrations');
      expect(Number(rows[0]!.n)).to.be.greaterThan(5);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, output).to.equal(0);
  });

  it('docker-compose.yml is valid (docker compose config) and builds the one image from the Dockerfile, with no npm install at start', async function () {
    // No Docker engine is needed to check the file: `docker compose config` (or the standalone
    // docker-compose that .ci/run installs from Debian) parses and resolves it.
    const compose = await composeCommand();
    if (!compose) this.skip();
    const run = promisify(execFile);
    await run(compose![0]!, [...compose!.slice(1), 'config', '-q'], { cwd: ROOT });
    const { stdout } = await run(compose![0]!, [...compose!.slice(1), 'config'], { cwd: ROOT });
    const config = require('yaml').parse(stdout) as { services: Record<string, { build?: unknown; image?: string; command?: string[] | string; restart?: string }> };
    expect(Object.keys(config.services)).to.include.members(['api', 'worker', 'scheduler', 'postgres', 'redis']);
    // The scheduler runs the nightly re-trace, the watcher and the issuer-freeze check: no other role does.
    expect(config.services.scheduler!.command).to.deep.equal(['node', 'dist/services/main.js', 'scheduler']);
    for (const [name, s] of Object.entries(config.services)) expect(s.restart, `${name} comes back after a crash`).to.equal('unless-stopped');
    const built = Object.entries(config.services).filter(([, s]) => s.build).map(([name]) => name);
    expect(built, 'one service builds the image').to.have.length(1);
    for (const [name, s] of Object.entries(config.services)) {
      expect(JSON.stringify(s.command ?? ''), `${name} runs the built code`).not.to.match(/npm (ci|install)/);
      if (name === 'api' || name === 'worker' || name === 'scheduler') expect(s.image).to.equal('tracehold:local');
    }
  });
});

/** `docker compose` (the plugin) or `docker-compose`, whichever this machine has. */
async function composeCommand(): Promise<string[] | null> {
  for (const cmd of [['docker', 'compose'], ['docker-compose']]) {
    try {
      await promisify(execFile)(cmd[0]!, [...cmd.slice(1), 'version'], { cwd: ROOT });
      return cmd;
    } catch {
      // not here
    }
  }
  return null;
}
