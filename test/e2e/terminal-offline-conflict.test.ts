import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { adjustStock, receiveStock } from '../../src/modules/inventory/inventory.service.js';
import {
  browserQueue,
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
} from './harness.js';

let server: E2eServer;
let browser: E2eBrowser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** An owner's cookie for API calls on the real server. */
async function ownerCookie(): Promise<string> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: server.biz.owner,
  });
  const raw = res.headers['set-cookie'];
  return (Array.isArray(raw) ? raw[0]! : raw!).split(';')[0]!;
}

describe('an offline sale whose stock was sold meanwhile', () => {
  it('is reported as a sale conflict for the manager, kept on the terminal until the server has it, then recorded by a retry', async () => {
    const { page, context } = browser;
    const { products: p, tenantId, ctx, storeId } = server.biz;
    onTestFailed(async () => {
      await page
        .screenshot({ path: join(SCREENSHOTS, '..', '..', '.scratch', 'failed-offline-conflict.png') })
        .catch(() => {});
    });

    await login(page, server.url, server.biz.cashier);
    await openShift(page, '200');
    await expect
      .poll(async () => page.evaluate(() => navigator.serviceWorker.ready.then(() => true)), POLL)
      .toBe(true);

    await context.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    await scan(page, p.gansito.barcode);
    await scan(page, p.gansito.barcode);
    await chargeExactCash(page, '$32.00');
    const [queued] = (await browserQueue(page, tenantId)).outbox;
    expect(queued?.status).toBe('pending');

    // Meanwhile the shop's other channel sold the Gansitos: one is left.
    await adjustStock(ctx, {
      locationId: storeId,
      skuId: p.gansito.skuId,
      countedQuantity: '1',
      note: 'Venta en línea',
    });

    // The server refuses the sale; while the conflict report cannot get through the terminal keeps showing it.
    await page.route('**/api/v1/sale-conflicts', (route) => route.abort('connectionreset'));
    await context.setOffline(false);
    await expect
      .poll(async () => (await browserQueue(page, tenantId)).outbox[0]?.status, { ...POLL, timeout: 20_000 })
      .toBe('conflict');
    await page.getByTestId('conflict-banner').waitFor();
    expect(await server.database.db.selectFrom('sale_conflicts').select('id').execute()).toHaveLength(0);

    // The report gets through: the server holds the conflict and the terminal lets go of it.
    await page.unroute('**/api/v1/sale-conflicts');
    await expect
      .poll(async () => (await browserQueue(page, tenantId)).outbox[0]?.status, { ...POLL, timeout: 20_000 })
      .toBe('reported');
    await page.getByTestId('conflict-banner').waitFor({ state: 'detached' });

    const cookie = await ownerCookie();
    const list = await server.app.inject({
      method: 'GET',
      url: '/api/v1/sale-conflicts',
      headers: { cookie },
    });
    expect(list.statusCode, list.body).toBe(200);
    const { items, openCount } = list.json();
    expect(openCount).toBe(1);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      saleId: queued!.id,
      status: 'open',
      errorCode: 'STOCK_INSUFFICIENT',
      total: '32.00',
      locationId: storeId,
      registerId: server.biz.registerId,
    });
    expect(items[0].summary).toContain('Gansito Marinela');
    expect((await browserQueue(page, tenantId)).outbox[0]?.conflictId).toBe(items[0].id);
    expect(await server.database.db.selectFrom('sales').select('id').execute()).toHaveLength(0);

    // Stock arrives; the manager records the sale with the terminal's id.
    await receiveStock(ctx, { locationId: storeId, lines: [{ skuId: p.gansito.skuId, quantity: '10' }] });
    const retry = await server.app.inject({
      method: 'POST',
      url: `/api/v1/sale-conflicts/${items[0].id}/resolve`,
      headers: { cookie },
      payload: { action: 'retry' },
    });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json().status).toBe('recorded');
    const sales = await server.database.db.selectFrom('sales').select(['id', 'total']).execute();
    expect(sales).toEqual([{ id: queued!.id, total: '32.00' }]);
    const level = await server.database.db
      .selectFrom('stock_levels')
      .select('on_hand')
      .where('sku_id', '=', p.gansito.skuId)
      .where('location_id', '=', storeId)
      .executeTakeFirstOrThrow();
    expect(level.on_hand).toBe('9.000');
  });
});
