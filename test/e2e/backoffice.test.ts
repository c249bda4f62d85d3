import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { updateSku } from '../../src/modules/catalog/catalog.service.js';
import { receiveStock } from '../../src/modules/inventory/inventory.service.js';
import { givenProduct } from '../helpers/factories.js';
import { createUser } from '../../src/modules/identity/identity.service.js';
import { deliverDueWebhooks, queueWebhookDeliveries } from '../../src/modules/events/webhooks.service.js';
import { closeCashSession, openCashSession } from '../../src/modules/cash/cash.service.js';
import { changeOrderStatus, createOrder, getOrder } from '../../src/modules/orders/orders.service.js';
import { createCustomer } from '../../src/modules/customers/customers.service.js';
import { recordReturn } from '../../src/modules/returns/returns.service.js';
import { recordSale } from '../../src/modules/sales/sales.service.js';
import { newId } from '../../src/shared/ids.js';
import {
  type E2eBrowser,
  type E2eServer,
  launchBrowser,
  login,
  loseNextAnswer,
  PASSWORD,
  POLL,
  SCREENSHOTS,
  sidewaysOverflow,
  startE2eServer,
  textOf,
} from './harness.js';

let server: E2eServer;
let browser: E2eBrowser;
const manager = { email: `gerente-${Date.now().toString(36)}@example.mx`, password: PASSWORD };
const agent = { email: `agente-${Date.now().toString(36)}@example.mx`, password: PASSWORD };
const kitchen = { email: `cocina-${Date.now().toString(36)}@example.mx`, password: PASSWORD };

/** A day of business through the services: counter sales, a WhatsApp order, a return, a corte Z. */
async function seedDay(s: E2eServer): Promise<void> {
  const { ctx, registerId, products: p, storeId } = s.biz;
  await createUser(ctx, { email: manager.email, name: 'Marta Gerente', role: 'manager', password: PASSWORD });
  await createUser(ctx, { email: agent.email, name: 'Ana Agente', role: 'agent', password: PASSWORD });
  await createUser(ctx, { email: kitchen.email, name: 'Chucho Cocina', role: 'kitchen', password: PASSWORD });
  // costs, so the inventory has a value
  for (const [skuId, cost] of [
    [p.coca.skuId, '11.50'],
    [p.sabritas.skuId, '14.00'],
    [p.gansito.skuId, '9.80'],
    [p.maseca.skuId, '17.25'],
  ] as const) {
    await updateSku(ctx, skuId, { cost });
  }
  // the store keeps 60 bags of Maseca: with 50 received it is one to reorder
  await updateSku(ctx, p.maseca.skuId, { reorderPoint: '60' });
  // milk in lots: one expires in three days, the other in a month
  const milk = (await givenProduct(ctx, { name: 'Leche Lala 1 L', trackLots: true })).skus[0]!.id;
  const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  await receiveStock(ctx, {
    locationId: storeId,
    lines: [
      { skuId: milk, quantity: '6', lotCode: 'L-PRONTO', expiresOn: inDays(3) },
      { skuId: milk, quantity: '12', lotCode: 'L-MES', expiresOn: inDays(30) },
    ],
  });
  const session = await openCashSession(ctx, { registerId, openingFloat: '500.00' });
  const sales = [
    { lines: [{ skuId: p.coca.skuId, quantity: '3' }], cash: '54.00' },
    {
      lines: [
        { skuId: p.sabritas.skuId, quantity: '2' },
        { skuId: p.coca.skuId, quantity: '1' },
      ],
      cash: '61.00',
    },
    { lines: [{ skuId: p.gansito.skuId, quantity: '4' }], cash: '64.00' },
    { lines: [{ skuId: p.maseca.skuId, quantity: '2' }], cash: '49.80' },
  ];
  // the Gansitos were bought by a regular whose name goes on the ticket
  const lupita = await createCustomer(ctx, { name: 'Lupita Gómez', phone: '5544556677' });
  const ids: string[] = [];
  for (const sale of sales) {
    const id = newId('sale');
    await recordSale(ctx, {
      id,
      registerId,
      customerId: sale.cash === '64.00' ? lupita.id : undefined,
      lines: sale.lines,
      payments: [{ method: 'cash', amount: sale.cash }],
    });
    ids.push(id);
  }
  await createOrder(ctx, {
    channel: 'whatsapp',
    locationId: storeId,
    customer: { phone: '5215512345678', name: 'María López' },
    fulfilment: 'pickup',
    notes: 'Paso a las 6',
    lines: [{ skuId: p.gansito.skuId, quantity: '2' }],
  });
  await recordReturn(ctx, {
    saleId: ids[2]!,
    reason: 'defectuoso',
    lines: [{ lineNo: 1, quantity: '1', disposition: 'write_off' }],
    refund: { method: 'cash' },
  });
  await closeCashSession(ctx, { cashSessionId: session.id, countedCash: '700.00' });
}

