/**
 * npx tsx bench/browser.ts — the cashier's two waits, measured in Debian's Chromium
 * (playwright-core, /usr/bin/chromium) against a real server on a fresh in-memory PGlite:
 * - scan-to-line: Enter of a scanned barcode (keydown in the scan field) → the ticket line is
 *   in the DOM (and the next animation frame, i.e. painted); 50 scans, 10 distinct products per
 *   ticket. Target < 100 ms.
 * - charge-to-receipt: the charge key (F2), exact cash (Enter), F2 to charge → the receipt on
 *   screen with the server's ticket number; 20 sales of 2 lines. Target < 1 s.
 * Both are timed inside the page (performance.now()); the driver's own view (including the
 * DevTools round trips of each key press) is printed next to them. Prints one JSON object on
 * stdout, progress on stderr. Env: BENCH_BROWSER_PRODUCTS (extra catalog size, 300),
 * BENCH_SCANS (50), BENCH_SALES (20).
 */
import type { Page } from 'playwright-core';
import { receiveStock } from '../src/modules/inventory/inventory.service.js';
import { ensureWebBuilt, launchBrowser, login, openShift, startE2eServer } from '../test/e2e/harness.js';
import { givenProduct } from '../test/helpers/factories.js';
import { log, round } from './lib.js';

const EXTRA_PRODUCTS = Number(process.env.BENCH_BROWSER_PRODUCTS ?? 300);
const SCANS = Number(process.env.BENCH_SCANS ?? 50);
const SALES = Number(process.env.BENCH_SALES ?? 20);
const LINES_PER_TICKET = 10;

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return {
    n: s.length,
    p50: round(at(0.5), 1),
    p95: round(at(0.95), 1),
    max: round(s[s.length - 1]!, 1),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length, 1),
  };
}

declare global {
  interface Window {
    __bench: {
      enterAt: number;
      f2At: number;
      lines: number;
      lineAt: number;
      lineFrameAt: number;
      ticketAt: number;
      ticketFrameAt: number;
    };
  }
}

/** Page-side probes: the Enter / F2 keydown times and when the line / the ticket number appears. */
async function installProbes(page: Page): Promise<void> {
  // tsx keeps function names with an `__name(…)` helper that does not exist in the page.
  await page.evaluate('globalThis.__name = (f) => f');
  await page.evaluate(() => {
    const b = {
      enterAt: 0,
      f2At: 0,
      lines: 0,
      lineAt: 0,
      lineFrameAt: 0,
      ticketAt: 0,
      ticketFrameAt: 0,
    };
    window.__bench = b;
    window.addEventListener(
      'keydown',
      (e) => {
        const el = e.target as HTMLElement;
        if (e.key === 'Enter' && el.dataset?.testid === 'scan-input') b.enterAt = performance.now();
        if (e.key === 'F2' && el.dataset?.testid === 'scan-input') b.f2At = performance.now();
      },
      true,
    );
    const check = () => {
      const n = document.querySelectorAll('[data-testid="ticket-line"]').length;
      if (n !== b.lines) {
        b.lines = n;
        if (n > 0) {
          const at = performance.now();
          b.lineAt = at;
          requestAnimationFrame(() => {
            if (b.lineAt === at) b.lineFrameAt = performance.now();
          });
        }
      }
      const ticket = document.querySelector('[data-testid="receipt-ticket"]');
      if (ticket && /\d/.test(ticket.textContent ?? '') && b.ticketAt === 0) {
        const at = performance.now();
        b.ticketAt = at;
        requestAnimationFrame(() => {
          if (b.ticketAt === at) b.ticketFrameAt = performance.now();
        });
      }
    };
    new MutationObserver(check).observe(document.body, {
      childList: true,
      subtree: true,
      characterData: true,
    });
  });
}

async function scanOnce(page: Page, code: string, expectedLines: number) {
  const input = page.getByTestId('scan-input');
  await input.focus();
  await page.keyboard.type(code, { delay: 0 });
  await page.evaluate(() => {
    window.__bench.lineAt = 0;
    window.__bench.lineFrameAt = 0;
  });
  const t0 = performance.now();
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (n) =>
      document.querySelectorAll('[data-testid="ticket-line"]').length === n && window.__bench.lineFrameAt > 0,
    expectedLines,
    { polling: 'raf', timeout: 10_000 },
  );
  const driver = performance.now() - t0;
  const b = await page.evaluate(() => window.__bench);
  return { dom: b.lineAt - b.enterAt, painted: b.lineFrameAt - b.enterAt, driver };
}

