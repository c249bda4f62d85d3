import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildApp } from '../../src/app.js';
import { type Database, openDatabase } from '../../src/db/database.js';
import { createRegister } from '../../src/modules/cash/cash.service.js';
import type { Product } from '../../src/modules/catalog/catalog.service.js';
import { createBusiness, createUser } from '../../src/modules/identity/identity.service.js';
import { receiveStock } from '../../src/modules/inventory/inventory.service.js';
import { type Ctx, systemCtx } from '../../src/shared/context.js';
import { registerWebApp } from '../../src/web/web.plugin.js';
import { migratedPgliteDump } from '../helpers/db.js';
import { givenProduct } from '../helpers/factories.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REPO = resolve(import.meta.dirname, '../..');
export const PASSWORD = 'contraseña-segura-1';

/** Builds web/dist if it is missing or older than its sources (fast when up to date). */
export function ensureWebBuilt(): void {
  execFileSync(process.execPath, [join(REPO, 'web/build-if-stale.mjs'), '--strict'], { stdio: 'inherit' });
}

export interface SeededProduct {
  skuId: string;
  sku: string;
  barcode: string;
  name: string;
  price: string;
}

export interface E2eBusiness {
  tenantId: string;
  storeId: string;
  warehouseId: string;
  registerId: string;
  ctx: Ctx;
  cashier: { email: string; password: string };
  owner: { email: string; password: string };
  products: Record<'coca' | 'sabritas' | 'gansito' | 'maseca' | 'jitomate', SeededProduct>;
}

export interface E2eServer {
  url: string;
  app: FastifyInstance;
  database: Database;
  biz: E2eBusiness;
  close(): Promise<void>;
}

function seeded(p: Product): SeededProduct {
  const s = p.skus[0]!;
  return { skuId: s.id, sku: s.sku, barcode: s.barcodes[0]!, name: p.name, price: s.price };
}

/**
 * A real server on a random port: a fresh in-memory PGlite database, the API and the built web
 * app, with a small business (store + warehouse, owner + cashier, five products with stock, one
 * register). Nothing from the demo seed.
 */
export async function startE2eServer(): Promise<E2eServer> {
  const database = await openDatabase({ loadDataDir: await migratedPgliteDump() });
  const app = await buildApp({ database, extensions: [(a) => registerWebApp(a)] });
  const tag = Date.now().toString(36);
  const b = await createBusiness(database.db, {
    name: 'Abarrotes La Prueba',
    legalName: 'Abarrotes La Prueba SA de CV',
    rfc: 'EKU9003173C9',
    regimenFiscal: '601',
    locations: [
      { name: 'Tienda Centro', kind: 'store', postalCode: '06600' },
      { name: 'Bodega', kind: 'warehouse', postalCode: '06600' },
    ],
    owner: { email: `duena-${tag}@example.mx`, name: 'Doña Rosa', password: PASSWORD },
  });
  const [storeId, warehouseId] = b.locationIds as [string, string];
  const ctx: Ctx = { ...systemCtx(database.db, b.tenantId), userId: b.ownerId, role: 'owner' };
  const cashierEmail = `cajero-${tag}@example.mx`;
  await createUser(ctx, { email: cashierEmail, name: 'Luis Cajero', role: 'cashier', password: PASSWORD });
  const products = {
    coca: seeded(
      await givenProduct(ctx, {
        name: 'Coca-Cola 600 ml',
        price: '18.00',
        iva: 'iva16',
        ieps: { type: 'quota', value: '1.6451' },
      }),
    ),
    sabritas: seeded(
      await givenProduct(ctx, {
        name: 'Sabritas Original 45 g',
        price: '21.50',
        iva: 'iva16',
        ieps: { type: 'rate', value: '0.080000' },
      }),
    ),
    gansito: seeded(await givenProduct(ctx, { name: 'Gansito Marinela', price: '16.00', iva: 'iva16' })),
    maseca: seeded(await givenProduct(ctx, { name: 'Harina Maseca 1 kg', price: '24.90', iva: 'iva0' })),
    jitomate: seeded(
      await givenProduct(ctx, { name: 'Jitomate saladet', price: '32.90', iva: 'iva0', soldByWeight: true }),
    ),
  };
  await receiveStock(ctx, {
    locationId: storeId,
    lines: Object.values(products).map((p) => ({ skuId: p.skuId, quantity: '50' })),
  });
  const register = await createRegister(ctx, { locationId: storeId, name: 'Caja 1' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    database,
    biz: {
      tenantId: b.tenantId,
      storeId,
      warehouseId,
      registerId: register.id,
      ctx,
      cashier: { email: cashierEmail, password: PASSWORD },
      owner: { email: `duena-${tag}@example.mx`, password: PASSWORD },
      products,
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export interface E2eBrowser {
  context: BrowserContext;
  page: Page;
  /** What the browser refused under the server's Content-Security-Policy; close() fails on any. */
  cspViolations: string[];
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile; never a downloaded browser. */
export async function launchBrowser(opts: { width?: number; height?: number } = {}): Promise<E2eBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'mostrador-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: opts.width ?? 1366, height: opts.height ?? 768 },
    locale: 'es-MX',
    timezoneId: 'America/Mexico_City',
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const cspViolations: string[] = [];
  context.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text()))
      cspViolations.push(`${m.page()?.url() ?? ''}: ${m.text()}`);
  });
  return {
    context,
    page,
    cspViolations,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      if (cspViolations.length > 0)
        throw new Error(`the pages broke the content security policy:\n${cspViolations.join('\n')}`);
    },
  };
}