/** On hand of one SKU at one location, read through the API with the browser's session. */
async function onHand(locationId: string, skuId: string): Promise<string> {
  const r = await browser.page.request.get(
    `${server.url}/api/v1/inventory/levels?locationId=${locationId}&skuIds=${skuId}`,
  );
  return (await r.json()).items[0].onHand;
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser({ width: 1366, height: 768 })]);
  await seedDay(server);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the back office', () => {
  const onFail = (name: string) =>
    onTestFailed(async () => {
      await browser.page
        .screenshot({ path: join('/tmp', `failed-${name}.png`), fullPage: true })
        .catch(() => {});
    });
  it('renders the reports page with its charts from the day’s sales', async () => {
    const { page } = browser;
    onFail('reports');
    await login(page, server.url, server.biz.owner);
    await page.waitForURL(/\/admin/);
    await page.goto(`${server.url}/admin/reports`);
    await page.getByRole('heading', { name: 'Reportes' }).waitFor();
    // 54.00 + 61.00 + 64.00 + 49.80 at the counter and 32.00 on WhatsApp
    await expect.poll(textOf(page.getByTestId('report-kpis')), POLL).toContain('$260.80');
    for (const id of [
      'sales-by-day',
      'sales-by-hour',
      'sales-by-location',
      'sales-by-cashier',
      'best-sellers',
      'inventory-value',
      'returns-by-reason',
      'cash-differences',
    ]) {
      await expect
        .poll(() => page.locator(`[data-testid="chart-${id}"] .recharts-bar-rectangle`).count(), {
          ...POLL,
          message: id,
        })
        .toBeGreaterThan(0);
    }
    await expect
      .poll(() => page.locator('[data-testid="chart-sales-by-channel"] .recharts-pie-sector').count(), POLL)
      .toBe(2);
    await expect.poll(textOf(page.getByTestId('chart-average-ticket-by-channel')), POLL).toContain('$57.20');
    const csv = page.getByTestId('csv-sales-by-channel').first();
    expect(await csv.getAttribute('href')).toMatch(
      /\/api\/v1\/reports\/sales-by-channel\?from=.*&format=csv$/,
    );
    const res = await page.request.get(`${server.url}${await csv.getAttribute('href')}`);
    expect(res.status()).toBe(200);
    expect((await res.body()).subarray(3).toString('utf8')).toContain('Mostrador,4,228.80,57.20');
    // nothing overflows sideways on a 1366×768 counter screen
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, '20-reportes.png') });
    // every chart at once: the page scrolls inside .bo-main, so make the window as tall as it
    await page.setViewportSize({ width: 1366, height: 2300 });
    await page.screenshot({ path: join(SCREENSHOTS, '21-reportes-completo.png') });
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it('greets the owner with today’s sales and what is waiting, each linked to its page', async () => {
    const { page } = browser;
    onFail('home');
    await page.goto(`${server.url}/admin`);
    await expect.poll(textOf(page.getByTestId('home-today')), POLL).toContain('$260.80');
    await expect
      .poll(textOf(page.getByTestId('home-today')), POLL)
      .toMatch(/El \S+ pasado: \$0\.00 en 0 tickets/);
    // the corte Z closed the only register
    await expect.poll(textOf(page.getByTestId('home-registers')), POLL).toContain('0 / 1');
    await expect.poll(textOf(page.getByTestId('home-orders')), POLL).toMatch(/Nuevos\s*1/);
    const low = page.getByTestId('home-low-stock');
    await expect.poll(textOf(low), POLL).toContain('Harina Maseca 1 kg');
    expect(await textOf(low)()).toMatch(/Tienda Centro\s*48\s*60/);
    expect(await low.locator('tbody tr').count()).toBe(1);
    const expiring = page.getByTestId('home-expiring');
    await expect.poll(textOf(expiring), POLL).toMatch(/Leche Lala 1 L\s*Tienda Centro\s*L-PRONTO/);
    expect(await expiring.locator('tbody tr').count()).toBe(1);
    await expect
      .poll(textOf(page.getByTestId('home-attention')), POLL)
      .toMatch(/Ventas en conflicto por revisar\s*0/);
    // nobody owes on account yet in this business
    expect(await textOf(page.getByTestId('home-receivable'))()).toBe('0 · $0.00');
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, '19-inicio.png') });
    // live, without reloading: an online order arrives and a register opens
    const { ctx, storeId, registerId, products: p } = server.biz;
    await createOrder(ctx, {
      channel: 'storefront',
      locationId: storeId,
      fulfilment: 'delivery',
      deliveryAddress: 'Calle 5 de Mayo 12, Centro',
      lines: [{ skuId: p.jitomate.skuId, quantity: '1.000' }],
    });
    await expect.poll(textOf(page.getByTestId('home-orders')), POLL).toMatch(/Nuevos\s*2/);
    await expect.poll(textOf(page.getByTestId('home-today')), POLL).toContain('$293.70');
    const session = await openCashSession(ctx, { registerId, openingFloat: '300.00' });
    await expect.poll(textOf(page.getByTestId('home-registers')), POLL).toContain('1 / 1');
    await closeCashSession(ctx, { cashSessionId: session.id, countedCash: '300.00' });
    await expect.poll(textOf(page.getByTestId('home-registers')), POLL).toContain('0 / 1');
    await low.getByRole('link', { name: 'Ver existencias' }).click();
    await page.waitForURL(/\/admin\/stock$/);
  });

  it('lists the day’s tickets and opens one: lines, what came back, taxes and payments; finds it by number', async () => {
    const { page } = browser;
    onFail('sales');
    await page.getByRole('link', { name: 'Ventas', exact: true }).click();
    const table = page.getByTestId('sales-table');
    await expect.poll(() => table.locator('tbody tr').count(), POLL).toBe(4);
    // the four Gansitos paid with $64.00 in cash; one came back defective
    const row = table.locator('tr', { hasText: '$64.00' });
    expect(await textOf(row)()).toMatch(/Tienda Centro · Caja 1\s*Doña Rosa\s*Mostrador/);
    await row.click();
    const detail = page.getByTestId('sale-detail');
    await expect.poll(textOf(detail), POLL).toContain('Gansito Marinela');
    expect(await textOf(detail)()).toMatch(/Devueltos: 1/);
    expect(await textOf(detail)()).toMatch(/IVA 16%/);
    expect(await textOf(detail.getByTestId('sale-payments'))()).toMatch(/^Efectivo\s*\$64\.00$/);
    await page.screenshot({ path: join(SCREENSHOTS, '26-ventas.png') });
    // a copy of the ticket as the register printed it, ready for the browser's print dialog
    await detail.getByRole('button', { name: 'Copia del ticket' }).click();
    const copy = detail.getByTestId('ticket-copy');
    await expect.poll(textOf(copy), POLL).toContain('Abarrotes La Prueba');
    const printed = await textOf(copy)();
    expect(printed).toContain('Caja 1');
    expect(printed).toContain('Doña Rosa');
    expect(printed).toContain('$64.00');
    expect(printed).toContain('Cliente: Lupita Gómez');
    expect(printed).toContain((await textOf(detail.locator('p strong').first())()).trim());
    expect(await detail.getByRole('button', { name: 'Imprimir' }).count()).toBe(1);
    // or to the customer's WhatsApp, with her phone already there
    const send = detail.getByTestId('receipt-whatsapp-link');
    await expect
      .poll(() => send.getAttribute('href'), POLL)
      .toMatch(/^https:\/\/wa\.me\/525544556677\?text=.*Total/);
    const number = (await textOf(detail.locator('h2'))()).replace(/\D/g, '');
    await page.getByLabel('Número de ticket').fill(number);
    await expect.poll(() => table.locator('tbody tr').count(), POLL).toBe(1);
    expect(await textOf(table)()).toContain(`#${number}`);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  });

  it('runs a cycle count: choose the store, count two products, post it, see the difference and the accuracy', async () => {
    const { page } = browser;
    onFail('count');
    await page.goto(`${server.url}/admin/counts`);
    const start = page.getByRole('button', { name: 'Empezar conteo' });
    // nothing is chosen until the owner chooses: the select says so and the button waits
    const location = page.getByLabel('Sucursal');
    await expect
      .poll(() => location.locator('option:checked').textContent(), POLL)
      .toBe('Elige una sucursal…');
    expect(await start.isDisabled()).toBe(true);
    await location.selectOption({ label: 'Tienda Centro' });
    await start.click();
    const sheet = page.getByTestId('open-count');
    await expect.poll(textOf(sheet), POLL).toContain('Coca-Cola 600 ml');
    // four Coca-Colas sold from fifty: one is missing from the shelf; the Gansitos are all there
    const system = (name: string) =>
      sheet.locator('tr', { hasText: name }).locator('td.num').first().textContent();
    expect(await system('Coca-Cola 600 ml')).toBe('46');
    await page.getByLabel('Contado Coca-Cola 600 ml').fill('45');
    await page.getByLabel('Contado Gansito Marinela').fill((await system('Gansito Marinela'))!);
    await sheet.getByRole('button', { name: 'Aplicar conteo' }).click();
    await expect.poll(() => sheet.count(), POLL).toBe(0);
    const row = page.locator('tr', { has: page.getByTestId('count-differences') }).first();
    await expect.poll(textOf(row), POLL).toContain('Aplicado');
    expect(await textOf(row)()).toMatch(/2\s*50\.00 %/);
    // the product's name comes with its own request: wait for it rather than the bare id
    await expect
      .poll(textOf(row.getByTestId('count-differences')), POLL)
      .toMatch(/^Coca-Cola 600 ml \(SKU-[^)]+\) −1$/);
    await expect.poll(textOf(page.locator('.bo-page-head .badge')), POLL).toContain('Exactitud: 50.00 %');
    expect(await onHand(server.biz.storeId, server.biz.products.coca.skuId)).toBe('45.000');
  });

  it('finds stock by typing, and sends two Gansitos to the warehouse, of which one arrives', async () => {
    const { page } = browser;
    onFail('transfer');
    await page.goto(`${server.url}/admin/stock`);
    const levels = page.getByTestId('levels-table');
    await expect.poll(() => levels.locator('tbody tr').count(), POLL).toBeGreaterThan(1);
    // the server searches: no accent, other case, part of the name
    await page.getByLabel('Buscar producto').fill('HARINA masECA');
    await expect.poll(() => levels.locator('tbody tr').count(), POLL).toBe(1);
    expect(await textOf(levels)()).toContain('Harina Maseca 1 kg');

    await page.goto(`${server.url}/admin/transfers`);
    await page.getByLabel('Sale de').selectOption({ label: 'Tienda Centro' });
    await page.getByLabel('Llega a').selectOption({ label: 'Bodega' });
    await page.getByPlaceholder('Nombre, SKU o código…').fill('gansi');
    const product = page.getByRole('combobox', { name: /^Producto/ });
    await expect.poll(() => product.locator('option').count(), POLL).toBe(2);
    await product.selectOption({ index: 1 });
    await page.getByLabel('Cantidad').fill('2');
    await page.getByRole('button', { name: 'Crear traspaso' }).click();
    const row = page.locator('tr', { hasText: 'Tienda Centro → Bodega' }).first();
    await expect.poll(textOf(row), POLL).toMatch(/2 × Gansito Marinela \(SKU-[^)]+\)/);
    await row.getByRole('button', { name: 'Enviar' }).click();
    // one of the two arrived: the other is recorded as missing, not added to the warehouse
    await row.getByRole('button', { name: 'Recibir con diferencias…' }).click();
    const arrived = row.getByLabel(/^Recibido Gansito Marinela/);
    expect(await arrived.inputValue()).toBe('2');
    await arrived.fill('1');
    await row.getByRole('button', { name: 'Confirmar lo que llegó' }).click();
    await expect.poll(textOf(row), POLL).toContain('Recibido');
    expect(await textOf(row.getByTestId('transfer-difference'))()).toBe('(llegaron 1, faltaron 1)');
    expect(await onHand(server.biz.warehouseId, server.biz.products.gansito.skuId)).toBe('1.000');
  });

  it('receives merchandise with a cost, and writes off a damaged piece with its reason', async () => {
    const { page } = browser;
    onFail('receipts');
    await page.getByRole('link', { name: 'Entradas y mermas' }).click();
    const receipt = page.getByTestId('receipt-form');
    await receipt.getByLabel('Llega a').selectOption({ label: 'Bodega' });
    await receipt.getByLabel('Proveedor o factura').fill('Sabritas, factura A-1203');
    await receipt.getByPlaceholder('Nombre, SKU o código…').fill('sabritas');
    const product = receipt.getByRole('combobox', { name: /^Producto/ });
    await expect.poll(() => product.locator('option').count(), POLL).toBe(2);
    await product.selectOption({ index: 1 });
    await receipt.getByLabel('Cantidad').fill('24');
    await receipt.getByLabel('Costo unitario').fill('14.50');
    // the receipt reaches the server but its answer is lost: trying again gets the first answer
    // (same Idempotency-Key), and the 24 bags are counted once
    await loseNextAnswer(page, '**/api/v1/inventory/receipts');
    await receipt.getByRole('button', { name: 'Registrar entrada' }).click();
    await expect
      .poll(textOf(receipt.getByRole('alert')), POLL)
      .toBe('No hay conexión con el servidor. Intenta de nuevo.');
    await receipt.getByRole('button', { name: 'Registrar entrada' }).click();
    await expect.poll(textOf(receipt.getByRole('status')), POLL).toBe('Entrada registrada: 1 línea.');
    expect(await onHand(server.biz.warehouseId, server.biz.products.sabritas.skuId)).toBe('24.000');

    const adjust = page.getByTestId('adjustment-form');
    await adjust.getByLabel('Sucursal').selectOption({ label: 'Bodega' });
    await adjust.getByPlaceholder('Nombre, SKU o código…').fill('sabritas');
    const what = adjust.getByRole('combobox', { name: /^Producto/ });
    await expect.poll(() => what.locator('option').count(), POLL).toBe(2);
    await what.selectOption({ index: 1 });
    await adjust.getByLabel('Cantidad').fill('1');
    // no reason: the server's Spanish message next to the field, nothing recorded
    await adjust.getByRole('button', { name: 'Registrar' }).click();
    await expect.poll(textOf(adjust.locator('.field-error')), POLL).toBe('Explica el motivo del ajuste.');
    expect(await onHand(server.biz.warehouseId, server.biz.products.sabritas.skuId)).toBe('24.000');
    await adjust.getByLabel('Motivo').fill('Bolsa rota');
    await adjust.getByRole('button', { name: 'Registrar' }).click();
    await expect.poll(textOf(adjust.getByRole('status')), POLL).toBe('Listo: -1; quedan 23.');
    expect(await onHand(server.biz.warehouseId, server.biz.products.sabritas.skuId)).toBe('23.000');
  });

  it('adds a warehouse clerk who works only at the Bodega, then lets them work everywhere', async () => {
    const { page } = browser;
    onFail('users');
    await page.goto(`${server.url}/admin/users`);
    const form = page.locator('form', { hasText: 'Agregar usuario' });
    await form.getByLabel('Nombre').fill('Pedro Almacén');
    const email = `pedro-${Date.now().toString(36)}@example.mx`;
    await form.getByLabel('Correo').fill(email);
    await form.getByLabel('Contraseña inicial').fill('Almacen2026!');
    const access = form.getByRole('group', { name: 'Sucursales del nuevo usuario' });
    await access.getByLabel('Todas').uncheck();
    // from all to some starts at the first location, which cannot be left empty
    const tienda = access.getByLabel('Tienda Centro');
    const bodega = access.getByLabel('Bodega');
    const [t, b] = [await tienda.isChecked(), await bodega.isChecked()];
    expect(t !== b).toBe(true);
    expect(await (t ? tienda : bodega).isDisabled()).toBe(true);
    await bodega.check();
    await tienda.uncheck();
    await form.getByRole('button', { name: 'Agregar' }).click();
    const row = page.locator('tr', { hasText: email });
    const rowAccess = row.getByRole('group', { name: 'Sucursales de Pedro Almacén' });
    await expect.poll(() => rowAccess.getByLabel('Bodega').isChecked(), POLL).toBe(true);
    expect(await rowAccess.getByLabel('Tienda Centro').isChecked()).toBe(false);
    const stored = async () =>
      (await (await page.request.get(`${server.url}/api/v1/users`)).json()).items.find(
        (u: { email: string }) => u.email === email,
      ).locationIds;
    expect(await stored()).toEqual([server.biz.warehouseId]);
    await rowAccess.getByLabel('Todas').click();
    await expect.poll(stored, POLL).toBeNull();
  });

  it('shows the only register’s cortes at once: float, expected, counted and the difference', async () => {
    const { page } = browser;
    onFail('cash');
    await page.goto(`${server.url}/admin/cash`);
    const sessions = page.locator('section', { hasText: 'Turnos de caja' }).locator('tbody tr');
    await expect.poll(() => sessions.count(), POLL).toBe(2);
    // the day's corte: 500 float + 228.80 cash sales - 16.00 refunded = 712.80, 700.00 counted
    expect(await textOf(sessions.nth(1))()).toMatch(/\$500\.00\s*\$712\.80\s*\$700\.00\s*-\$12\.80$/);
    expect(await textOf(sessions.nth(0))()).toMatch(/\$300\.00\s*\$300\.00\s*\$300\.00\s*\$0\.00$/);
    // a corte opens as the register printed it
    await sessions.nth(1).click();
    const corte = page.getByTestId('corte-z');
    await expect.poll(textOf(corte), POLL).toMatch(/Efectivo\s*\$228\.80\s*\$16\.00\s*\$712\.80/);
    expect(await textOf(corte.getByTestId('difference'))()).toBe('-$12.80');
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  });

  it('sets the message printed at the bottom of every ticket', async () => {
    const { page } = browser;
    onFail('settings');
    await page.goto(`${server.url}/admin/settings`);
    const footer = page.getByTestId('receipt-footer');
    await footer
      .getByLabel('Leyenda del ticket')
      .fill('¡Gracias por su compra! Cambios con ticket en 30 días.');
    await footer.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(textOf(footer.locator('.badge')), POLL).toBe('Guardado');
    const business = await (await page.request.get(`${server.url}/api/v1/business`)).json();
    expect(business.receiptFooter).toBe('¡Gracias por su compra! Cambios con ticket en 30 días.');
    // the privacy notice: the owner writes their own, and it is what the public page shows
    const notice = page.getByTestId('privacy-notice-form');
    await notice
      .getByLabel('Aviso de privacidad')
      .fill(
        'Tienda Centro cuida tus datos.\nPara ejercer tus derechos ARCO escribe a privacidad@example.mx.',
      );
    await notice.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(textOf(notice.locator('.badge')), POLL).toBe('Guardado');
    // customers who stop coming: their data goes after two years
    await page
      .getByTestId('retention-form')
      .getByRole('combobox', { name: /^Borrar los datos personales/ })
      .selectOption('2');
    await expect
      .poll(
        async () =>
          (await (await page.request.get(`${server.url}/api/v1/business`)).json()).customerRetentionYears,
        POLL,
      )
      .toBe(2);
    await page.goto(`${server.url}/privacidad/${business.id}`);
    await expect
      .poll(textOf(page.getByTestId('privacy-notice')), POLL)
      .toContain('Para ejercer tus derechos ARCO escribe a privacidad@example.mx.');
  });

  it('shows the server’s Spanish error next to a bad barcode and keeps what was typed', async () => {
    const { page } = browser;
    onFail('product');
    await page.goto(`${server.url}/admin/products`);
    await page.getByTestId('products-table').getByText('Gansito Marinela').waitFor();
    // 50 received, 4 sold, 2 sent to the warehouse (1 arrived), 2 held by the WhatsApp order
    const gansito = page.getByTestId(`available-${server.biz.products.gansito.sku}`);
    await expect.poll(textOf(gansito), POLL).toBe('43');
    expect(await gansito.getAttribute('title')).toBe('Tienda Centro: 42 · Bodega: 1');
    await page.screenshot({ path: join(SCREENSHOTS, '22-productos.png') });
    await page.getByTestId('products-table').getByRole('link', { name: 'Gansito Marinela' }).click();
    const name = page.getByLabel('Nombre', { exact: true });
    await expect.poll(() => name.inputValue(), POLL).toBe('Gansito Marinela');
    await name.fill('Gansito Marinela 50 g');
    const price = page.getByTestId('sku-0').getByLabel('Precio');
    await price.fill('17.50');
    const barcodes = page.getByTestId('sku-0').getByLabel(/Códigos de barras/);
    await barcodes.fill('7501000111112');
    await page.getByRole('button', { name: 'Guardar' }).click();
    const field = page
      .getByTestId('sku-0')
      .locator('.bo-field', { has: page.getByLabel(/Códigos de barras/) });
    await expect
      .poll(textOf(field.locator('.field-error')), POLL)
      .toMatch(/El dígito verificador del código 7501000111112 no cuadra \(debería ser \d\)/);
    expect(await name.inputValue()).toBe('Gansito Marinela 50 g');
    expect(await price.inputValue()).toBe('17.50');
    expect(await barcodes.inputValue()).toBe('7501000111112');
    // and the failed save changed nothing on the server
    const stored = await page.request.get(
      `${server.url}/api/v1/catalog/barcodes/${server.biz.products.gansito.barcode}`,
    );
    expect((await stored.json()).productName).toBe('Gansito Marinela');
    expect((await stored.json()).price).toBe('16.00');
    await page.screenshot({ path: join(SCREENSHOTS, '23-producto-error.png') });
  });

  it('adds a customer with invoicing data, with SAT’s rule under the RFC, and edits her', async () => {
    const { page } = browser;
    onFail('customer-form');
    await page.goto(`${server.url}/admin/customers`);
    await page.getByRole('button', { name: 'Nuevo cliente' }).click();
    const form = page.getByRole('form', { name: 'Nuevo cliente' });
    await form.getByLabel('Nombre', { exact: true }).fill('Xochilt Casas');
    await form.getByLabel('Teléfono (WhatsApp)').fill('55 2222 3333');
    await form.getByLabel('RFC').fill('cacx761310xx8');
    await form.getByRole('button', { name: 'Guardar' }).click();
    // the date inside the RFC does not exist: said under the RFC, nothing saved, nothing lost
    await expect.poll(textOf(form.locator('.bo-field.has-error')), POLL).toContain('CACX761310XX8');
    await page.screenshot({ path: join(SCREENSHOTS, '32-cliente-nuevo.png') });
    expect(await form.getByLabel('Teléfono (WhatsApp)').inputValue()).toBe('55 2222 3333');
    await form.getByLabel('RFC').fill('CACX7605101P8');
    await form.getByLabel(/^Nombre o razón social/).fill('xochilt casas chavez');
    await form.getByRole('combobox', { name: /^Régimen fiscal/ }).selectOption('612');
    await form.getByRole('combobox', { name: /^Uso del CFDI/ }).selectOption('G03');
    await form.getByLabel('Código postal fiscal').fill('36257');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(textOf(page.getByRole('status')), POLL).toBe('Cliente guardado.');
    await expect
      .poll(
        textOf(page.locator('section', { has: page.getByRole('heading', { name: 'Xochilt Casas' }) })),
        POLL,
      )
      .toMatch(
        /\+52 55 2222 3333 · RFC CACX7605101P8 · XOCHILT CASAS CHAVEZ · Régimen 612 · Uso G03 · C\.P\. 36257/,
      );

    // a phone another customer has: refused, and that customer is one click away
    await page.getByRole('button', { name: 'Editar datos' }).click();
    const edit = page.getByRole('form', { name: 'Editar cliente' });
    await edit.getByLabel('Teléfono (WhatsApp)').fill('5215512345678');
    await edit.getByRole('button', { name: 'Guardar' }).click();
    await expect
      .poll(textOf(edit.locator('.bo-field.has-error')), POLL)
      .toContain('Ya existe un cliente con ese teléfono.');
    await edit.getByRole('button', { name: 'Ver el cliente que ya lo tiene' }).click();
    await page.getByRole('heading', { name: 'María López' }).waitFor();
  });

  it('answers a customer who asks to be erased: the request, the refusal while her order is open, the erasure', async () => {
    const { page } = browser;
    onFail('privacy');
    const api = (path: string, data: unknown) => page.request.post(`${server.url}/api/v1${path}`, { data });
    const order = await api('/orders', {
      channel: 'whatsapp',
      locationId: server.biz.storeId,
      customer: { phone: '5215587654321', name: 'Rosa Hernández' },
      fulfilment: 'delivery',
      deliveryAddress: 'Calle Morelos 5, Toluca',
      lines: [{ skuId: server.biz.products.coca.skuId, quantity: '1' }],
    });
    expect(order.status(), await order.text()).toBe(201);
    const { id: orderId, number } = await order.json();

    await page.goto(`${server.url}/admin/customers`);
    await page.getByPlaceholder('Buscar por nombre, teléfono o correo…').fill('Rosa');
    await page.locator('tr', { hasText: 'Rosa Hernández' }).click();
    const privacy = page.getByTestId('customer-privacy');
    await privacy.getByRole('combobox', { name: /^Solicitud/ }).selectOption('cancellation');
    await privacy.getByRole('combobox', { name: /^Cómo llegó/ }).selectOption('whatsapp');
    await privacy.getByLabel('Detalle').fill('Pidió por WhatsApp que borremos sus datos');
    await privacy.getByRole('button', { name: 'Registrar solicitud' }).click();
    await expect
      .poll(textOf(privacy.locator('table')), POLL)
      .toMatch(/Cancelación \(eliminar\)\s*Abierta\s*Vence/);

    // what the shop holds about her, readable and printable (an access request's answer)
    await privacy.getByRole('link', { name: 'Ver e imprimir sus datos' }).click();
    const sheet = page.getByTestId('personal-data');
    await expect
      .poll(textOf(sheet), POLL)
      .toMatch(/Constancia de datos personales.*Rosa Hernández.*\+52 55 8765 4321/s);
    expect(await textOf(sheet)()).toContain('Calle Morelos 5, Toluca');
    await page.screenshot({ path: join(SCREENSHOTS, '35-datos-personales.png'), fullPage: true });
    await page.getByRole('link', { name: 'Volver a su ficha' }).click();
    await privacy.getByRole('button', { name: 'Eliminar sus datos…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Eliminar datos' });
    expect(await textOf(dialog)()).toContain('Atiende la solicitud de cancelación');
    await dialog.getByLabel(/^Motivo/).fill('Solicitud por WhatsApp');
    await dialog.getByRole('button', { name: 'Eliminar definitivamente' }).click();
    // her delivery is still on its way: refused, in Spanish, and nothing erased
    await expect
      .poll(textOf(dialog.getByRole('alert')), POLL)
      .toBe(
        `El cliente tiene pedidos en curso (#${number}): entrégalos o cancélalos antes de eliminar sus datos.`,
      );
    await page.screenshot({ path: join(SCREENSHOTS, '28-cliente-arco.png') });
    expect((await api(`/orders/${orderId}/cancel`, {})).status()).toBe(200);
    await dialog.getByRole('button', { name: 'Eliminar definitivamente' }).click();
    await expect
      .poll(textOf(page.getByRole('status')), POLL)
      .toBe('Datos personales eliminados. Se conservan 0 ventas y 0 facturas, sin datos de contacto.');
    const lookup = await page.request.get(`${server.url}/api/v1/customers/lookup?phone=5587654321`);
    expect(lookup.status()).toBe(404);
    const stored = await (await page.request.get(`${server.url}/api/v1/orders/${orderId}`)).json();
    expect(stored.deliveryAddress).toBe('(dato eliminado a petición del titular)');

    // the requests page: answered, and the card it links to says what happened
    await page.goto(`${server.url}/admin/privacy`);
    await page.getByRole('button', { name: 'Solo abiertas' }).click();
    const row = page.locator('tr', { hasText: 'Cancelación' });
    await expect.poll(textOf(row), POLL).toMatch(/\(datos eliminados\).*Atendida\s*Solicitud por WhatsApp/);
    await page.screenshot({ path: join(SCREENSHOTS, '27-privacidad.png') });
    await row.getByRole('link', { name: '(datos eliminados)' }).click();
    await expect
      .poll(textOf(page.getByTestId('customer-privacy')), POLL)
      .toContain('Sus datos personales se eliminaron el');
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  });

  it('shows the owner who did what, by area: the day’s sales and corte, then the erasure', async () => {
    const { page } = browser;
    onFail('audit');
    await page.goto(`${server.url}/admin/audit`);
    const table = page.getByTestId('audit-table');
    await page
      .getByRole('combobox', { name: /^Área/ })
      .selectOption({ label: 'Ventas, devoluciones y caja' });
    await expect.poll(textOf(table), POLL).toContain('Corte Z');
    const text = await textOf(table)();
    expect(text).toMatch(/Venta\s*Total: 54\.00 · Ticket: \d+/);
    expect(text).toContain('Devolución');
    expect(text).not.toContain('Producto nuevo');
    await page.screenshot({ path: join(SCREENSHOTS, '29-bitacora.png') });
    await page.getByRole('combobox', { name: /^Área/ }).selectOption({ label: 'Clientes y privacidad' });
    await expect.poll(textOf(table), POLL).toContain('Datos personales eliminados');
    expect(await textOf(table)()).toContain('Solicitud ARCO registrada');
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  });

  it('lists the stock held for orders with who holds it', async () => {
    const { page } = browser;
    onFail('reservations');
    await page.goto(`${server.url}/admin/reservations`);
    const row = page.locator('tr', { hasText: 'Gansito Marinela' });
    await expect.poll(textOf(row), POLL).toMatch(/Tienda Centro\s*2\s*Pedido #\d+ · María López/);
  });

  it('gives an integration an API token and a signed webhook, with its delivery log and a retry', async () => {
    const { page } = browser;
    onFail('integrations');
    // the integrator's system: refuses the first delivery, takes the next
    const received: { signature: string; body: string }[] = [];
    let answer = 500;
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ signature: String(req.headers['x-mostrador-signature']), body });
        res.statusCode = answer;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      await page.goto(`${server.url}/admin/integrations`);
      const tokens = page.getByTestId('api-tokens');
      await tokens.getByLabel('Nombre (para qué es)').fill('Contabilidad');
      await tokens.getByRole('button', { name: 'Crear token' }).click();
      const token = (await textOf(tokens.locator('.bo-secret-value'))()).trim();
      expect(token.length).toBeGreaterThan(20);
      const me = (bearer: string) =>
        fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${bearer}` } });
      expect((await me(token)).status).toBe(200);
      await tokens.getByRole('button', { name: 'Ya lo guardé' }).click();
      expect(await tokens.locator('.bo-secret-value').count()).toBe(0);

      const hooks = page.getByTestId('webhooks');
      await hooks.getByLabel('URL que recibe los avisos').fill(hookUrl);
      await hooks.getByLabel('Ventas en mostrador').uncheck();
      await hooks.getByLabel('Cambios de existencias').uncheck();
      await hooks.getByLabel('Clientes').check();
      await hooks.getByRole('button', { name: 'Agregar webhook' }).click();
      const secret = (await textOf(hooks.locator('.bo-secret-value'))()).trim();
      expect(secret.length).toBeGreaterThan(20);

      // something happens: a customer is added; the worker's two steps queue and send it
      await createCustomer(server.biz.ctx, { name: 'Cliente del webhook', phone: '5512121212' });
      await queueWebhookDeliveries(server.database.db, new Date());
      await deliverDueWebhooks(server.database.db, new Date());
      const log = hooks.getByTestId('webhook-deliveries');
      await expect.poll(textOf(log), POLL).toMatch(/customer\.created\s*Falló, se reintenta\s*1\s*HTTP 500/);
      answer = 200;
      await log.getByRole('button', { name: 'Reintentar ahora' }).click();
      await expect
        .poll(async () => {
          await deliverDueWebhooks(server.database.db, new Date());
          return textOf(log)();
        }, POLL)
        .toMatch(/customer\.created\s*Entregado\s*2/);
      // what arrived is signed with the secret shown once
      const last = received.at(-1)!;
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(last.signature)!;
      expect(createHmac('sha256', secret).update(`${t}.${last.body}`).digest('hex')).toBe(v1);
      expect(JSON.parse(last.body)).toMatchObject({ type: 'customer.created' });
      await page.screenshot({ path: join(SCREENSHOTS, '33-integraciones.png'), fullPage: true });

      page.once('dialog', (d) => void d.accept());
      await tokens.getByRole('button', { name: 'Revocar' }).click();
      await expect.poll(async () => (await me(token)).status, POLL).toBe(401);
    } finally {
      receiver.close();
    }
  });

  it('takes an order from a WhatsApp chat by hand: the address asked for, the stock held', async () => {
    const { page } = browser;
    onFail('order-form');
    await page.goto(`${server.url}/admin/orders`);
    await page.getByRole('button', { name: 'Nuevo pedido' }).click();
    const form = page.getByRole('form', { name: 'Nuevo pedido' });
    // find the product by typing, then choose the first match
    const pickMaseca = async () => {
      await form.getByLabel('Buscar producto').fill('maseca');
      const product = form.getByRole('combobox', { name: /^Producto/ });
      await expect.poll(() => product.locator('option').count(), POLL).toBeGreaterThan(1);
      await product.selectOption({ index: 1 });
    };
    await form.getByLabel('Teléfono del cliente').fill('55 8888 7777');
    await form.getByLabel('Nombre', { exact: true }).fill('Pedro Páramo');
    await pickMaseca();
    await form.getByLabel('Cantidad').fill('2');
    await form.getByRole('button', { name: 'Agregar al pedido' }).click();
    await expect
      .poll(textOf(form.getByTestId('order-lines')), POLL)
      .toMatch(/Harina Maseca 1 kg\s*2\s*\$49\.80/);
    // a third bag at the price agreed in the chat: its own line, the agreed price sent
    await pickMaseca();
    await form.getByLabel('Cantidad').fill('1');
    await form.getByLabel(/^Precio acordado/).fill('veinte');
    await form.getByRole('button', { name: 'Agregar al pedido' }).click();
    await expect
      .poll(textOf(form.locator('.bo-field.has-error')), POLL)
      .toContain('El precio acordado es un importe como 150 o 149.50.');
    await form.getByLabel(/^Precio acordado/).fill('20');
    await form.getByRole('button', { name: 'Agregar al pedido' }).click();
    await expect
      .poll(textOf(form.getByTestId('order-lines')), POLL)
      .toMatch(
        /precio acordado \$20\.00 \(lista \$24\.90\)\s*1\s*\$20\.00[\s\S]*Total aproximado\s*\$69\.80/,
      );
    await form.getByRole('combobox', { name: /^Entrega/ }).selectOption('delivery');
    await form.getByRole('button', { name: 'Crear pedido y apartar' }).click();
    // no address yet: the server says so under the field, and nothing is held
    await expect.poll(textOf(form.locator('.bo-field.has-error')), POLL).toContain('Dirección de entrega');
    await page.screenshot({ path: join(SCREENSHOTS, '34-nuevo-pedido.png') });
    await form.getByLabel('Dirección de entrega').fill('Calle Comala 1, Centro, Toluca');
    await form.getByRole('button', { name: 'Crear pedido y apartar' }).click();
    await expect
      .poll(textOf(page.getByRole('status')), POLL)
      .toMatch(/^Pedido #(\d+) por \$69\.80: la mercancía queda apartada hasta /);
    const number = /#(\d+)/.exec(await textOf(page.getByRole('status'))())![1];
    const card = page.getByTestId('orders-board').locator('.bo-order', { hasText: `#${number}` });
    await expect.poll(textOf(card), POLL).toMatch(/Pedro Páramo\s*\+52 55 8888 7777\s*A domicilio/);
    const held = await (
      await page.request.get(
        `${server.url}/api/v1/inventory/reservations?status=active&skuId=${server.biz.products.maseca.skuId}`,
      )
    ).json();
    // one hold per line: the two at list price and the one at the agreed price
    expect(held.items.map((r: { quantity: string }) => r.quantity).sort()).toEqual(['1.000', '2.000']);
    const order = await (await page.request.get(`${server.url}/api/v1/orders?limit=1`)).json();
    expect(
      order.items[0].lines.map((x: { unitPrice: string; priceSource: string }) => [
        x.unitPrice,
        x.priceSource,
      ]),
    ).toEqual([
      ['24.90', 'catalog'],
      ['20.00', 'channel'],
    ]);
    page.once('dialog', (d) => void d.accept());
    await card.getByRole('button', { name: 'Cancelar' }).click();
    await expect.poll(() => card.count(), POLL).toBe(0);
  });

  it('takes a payment on a customer’s account (fiado) into the drawer and lists who still owes', async () => {
    const { page } = browser;
    onFail('fiado');
    const { ctx, registerId, products: p } = server.biz;
    const session = await openCashSession(ctx, { registerId, openingFloat: '200.00' });
    const chuy = await createCustomer(ctx, { name: 'Don Chuy Ramírez', phone: '5544332211' });
    await recordSale(ctx, {
      id: newId('sale'),
      registerId,
      customerId: chuy.id,
      lines: [{ skuId: p.maseca.skuId, quantity: '4' }],
      payments: [{ method: 'on_account', amount: '99.60' }],
      note: 'Lo paga en la quincena',
    });
    await page.goto(`${server.url}/admin/customers?customer=${chuy.id}`);
    const account = page.getByTestId('customer-account');
    await expect.poll(textOf(account.getByTestId('account-balance')), POLL).toBe('debe $99.60');
    // since when, and a reminder ready to send from the shop's WhatsApp
    await expect
      .poll(textOf(account.getByTestId('account-owes-since')), POLL)
      .toMatch(/^Debe desde el \d\d\/12\/2026 \(hoy\) · Recordar por WhatsApp$/);
    expect(await textOf(account.getByTestId('account-statement'))()).toMatch(
      /Compra, ticket \d+ — Lo paga en la quincena\s*\$99\.60\s*\$99\.60/,
    );
    const form = account.getByRole('form', { name: 'Registrar abono' });
    // more than he owes: the server's message under the amount, nothing recorded
    await form.getByLabel('Abono').fill('120');
    await form.getByRole('combobox', { name: /^Caja que lo recibe/ }).selectOption({ label: 'Caja 1' });
    await form.getByRole('button', { name: 'Registrar abono' }).click();
    await expect
      .poll(textOf(form.locator('.bo-field.has-error')), POLL)
      .toContain('El cliente debe $99.60: no se puede abonar $120.00.');
    await form.getByLabel('Abono').fill('50');
    await form.getByRole('button', { name: 'Registrar abono' }).click();
    await expect.poll(textOf(account.getByRole('status')), POLL).toBe('Abono registrado: debe $49.60.');
    await expect.poll(textOf(account.getByTestId('account-balance')), POLL).toBe('debe $49.60');
    expect(await textOf(account.getByTestId('account-statement'))()).toMatch(
      /^Fecha.*Abono · Efectivo\s*\$50\.00\s*\$49\.60/,
    );
    // a limit on what he may owe: the room left shows at once
    await account.getByRole('textbox', { name: /^Límite de crédito \(vacío/ }).fill('200');
    await account.getByRole('button', { name: 'Guardar límite' }).click();
    await expect.poll(textOf(account.getByTestId('credit-room')), POLL).toBe('Le quedan $150.40 de crédito');
    // the list says who owes, next to the name
    await expect
      .poll(textOf(page.locator('tr', { hasText: 'Don Chuy Ramírez' }).first()), POLL)
      .toMatch(/\+52 55 4433 2211\s*\$49\.60/);
    await page.screenshot({ path: join(SCREENSHOTS, '36-cuenta-fiado.png') });
    // the drawer expects it: float 200 + 50 received on the account
    const x = await (
      await page.request.get(`${server.url}/api/v1/cash-sessions/${session.id}/corte-x`)
    ).json();
    expect(x.expectedCash).toBe('250.00');
    // his statement on one printable page
    await account.getByRole('link', { name: 'Estado de cuenta para imprimir' }).click();
    const sheet = page.getByTestId('account-statement-page');
    await expect.poll(textOf(sheet.getByTestId('statement-balance')), POLL).toBe('Saldo por pagar: $49.60');
    expect(await textOf(sheet)()).toMatch(/Estado de cuenta de Don Chuy Ramírez · \+52 55 4433 2211/);
    expect(await sheet.getByTestId('account-statement').locator('tbody tr').count()).toBe(2);
    await page.getByRole('link', { name: 'Cuentas por cobrar' }).click();
    const list = page.getByTestId('receivables');
    await expect
      .poll(textOf(list), POLL)
      .toMatch(
        /Don Chuy Ramírez\s*\+52 55 4433 2211.*\((hoy|hace \d+ días?)\).*\$49\.60\s*Recordar por WhatsApp\s*Total\s*\$49\.60/,
      );
    // a reminder for him to send from the shop's WhatsApp, written
    const remind = await list.getByRole('link', { name: 'Recordar por WhatsApp' }).getAttribute('href');
    const url = new URL(remind!);
    expect(`${url.origin}${url.pathname}`).toBe('https://wa.me/525544332211');
    expect(url.searchParams.get('text')).toMatch(
      /^Hola Don, le saludamos de .+\. Le recordamos que su cuenta tiene un saldo de \$49\.60 desde el \d\d\/12\/2026\./,
    );
    // by age: what he owes he bought today
    expect(await textOf(page.getByTestId('receivables-aging'))()).toMatch(
      /Hasta 30 días\s*\$49\.60\s*De 31 a 60 días\s*\$0\.00/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, '50-cuentas-por-cobrar.png') });
    // the list for the accountant, downloaded with the owner's session
    const csvHref = await page.getByRole('link', { name: 'CSV' }).getAttribute('href');
    expect(csvHref).toBe('/api/v1/accounts/receivable?format=csv');
    const csv = await page.request.get(`${server.url}${csvHref}`);
    expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="cuentas-por-cobrar_/);
    expect(await csv.text()).toMatch(
      /\r\nDon Chuy Ramírez,\+525544332211,.*,49\.60,0\.00,0\.00,0\.00,49\.60\r\n/,
    );
    await closeCashSession(ctx, { cashSessionId: session.id, countedCash: '250.00' });
    await page.getByRole('link', { name: 'Inicio' }).click();
    await expect.poll(textOf(page.getByTestId('home-receivable')), POLL).toBe('1 · $49.60');
    expect(await page.getByTestId('home-receivable-overdue').count()).toBe(0);
    // six weeks later (his purchase dated back), the home page says it is overdue
    await ctx.db
      .updateTable('sales')
      .set({ created_at: new Date(Date.now() - 42 * 86_400_000) })
      .where('tenant_id', '=', ctx.tenantId)
      .where('customer_id', '=', chuy.id)
      .execute();
    await page.reload();
    await expect
      .poll(textOf(page.getByTestId('home-receivable')), POLL)
      .toBe('1 · $49.60$49.60 de más de 30 días');

    // what he owed in the notebook from before, carried over by the owner with its date
    await page.goto(`${server.url}/admin/customers?customer=${chuy.id}`);
    await account.getByRole('button', { name: 'Pasar saldo anterior (libreta)' }).click();
    const carried = account.getByRole('form', { name: 'Saldo anterior' });
    await carried.getByLabel('Debía de antes').fill('120');
    const since = new Date(Date.now() - 70 * 86_400_000).toISOString().slice(0, 10);
    await carried.getByLabel('Desde el día').fill(since);
    await carried.getByLabel('Nota').fill('Libreta, hoja 12');
    await carried.getByRole('button', { name: 'Agregar a su cuenta' }).click();
    await expect.poll(textOf(account.getByTestId('account-balance')), POLL).toBe('debe $169.60');
    expect(await textOf(account.getByTestId('account-statement'))()).toMatch(
      /Saldo anterior \(de antes de Mostrador\) — Libreta, hoja 12\s*\$120\.00\s*\$120\.00/,
    );
    await page.getByRole('link', { name: 'Cuentas por cobrar' }).click();
    await expect
      .poll(textOf(page.getByTestId('receivables-aging')), POLL)
      // his $50 abono paid the oldest debt first: the notebook's
      .toMatch(/Hasta 30 días\s*\$0\.00\s*De 31 a 60 días\s*\$99\.60\s*De 61 a 90 días\s*\$70\.00/);

    // the rest of the notebook, from a spreadsheet: checked first, then imported
    await page.goto(`${server.url}/admin/customers`);
    await page.getByRole('link', { name: 'Importar clientes y saldos' }).click();
    const dd = (days: number) => {
      const d = new Date(Date.now() - days * 86_400_000);
      return `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;
    };
    const notebook = Buffer.from(
      [
        'Nombre;Celular;Debe;Desde',
        `Doña Chole Vázquez;044 55 7788 9900;1.250,00;${dd(100)}`,
        `Don Chuy Ramírez;55 4433 2211;300,00;${dd(200)}`,
        'Sin teléfono;;80,00;',
      ].join('\r\n'),
      'latin1',
    );
    await page
      .getByLabel('Archivo CSV')
      .setInputFiles({ name: 'libreta.csv', mimeType: 'text/csv', buffer: notebook });
    await page.getByRole('button', { name: 'Revisar sin guardar' }).click();
    const report = page.getByTestId('import-report');
    await expect
      .poll(textOf(report), POLL)
      .toMatch(
        /Revisión \(no se guardó nada\).*1 nuevos · 0 actualizados · 1 sin cambios · 1 con error, de 3 filas/,
      );
    expect(await textOf(page.getByTestId('import-openings'))()).toBe(
      'Saldos que se cargarían: 1, por $1,250.00.',
    );
    // Don Chuy's account is in use: his row is not loaded twice; the row with no phone says why
    expect(await textOf(report)()).toMatch(/3\s*Don Chuy Ramírez\s*Debe\s*El saldo de \$300\.00 no se cargó/);
    expect(await textOf(report)()).toMatch(
      /4\s*Sin teléfono\s*Celular\s*Indica el teléfono o el correo del cliente\.$/,
    );
    await page.getByRole('button', { name: 'Importar', exact: true }).click();
    await expect
      .poll(textOf(page.getByTestId('import-openings')), POLL)
      .toMatch(/^Saldos cargados: 1, por \$1,250\.00\./);
    await page.waitForTimeout(300); // the progress bar's width transition, for the picture
    await page.screenshot({ path: join(SCREENSHOTS, '51-importar-clientes.png') });
    await page.getByRole('link', { name: 'Ver cuentas por cobrar' }).click();
    await expect
      .poll(textOf(page.getByTestId('receivables')), POLL)
      .toMatch(/Doña Chole Vázquez\s*\+52 55 7788 9900.*\$1,250\.00/);
    expect(await textOf(page.getByTestId('receivables-aging'))()).toMatch(/Más de 90 días\s*\$1,250\.00/);
  });

  it('shows the orders board and the stock ledger to a manager', async () => {
    const { page } = browser;
    await browser.context.clearCookies();
    await login(page, server.url, manager);
    await page.waitForURL(/\/admin/);
    await page.goto(`${server.url}/admin/orders`);
    const board = page.getByTestId('orders-board');
    await expect.poll(textOf(board), POLL).toContain('Gansito Marinela');
    // who to call and how it leaves the store, on the card
    const card = board.locator('.bo-order', { hasText: 'Gansito Marinela' });
    expect(await textOf(card)()).toMatch(
      /María López\s*\+52 55 1234 5678\s*Recoge en tienda\s*“Paso a las 6”/,
    );
    expect(await card.getByRole('link', { name: '+52 55 1234 5678' }).getAttribute('href')).toBe(
      'tel:+525512345678',
    );
    await page.screenshot({ path: join(SCREENSHOTS, '24-pedidos.png') });
    // cancelling asks first: answering no keeps the order and its held stock
    const dialogs: string[] = [];
    page.once('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await card.getByRole('button', { name: 'Cancelar' }).click();
    await expect.poll(() => dialogs.length, POLL).toBe(1);
    expect(dialogs[0]).toMatch(/¿Cancelar el pedido #\d+\? Se libera la mercancía apartada\./);
    await page.waitForTimeout(300);
    expect(await card.count()).toBe(1);
    page.once('dialog', (d) => void d.accept());
    await card.getByRole('button', { name: 'Cancelar' }).click();
    await expect.poll(() => card.count(), POLL).toBe(0);
    await page.goto(`${server.url}/admin/stock`);
    await expect.poll(textOf(page.getByTestId('movements-table')), POLL).toContain('Venta');
    await page.screenshot({ path: join(SCREENSHOTS, '25-existencias.png') });
  });

  it('keeps a cashier out of the owner’s pages', async () => {
    const { page } = browser;
    await browser.context.clearCookies();
    await login(page, server.url, server.biz.cashier);
    await page.waitForURL(/\/terminal/);
    await page.goto(`${server.url}/admin/reports`);
    await page.waitForURL(/\/terminal/);
    expect(new URL(page.url()).pathname.startsWith('/admin')).toBe(false);
    expect(await page.getByRole('heading', { name: 'Reportes' }).count()).toBe(0);
    const api = await page.request.get(
      `${server.url}/api/v1/reports/sales-by-day?from=2026-01-01&to=2026-01-31`,
    );
    expect(api.status()).toBe(403);
  });

  it('lets the cashier change their own password from their name, signing out nowhere else but elsewhere', async () => {
    const { page } = browser;
    onFail('account');
    // still signed in as the cashier from the test before
    await page.goto(`${server.url}/terminal`);
    await page.getByRole('link', { name: 'Luis Cajero' }).click();
    await page.waitForURL(/\/cuenta$/);
    const form = page.getByRole('form', { name: 'Cambiar contraseña' });
    await form.getByLabel('Contraseña actual').fill('no-es-la-mia');
    await form.getByLabel(/^Contraseña nueva/).fill('CajaNueva2026');
    await form.getByLabel('Repite la contraseña nueva').fill('CajaNueva2026');
    await form.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await expect.poll(textOf(form.getByRole('alert')), POLL).toBe('La contraseña actual no es correcta.');
    await form.getByLabel('Contraseña actual').fill(server.biz.cashier.password);
    await form.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await expect
      .poll(textOf(page.getByRole('status')), POLL)
      .toBe('Contraseña cambiada. Se cerró la sesión en tus otros dispositivos.');
    // this browser stays signed in; the new password is the one that works from now on
    expect((await page.request.get(`${server.url}/api/v1/auth/me`)).status()).toBe(200);
    const attempt = (password: string) =>
      page.request.post(`${server.url}/api/v1/auth/login`, {
        data: { email: server.biz.cashier.email, password },
      });
    expect((await attempt(server.biz.cashier.password)).status()).toBe(401);
    expect((await attempt('CajaNueva2026')).status()).toBe(200);
  });

  it('starts the kitchen on what to make, without who ordered it, and moves it along', async () => {
    const { page } = browser;
    onFail('kitchen');
    const { ctx, storeId, products: p } = server.biz;
    const { order } = await createOrder(ctx, {
      channel: 'whatsapp',
      locationId: storeId,
      customer: { phone: '5215566778899', name: 'Cliente Hambriento' },
      fulfilment: 'pickup',
      notes: 'Bien frías',
      lines: [{ skuId: p.coca.skuId, quantity: '3' }],
    });
    await changeOrderStatus(ctx, { orderId: order.id, status: 'confirmed' });
    await browser.context.clearCookies();
    await login(page, server.url, kitchen);
    await page.waitForURL(/\/admin\/kitchen$/);
    expect(await textOf(page.locator('.bo-nav nav'))()).toBe('Cocina y empaque');
    const todo = page.getByTestId('kitchen-confirmed');
    const card = todo.locator('.bo-order', { hasText: `#${order.number}` });
    await expect.poll(textOf(card), POLL).toMatch(/3 × Coca-Cola 600 ml.*“Bien frías”/s);
    expect(await textOf(page.locator('.bo-main'))()).not.toContain('Cliente Hambriento');
    await card.getByRole('button', { name: 'Empezar' }).click();
    const making = page
      .getByTestId('kitchen-preparing')
      .locator('.bo-order', { hasText: `#${order.number}` });
    await making.getByRole('button', { name: 'Listo' }).click();
    await expect.poll(() => making.count(), POLL).toBe(0);
    expect((await getOrder(ctx, order.id)).status).toBe('ready');
  });

  it('starts a WhatsApp agent on the orders board, with orders and customers only', async () => {
    const { page } = browser;
    onFail('agent');
    await browser.context.clearCookies();
    await login(page, server.url, agent);
    await page.waitForURL(/\/admin\/orders$/);
    expect(await textOf(page.locator('.bo-nav nav'))()).toBe('ApartadosPedidosClientes');
    await page.getByRole('link', { name: 'Clientes' }).click();
    await page.getByRole('heading', { name: 'Clientes' }).waitFor();
    expect(await page.getByRole('link', { name: 'Solicitudes ARCO' }).count()).toBe(0);
    // the owner's pages stay closed to them, in the API too
    expect(
      (
        await page.request.get(`${server.url}/api/v1/reports/sales-by-day?from=2026-01-01&to=2026-01-02`)
      ).status(),
    ).toBe(403);
  });

  it('keeps the owner’s home live after the server refused its event stream once', async () => {
    const { page } = browser;
    onFail('home-after-refusal');
    await browser.context.clearCookies();
    await login(page, server.url, server.biz.owner);
    await page.waitForURL(/\/admin$/);
    await expect.poll(textOf(page.getByTestId('home-orders')), POLL).toMatch(/Nuevos\s*\d+/);
    const orders = await textOf(page.getByTestId('home-orders'))();
    const waiting = Number(/Nuevos\s*(\d+)/.exec(orders ?? '')?.[1]);
    // the owner moves to another page and back while the server answers the stream with an error
    // (a proxy's 503 during a restart, say): the browser closes such a stream for good and never
    // retries it by itself; the page opens another one
    let refused = 0;
    await page.route('**/api/v1/events/stream**', (route) =>
      refused++ === 0 ? route.fulfill({ status: 503, body: 'reiniciando' }) : route.continue(),
    );
    await page.getByRole('link', { name: 'Ventas', exact: true }).click();
    await page.waitForURL(/\/admin\/sales$/);
    await page.getByRole('link', { name: 'Inicio', exact: true }).click();
    await page.waitForURL(/\/admin$/);
    await expect.poll(() => refused, POLL).toBeGreaterThan(0);
    await page.unroute('**/api/v1/events/stream**');
    await new Promise((r) => setTimeout(r, 4000));
    const { ctx, storeId, products: p } = server.biz;
    await createOrder(ctx, {
      channel: 'storefront',
      locationId: storeId,
      fulfilment: 'pickup',
      lines: [{ skuId: p.coca.skuId, quantity: '1' }],
    });
    await expect
      .poll(textOf(page.getByTestId('home-orders')), POLL)
      .toMatch(new RegExp(`Nuevos\\s*${waiting + 1}`));
  });
});
