// What the browser tests stand on: the `pim` binary cargo built, serving the built UI with the
// demo catalog on a temporary data directory and a free loopback port; Debian's chromium driven
// headless by playwright-core; helpers to wait for the grid, call the API with the browser's
// session, and take screenshots (to target/screenshots/) after checking every control's label.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { FRONTEND } from './operations';

const ROOT = join(FRONTEND, '..');
const BINARY = process.env.PIM_BIN ?? join(ROOT, 'target', 'debug', 'pim');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const UI_DIR = join(FRONTEND, 'dist');
const SHOTS = join(ROOT, 'target', 'screenshots');
export const ADMIN_PASSWORD = 'admin-password-for-ui-tests';
export const DEMO_PASSWORD = 'demo-password-for-ui-tests';

let server: ChildProcess;
let serverLog = '';
let dataDir: string;
let base: string;
let browser: Browser;
let page: Page;
/** Console errors and uncaught exceptions of the page. */
export const consoleErrors: string[] = [];
/** Every GraphQL document the page sent as JSON. */
export const sent: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitForReady(url: string) {
  for (let i = 0; i < 600; i++) {
    if (server.exitCode !== null) throw new Error(`pim exited (${server.exitCode}):\n${serverLog}`);
    try {
      const r = await fetch(`${url}/health/ready`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`pim did not become ready:\n${serverLog}`);
}

/** Controls on the page without an accessible name (label, aria-label(ledby), or text). */
async function unlabeled(): Promise<string[]> {
  return page.evaluate(() => {
    const controls = document.querySelectorAll<HTMLElement>(
      'input:not([type="hidden"]), select, textarea, button, [role="textbox"], [contenteditable="true"]',
    );
    return Array.from(controls)
      .filter((c) => {
        const labels = (c as HTMLInputElement).labels;
        const named =
          (labels && labels.length > 0 && Array.from(labels).some((l) => l.textContent?.trim())) ||
          c.getAttribute('aria-label')?.trim() ||
          (c.getAttribute('aria-labelledby') ?? '').split(' ').some((id) => document.getElementById(id)?.textContent?.trim()) ||
          (c.tagName === 'BUTTON' && c.textContent?.trim());
        return !named;
      })
      .map((c) => c.outerHTML.slice(0, 120));
  });
}

/** A screenshot of the whole page, after checking every control on it has a label. */
export async function shot(name: string) {
  assert.deepEqual(await unlabeled(), [], `unlabeled controls on ${name}`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Starts the server and the browser; the page is signed out. */
export async function start(): Promise<{ page: Page; base: string }> {
  assert.ok(existsSync(BINARY), `no pim binary at ${BINARY}: run cargo build (scripts/test.sh does)`);
  assert.ok(existsSync(join(UI_DIR, 'index.html')), `the UI is not built: run npm run build in frontend/`);
  assert.ok(existsSync(CHROMIUM), `no chromium at ${CHROMIUM}: apt-get install chromium`);
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'pim-ui-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(BINARY, ['serve', '--demo'], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH ?? '',
      PIM_DATA_DIR: join(dataDir, 'data'),
      PIM_LISTEN: `127.0.0.1:${port}`,
      PIM_UI_DIR: UI_DIR,
      PIM_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PIM_DEMO_PASSWORD: DEMO_PASSWORD,
      PIM_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (d) => (serverLog += d));
  server.stderr?.on('data', (d) => (serverLog += d));
  await waitForReady(base);
  // The machine has no network beyond loopback: keep chromium from calling home.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('request', (r) => {
    if (r.url().endsWith('/graphql') && r.method() === 'POST' && r.headers()['content-type']?.includes('json')) {
      sent.push(JSON.parse(r.postData() ?? '{}').query);
    }
  });
  return { page, base };
}

export async function stop() {
  await browser?.close();
  server?.kill('SIGTERM');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

/** The grid's SKUs in display order. */
export async function skus(): Promise<string[]> {
  return page.locator('table.products tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sku') ?? ''));
}

/** Waits until the grid shows only rows whose SKU starts with `prefix`. */
export async function waitForPrefix(prefix: string) {
  await page.waitForFunction((p) => {
    const rows = Array.from(document.querySelectorAll('table.products tbody tr'));
    return rows.length > 0 && rows.every((r) => r.getAttribute('data-sku')?.startsWith(p));
  }, prefix);
}

/** A GraphQL call from the test itself (not the page) with the browser's session. */
export async function api(query: string, variables: Record<string, unknown> = {}) {
  const cookies = await page.context().cookies(base);
  const csrf = await page.evaluate(() => localStorage.getItem('pim.csrf'));
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '),
      'x-csrf-token': csrf ?? '',
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: Record<string, any>; errors?: unknown[] };
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

export async function waitForGrid() {
  await page.locator('table.products[aria-busy="false"]').waitFor();
}

