import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { fixture } from '../../src/modules/invoicing/invoicing.testkit.js';
import {
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
  // The business can invoice: fiscal profile, expedition postal code and the SAT test CSD (sandbox PAC).
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: server.biz.owner,
  });
  const raw = res.headers['set-cookie'];
  const cookie = (Array.isArray(raw) ? raw[0]! : raw!).split(';')[0]!;
  const owner = (method: 'PUT' | 'POST', url: string, payload: object) =>
    server.app.inject({ method, url, headers: { cookie }, payload });
  const steps = [
    await owner('PUT', '/api/v1/invoicing/setup/profile', {
      rfc: 'EKU9003173C9',
      nombre: 'ESCUELA KEMPER URGATE',
      regimenFiscal: '601',
    }),
    await owner('PUT', `/api/v1/invoicing/setup/locations/${server.biz.storeId}`, { postalCode: '42501' }),
    await owner('POST', '/api/v1/invoicing/setup/csd', {
      cer: fixture('EKU9003173C9.cer').toString('base64'),
      key: fixture('EKU9003173C9.key').toString('base64'),
      password: '12345678a',
    }),
  ];
  for (const s of steps) expect(s.statusCode, s.body).toBeLessThan(300);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('self-invoicing page', () => {
  it('turns a receipt’s code into a stamped CFDI with PDF and XML, with the server’s Spanish errors next to the fields', async () => {
    const { page, context } = browser;
    onTestFailed(async () => {
      await page
        .screenshot({ path: join(SCREENSHOTS, '..', '..', '.scratch', 'failed-facturar.png') })
        .catch(() => {});
    });

    // A cashier sells; the receipt carries the self-invoicing code and a QR to /facturar?codigo=….
    await login(page, server.url, server.biz.cashier);
    await openShift(page, '200');
    await scan(page, server.biz.products.coca.barcode);
    await scan(page, server.biz.products.sabritas.barcode);
    await expect.poll(textOf(page.getByTestId('total')), POLL).toBe('$39.50');
    await page.keyboard.press('F2');
    await page.getByLabel('Importe').press('Enter');
    await page.keyboard.press('F2');
    await expect.poll(textOf(page.getByTestId('receipt-ticket')), POLL).toMatch(/^Ticket \d+$/);
    const printed = (await page.getByTestId('receipt-invoice-code').textContent())?.trim() ?? '';
    const code = printed.replace(/^.*:\s*/, '');
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    const qrUrl = await page.getByTestId('receipt-qr').getAttribute('alt');
    expect(qrUrl).toBe(`${server.url}/facturar?codigo=${code}`);

    // The customer scans the QR on a phone: the code is filled in, they type the total.
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 412, height: 900 });
    await phone.goto(qrUrl!);
    await expect(phone.getByLabel('Código de facturación').inputValue()).resolves.toBe(code);
    await phone.getByLabel('Total del ticket').fill('39.00');
    await phone.getByRole('button', { name: 'Buscar mi ticket' }).click();
    await expect
      .poll(textOf(phone.getByTestId('err-code')), POLL)
      .toBe('No encontramos un ticket con ese código y ese total. Revisa tu ticket.');
    await phone.getByLabel('Total del ticket').fill('$39.50');
    await phone.getByRole('button', { name: 'Buscar mi ticket' }).click();
    await expect.poll(textOf(phone.getByTestId('ticket-found')), POLL).toContain('$39.50');

    // Régimen and uso are offered only in valid combinations for a persona física.
    await phone.getByLabel('RFC').fill('CACX761310XX8');
    const regimenes = await phone.locator('select[name="regimenFiscal"] option').allTextContents();
    expect(regimenes.some((r) => r.startsWith('612 '))).toBe(true);
    expect(regimenes.some((r) => r.startsWith('601 '))).toBe(false);
    await phone.getByLabel('Nombre o razón social').fill('Xochilt Casas Chavez');
    await phone.getByLabel('Régimen fiscal').selectOption('612');
    await expect(phone.getByLabel('Uso del CFDI').inputValue()).resolves.toBe('G03');
    await phone.getByLabel('Régimen fiscal').selectOption('605');
    const usos605 = await phone.locator('select[name="usoCfdi"] option').allTextContents();
    expect(usos605.some((u) => u.startsWith('G03 '))).toBe(false);
    expect(usos605.some((u) => u.startsWith('D01 '))).toBe(true);
    await phone.getByLabel('Régimen fiscal').selectOption('612');
    await phone.getByLabel('Uso del CFDI').selectOption('G03');
    await phone.getByLabel('Código postal de tu domicilio fiscal').fill('36257');

    // Before typing their data the customer can read the business's privacy notice.
    const [notice] = await Promise.all([
      context.waitForEvent('page'),
      phone.getByTestId('privacy-line').getByRole('link', { name: 'Aviso de privacidad' }).click(),
    ]);
    await expect
      .poll(textOf(notice.getByTestId('privacy-notice')), POLL)
      .toMatch(/AVISO DE PRIVACIDAD SIMPLIFICADO.*responsable del tratamiento.*20 días hábiles/s);
    await notice.close();

    // A malformed RFC: SAT's rule comes back in Spanish next to the RFC, and nothing typed is lost.
    await phone.getByRole('button', { name: 'Generar factura' }).click();
    await expect.poll(textOf(phone.getByTestId('err-rfc')), POLL).toContain('CACX761310XX8');
    await expect(phone.getByLabel('Nombre o razón social').inputValue()).resolves.toBe(
      'XOCHILT CASAS CHAVEZ',
    );
    await phone.screenshot({ path: join(SCREENSHOTS, '30-facturar-error.png'), fullPage: true });
    expect(await server.database.db.selectFrom('invoices').select('id').execute()).toHaveLength(0);

    await phone.getByLabel('RFC').fill('CACX7605101P8');
    await phone.getByRole('button', { name: 'Generar factura' }).click();
    await phone.getByTestId('invoice-result').waitFor({ timeout: 30_000 });
    const uuid = (await phone.getByTestId('invoice-uuid').textContent())?.trim() ?? '';
    expect(uuid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i);
    await phone.screenshot({ path: join(SCREENSHOTS, '31-facturar-lista.png'), fullPage: true });

    const xmlHref = await phone.getByTestId('xml-link').getAttribute('href');
    const pdfHref = await phone.getByTestId('pdf-link').getAttribute('href');
    const xml = await phone.request.get(new URL(xmlHref!, server.url).toString());
    expect(xml.status()).toBe(200);
    const xmlText = await xml.text();
    expect(xmlText).toContain('Rfc="CACX7605101P8"');
    expect(xmlText).toContain('UsoCFDI="G03"');
    expect(xmlText).toContain(`UUID="${uuid}"`);
    expect(xmlText).toContain('Total="39.50"');
    const pdf = await phone.request.get(new URL(pdfHref!, server.url).toString());
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await phone.close();
  });
});