/** Signs in through the login form. */
export async function login(
  page: Page,
  url: string,
  who: { email: string; password: string },
): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('Correo').fill(who.email);
  await page.getByLabel('Contraseña').fill(who.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
}

/** Picks the register and opens the cash session with `float`. */
export async function openShift(page: Page, float: string): Promise<void> {
  await page.getByRole('listitem').filter({ hasText: 'Caja 1' }).click();
  const input = page.getByLabel(/Fondo de caja/);
  await input.fill(float);
  await page.getByRole('button', { name: 'Abrir caja' }).click();
  await page.getByTestId('session-info').waitFor();
}

/** What a barcode scanner does: digits, then Enter, into the focused field. */
export async function scan(page: Page, code: string): Promise<void> {
  const input = page.getByTestId('scan-input');
  await input.focus();
  await page.keyboard.type(code, { delay: 0 });
  await page.keyboard.press('Enter');
}

export const SCREENSHOTS = join(REPO, 'docs/screenshots');

/** For `expect.poll`: the trimmed text of a locator, waiting for it to exist. */
export function textOf(loc: Locator): () => Promise<string> {
  return async () => ((await loc.textContent({ timeout: 5000 })) ?? '').trim();
}

export const POLL = { timeout: 10_000, interval: 100 };

/**
 * The next request to `url` reaches the server, but its answer never reaches the page (the
 * connection resets on the way back): what a dropped Wi-Fi does to a cashier's click.
 */
export async function loseNextAnswer(page: Page, url: string): Promise<void> {
  await page.route(
    url,
    async (route) => {
      await route.fetch();
      await route.abort('connectionreset');
    },
    { times: 1 },
  );
}

/** How many pixels the back office's main area scrolls sideways (0 when everything fits). */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const main = document.querySelector('.bo-main')!;
    return main.scrollWidth - main.clientWidth;
  });
}

export interface QueuedRow {
  id: string;
  kind: string;
  status: string;
  body: Record<string, unknown>;
  conflictId: string | null;
  /** where it is POSTed (absent: /sales) */
  path: string | null;
  /** when the terminal made it (its clock) */
  createdAt: string;
}

/** The terminal's browser database as it stands (what survives a reload): its queue and catalog size. */
export async function browserQueue(
  page: Page,
  tenantId: string,
): Promise<{ outbox: QueuedRow[]; skuCount: number; saleIds: string[] }> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((ok, ko) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => ok(r.result);
      r.onerror = () => ko(r.error);
    });
    const all = <T>(store: string) =>
      new Promise<T[]>((ok, ko) => {
        const r = db.transaction(store).objectStore(store).getAll();
        r.onsuccess = () => ok(r.result as T[]);
        r.onerror = () => ko(r.error);
      });
    const outbox = await all<{
      id: string;
      kind?: string;
      status: string;
      body: Record<string, unknown>;
      conflictId?: string | null;
      path?: string;
      createdAt: string;
    }>('outbox');
    const skus = await all<{ id: string }>('skus');
    const sales = db.objectStoreNames.contains('sales') ? await all<{ id: string }>('sales') : [];
    db.close();
    return {
      outbox: outbox.map((o) => ({
        id: o.id,
        kind: o.kind ?? 'sale',
        status: o.status,
        body: o.body,
        conflictId: o.conflictId ?? null,
        path: o.path ?? null,
        createdAt: o.createdAt,
      })),
      skuCount: skus.length,
      saleIds: sales.map((x) => x.id),
    };
  }, `mostrador-${tenantId}`);
}

/** The statuses of the till's queued rows of one kind, oldest first (`sent`, `reported`…). */
export async function queueStatuses(page: Page, tenantId: string, kind: string): Promise<string[]> {
  return (await browserQueue(page, tenantId)).outbox.filter((o) => o.kind === kind).map((o) => o.status);
}

/** Once the ticket shows `total`: F2, Enter (adds the exact cash), F2, then Enter for the next sale. */
export async function chargeExactCash(page: Page, total: string): Promise<void> {
  await expect.poll(textOf(page.getByTestId('total')), POLL).toBe(total);
  await page.keyboard.press('F2');
  await page.getByLabel('Importe').press('Enter');
  await page.keyboard.press('F2');
  await page.getByTestId('receipt-status').waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('receipt').waitFor({ state: 'detached' });
}

/** On-hand units of a SKU at the store, as the server's ledger left them. */
export async function storeStock(server: E2eServer, skuId: string): Promise<string> {
  const row = await server.database.db
    .selectFrom('stock_levels')
    .select('on_hand')
    .where('sku_id', '=', skuId)
    .where('location_id', '=', server.biz.storeId)
    .executeTakeFirstOrThrow();
  return String(row.on_hand);
}
