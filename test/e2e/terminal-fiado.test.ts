import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserQueue,
  queueStatuses,
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

describe('fiado at the counter', () => {
  it('sells on account to a neighbour registered at the till, then takes part of it back into the drawer, once even when an answer is lost, and offline', async () => {
    const { page } = browser;
    const { products: p, tenantId } = server.biz;
    /** In the open abono dialog: pays `amount` and sees it kept in the register's queue. */
    const abonoKeptOnTheRegister = async (amount: string) => {
      await page.getByLabel(/Importe del abono/).fill(amount);
      await page.getByRole('button', { name: 'Registrar abono' }).click();
      await expect
        .poll(textOf(page.getByTestId('account-paid')), POLL)
        .toContain(`Abono guardado en esta caja: recibe $${amount}.00.`);
      await page.getByRole('button', { name: 'Cerrar' }).last().click();
    };
    await login(page, server.url, server.biz.cashier);
    await page.getByRole('listitem').filter({ hasText: 'Caja 1' }).click();
    await page.getByLabel(/Fondo de caja/).fill('100');
    await page.getByRole('button', { name: 'Abrir caja' }).click();
    await expect.poll(textOf(page.getByTestId('session-info')), POLL).toContain('fondo $100.00');

    // a Coca-Cola on account: the customer is registered from the till with his phone
    await scan(page, p.coca.barcode);
    await expect.poll(textOf(page.getByTestId('total')), POLL).toBe('$18.00');
    await page.keyboard.press('F3');
    await page.getByLabel('Teléfono o nombre').fill('55 4433 2211');
    await page.getByLabel('Teléfono o nombre').press('Enter');
    await page.getByLabel('Nombre', { exact: true }).fill('Don Chuy');
    await page.getByRole('button', { name: 'Registrar cliente' }).click();
    await expect.poll(textOf(page.getByTestId('customer-name')), POLL).toBe('Don Chuy');
    await page.keyboard.press('F2');
    await page.keyboard.press('Alt+9');
    await page.getByLabel('Importe').press('Enter');
    await expect.poll(textOf(page.getByTestId('charge-remaining')), POLL).toBe('$0.00');
    await page.keyboard.press('F2');
    await expect.poll(textOf(page.getByTestId('receipt-status')), POLL).toBe('Venta registrada.');
    // the ticket to his WhatsApp, written for the cashier to send from the shop's
    const send = page.getByTestId('receipt-whatsapp-link');
    await expect
      .poll(() => send.getAttribute('href'), POLL)
      .toMatch(/^https:\/\/wa\.me\/525544332211\?text=/);
    const message = new URL((await send.getAttribute('href'))!).searchParams.get('text')!;
    expect(message).toMatch(/^\*.+\*\n.+ · \d\d\/\d\d\/\d{4} .+\nTicket 1\n\n1 x \$18\.00 {2}Coca-Cola/);
    expect(message).toContain('*Total: $18.00*\nA cuenta (crédito): $18.00');
    expect(message).toMatch(/Factúrelo en línea: http:\/\/[^ ]+\/facturar\?codigo=\w+ \(código \w+\)/);
    await page.getByRole('button', { name: /Siguiente venta/ }).click();

    // next visit: found by name, his debt by his name, a $10 payment in cash
    await page.keyboard.press('F3');
    await page.getByLabel('Teléfono o nombre').fill('chuy');
    await page.getByLabel('Teléfono o nombre').press('Enter');
    await page.getByRole('button', { name: /Don Chuy/ }).click();
    await expect.poll(textOf(page.getByTestId('customer-debt')), POLL).toBe('Debe $18.00 · abonar');
    await page.getByTestId('customer-debt').click();
    // what he owes and since when (his purchase on account of today)
    await expect
      .poll(textOf(page.getByTestId('account-owes')), POLL)
      .toMatch(/^Debe \$18\.00 desde el \d\d\/\d\d\/\d{4}$/);
    await page.getByLabel(/Importe del abono/).fill('30');
    await page.getByRole('button', { name: 'Registrar abono' }).click();
    await expect
      .poll(textOf(page.getByRole('alert')), POLL)
      .toBe('El cliente debe $18.00: no se puede abonar $30.00.');
    // the first $10 reaches the server but its answer is lost on the way back: the till keeps it
    // in its queue under its own id and sends it again, and the server records it once
    await loseNextAnswer(page, '**/account/payments');
    await abonoKeptOnTheRegister('10');
    await expect.poll(textOf(page.getByTestId('customer-debt')), POLL).toBe('Debe $8.00 · abonar');

    // with no connection at all: $3 more waits in the register and goes when the network is back
    await browser.context.setOffline(true);
    await page.getByTestId('customer-debt').click();
    await expect.poll(textOf(page.getByTestId('account-owes')), POLL).toMatch(/^Debe \$8\.00 desde el /);
    await abonoKeptOnTheRegister('3');
    await browser.context.setOffline(false);
    await expect.poll(textOf(page.getByTestId('customer-debt')), POLL).toBe('Debe $5.00 · abonar');
    const abonos = await server.database.db
      .selectFrom('account_movements')
      .select('amount')
      .orderBy('created_at')
      .execute();
    expect(abonos.map((a) => a.amount)).toEqual(['10.00', '3.00']);

    // offline again, $50 against a debt of $5: queued, then refused when sent; the money is in
    // the drawer, so the refusal goes to the manager's list (Ventas en conflicto), and the corte
    // does not expect it
    await browser.context.setOffline(true);
    await page.getByTestId('customer-debt').click();
    await abonoKeptOnTheRegister('50');
    await browser.context.setOffline(false);
    await expect
      .poll(() => queueStatuses(page, tenantId, 'account_payment'), { ...POLL, timeout: 20_000 })
      .toEqual(['sent', 'sent', 'reported']);
    const refused = await server.database.db
      .selectFrom('sale_conflicts')
      .select(['kind', 'error_code', 'total', 'status'])
      .execute();
    expect(refused).toEqual([
      {
        kind: 'account_payment',
        error_code: 'ACCOUNT_PAYMENT_EXCEEDS_BALANCE',
        total: '50.00',
        status: 'open',
      },
    ]);
    await expect.poll(textOf(page.getByTestId('customer-debt')), POLL).toBe('Debe $5.00 · abonar');

    // corte X: the drawer expects the float and the $13 received, each once; the sale is on account
    await page.keyboard.press('F10');
    await page.keyboard.press('Alt+2');
    await expect.poll(textOf(page.getByTestId('expected-cash')), POLL).toBe('$113.00');
    const report = page.getByTestId('corte-x');
    expect(await textOf(report.getByRole('row', { name: /^Efectivo/ }))()).toMatch(
      /Efectivo\s*\$0\.00\s*\$0\.00\s*\$13\.00\s*\$113\.00/,
    );
    expect(await textOf(report.getByRole('row', { name: /^A cuenta/ }))()).toMatch(/\$18\.00/);
    await page.screenshot({ path: join(SCREENSHOTS, '37-corte-con-abono.png') });
  });
});
