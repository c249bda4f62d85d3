import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  browserQueue,
  type E2eBrowser,
  type E2eServer,
  launchBrowser,
  login,
  loseNextAnswer,
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

function hasBytes(haystack: Buffer, needle: number[]): boolean {
  return haystack.indexOf(Buffer.from(needle)) >= 0;
}

describe('a full shift at the counter', () => {
  it('opens the session, sells three scanned products with a split payment, prints, returns one line and closes with the right corte Z', async () => {
    const { page } = browser;
    const { products: p } = server.biz;
    onTestFailed(async () => {
      await page
        .screenshot({ path: join(SCREENSHOTS, '..', '..', '.scratch', 'failed-shift.png') })
        .catch(() => {});
    });

    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Entrar' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, '01-login.png') });
    await login(page, server.url, server.biz.cashier);
    await page.getByText('¿Qué caja es esta?').waitFor();
    await page.getByRole('listitem').filter({ hasText: 'Caja 1' }).click();
    await page.getByLabel(/Fondo de caja/).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, '02-abrir-caja.png') });
    await page.getByLabel(/Fondo de caja/).fill('500');
    await page.getByRole('button', { name: 'Abrir caja' }).click();
    await expect.poll(textOf(page.getByTestId('session-info')), POLL).toContain('fondo $500.00');

    // Three scans: digits + Enter into the focused field.
    await scan(page, p.coca.barcode);
    await scan(page, p.sabritas.barcode);
    await scan(page, p.gansito.barcode);
    await expect.poll(() => page.getByTestId('ticket-line').count(), POLL).toBe(3);
    await expect.poll(textOf(page.getByTestId('total')), POLL).toBe('$55.50');
    await expect.poll(textOf(page.getByTestId('line-stock').first()), POLL).toBe('Existencia: 50');
    await page.screenshot({ path: join(SCREENSHOTS, '03-venta.png') });

    // Split: $20.00 on a debit card, the rest in cash with a $50 bill.
    await page.keyboard.press('F2');
    await expect.poll(textOf(page.getByTestId('charge-total')), POLL).toBe('$55.50');
    await page.keyboard.press('Alt+2');
    await page.getByLabel('débito').check();
    await page.getByLabel('Marca').selectOption('Visa');
    await page.getByLabel('Últimos 4').fill('4242');
    await page.getByLabel(/Número de autorización/).fill('834211');
    await page.getByLabel('Importe').fill('20');
    await page.getByLabel('Importe').press('Enter');
    await expect.poll(textOf(page.getByTestId('charge-remaining')), POLL).toBe('$35.50');
    await page.keyboard.press('Alt+1');
    await page.getByRole('button', { name: '$50.00' }).click();
    await expect.poll(textOf(page.getByTestId('charge-change')), POLL).toBe('$14.50');
    await page.screenshot({ path: join(SCREENSHOTS, '04-cobro.png') });
    await page.keyboard.press('F2');

    // The receipt: recorded, ticket 1, self-invoicing code and QR; ESC/POS bytes downloadable.
    await expect.poll(textOf(page.getByTestId('receipt-status')), POLL).toBe('Venta registrada.');
    await expect.poll(textOf(page.getByTestId('receipt-ticket')), POLL).toBe('Ticket 1');
    await expect.poll(textOf(page.getByTestId('receipt-total')), POLL).toBe('$55.50');
    await expect
      .poll(textOf(page.getByTestId('receipt-invoice-code')), POLL)
      .toContain('Código de facturación');
    await page.getByTestId('receipt-qr').waitFor();
    // no customer on the ticket: the WhatsApp link waits for a phone typed
    const send = page.getByTestId('receipt-whatsapp-link');
    expect(await send.getAttribute('aria-disabled')).toBe('true');
    await page.getByLabel('Celular del cliente (10 dígitos)').fill('55 1234');
    expect(await send.getAttribute('href')).toBeNull();
    await page.getByLabel('Celular del cliente (10 dígitos)').fill('55 1234 5678');
    await expect
      .poll(() => send.getAttribute('href'), POLL)
      .toMatch(/^https:\/\/wa\.me\/525512345678\?text=/);
    await page.getByLabel('Celular del cliente (10 dígitos)').fill('');
    await page.screenshot({ path: join(SCREENSHOTS, '05-ticket.png') });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-escpos').click(),
    ]);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 2)]).toEqual([0x1b, 0x40]); // ESC @: initialise
    expect(hasBytes(bytes, [0x1d, 0x28, 0x6b])).toBe(true); // GS ( k: the QR code
    expect(hasBytes(bytes, [0x1d, 0x56])).toBe(true); // GS V: cut
    const text = bytes.toString('latin1');
    expect(text).toContain('Ticket 1');
    expect(text).toContain('$55.50');
    expect(text).toContain('RFC EKU9003173C9');
    expect(text).toMatch(/\/facturar\?codigo=/);

    const sales = await server.database.db.selectFrom('sales').selectAll().execute();
    expect(sales).toHaveLength(1);
    expect(sales[0]!.total).toBe('55.50');
    expect(text).toContain(sales[0]!.invoice_code);
    // After the download the focus is back on "Siguiente venta": Enter starts the next sale.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Siguiente venta');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('ticket-line').count(), POLL).toBe(0);

    // Return the Gansito: find ticket 1, one piece, cash back from the drawer.
    await page.keyboard.press('F9');
    await page.getByLabel('Número de ticket').fill('1');
    await page.getByRole('button', { name: 'Buscar venta' }).click();
    await expect.poll(() => page.getByTestId('return-line').count(), POLL).toBe(3);
    await page.getByLabel('Devolver Gansito Marinela').fill('1');
    await page.getByLabel('Motivo').selectOption('defectuoso');
    await page.getByText('A devolver: $16.00').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, '06-devolucion.png') });
    // The return reaches the server but its answer is lost: the till keeps it in its queue, which
    // sends it again; the server answers the first one (same Idempotency-Key), and the corte
    // below counts one $16 refund.
    await loseNextAnswer(page, '**/api/v1/returns');
    await page.getByRole('button', { name: 'Registrar devolución' }).click();
    await expect.poll(textOf(page.getByTestId('return-done')), POLL).toContain('quedó guardada en esta caja');
    await expect.poll(textOf(page.getByTestId('return-done')), POLL).toContain('Entrega $16.00 en efectivo');
    await expect
      .poll(
        async () =>
          (await browserQueue(page, server.biz.tenantId)).outbox.find((o) => o.kind === 'return')?.status,
        POLL,
      )
      .toBe('sent');
    expect(await server.database.db.selectFrom('returns').select('id').execute()).toHaveLength(1);
    await page.getByRole('button', { name: 'Cerrar' }).last().click();

    // A second sale paid with CoDi: the clave de rastreo is asked for, printed, and the corte
    // lists CoDi on its own line without touching the cash.
    await scan(page, p.coca.barcode);
    await expect.poll(textOf(page.getByTestId('total')), POLL).toBe('$18.00');
    await page.keyboard.press('F2');
    await page.keyboard.press('Alt+4');
    await page.getByLabel('Importe').press('Enter');
    await expect
      .poll(textOf(page.getByRole('alert')), POLL)
      .toBe('Escribe la clave de rastreo de la transferencia.');
    await page.getByLabel('Clave de rastreo o referencia').fill('CODI0012345');
    await page.getByLabel('Importe').press('Enter');
    await expect.poll(textOf(page.getByTestId('charge-remaining')), POLL).toBe('$0.00');
    await page.keyboard.press('F2');
    await expect.poll(textOf(page.getByTestId('receipt-ticket')), POLL).toBe('Ticket 2');
    await expect.poll(textOf(page.locator('.print-area')), POLL).toContain('CoDi');
    await page.getByRole('button', { name: /Siguiente venta/ }).click();
    const codi = await server.database.db
      .selectFrom('sale_payments')
      .selectAll()
      .where('method', '=', 'codi')
      .execute();
    expect(codi.map((x) => [x.amount, x.reference])).toEqual([['18.00', 'CODI0012345']]);

    // Corte Z: float 500 + cash 50 - change 14.50 - refund 16 = 519.50, counted by denomination.
    await page.keyboard.press('F10');
    await page.keyboard.press('Alt+3');
    await page.getByLabel('Cuántos $500.00').fill('1');
    await page.getByLabel('Cuántos $10.00').fill('1');
    await page.getByLabel('Cuántos $5.00').fill('1');
    await page.getByLabel('Cuántos $2.00').fill('2');
    await page.getByLabel('Cuántos $0.50').fill('1');
    await expect.poll(textOf(page.getByTestId('counted-cash')), POLL).toBe('Efectivo contado: $519.50');
    await page.getByRole('button', { name: 'Hacer corte Z y cerrar caja' }).click();
    await expect.poll(textOf(page.getByTestId('expected-cash')), POLL).toBe('$519.50');
    // nothing was taken out of the drawer: $0.00, not -$0.00; the refund is a deduction
    const corte = await textOf(page.locator('dl', { has: page.getByTestId('expected-cash') }))();
    expect(corte).toMatch(/Salida de efectivo\s*\$0\.00/);
    expect(corte).toMatch(/Devoluciones en efectivo\s*-\$16\.00/);
    await expect.poll(textOf(page.getByTestId('difference')), POLL).toBe('$0.00');
    expect(await textOf(page.getByRole('row', { name: /^CoDi/ }))()).toMatch(
      /CoDi\s*\$18\.00\s*\$0\.00\s*\$18\.00/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, '07-corte-z.png') });

    const session = await server.database.db
      .selectFrom('cash_sessions')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(session.status).toBe('closed');
    expect(session.expected_cash).toBe('519.50');
    expect(session.counted_cash).toBe('519.50');
    expect(session.difference).toBe('0.00');
    await page.getByRole('button', { name: 'Terminar' }).click();
    await page.getByRole('button', { name: 'Abrir caja' }).waitFor();
  });
});