async function chargeExactCash(page: Page) {
  await page.evaluate(() => {
    window.__bench.ticketAt = 0;
    window.__bench.ticketFrameAt = 0;
  });
  await page.getByTestId('scan-input').focus();
  const t0 = performance.now();
  await page.keyboard.press('F2');
  await page.getByLabel('Importe').press('Enter');
  await page.keyboard.press('F2');
  await page.waitForFunction(() => window.__bench.ticketFrameAt > 0, undefined, {
    polling: 'raf',
    timeout: 10_000,
  });
  const driver = performance.now() - t0;
  const b = await page.evaluate(() => window.__bench);
  const ticket = (await page.getByTestId('receipt-ticket').textContent())?.trim() ?? '';
  await page.keyboard.press('Enter');
  await page.getByTestId('receipt').waitFor({ state: 'detached' });
  return { dom: b.ticketAt - b.f2At, painted: b.ticketFrameAt - b.f2At, driver, ticket };
}

ensureWebBuilt();
log('starting the server (fresh PGlite) and Chromium');
const [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
try {
  const { ctx, storeId } = server.biz;
  log(`seeding ${EXTRA_PRODUCTS} more products with stock`);
  const codes: string[] = [];
  const skuIds: string[] = [];
  for (let i = 0; i < EXTRA_PRODUCTS; i++) {
    const p = await givenProduct(ctx, { name: `Producto banco ${i + 1}`, price: `${10 + (i % 50)}.50` });
    codes.push(p.skus[0]!.barcodes[0]!);
    skuIds.push(p.skus[0]!.id);
  }
  for (let i = 0; i < skuIds.length; i += 100)
    await receiveStock(ctx, {
      locationId: storeId,
      lines: skuIds.slice(i, i + 100).map((skuId) => ({ skuId, quantity: '1000' })),
    });
  const catalogSize = EXTRA_PRODUCTS + Object.keys(server.biz.products).length;

  const { page } = browser;
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  log('logging in and opening the cash session');
  await login(page, server.url, server.biz.cashier);
  await openShift(page, '500');
  // Steady state: the catalog copy in IndexedDB is complete (scans resolve locally).
  await page.waitForFunction(
    async ({ name, n }) => {
      const db = await new Promise<IDBDatabase>((ok, ko) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => ok(r.result);
        r.onerror = () => ko(r.error);
      });
      const count = await new Promise<number>((ok) => {
        const r = db.transaction('skus').objectStore('skus').count();
        r.onsuccess = () => ok(r.result);
      });
      db.close();
      return count >= n;
    },
    { name: `mostrador-${server.biz.tenantId}`, n: catalogSize },
    { polling: 250, timeout: 60_000 },
  );
  await installProbes(page);

  log(`warming up, then ${SCANS} scans`);
  await scanOnce(page, codes[codes.length - 1]!, 1);
  await chargeExactCash(page);

  const scans: { dom: number; painted: number; driver: number }[] = [];
  let next = 0;
  while (scans.length < SCANS) {
    const inTicket = Math.min(LINES_PER_TICKET, SCANS - scans.length);
    for (let i = 1; i <= inTicket; i++) scans.push(await scanOnce(page, codes[next++ % codes.length]!, i));
    await chargeExactCash(page);
  }

  log(`${SALES} sales: charge to receipt`);
  const charges: { dom: number; painted: number; driver: number; ticket: string }[] = [];
  for (let s = 0; s < SALES; s++) {
    await scanOnce(page, codes[next++ % codes.length]!, 1);
    await scanOnce(page, codes[next++ % codes.length]!, 2);
    charges.push(await chargeExactCash(page));
  }
  const withNumber = charges.filter((c) => /^Ticket \d+$/.test(c.ticket)).length;

  const scanPainted = stats(scans.map((s) => s.painted));
  const chargePainted = stats(charges.map((c) => c.painted));
  const out = {
    browser: 'chromium (Debian), headless, 1366×768',
    catalogSkus: catalogSize,
    scanToLineMs: {
      target: 100,
      painted: scanPainted,
      dom: stats(scans.map((s) => s.dom)),
      driver: stats(scans.map((s) => s.driver)),
      linesPerTicket: LINES_PER_TICKET,
      pass: scanPainted.p95 < 100,
    },
    chargeToReceiptMs: {
      target: 1000,
      painted: chargePainted,
      dom: stats(charges.map((c) => c.dom)),
      driver: stats(charges.map((c) => c.driver)),
      receiptsWithServerTicketNumber: withNumber,
      pass: chargePainted.p95 < 1000 && withNumber === charges.length,
    },
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} finally {
  await browser.close();
  await server.close();
}
