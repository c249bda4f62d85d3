import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createRegister, openCashSession } from '../../src/modules/cash/cash.service.js';
import {
  browserQueue,
  chargeExactCash,
  type E2eBrowser,
  type E2eServer,
  type QueuedRow,
  launchBrowser,
  login,
  POLL,
  SCREENSHOTS,
  scan,
  startE2eServer,
  storeStock,
  textOf,
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

describe('opening the drawer without a connection', () => {
  it('opens the session offline with its float, sells, survives a reload, and the server gets the opening and each sale exactly once, in order', async () => {
    const { page, context } = browser;
    const { products: p, tenantId, registerId } = server.biz;
    onTestFailed(async () => {
      await page
        .screenshot({ path: join(SCREENSHOTS, '..', '..', '.scratch', 'failed-offline-open.png') })
        .catch(() => {});
    });

    // Online once: sign in and pick the register; the app shell and the catalog are stored.
    await login(page, server.url, server.biz.cashier);
    await page.getByRole('listitem').filter({ hasText: 'Caja 1' }).click();
    await page.getByLabel(/Fondo de caja/).waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await expect.poll(async () => (await browserQueue(page, tenantId)).skuCount, POLL).toBe(5);
    await page.reload();
    await page.getByLabel(/Fondo de caja/).waitFor();
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), POLL).toBe(true);

    // The internet goes down before the shop opens: the cashier opens the drawer with $500 anyway.
    await context.setOffline(true);
    await page.getByTestId('open-offline').waitFor();
    await page.getByLabel(/Fondo de caja/).fill('500');
    await page.getByRole('button', { name: 'Abrir caja' }).click();
    await page.getByTestId('session-info').waitFor();
    expect(await textOf(page.getByTestId('session-info'))()).toContain('fondo $500.00');
    expect(await textOf(page.getByTestId('session-offline'))()).toBe(
      'Abierta sin conexión · falta enviarla al servidor',
    );

    await scan(page, p.coca.barcode);
    await chargeExactCash(page, '$18.00');
    await scan(page, p.sabritas.barcode);
    await scan(page, p.gansito.barcode);
    await chargeExactCash(page, '$37.50');
    await expect
      .poll(textOf(page.getByTestId('offline-banner')), POLL)
      .toContain('Sin conexión — 2 ventas por enviar');

    // Without the server the corte X is a provisional one made at the till (the float and what this
    // register queued); the corte Z waits for the server, and the screen says so.
    await page.keyboard.press('F10');
    await page.keyboard.press('Alt+2');
    await expect
      .poll(textOf(page.getByTestId('corte-provisional')), POLL)
      .toContain('Corte X provisional, sin conexión: el fondo de la apertura más 2 operaciones de esta caja');
    await expect.poll(textOf(page.getByTestId('expected-cash')), POLL).toBe('$555.50');
    expect(await textOf(page.getByTestId('corte-x').getByRole('row', { name: /^Efectivo/ }))()).toMatch(
      /Efectivo\s*\$55\.50\s*\$0\.00\s*\$555\.50/,
    );
    await page.keyboard.press('Alt+3');
    await expect
      .poll(textOf(page.getByTestId('corte-z-offline')), POLL)
      .toContain('Sin conexión: el corte Z se guarda en esta caja');
    await page.getByRole('button', { name: 'Cerrar (Esc)' }).click();
    await page.getByTestId('corte-z-offline').waitFor({ state: 'detached' });

    // Reloading while offline loses nothing: the opening first, then its two sales, all queued.
    await page.reload();
    await page.getByTestId('scan-input').waitFor();
    await page.getByTestId('session-offline').waitFor();
    await expect
      .poll(textOf(page.getByTestId('offline-banner')), POLL)
      .toContain('Sin conexión — 2 ventas por enviar');
    const queued = (await browserQueue(page, tenantId)).outbox.sort((a, b) =>
      a.id.slice(a.id.indexOf('_')).localeCompare(b.id.slice(b.id.indexOf('_'))),
    );
    expect(queued.map((q) => [q.kind, q.status])).toEqual([
      ['cash_session', 'pending'],
      ['sale', 'pending'],
      ['sale', 'pending'],
    ]);
    const [opening, ...sales] = queued as [QueuedRow, QueuedRow, QueuedRow];
    expect(opening.id).toMatch(/^cs_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(opening.body).toMatchObject({ id: opening.id, registerId, openingFloat: '500.00' });
    for (const s of sales) expect(s.body.cashSessionId).toBe(opening.id);
    expect(await server.database.db.selectFrom('cash_sessions').select('id').execute()).toHaveLength(0);
    expect(await server.database.db.selectFrom('sales').select('id').execute()).toHaveLength(0);

    // Back online: the queue drains by itself, the opening before its sales.
    await context.setOffline(false);
    await expect
      .poll(
        async () => (await browserQueue(page, tenantId)).outbox.filter((o) => o.status === 'sent').length,
        {
          ...POLL,
          timeout: 20_000,
        },
      )
      .toBe(3);
    await page.getByTestId('offline-banner').waitFor({ state: 'detached' });
    await page.getByTestId('session-offline').waitFor({ state: 'detached' });

    const cashier = await server.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', server.biz.cashier.email)
      .executeTakeFirstOrThrow();
    const sessions = await server.database.db
      .selectFrom('cash_sessions')
      .select(['id', 'register_id', 'status', 'opening_float', 'opened_by', 'opened_at', 'recorded_at'])
      .execute();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      id: opening.id,
      register_id: registerId,
      status: 'open',
      opening_float: '500.00',
      opened_by: cashier.id,
    });
    // opened_at is when the cashier opened the drawer (offline), not when the server heard of it.
    expect(sessions[0]!.opened_at.toISOString()).toBe(opening.body.openedAt);
    expect(sessions[0]!.recorded_at!.getTime()).toBeGreaterThan(sessions[0]!.opened_at.getTime());

    const recorded = await server.database.db
      .selectFrom('sales')
      .select(['id', 'cash_session_id', 'total'])
      .orderBy('id')
      .execute();
    expect(recorded).toEqual([
      { id: sales[0].id, cash_session_id: opening.id, total: '18.00' },
      { id: sales[1].id, cash_session_id: opening.id, total: '37.50' },
    ]);
    expect(await storeStock(server, p.coca.skuId)).toBe('49.000');
    expect(await storeStock(server, p.sabritas.skuId)).toBe('49.000');
    expect(await storeStock(server, p.gansito.skuId)).toBe('49.000');
    const movements = await server.database.db
      .selectFrom('stock_movements')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('reason', '=', 'sale')
      .executeTakeFirstOrThrow();
    expect(Number(movements.n)).toBe(3);

    // The session is the server's now: the corte X works and counts the offline sales.
    await page.keyboard.press('F10');
    await page.keyboard.press('Alt+2');
    await expect.poll(textOf(page.getByTestId('expected-cash')), POLL).toBe('$555.50');
    await page.getByRole('button', { name: 'Cerrar (Esc)' }).click();

    // Closing time, and the internet is gone again: one more Coca-Cola, then the corte Z is counted
    // here ($570 for $573.50 expected), queued behind that sale, and the drawer is free again.
    await context.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    await scan(page, p.coca.barcode);
    await chargeExactCash(page, '$18.00');
    await page.keyboard.press('F10');
    await page.keyboard.press('Alt+3');
    await page.getByTestId('corte-z-offline').waitFor();
    await page.getByLabel('Cuántos $500.00').fill('1');
    await page.getByLabel('Cuántos $50.00').fill('1');
    await page.getByLabel('Cuántos $20.00').fill('1');
    await expect.poll(textOf(page.getByTestId('counted-cash')), POLL).toBe('Efectivo contado: $570.00');
    await page.getByRole('button', { name: 'Hacer corte Z y cerrar caja' }).click();
    await expect
      .poll(textOf(page.getByTestId('corte-z-queued')), POLL)
      .toContain('Corte Z guardado en esta caja sin conexión');
    await expect.poll(textOf(page.getByTestId('expected-cash')), POLL).toBe('$573.50');
    expect(await textOf(page.getByTestId('difference'))()).toBe('-$3.50');
    await page.screenshot({ path: join(SCREENSHOTS, '53-corte-z-sin-conexion.png') });
    await page.getByRole('button', { name: 'Terminar' }).click();
    await page.getByLabel(/Fondo de caja/).waitFor();
    const close = (await browserQueue(page, tenantId)).outbox.find((o) => o.kind === 'cash_close')!;
    expect(close).toMatchObject({ status: 'pending', path: `/cash-sessions/${opening.id}/close` });

    // Back online: the sale, then the close; the server's corte says the same.
    await context.setOffline(false);
    await expect
      .poll(
        async () => (await browserQueue(page, tenantId)).outbox.filter((o) => o.status === 'sent').length,
        { ...POLL, timeout: 20_000 },
      )
      .toBe(5);
    const closed = await server.database.db
      .selectFrom('cash_sessions')
      .select(['status', 'expected_cash', 'counted_cash', 'difference', 'closed_at'])
      .where('id', '=', opening.id)
      .executeTakeFirstOrThrow();
    expect(closed).toMatchObject({
      status: 'closed',
      expected_cash: '573.50',
      counted_cash: '570.00',
      difference: '-3.50',
    });
    // closed when the cashier counted, not when the server heard of it
    expect(closed.closed_at!.toISOString()).toBe(close.body.closedAt);
  });

  it('when someone opened the register online meanwhile, the offline sales go to that session and the terminal says so', async () => {
    const { products: p, tenantId, storeId, ctx } = server.biz;
    const register = await createRegister(ctx, { locationId: storeId, name: 'Caja 2' });
    const other = await launchBrowser();
    const { page, context } = other;
    onTestFailed(async () => {
      await page
        .screenshot({ path: join(SCREENSHOTS, '..', '..', '.scratch', 'failed-offline-open-merged.png') })
        .catch(() => {});
    });
    try {
      await login(page, server.url, server.biz.cashier);
      await page.getByRole('listitem').filter({ hasText: 'Caja 2' }).click();
      await page.getByLabel(/Fondo de caja/).waitFor();
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      await expect.poll(async () => (await browserQueue(page, tenantId)).skuCount, POLL).toBe(5);
      await page.reload();
      await page.getByLabel(/Fondo de caja/).waitFor();
      await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), POLL).toBe(true);

      await context.setOffline(true);
      await page.getByTestId('open-offline').waitFor();
      await page.getByLabel(/Fondo de caja/).fill('500');
      await page.getByRole('button', { name: 'Abrir caja' }).click();
      await page.getByTestId('session-offline').waitFor();
      await scan(page, p.maseca.barcode);
      await chargeExactCash(page, '$24.90');
      const [opening, sale] = (await browserQueue(page, tenantId)).outbox.sort((a, b) =>
        a.id.slice(a.id.indexOf('_')).localeCompare(b.id.slice(b.id.indexOf('_'))),
      ) as [QueuedRow, QueuedRow];

      // Meanwhile the owner opens the same register from the back office, online, with $300.
      const open = await openCashSession(ctx, { registerId: register.id, openingFloat: '300.00' });

      await context.setOffline(false);
      await expect
        .poll(
          async () => (await browserQueue(page, tenantId)).outbox.filter((o) => o.status === 'sent').length,
          {
            ...POLL,
            timeout: 20_000,
          },
        )
        .toBe(2);
      await expect
        .poll(textOf(page.getByTestId('merged-banner')), POLL)
        .toContain('esta caja ya tenía un turno abierto en el servidor');
      expect(await textOf(page.getByTestId('merged-banner'))()).toContain('el fondo de $500.00 que contaste');
      await expect.poll(textOf(page.getByTestId('session-info')), POLL).toContain('fondo $300.00');

      const sessions = await server.database.db
        .selectFrom('cash_sessions')
        .select(['id', 'status', 'opening_float', 'merged_into'])
        .where('register_id', '=', register.id)
        .orderBy('opening_float')
        .execute();
      expect(sessions).toEqual([
        { id: open.id, status: 'open', opening_float: '300.00', merged_into: null },
        { id: opening.id, status: 'merged', opening_float: '500.00', merged_into: open.id },
      ]);
      const recorded = await server.database.db
        .selectFrom('sales')
        .select(['id', 'cash_session_id', 'total'])
        .where('register_id', '=', register.id)
        .execute();
      expect(recorded).toEqual([{ id: sale.id, cash_session_id: open.id, total: '24.90' }]);
      expect(await storeStock(server, p.maseca.skuId)).toBe('49.000');

      // The corte X of the open session counts the offline sale and lists the offline float apart.
      await page.keyboard.press('F10');
      await page.keyboard.press('Alt+2');
      await expect.poll(textOf(page.getByTestId('expected-cash')), POLL).toBe('$324.90');
      await expect
        .poll(textOf(page.getByTestId('merged-openings')), POLL)
        .toContain('Aperturas sin conexión sumadas a este turno');
      expect(await textOf(page.getByTestId('merged-openings'))()).toContain('fondo de $500.00');
    } finally {
      await other.close();
    }
  });
});
