import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { openCashSession } from '../../src/modules/cash/cash.service.js';
import { createCustomer } from '../../src/modules/customers/customers.service.js';
import { createUser } from '../../src/modules/identity/identity.service.js';
import { FIXTURES } from '../../src/modules/invoicing/invoicing.testkit.js';
import { recordReturn } from '../../src/modules/returns/returns.service.js';
import { reportSaleConflict } from '../../src/modules/sales-conflicts/sales-conflicts.service.js';
import { recordSale } from '../../src/modules/sales/sales.service.js';
import { newId } from '../../src/shared/ids.js';
import { businessDate } from '../../src/shared/time.js';
import {
  type E2eBrowser,
  type E2eServer,
  launchBrowser,
  login,
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
const UUID_RE = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;
/** The counter sales of the day: the first one gets a customer's invoice, the rest go global. */
const tickets: { id: string; ticketNumber: number; total: string }[] = [];

async function cashierId(): Promise<string> {
  const row = await server.database.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', server.biz.cashier.email)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A day at the counter, a customer with fiscal data, a manager, and one offline sale refused. */
async function seed(s: E2eServer): Promise<void> {
  const { ctx, registerId, products: p } = s.biz;
  await createUser(ctx, { email: manager.email, name: 'Marta Gerente', role: 'manager', password: PASSWORD });
  await createCustomer(ctx, {
    name: 'Xochilt Casas Chavez',
    email: 'xochilt@example.mx',
    rfc: 'CACX7605101P8',
    razonSocial: 'XOCHILT CASAS CHAVEZ',
    regimenFiscal: '612',
    usoCfdi: 'G03',
    codigoPostal: '36257',
  });
  const session = await openCashSession(ctx, { registerId, openingFloat: '500.00' });
  for (const [skuId, quantity, cash] of [
    [p.coca.skuId, '3', '54.00'],
    [p.sabritas.skuId, '2', '43.00'],
    [p.gansito.skuId, '2', '32.00'],
  ] as const) {
    const { sale } = await recordSale(ctx, {
      id: newId('sale'),
      registerId,
      lines: [{ skuId, quantity }],
      payments: [{ method: 'cash', amount: cash }],
    });
    tickets.push({ id: sale.id, ticketNumber: sale.ticketNumber, total: sale.total });
  }
  // What an offline terminal reports when the server refuses a queued sale (web/src/offline/outbox.ts).
  const cashier = await s.database.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', s.biz.cashier.email)
    .executeTakeFirstOrThrow();
  await reportSaleConflict(
    { ...ctx, userId: cashier.id, role: 'cashier' },
    {
      sale: {
        id: newId('sale'),
        registerId,
        cashSessionId: session.id,
        lines: [{ skuId: p.maseca.skuId, quantity: '60' }],
        payments: [{ method: 'cash', amount: '1494.00' }],
      },
      error: {
        code: 'STOCK_INSUFFICIENT',
        message: 'No hay existencias suficientes: pediste 60 y hay 50 disponibles.',
        details: { skuId: p.maseca.skuId, requested: '60', available: '50' },
      },
      soldAt: new Date().toISOString(),
      total: '1494.00',
      summary: 'Harina Maseca 1 kg ×60',
    },
  );
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser({ width: 1366, height: 768 })]);
  await seed(server);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The page scrolls inside .bo-main: a tall window shows all of it in one screenshot. */
async function fullShot(name: string, height = 1400): Promise<void> {
  const { page } = browser;
  await page.setViewportSize({ width: 1366, height });
  await page.screenshot({ path: join(SCREENSHOTS, name) });
  await page.setViewportSize({ width: 1366, height: 768 });
}

const noSidewaysOverflow = () => sidewaysOverflow(browser.page);

describe('back-office invoicing', () => {
  const onFail = (name: string) =>
    onTestFailed(async () => {
      await browser.page
        .screenshot({ path: join('/tmp', `failed-${name}.png`), fullPage: true })
        .catch(() => {});
    });

  it('sets up the fiscal data and the CSD, with the server’s Spanish error next to the field', async () => {
    const { page } = browser;
    onFail('invoicing-setup');
    await login(page, server.url, server.biz.owner);
    await page.waitForURL(/\/admin/);
    await page.getByRole('link', { name: 'Facturación' }).click();
    await page.waitForURL(/\/admin\/invoicing\/invoices$/);
    await expect.poll(textOf(page.getByTestId('setup-missing')), POLL).toContain('datos fiscales');
    await page.getByRole('link', { name: 'Configuración fiscal' }).first().click();
    await page.getByRole('heading', { name: 'Configuración fiscal' }).waitFor();

    const profile = page.getByTestId('fiscal-profile');
    await profile.getByLabel('RFC').fill('EKU9003173C9');
    await profile.getByLabel(/Nombre o razón social/).fill('Escuela Kemper Urgate');
    await profile.getByLabel('Régimen fiscal').selectOption('601');
    await profile.getByRole('button', { name: 'Guardar datos fiscales' }).click();
    await expect.poll(textOf(profile.locator('.ok-box')), POLL).toBe('Datos fiscales guardados.');

    // A wrong password: SAT's reason comes back next to the password, nothing is stored.
    const csd = page.getByTestId('csd-section');
    await csd.getByLabel('Certificado (.cer)').setInputFiles(join(FIXTURES, 'EKU9003173C9.cer'));
    await csd.getByLabel('Llave privada (.key)').setInputFiles(join(FIXTURES, 'EKU9003173C9.key'));
    const password = csd.getByLabel('Contraseña de la llave privada');
    await password.fill('no-es-la-buena');
    await csd.getByRole('button', { name: 'Subir CSD' }).click();
    const passwordField = csd.locator('.bo-field', {
      has: page.getByLabel('Contraseña de la llave privada'),
    });
    await expect
      .poll(textOf(passwordField.locator('.field-error')), POLL)
      .toBe('La contraseña de la llave privada (.key) no es correcta, o el archivo .key no es válido.');
    expect(await server.database.db.selectFrom('csd_certificates').select('rfc').execute()).toHaveLength(0);

    await password.fill('12345678a');
    await csd.getByRole('button', { name: 'Subir CSD' }).click();
    const info = csd.getByTestId('csd-info');
    await expect.poll(textOf(info), POLL).toContain('30001000000500003416');
    expect(await info.textContent()).toContain('del 18/05/2023 al 18/05/2027');

    // The store's place of issue (LugarExpedicion).
    const cp = page.getByLabel('Código postal de Tienda Centro');
    await cp.fill('42501');
    const row = page.getByTestId('expedition-table').locator('tr', { has: cp });
    await row.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(textOf(row.locator('.badge')), POLL).toBe('Guardado');
    expect(await page.getByTestId('setup-missing').count()).toBe(0);
    expect(await noSidewaysOverflow()).toBeLessThanOrEqual(0);
    await fullShot('40-facturacion-configuracion.png', 1500);
  });

  it('invoices a ticket for a customer, downloads the stamped XML and cancels it with motive 02', async () => {
    const { page } = browser;
    onFail('invoicing-ticket');
    const [first] = tickets;
    await page.getByRole('link', { name: 'Facturar tickets' }).first().click();
    await page.getByRole('heading', { name: 'Facturar tickets' }).waitFor();
    await page.getByLabel('Número de ticket').fill(String(first!.ticketNumber));
    const box = page.getByLabel(`Ticket ${first!.ticketNumber}`, { exact: true });
    await expect.poll(() => box.isEnabled(), POLL).toBe(true);
    await box.check();
    await expect.poll(textOf(page.getByTestId('forma-pago')), POLL).toBe('01 · Efectivo');
    await page.getByLabel('Buscar cliente').fill('Xochilt');
    await page.getByTestId('customer-results').getByText('Xochilt Casas Chavez').click();
    await expect.poll(textOf(page.getByTestId('customer-fiscal')), POLL).toContain('RFC CACX7605101P8');
    await expect(page.getByLabel('Uso del CFDI').inputValue()).resolves.toBe('G03');
    await fullShot('41-facturar-tickets.png', 1100);

    await page.getByRole('button', { name: 'Facturar $54.00' }).click();
    const result = page.getByTestId('invoice-result');
    await result.waitFor({ timeout: 30_000 });
    await expect.poll(textOf(result.getByTestId('invoice-status')), POLL).toBe('Timbrada');
    const uuid = (await textOf(result.getByTestId('result-uuid'))()).toUpperCase();
    expect(uuid).toMatch(UUID_RE);

    await result.getByTestId('result-open').click();
    await page.getByTestId('invoice-detail').waitFor();
    expect((await textOf(page.getByTestId('invoice-uuid'))()).toUpperCase()).toBe(uuid);
    expect(await textOf(page.getByTestId('invoice-total'))()).toBe('$54.00');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-xml').click(),
    ]);
    const xml = readFileSync((await download.path())!, 'utf8');
    expect(xml).toContain('<cfdi:Comprobante');
    expect(xml).toContain('tfd:TimbreFiscalDigital');
    expect(xml.toUpperCase()).toContain(`UUID="${uuid}"`);
    expect(xml).toContain('Rfc="CACX7605101P8"');
    expect(xml).toContain('Total="54.00"');
    const pdf = await page.request.get(
      new URL((await page.getByTestId('download-pdf').getAttribute('href'))!, server.url).toString(),
    );
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await noSidewaysOverflow()).toBeLessThanOrEqual(0);
    await fullShot('42-factura-timbrada.png', 1000);

    await page.getByRole('button', { name: 'Cancelar factura…' }).click();
    const form = page.getByTestId('cancel-form');
    await form.getByRole('radio', { name: /^02 · Tiene errores y no se sustituye/ }).check();
    await form.getByRole('button', { name: 'Solicitar cancelación' }).click();
    await expect
      .poll(textOf(page.getByTestId('invoice-detail').getByTestId('invoice-status').first()), POLL)
      .toBe('Cancelada');
    const stored = await server.database.db
      .selectFrom('invoices')
      .select(['cancel_status', 'cancel_motivo'])
      .where('uuid', '=', uuid)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ cancel_status: 'cancelled', cancel_motivo: '02' });
    await fullShot('43-factura-cancelada.png', 900);
  });

  it('issues the day’s global invoice from what the report says, then nothing is left to invoice', async () => {
    const { page } = browser;
    onFail('invoicing-global');
    await page.getByRole('link', { name: 'Factura global' }).first().click();
    await page.getByRole('heading', { name: 'Factura global' }).waitFor();
    // The cancelled invoice released its ticket: all three of the day are undocumented again.
    await expect.poll(textOf(page.getByTestId('global-count')), POLL).toBe('3');
    expect(await textOf(page.getByTestId('global-total'))()).toBe('$129.00');
    await fullShot('44-factura-global.png', 1000);
    await page.getByRole('button', { name: 'Emitir factura global · $129.00' }).click();
    const result = page.getByTestId('invoice-result');
    await result.waitFor({ timeout: 60_000 });
    await expect.poll(textOf(result.getByTestId('invoice-status')), POLL).toBe('Timbrada');
    expect(await textOf(result.getByTestId('result-uuid'))()).toMatch(UUID_RE);
    await page.getByTestId('global-nothing').waitFor();

    await page.getByRole('link', { name: 'Pendientes de facturar' }).click();
    await page.getByRole('heading', { name: 'Pendientes de facturar' }).waitFor();
    await page.getByRole('button', { name: 'Hoy', exact: true }).click();
    await expect.poll(textOf(page.getByTestId('undocumented-empty')), POLL).toContain('Todo está facturado');
    await page.screenshot({ path: join(SCREENSHOTS, '45-pendientes-de-facturar.png') });

    await page.getByRole('link', { name: 'Facturas', exact: true }).click();
    const table = page.getByTestId('invoices-table');
    await expect.poll(() => table.locator('tbody tr').count(), POLL).toBe(2);
    const rows = await table.locator('tbody tr').allTextContents();
    expect(rows[0]).toContain('Factura global');
    expect(rows[0]).toContain('PUBLICO EN GENERAL');
    expect(rows[0]).toContain('Timbrada');
    expect(rows[1]).toContain('XOCHILT CASAS CHAVEZ');
    expect(rows[1]).toContain('Cancelada');
    expect(await noSidewaysOverflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, '46-facturas.png') });
    // Dates of issue, in the business's zone: today keeps both, a later day none.
    await page.getByTestId('invoices-from').fill(businessDate(new Date(), 'America/Mexico_City'));
    await expect.poll(() => table.locator('tbody tr').count(), POLL).toBe(2);
    await page.getByTestId('invoices-from').fill('2030-01-01');
    await expect
      .poll(textOf(table.locator('tbody tr').first()), POLL)
      .toBe('No hay facturas con esos filtros.');
    await page.getByRole('button', { name: 'Todas las fechas' }).click();
    await expect.poll(() => table.locator('tbody tr').count(), POLL).toBe(2);
  });

  it('issues a credit note for a return on an invoiced ticket and records a payment on a PPD invoice', async () => {
    const { page } = browser;
    onFail('invoicing-credit-payment');
    const { ctx, registerId, products: p } = server.biz;
    const customer = await server.database.db
      .selectFrom('customers')
      .select('id')
      .where('rfc', '=', 'CACX7605101P8')
      .executeTakeFirstOrThrow();
    const sell = async (
      lines: { skuId: string; quantity: string }[],
      method: 'cash' | 'on_account',
      amount: string,
    ) =>
      (
        await recordSale(ctx, {
          id: newId('sale'),
          registerId,
          customerId: customer.id,
          lines,
          payments: [{ method, amount }],
        })
      ).sale;
    const invoice = async (saleId: string) => {
      const res = await page.request.post(`${server.url}/api/v1/invoicing/invoices`, {
        data: { saleIds: [saleId], customerId: customer.id },
      });
      expect(res.status(), await res.text()).toBe(201);
      return (await res.json()) as {
        id: string;
        status: string;
        metodoPago: string;
        serie: string;
        folio: string;
      };
    };

    // A cash ticket invoiced, then one of its two bags of flour comes back.
    const flour = await sell([{ skuId: p.maseca.skuId, quantity: '2' }], 'cash', '49.80');
    const paid = await invoice(flour.id);
    expect(paid.status).toBe('stamped');
    await recordReturn(ctx, {
      saleId: flour.id,
      reason: 'defectuoso',
      lines: [{ lineNo: 1, quantity: '1', disposition: 'write_off' }],
      refund: { method: 'cash' },
    });
    await page.goto(`${server.url}/admin/invoicing/invoices/${paid.id}`);
    const notes = page.getByTestId('credit-notes');
    await notes.getByRole('button', { name: 'Emitir nota de crédito' }).click();
    await expect.poll(textOf(notes.locator('tbody tr').first()), POLL).toMatch(/\$24\.90.*NC-1.*Timbrada/);

    // A return on a ticket of the day's global invoice: its note goes to público en general (01).
    const global = await server.database.db
      .selectFrom('invoices')
      .select('id')
      .where('tenant_id', '=', server.biz.tenantId)
      .where('kind', '=', 'global')
      .executeTakeFirstOrThrow();
    await recordReturn(ctx, {
      saleId: tickets[2]!.id,
      reason: 'defectuoso',
      lines: [{ lineNo: 1, quantity: '1', disposition: 'write_off' }],
      refund: { method: 'cash' },
    });
    await page.goto(`${server.url}/admin/invoicing/invoices/${global.id}`);
    const globalNotes = page.getByTestId('credit-notes');
    expect(await globalNotes.getByLabel('Tipo de relación').inputValue()).toBe('01');
    await globalNotes.getByRole('button', { name: 'Emitir nota de crédito' }).click();
    await expect
      .poll(textOf(globalNotes.locator('tbody tr').first()), POLL)
      .toMatch(new RegExp(`#${tickets[2]!.ticketNumber}.*\\$16\\.00.*NC-2.*Timbrada`));
    await page.getByRole('link', { name: 'NC-2' }).click();
    await expect.poll(textOf(page.getByTestId('invoice-total')), POLL).toBe('$16.00');
    expect(await page.getByTestId('invoice-detail').textContent()).toContain('PUBLICO EN GENERAL');

    // On account: a PPD invoice (forma 99) whose payments are Pagos 2.0 receipts.
    const credit = await sell([{ skuId: p.gansito.skuId, quantity: '2' }], 'on_account', '32.00');
    const ppd = await invoice(credit.id);
    expect(ppd.metodoPago).toBe('PPD');
    await page.goto(`${server.url}/admin/invoicing/invoices/${ppd.id}`);
    await expect.poll(textOf(page.getByTestId('invoice-balance')), POLL).toBe('$32.00');
    const box = page.getByTestId('payment-box');
    await box.getByLabel('Importe recibido').fill('40');
    await box.getByRole('button', { name: 'Registrar pago' }).click();
    const amount = box.locator('.bo-field', { has: page.getByLabel('Importe recibido') });
    await expect
      .poll(textOf(amount.locator('.field-error')), POLL)
      .toBe('El pago de 40.00 excede el saldo pendiente de 32.00.');
    await box.getByLabel('Importe recibido').fill('20');
    await box.getByLabel('¿Cómo pagó?').selectOption('03');
    await box.getByRole('button', { name: 'Registrar pago' }).click();
    await expect.poll(textOf(box.locator('.ok-box')), POLL).toContain('saldo que queda $12.00');
    await expect.poll(textOf(page.getByTestId('invoice-balance')), POLL).toBe('$12.00');
    await expect.poll(textOf(box.locator('tbody tr').first()), POLL).toMatch(/P-1.*\$20\.00.*Timbrada/);
    await fullShot('48-factura-ppd-pago.png', 1000);

    // The rest as an abono on the customer's account: it pays the invoice too, with its CFDI de pago.
    await page.goto(`${server.url}/admin/customers?customer=${customer.id}`);
    const account = page.getByTestId('customer-account');
    const form = account.getByRole('form', { name: 'Registrar abono' });
    await form.getByRole('textbox', { name: /^Abono/ }).fill('12');
    await form.getByRole('combobox', { name: /^Forma de pago/ }).selectOption('spei');
    await form.getByRole('textbox', { name: /^Referencia/ }).fill('SPEI-4455');
    await form.getByRole('button', { name: 'Registrar abono' }).click();
    await expect
      .poll(textOf(account.getByRole('status')), POLL)
      .toContain(`Complemento de pago de la factura ${ppd.serie}-${ppd.folio}: $12.00.`);
    await page.goto(`${server.url}/admin/invoicing/invoices/${ppd.id}`);
    await expect.poll(textOf(page.getByTestId('invoice-balance')), POLL).toBe('$0.00');
    await expect.poll(textOf(box.locator('tbody tr').first()), POLL).toMatch(/P-2.*\$12\.00.*Timbrada/);
  });

  it('fits a tablet: no invoicing page overflows sideways at 820×1180', async () => {
    const { page } = browser;
    onFail('invoicing-tablet');
    await page.setViewportSize({ width: 820, height: 1180 });
    try {
      for (const path of ['invoices', 'new', 'global', 'pending', 'setup']) {
        await page.goto(`${server.url}/admin/invoicing/${path}`);
        await page.locator('.bo-page-head h1').waitFor();
        await page.waitForLoadState('networkidle');
        expect(await noSidewaysOverflow(), path).toBeLessThanOrEqual(0);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(wide, path).toBeLessThanOrEqual(0);
      }
      await page.goto(`${server.url}/admin/invoicing/new`);
      await page.getByTestId('tickets-table').locator('tbody tr').first().waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, '49-facturar-tableta.png') });
    } finally {
      await page.setViewportSize({ width: 1366, height: 768 });
    }
  });

  it('shows a manager the sale an offline register could not record, and why, until it is settled', async () => {
    const { page } = browser;
    onFail('sale-conflicts');
    await browser.context.clearCookies();
    await login(page, server.url, manager);
    await page.waitForURL(/\/admin/);
    await page.getByRole('link', { name: 'Ventas en conflicto', exact: true }).click();
    await expect.poll(textOf(page.getByTestId('conflicts-open')), POLL).toBe('1 por resolver');
    await page.getByTestId('conflicts-table').getByText('Harina Maseca 1 kg ×60').click();
    const detail = page.getByTestId('conflict-detail');
    await expect
      .poll(textOf(detail.getByTestId('conflict-why')), POLL)
      .toBe('No hay existencias suficientes: pediste 60 y hay 50 disponibles.');
    expect(await detail.textContent()).toContain('Luis Cajero');
    await page.screenshot({ path: join(SCREENSHOTS, '47-ventas-en-conflicto.png') });

    // Voiding needs a reason: the server's message appears next to the note.
    await detail.getByRole('button', { name: 'Anular la venta' }).click();
    await expect.poll(textOf(detail.locator('.field-error')), POLL).toBe('Escribe por qué se anula.');
    await detail.getByLabel(/Nota/).fill('Se le devolvió el dinero al cliente.');
    await detail.getByRole('button', { name: 'Anular la venta' }).click();
    await expect.poll(textOf(detail.getByTestId('conflict-status')), POLL).toBe('Anulada');
    await expect.poll(textOf(page.getByTestId('conflicts-open')), POLL).toBe('0 por resolver');

    // A return the register made offline, refused because its drawer had been closed meanwhile:
    // the refund was paid at the counter, so it waits here too, and is recorded once the drawer is open.
    const { ctx, registerId, products: p } = server.biz;
    const cashier = { ...ctx, userId: await cashierId(), role: 'cashier' as const };
    const { sale } = await recordSale(cashier, {
      id: newId('sale'),
      registerId,
      lines: [{ skuId: p.sabritas.skuId, quantity: '1' }],
      payments: [{ method: 'cash', amount: '21.50' }],
    });
    const returnId = newId('ret');
    await reportSaleConflict(cashier, {
      return: {
        id: returnId,
        saleId: sale.id,
        reason: 'defectuoso',
        lines: [{ lineNo: 1, quantity: '1', disposition: 'restock' }],
        refund: { method: 'cash', registerId },
      },
      error: { code: 'CASH_SESSION_REQUIRED', message: 'La caja no tiene un turno abierto.' },
      soldAt: new Date().toISOString(),
      total: '21.50',
      summary: `Devolución · Ticket ${sale.ticketNumber}`,
    });
    await page.reload();
    await expect.poll(textOf(page.getByTestId('conflicts-open')), POLL).toBe('1 por resolver');
    await page.getByTestId('conflicts-table').getByText(`Devolución · Ticket ${sale.ticketNumber}`).click();
    await expect.poll(textOf(detail.locator('h2')), POLL).toMatch(/^Devolución del/);
    expect(await textOf(detail.getByTestId('conflict-refund'))()).toContain(
      'Reembolso ya pagado en la caja: $21.50 · Efectivo',
    );
    await expect
      .poll(textOf(detail.getByTestId('conflict-returned-sale')), POLL)
      .toMatch(new RegExp(`^Del ticket #${sale.ticketNumber} · .* · \\$21\\.50$`));
    expect(await detail.textContent()).toContain('1 × Sabritas');
    await page.screenshot({ path: join(SCREENSHOTS, '57-devolucion-en-conflicto.png') });
    await detail.getByRole('button', { name: 'Registrar la devolución ahora' }).click();
    await expect
      .poll(textOf(detail.getByTestId('conflict-resolution')), POLL)
      .toMatch(/^Registrada como devolución/);
    await expect.poll(textOf(page.getByTestId('conflicts-open')), POLL).toBe('0 por resolver');
    const recorded = await server.database.db
      .selectFrom('returns')
      .select(['sale_id', 'refund_amount'])
      .where('id', '=', returnId)
      .execute();
    expect(recorded).toEqual([{ sale_id: sale.id, refund_amount: '21.50' }]);
  });

  it('keeps a cashier out of invoicing and sale conflicts', async () => {
    const { page } = browser;
    onFail('invoicing-cashier');
    await browser.context.clearCookies();
    await login(page, server.url, server.biz.cashier);
    await page.waitForURL(/\/terminal/);
    for (const path of ['/admin/invoicing/setup', '/admin/invoicing/pending', '/admin/sale-conflicts']) {
      await page.goto(`${server.url}${path}`);
      await page.waitForURL(/\/terminal/);
      expect(new URL(page.url()).pathname.startsWith('/admin')).toBe(false);
    }
    for (const path of [
      '/api/v1/invoicing/setup',
      '/api/v1/invoicing/reports/undocumented-sales?from=2026-01-01&to=2026-01-31',
      '/api/v1/sale-conflicts',
    ]) {
      expect((await page.request.get(`${server.url}${path}`)).status(), path).toBe(403);
    }
  });
});
