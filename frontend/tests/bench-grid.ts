// The product grid's speed on a large catalog, as a catalog manager meets it in Debian's
// chromium: not part of the test suite (no assertions on time); scripts/bench-ui.sh starts
// `pim serve` on a generated catalog and runs this with
//
//   PIM_URL=http://127.0.0.1:PORT PIM_EMAIL=… PIM_PASSWORD=… node --import tsx tests/bench-grid.ts
//
// Optional: RUNS (default 10), PAGES (next-page clicks per run, default 20), PAGE_SIZE (25, 50,
// 100 or 200 rows a page while paging; default the UI's 50), WORDS (comma-separated search words, one per run, cycled),
// CHROMIUM_PATH. Signs in once through the form, then per run measures:
//
//   first page   navigation to /products until the first page of rows is shown
//                (performance.now() in the page: from navigation start, the app's load included)
//   next page    each click on "Next page" until that page's rows are shown (cursor paging,
//                PAGES deep)
//   facet click  a family facet value (a different one each run) until the filtered rows are shown
//   word search  one word typed into the search box, then Enter, until its rows are shown
//                (timed from Enter: without it the UI sends the words after a 250 ms pause)
//
// and prints p50/p95/max per step.

import { chromium, type Page } from 'playwright-core';

const base = process.env.PIM_URL ?? 'http://127.0.0.1:8080';
const email = process.env.PIM_EMAIL ?? '';
const password = process.env.PIM_PASSWORD ?? '';
const runs = Number(process.env.RUNS ?? 10);
const pages = Number(process.env.PAGES ?? 20);
const pageSize = process.env.PAGE_SIZE ?? '';
const words = (process.env.WORDS ?? 'lamp,jacket,kettle,chair,bottle,speaker,blanket,shirt,table,backpack')
  .split(',').map((w) => w.trim()).filter(Boolean);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!email || !password) {
  console.error('bench-grid: set PIM_EMAIL and PIM_PASSWORD (scripts/bench-ui.sh does)');
  process.exit(2);
}

/** What the grid must show besides being idle with rows. */
interface Wanted {
  /** The pager says this page. */
  page?: number;
  /** Some facet value is checked (true) or none is (false). */
  filtered?: boolean;
  /** The rows are for these search words. */
  text?: string;
}

/** Waits until the grid is idle (its answer in) with rows, showing what is wanted; the page's
 *  clock (ms since navigation start) at that moment. */
async function idle(page: Page, wanted: Wanted = {}): Promise<number> {
  const handle = await page.waitForFunction(
    (w: Wanted) => {
      const table = document.querySelector('table.products');
      if (!table || table.getAttribute('aria-busy') !== 'false' || !table.querySelector('tbody tr')) return false;
      if (w.page !== undefined && !Array.from(document.querySelectorAll('.pager span')).some((s) => s.textContent === `Page ${w.page}`)) return false;
      if (w.filtered !== undefined && (document.querySelectorAll('fieldset.facet input[type="checkbox"]:checked').length > 0) !== w.filtered) return false;
      if (w.text !== undefined && table.getAttribute('data-text') !== w.text) return false;
      return performance.now();
    },
    wanted,
    { timeout: 120_000, polling: 'raf' },
  );
  return (await handle.jsonValue()) as number;
}

/** What a step does in the page, started by the page itself (no driver latency in the time). */
type Act = { click: string } | { type: string };

/** Does `act` in the page, then waits for the grid to show `wanted`; the page-clock ms between. */
async function step(page: Page, act: Act, wanted: Wanted): Promise<number> {
  const started = await page.evaluate(async (a: Act) => {
    if ('click' in a) {
      const el = document.querySelector<HTMLElement>(a.click);
      if (!el) throw new Error(`nothing matches ${a.click}`);
      const t0 = performance.now();
      el.click();
      return t0;
    }
    // The words typed, then Enter once the box shows them (the UI would otherwise wait for a
    // 250 ms pause in typing): the time is from Enter to the rows.
    const input = document.querySelector<HTMLInputElement>('input[type="search"]');
    if (!input) throw new Error('no search box');
    input.value = a.type;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const t0 = performance.now();
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    return t0;
  }, act);
  return (await idle(page, wanted)) - started;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

async function main() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

  // Sign in once (the session cookie and CSRF token stay in the context), in English.
  await page.goto(`${base}/`);
  await page.evaluate(() => localStorage.setItem('pim.lang', 'en'));
  await page.reload();
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Products' }).waitFor({ timeout: 120_000 });
  await idle(page);
  const total = (await page.locator('.toolbar .total').textContent())?.trim();
  console.error(`bench-grid: signed in as ${email}; ${total}; ${pageSize || 50} rows a page; ${runs} runs`);

  const samples: Record<string, number[]> = { 'first page': [], 'next page': [], 'facet click': [], 'word search': [] };
  for (let run = 0; run < runs; run++) {
    // A fresh load of the app for each step: nothing of the previous step's grid state is kept.
    await page.goto(`${base}/products`);
    samples['first page'].push(await idle(page));

    if (pageSize) {
      await page.getByLabel('Per page').selectOption(pageSize);
      await idle(page);
    }
    // "Next page" is the pager's second button.
    for (let n = 2; n <= pages + 1; n++) {
      samples['next page'].push(await step(page, { click: 'nav.pager button:nth-of-type(2)' }, { page: n }));
    }

    // One family value, a different one each run.
    await page.goto(`${base}/products`);
    await idle(page);
    const count = await page.evaluate((nth: number) => {
      const family = Array.from(document.querySelectorAll('fieldset.facet')).find((f) => f.querySelector('legend')?.textContent === 'Family');
      const boxes = family ? Array.from(family.querySelectorAll('input[type="checkbox"]')) : [];
      boxes[nth % Math.max(1, boxes.length)]?.setAttribute('data-bench', 'facet');
      return boxes.length;
    }, run);
    if (count > 0) samples['facet click'].push(await step(page, { click: 'input[data-bench="facet"]' }, { filtered: true }));

    const word = words[run % words.length];
    await page.goto(`${base}/products`);
    await idle(page);
    samples['word search'].push(await step(page, { type: word }, { text: word }).catch((e) => {
      // A word matching nothing leaves no rows: say so rather than report a time.
      throw new Error(`word search "${word}" showed no rows: ${e}`);
    }));
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  await browser.close();

  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number) => (Number.isNaN(x) ? '-' : Math.round(x).toString()).padStart(8);
  console.log(`${pad('step', 28)}${'samples'.padStart(8)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}${'max ms'.padStart(8)}`);
  for (const [step, list] of Object.entries(samples)) {
    const sorted = list.slice().sort((a, b) => a - b);
    const name = step === 'next page' ? `next page (pages 2–${pages + 1})` : step;
    console.log(`${pad(name, 28)}${String(sorted.length).padStart(8)}${num(percentile(sorted, 50))}${num(percentile(sorted, 95))}${num(sorted[sorted.length - 1] ?? NaN)}`);
  }
  if (errors.length > 0) {
    console.error(`bench-grid: the page reported errors:\n${errors.join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
