import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import {
  browserQueue,
  queueStatuses,
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
  storeStock,
  textOf,
} from './harness.js';
import { closeCashSession, createRegister, openCashSession } from '../../src/modules/cash/cash.service.js';
import { updateSku } from '../../src/modules/catalog/catalog.service.js';
import { recordReturn } from '../../src/modules/returns/returns.service.js';
import { recordSale } from '../../src/modules/sales/sales.service.js';
import { newId } from '../../src/shared/ids.js';
import { systemCtx } from '../../src/shared/context.js';

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

/**
 * F9, the sale found by its ticket number (its one line listed), one piece of `product` back: the
 * till says to hand `refund` over in cash. `notice`: a text the search form must show first.
 */
async function returnOnePiece(
  page: Page,
  ticket: number | string,
  product: string,
  refund: string,
  opts: { notice?: string } = {},
): Promise<void> {
  await page.keyboard.press('F9');
  if (opts.notice) await page.getByText(opts.notice).waitFor();
  await page.getByLabel('Número de ticket').fill(String(ticket));
  await page.getByRole('button', { name: 'Buscar venta' }).click();
  await expect.poll(() => page.getByTestId('return-line').count(), POLL).toBe(1);
  await page.getByLabel(`Devolver ${product}`).fill('1');
  await page.getByRole('button', { name: 'Registrar devolución' }).click();
  await expect.poll(textOf(page.getByTestId('return-done')), POLL).toContain(`Entrega ${refund} en efectivo`);
}

