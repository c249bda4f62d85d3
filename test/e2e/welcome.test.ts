import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { type Database, openDatabase } from '../../src/db/database.js';
import { setupToken } from '../../src/modules/identity/setup.js';
import { registerWebApp } from '../../src/web/web.plugin.js';
import { migratedPgliteDump } from '../helpers/db.js';
import { type E2eBrowser, ensureWebBuilt, launchBrowser, POLL, SCREENSHOTS, textOf } from './harness.js';

let database: Database;
let app: FastifyInstance;
let url: string;
let browser: E2eBrowser;

beforeAll(async () => {
  ensureWebBuilt();
  // an installation started with SEED_DEMO=false: migrated, no business at all
  database = await openDatabase({ loadDataDir: await migratedPgliteDump() });
  app = await buildApp({ database, extensions: [(a) => registerWebApp(a)] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await database?.close();
});

describe('a shop’s own Mostrador, without the demo', () => {
  it('says at the login that there is no business yet, and the owner creates hers from the console’s link', async () => {
    const { page } = browser;
    await page.goto(`${url}/login`);
    await expect
      .poll(textOf(page.getByTestId('setup-needed')), POLL)
      .toContain('Este Mostrador todavía no tiene negocio');

    await page.goto(`${url}/bienvenida?codigo=${setupToken()}`);
    const form = page.getByRole('form', { name: 'Bienvenida a Mostrador' });
    await form.getByLabel('Nombre de tu negocio').fill('Papelería Lupita');
    await form.getByLabel('Tu nombre').fill('Guadalupe Ortiz');
    await form.getByLabel('Correo').fill('lupita@example.mx');
    await form.getByLabel('Contraseña (8 caracteres o más)').fill('corta');
    await form.getByLabel('Código postal de la tienda (para facturar)').fill('44100');
    await form.getByLabel('Bodega (si tienes una)').fill('Bodega');
    // the browser would stop a short password first; the server's words when it gets through
    await form
      .getByLabel('Contraseña (8 caracteres o más)')
      .evaluate((el) => el.removeAttribute('minlength'));
    await form.getByRole('button', { name: 'Crear mi negocio' }).click();
    await expect
      .poll(textOf(form.getByRole('alert')), POLL)
      .toBe('La contraseña necesita 8 caracteres o más.');
    await form.getByLabel('Contraseña (8 caracteres o más)').fill('papeleria-2026');
    await page.screenshot({ path: join(SCREENSHOTS, '54-bienvenida.png') });
    await form.getByRole('button', { name: 'Crear mi negocio' }).click();

    // signed in, on her back office
    await page.waitForURL(/\/admin/);
    await expect.poll(textOf(page.locator('h1')), POLL).toBe('Hola, Guadalupe Ortiz');
    // what is left to do, each linked; the register is there already
    const steps = page.getByTestId('first-steps');
    await expect.poll(textOf(steps), POLL).toContain('Ya puedes vender en la caja.');
    // the register /bienvenida made is ticked; the rest waits
    expect(await steps.locator('li.done').count()).toBe(1);
    expect(await steps.getByRole('listitem').count()).toBe(5);
    expect(await steps.getByRole('link', { name: /Sube tu catálogo/ }).getAttribute('href')).toBe(
      '/admin/products/import',
    );
    await page.screenshot({ path: join(SCREENSHOTS, '55-primeros-pasos.png') });
    await steps.getByRole('link', { name: /Si llevas fiado en una libreta/ }).click();
    await expect.poll(textOf(page.locator('h1')), POLL).toBe('Importar clientes y saldos desde CSV');
    const tenants = await database.db.selectFrom('tenants').select('name').execute();
    expect(tenants).toEqual([{ name: 'Papelería Lupita' }]);

    // the page is closed now
    await page.goto(`${url}/bienvenida?codigo=${setupToken()}`);
    await expect
      .poll(textOf(page.getByTestId('welcome-done')), POLL)
      .toContain('Este Mostrador ya tiene un negocio');
  });
});
