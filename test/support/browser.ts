// Chromium for browser tests: Debian's `chromium` driven by playwright-core (no downloaded
// browser build). Pages sign in with an API key as a user would; axe-core checks each page;
// a failed test leaves screenshots of every open page in test-results/browser/.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const SCREENSHOTS = path.resolve(__dirname, '../../test-results/browser');

export function chromiumPath(): string {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch { /* try the next */ }
  }
  throw new Error('chromium is not installed: apt-get install -y chromium (.ci/run does this)');
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

/**
 * The built workbench must exist (npm install builds it) and be newer than its sources (a
 * checkout that moved on since the last install would test yesterday's pages): build it if not.
 */
export function ensureWorkbenchBuilt(): void {
  const index = path.resolve(__dirname, '../../web/dist/index.html');
  if (fs.existsSync(index) && newestSource(path.resolve(__dirname, '../../web/src')) <= fs.statSync(index).mtimeMs) return;
  execFileSync('npm', ['run', 'build:web'], { cwd: path.resolve(__dirname, '../..'), stdio: 'inherit' });
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

export interface SignedIn { context: BrowserContext; page: Page }

/** A fresh browser context (its own session storage) signed in with `key` through the sign-in page. */
export async function signIn(browser: Browser, baseUrl: string, key: string): Promise<SignedIn> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(baseUrl + '/');
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.topbar').waitFor();
  return { context, page };
}

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: number; targets: string[] }

/** axe-core on the page as it is now; serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as { document: unknown; axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } };
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshotAll(contexts: BrowserContext[], label: string): Promise<string[]> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const saved: string[] = [];
  let i = 0;
  for (const context of contexts) {
    for (const page of context.pages()) {
      const file = path.join(SCREENSHOTS, `${label.replace(/[^a-z0-9]+/gi, '-').slice(0, 80)}-${i++}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      saved.push(file);
    }
  }
  return saved;
}