describe('selling without a connection', () => {
  it('keeps selling offline, survives a reload, and records each queued sale exactly once when back online', async () => {
    const { page, context } = browser;
    const { products: p, tenantId } = server.biz;
    onTestFailed(async () => {
      await page
        .screenshot({ path: join(SCREENSHOTS, '..', '..', '.scratch', 'failed-offline.png') })
        .catch(() => {});
    });

    await login(page, server.url, server.biz.cashier);
    await openShift(page, '200');
    // The app shell is in the service worker's cache and the catalog in IndexedDB.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await expect.poll(async () => (await browserQueue(page, tenantId)).skuCount, POLL).toBe(5);
    await page.reload();
    await page.getByTestId('scan-input').waitFor();
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), POLL).toBe(true);

    // Sale 1 reaches the server but its answer is lost on the way back: the terminal keeps it queued.
    let dropped = 0;
    await page.route('**/api/v1/sales', async (route) => {
      if (route.request().method() !== 'POST' || dropped > 0) return route.continue();
      dropped++;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await scan(page, p.coca.barcode);
    await chargeExactCash(page, '$18.00');
    await page.unroute('**/api/v1/sales');
    await expect
      .poll(async () => (await server.database.db.selectFrom('sales').select('id').execute()).length, POLL)
      .toBe(1);

    // The network goes away: sales 2–5 are made offline. Meanwhile the owner raises the price
    // of Maseca on the server; the till, cut off, still sells it at $24.90.
    await context.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    await updateSku(systemCtx(server.database.db, tenantId), p.maseca.skuId, { price: '27.00' });
    await scan(page, p.sabritas.barcode);
    await chargeExactCash(page, '$21.50');
    await scan(page, p.gansito.barcode);
    await scan(page, p.gansito.barcode);
    await chargeExactCash(page, '$32.00');
    await scan(page, p.maseca.barcode);
    await chargeExactCash(page, '$24.90');
    await scan(page, p.coca.barcode);
    await scan(page, p.sabritas.barcode);
    await chargeExactCash(page, '$39.50');
    await expect
      .poll(textOf(page.getByTestId('offline-banner')), POLL)
      .toContain('Sin conexión — 5 ventas por enviar');
    await page.screenshot({ path: join(SCREENSHOTS, '08-sin-conexion.png') });

    // Reloading while offline loses nothing: the shell comes from the service worker, the sales from IndexedDB.
    await page.reload();
    await page.getByTestId('scan-input').waitFor();
    await expect
      .poll(textOf(page.getByTestId('offline-banner')), POLL)
      .toContain('Sin conexión — 5 ventas por enviar');
    const queued = (await browserQueue(page, tenantId)).outbox;
    expect(queued).toHaveLength(5);
    expect(queued.filter((q) => q.status === 'pending')).toHaveLength(5);
    expect(await server.database.db.selectFrom('sales').select('id').execute()).toHaveLength(1);

    // The corte X without the server: the last one it gave (the $200 float, kept when the till
    // opened) plus the five sales this register made since, the one whose answer was lost included.
    await page.keyboard.press('F10');
    await page.keyboard.press('Alt+2');
    await expect
      .poll(textOf(page.getByTestId('corte-provisional')), POLL)
      .toMatch(/^Corte X provisional, sin conexión: el último que dio el servidor \(.+\) más 5 operaciones/);
    await expect.poll(textOf(page.getByTestId('expected-cash')), POLL).toBe('$335.90');
    await page.screenshot({ path: join(SCREENSHOTS, '52-corte-x-sin-conexion.png') });
    await page.getByRole('button', { name: 'Cerrar (Esc)' }).click();
    await page.getByTestId('corte-provisional').waitFor({ state: 'detached' });

    // Back online: the queue drains by itself; the server already had sale 1 and answers it, not doubles it.
    await context.setOffline(false);
    await expect
      .poll(
        async () => (await browserQueue(page, tenantId)).outbox.filter((o) => o.status === 'sent').length,
        {
          ...POLL,
          timeout: 20_000,
        },
      )
      .toBe(5);
    await page.getByTestId('offline-banner').waitFor({ state: 'detached' });

    const sales = await server.database.db
      .selectFrom('sales')
      .select(['id', 'ticket_number', 'total', 'created_at'])
      .orderBy('id')
      .execute();
    expect(sales.map((s) => s.id)).toEqual(queued.map((q) => q.id).sort());
    expect(sales.map((s) => Number(s.ticket_number)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    // Each at the price the till charged (Maseca at $24.90, not the new $27.00) and dated when
    // the till made it, not when the queue delivered it.
    expect(sales.map((s) => s.total)).toEqual(['18.00', '21.50', '32.00', '24.90', '39.50']);
    const byId = new Map(queued.map((q) => [q.id, q.createdAt]));
    for (const s of sales.slice(1)) expect(s.created_at.toISOString()).toBe(byId.get(s.id));
    expect(await storeStock(server, p.coca.skuId)).toBe('48.000');
    expect(await storeStock(server, p.sabritas.skuId)).toBe('48.000');
    expect(await storeStock(server, p.gansito.skuId)).toBe('48.000');
    expect(await storeStock(server, p.maseca.skuId)).toBe('49.000');
    const movements = await server.database.db
      .selectFrom('stock_movements')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('reason', '=', 'sale')
      .executeTakeFirstOrThrow();
    expect(Number(movements.n)).toBe(6);

    // Offline again, a customer brings one Gansito back. The till finds the sale among its own
    // (it has the server's answer: ticket number and lines), pays $16.00 out of the drawer and
    // queues the return under its id; the provisional corte X counts the refund.
    const gansitoTicket = Number(sales.find((s) => s.total === '32.00')!.ticket_number);
    // Meanwhile the other till of the shop sold a Sabritas: this till keeps a copy of it (the
    // live stream said so), so that sale can be returned here without a connection too.
    const ctx = systemCtx(server.database.db, tenantId);
    const caja2 = await createRegister(ctx, { locationId: server.biz.storeId, name: 'Caja 2' });
    await openCashSession(ctx, { registerId: caja2.id, openingFloat: '300.00' });
    const { sale: other } = await recordSale(ctx, {
      id: newId('sale'),
      registerId: caja2.id,
      lines: [{ skuId: p.sabritas.skuId, quantity: '1' }],
      payments: [{ method: 'cash', amount: '21.50' }],
    });
    await expect
      .poll(async () => (await browserQueue(page, tenantId)).saleIds.includes(other.id), POLL)
      .toBe(true);
    await context.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    await returnOnePiece(page, other.ticketNumber, 'Sabritas Original 45 g', '$21.50', {
      notice: 'Sin conexión: se buscan las ventas de esta sucursal',
    });
    await page.getByRole('button', { name: 'Cerrar' }).last().click();
    await returnOnePiece(page, gansitoTicket, 'Gansito Marinela', '$16.00');
    await expect.poll(textOf(page.getByTestId('return-done')), POLL).toContain('quedó guardada en esta caja');
    await page.screenshot({ path: join(SCREENSHOTS, '56-devolucion-sin-conexion.png') });
    await page.getByRole('button', { name: 'Cerrar' }).last().click();

    // A Coca-Cola sold now, offline, comes straight back: the sale is still in the queue (no
    // ticket number yet), found by today's date; its return queues behind it.
    await scan(page, p.coca.barcode);
    await chargeExactCash(page, '$18.00');
    await page.keyboard.press('F9');
    await page.getByRole('button', { name: 'Buscar venta' }).click();
    await page.getByRole('button', { name: /Venta por enviar/ }).click();
    await page.getByLabel('Devolver Coca-Cola 600 ml').fill('1');
    await page.getByRole('button', { name: 'Registrar devolución' }).click();
    await expect.poll(textOf(page.getByTestId('return-done')), POLL).toContain('Entrega $18.00 en efectivo');
    await page.getByRole('button', { name: 'Cerrar' }).last().click();
    await page.keyboard.press('F10');
    await page.keyboard.press('Alt+2');
    await expect.poll(textOf(page.getByTestId('expected-cash')), POLL).toBe('$298.40');
    await page.getByRole('button', { name: 'Cerrar (Esc)' }).click();
    await page.getByTestId('corte-provisional').waitFor({ state: 'detached' });
    expect(await server.database.db.selectFrom('returns').select('id').execute()).toHaveLength(0);

    // Back online: the return reaches the server once, the Gansito is back on the shelf.
    await context.setOffline(false);
    await expect
      .poll(() => queueStatuses(page, tenantId, 'return'), { ...POLL, timeout: 20_000 })
      .toEqual(['sent', 'sent', 'sent']);
    const coca = await server.database.db
      .selectFrom('sales')
      .select('id')
      .where('id', 'not in', [...sales.map((s) => s.id), other.id])
      .executeTakeFirstOrThrow();
    const returns = await server.database.db
      .selectFrom('returns')
      .select(['sale_id', 'refund_method', 'refund_amount'])
      .orderBy('id')
      .execute();
    expect(returns).toEqual([
      { sale_id: other.id, refund_method: 'cash', refund_amount: '21.50' },
      { sale_id: sales.find((s) => s.total === '32.00')!.id, refund_method: 'cash', refund_amount: '16.00' },
      { sale_id: coca.id, refund_method: 'cash', refund_amount: '18.00' },
    ]);
    expect(await storeStock(server, p.gansito.skuId)).toBe('49.000');
    expect(await storeStock(server, p.coca.skuId)).toBe('48.000');

    // Offline once more, the till takes back the other Gansito of that ticket and pays $16.00,
    // while the same piece is returned on the server meanwhile (at another till, say). Back
    // online the server refuses the till's return; it is not lost: the manager's conflict list has
    // it, refund included, and the till says so.
    const gansitoSale = sales.find((s) => s.total === '32.00')!.id;
    await context.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    await returnOnePiece(page, gansitoTicket, 'Gansito Marinela', '$16.00');
    await page.getByRole('button', { name: 'Cerrar' }).last().click();
    const register = await server.database.db
      .selectFrom('registers')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    await recordReturn(systemCtx(server.database.db, tenantId), {
      saleId: gansitoSale,
      reason: 'defectuoso',
      lines: [{ lineNo: 1, quantity: '1', disposition: 'restock' }],
      refund: { method: 'cash', registerId: register.id },
    });
    await context.setOffline(false);
    await expect
      .poll(() => queueStatuses(page, tenantId, 'return'), { ...POLL, timeout: 20_000 })
      .toEqual(['sent', 'sent', 'sent', 'reported']);
    const conflicts = await server.database.db
      .selectFrom('sale_conflicts')
      .select(['kind', 'sale_id', 'error_code', 'total', 'status'])
      .where('tenant_id', '=', tenantId)
      .execute();
    expect(conflicts).toEqual([
      {
        kind: 'return',
        sale_id: gansitoSale,
        error_code: 'RETURN_EXCEEDS_SOLD',
        total: '16.00',
        status: 'open',
      },
    ]);
    // stock came back once, with the server's return
    expect(await storeStock(server, p.gansito.skuId)).toBe('50.000');

    // Offline again, $20.00 goes out of the drawer for ice while the manager, online, closes this
    // register's session (a corte Z at the office). The server refuses the cash-out when it
    // arrives; the manager's list has it, to record in the next session or void.
    await context.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    await page.keyboard.press('F10');
    await page.keyboard.press('Alt+1');
    await page.getByLabel('Salida de efectivo').check();
    await page.getByLabel('Importe').fill('20');
    await page.getByLabel('Motivo').fill('Bolsa de hielo');
    await page.getByRole('button', { name: 'Registrar' }).click();
    await page.getByText('Salida de $20.00 guardada en esta caja').waitFor();
    await page.getByRole('button', { name: 'Cerrar (Esc)' }).click();
    const open = await server.database.db
      .selectFrom('cash_sessions')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'open')
      .where('register_id', '<>', caja2.id)
      .executeTakeFirstOrThrow();
    await closeCashSession(systemCtx(server.database.db, tenantId), {
      cashSessionId: open.id,
      countedCash: '0.00',
    });
    await context.setOffline(false);
    await expect
      .poll(() => queueStatuses(page, tenantId, 'cash_movement'), { ...POLL, timeout: 20_000 })
      .toEqual(['reported']);
    const refused = await server.database.db
      .selectFrom('sale_conflicts')
      .select(['kind', 'target_id', 'error_code', 'total', 'summary'])
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', 'cash_movement')
      .execute();
    expect(refused).toEqual([
      {
        kind: 'cash_movement',
        target_id: open.id,
        error_code: 'CASH_SESSION_CLOSED',
        total: '20.00',
        summary: 'Salida de efectivo $20.00 — Bolsa de hielo',
      },
    ]);
  });
});
