import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  chargeExactCash,
  type E2eBrowser,
  type E2eServer,
  launchBrowser,
  login,
  openShift,
  POLL,
  SCREENSHOTS,
  scan,
  startE2eServer,
  textOf,
} from './harness.js';

let server: E2eServer;
let browser: E2eBrowser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function ownerCookie(): Promise<string> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: server.biz.owner.email, password: server.biz.owner.password },
  });
  expect(res.statusCode).toBe(200);
  const raw = res.headers['set-cookie'];
  return (Array.isArray(raw) ? raw[0]! : raw!).split(';')[0]!;
}

describe('live stock on an open terminal', () => {
  it('shows a stock change made through the API within a second, and a sold-out product before charging', async () => {
    const { page } = browser;
    const { products: p, storeId } = server.biz;
    onTestFailed(async () => {
      await page
        .screenshot({ path: join(SCREENSHOTS, '..', '..', '.scratch', 'failed-live.png') })
        .catch(() => {});
    });
    await login(page, server.url, server.biz.cashier);
    await openShift(page, '300');
    await scan(page, p.gansito.barcode);
    await expect.poll(textOf(page.getByTestId('line-stock')), POLL).toBe('Existencia: 50');
    const cookie = await ownerCookie();

    // Another channel takes 47 pieces: the terminal shows 3 left.
    let t0 = Date.now();
    let res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/inventory/adjustments',
      headers: { cookie },
      payload: {
        locationId: storeId,
        skuId: p.gansito.skuId,
        quantity: '-47',
        note: 'Vendidas por WhatsApp',
      },
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    await expect
      .poll(textOf(page.getByTestId('line-stock')), { timeout: 1000, interval: 25 })
      .toBe('Existencia: 3');
    const firstMs = Date.now() - t0;

    // It sells out elsewhere: the line and the totals panel say so before the cashier charges.
    t0 = Date.now();
    res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/inventory/adjustments',
      headers: { cookie },
      payload: {
        locationId: storeId,
        skuId: p.gansito.skuId,
        countedQuantity: '0',
        note: 'Conteo: no queda ninguno',
      },
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    await expect
      .poll(textOf(page.getByTestId('line-stock')), { timeout: 1000, interval: 25 })
      .toBe('Agotado');
    const secondMs = Date.now() - t0;
    await expect
      .poll(textOf(page.getByTestId('stock-warning')), POLL)
      .toBe('Gansito Marinela: agotado en esta tienda.');
    await page.keyboard.press('F2');
    await page
      .getByRole('dialog', { name: 'Cobrar' })
      .getByText('Gansito Marinela: agotado en esta tienda.')
      .waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, '09-agotado.png') });
    console.log(`stock change on screen after ${firstMs} ms and ${secondMs} ms`);

    // Charging anyway is refused by the server while online: nothing is sold.
    await page.getByLabel('Importe').press('Enter');
    await page.keyboard.press('F2');
    await page
      .getByRole('dialog', { name: 'Cobrar' })
      .getByRole('alert')
      .filter({ hasText: /existencia|suficiente/i })
      .waitFor();
    expect(await server.database.db.selectFrom('sales').select('id').execute()).toHaveLength(0);
  });

  it('a price change reaches the till: the ticket on screen is charged as shown, a resumed parked one at the new price', async () => {
    const { page } = browser;
    const { products: p } = server.biz;
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Cobrar' }).waitFor({ state: 'detached' });
    await page.keyboard.press('F8'); // the sold-out ticket goes aside
    await expect.poll(textOf(page.getByTestId('total')), POLL).toBe('$0.00');

    // One Coca-Cola parked, one on screen, both at $18.00; then the owner raises it to $19.50.
    await scan(page, p.coca.barcode);
    await expect.poll(textOf(page.getByTestId('total')), POLL).toBe('$18.00');
    await page.keyboard.press('F8');
    await expect.poll(textOf(page.getByTestId('total')), POLL).toBe('$0.00');
    await scan(page, p.coca.barcode);
    await expect.poll(textOf(page.getByTestId('total')), POLL).toBe('$18.00');
    const res = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/skus/${p.coca.skuId}`,
      headers: { cookie: await ownerCookie() },
      payload: { price: '19.50' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const version = res.json().version as number;
    await expect
      .poll(
        () =>
          page.evaluate(
            async ([name, id]) => {
              const db = await new Promise<IDBDatabase>((ok, ko) => {
                const r = indexedDB.open(name!);
                r.onsuccess = () => ok(r.result);
                r.onerror = () => ko(r.error);
              });
              const sku = await new Promise<{ version: number } | undefined>((ok) => {
                const r = db.transaction('skus').objectStore('skus').get(id!);
                r.onsuccess = () => ok(r.result as { version: number } | undefined);
              });
              db.close();
              return sku?.version;
            },
            [`mostrador-${server.biz.tenantId}`, p.coca.skuId],
          ),
        POLL,
      )
      .toBe(version);

    // The customer in front of the till pays the $18.00 the screen showed; the server takes it.
    await page.keyboard.press('F2');
    await page.getByLabel('Importe').press('Enter');
    await page.keyboard.press('F2');
    await page.getByTestId('receipt').waitFor();
    await page.keyboard.press('Enter');
    const sold = await server.database.db
      .selectFrom('sale_lines')
      .select(['unit_price', 'sale_id'])
      .where('sku_id', '=', p.coca.skuId)
      .execute();
    expect(sold.map((l) => l.unit_price)).toEqual(['18.00']);

    // The parked one comes back at today's price.
    await page.keyboard.press('F8');
    const parked = page.getByRole('dialog', { name: 'Tickets aparcados' });
    await parked.getByRole('button', { name: /Coca-Cola/ }).click();
    await expect.poll(textOf(page.getByTestId('total')), POLL).toBe('$19.50');
  });

  it('dates a sale it queued by the server’s clock when the PC’s clock is three hours behind', async () => {
    const { page, context } = browser;
    const { products: p } = server.biz;
    await chargeExactCash(page, '$19.50');
    const HOURS_3 = 3 * 3600_000;
    await page.clock.install({ time: Date.now() - HOURS_3 });
    await page.reload();
    await page.getByTestId('scan-input').waitFor();
    // The till learns the difference from the answers' Date header.
    await expect
      .poll(() => page.evaluate(() => Number(localStorage.getItem('mostrador.clockOffsetMs'))), POLL)
      .toBeGreaterThan(HOURS_3 - 5000);
    expect(await page.evaluate(() => Date.now())).toBeLessThan(Date.now() - HOURS_3 + 60_000);

    await context.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    await scan(page, p.maseca.barcode);
    await chargeExactCash(page, '$24.90');
    const soldAt = Date.now();
    await context.setOffline(false);
    await page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 20_000 });
    const sale = await server.database.db
      .selectFrom('sales as s')
      .innerJoin('sale_lines as l', (j) =>
        j.onRef('l.tenant_id', '=', 's.tenant_id').onRef('l.sale_id', '=', 's.id'),
      )
      .select('s.created_at')
      .where('l.sku_id', '=', p.maseca.skuId)
      .executeTakeFirstOrThrow();
    expect(Math.abs(sale.created_at.getTime() - soldAt)).toBeLessThan(15_000);
  });
});
