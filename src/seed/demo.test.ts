import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../test/helpers/db.js';
import { listReceivables } from '../modules/accounts/accounts.service.js';
import { isValidBarcode } from '../modules/catalog/barcode.js';
import {
  checkLedger,
  getStockLevels,
  listLots,
  listLowStock,
} from '../modules/inventory/inventory.service.js';
import { systemCtx } from '../shared/context.js';
import { D } from '../shared/money.js';
import { DEMO_PRODUCTS, drinkQuota } from './demo-catalog.js';
import { demoBarcode, seedDemo } from './demo.js';

let db: TestDatabase;
const now = new Date('2026-11-23T18:00:00.000Z');

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(() => db.drop());

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of [
    'tenants',
    'users',
    'locations',
    'products',
    'skus',
    'barcodes',
    'stock_movements',
    'sales',
    'cash_sessions',
  ]) {
    const r = await db.db
      .selectFrom(t as 'tenants')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = Number(r.n);
  }
  return out;
}

describe('demo data', () => {
  it('expresses the sugary-drink IEPS quota per container', () => {
    expect(drinkQuota(600)).toBe('0.987060');
    expect(drinkQuota(355)).toBe('0.584011');
    expect(drinkQuota(2000)).toBe('3.290200');
    expect(isValidBarcode(demoBarcode(1))).toBe(true);
  });

  it('loads Abarrotes La Esperanza with products, stock in both locations, lots and past sales, once', async () => {
    // Fewer days of sales than the real demo keep this test short; the catalog and stock are whole.
    const r = await seedDemo(db, { now, days: 2, salesPerDay: 6 });
    expect(r).toMatchObject({
      created: true,
      ownerEmail: 'duena@laesperanza.mx',
      ownerPassword: 'Esperanza2026!',
      cashierEmail: 'cajero@laesperanza.mx',
      cashierPassword: 'Cajero2026!',
    });
    const c = await counts();
    expect(c.products).toBe(DEMO_PRODUCTS.length);
    expect(c.products).toBeGreaterThanOrEqual(180);
    expect(c.skus).toBe(DEMO_PRODUCTS.length + 5); // the T-shirt has 6 variants
    expect(c.locations).toBe(2);
    expect(c.users).toBe(2);
    expect(c.sales).toBe(r.sales);
    expect(c.sales).toBeGreaterThanOrEqual(16);
    expect(c.cash_sessions).toBe(2);

    const ctx = systemCtx(db.db, r.tenantId, now);
    const tenant = await db.db
      .selectFrom('tenants')
      .selectAll()
      .where('id', '=', r.tenantId)
      .executeTakeFirstOrThrow();
    expect(tenant).toMatchObject({
      name: 'Abarrotes La Esperanza',
      rfc: 'EKU9003173C9',
      regimen_fiscal: '601',
    });
    const coca = await db.db
      .selectFrom('products as p')
      .innerJoin('skus as s', (j) =>
        j.onRef('s.product_id', '=', 'p.id').onRef('s.tenant_id', '=', 'p.tenant_id'),
      )
      .select(['p.ieps_type', 'p.ieps_value', 'p.iva', 's.price', 's.id'])
      .where('p.name', '=', 'Coca-Cola 600 ml')
      .executeTakeFirstOrThrow();
    expect(coca).toMatchObject({ ieps_type: 'quota', ieps_value: '0.987060', iva: 'iva16', price: '18.00' });
    const levels = await getStockLevels(ctx, { skuIds: [coca.id] });
    expect(levels).toHaveLength(2);
    const lots = await listLots(ctx, {});
    expect(lots.length).toBeGreaterThanOrEqual(14);
    expect(lots.every((l) => l.expiresOn !== null)).toBe(true);
    const codes = await db.db.selectFrom('barcodes').select('code').execute();
    expect(codes.every((b) => isValidBarcode(b.code) && b.code.startsWith('750'))).toBe(true);
    expect(await checkLedger(db.db)).toEqual([]);
    const open = await db.db
      .selectFrom('cash_sessions')
      .select('status')
      .where('status', '=', 'open')
      .execute();
    expect(open).toHaveLength(0);

    // The first morning: three products to reorder in the warehouse, last night's posted count
    // with two differences, two orders waiting and holding their stock.
    const locations = await db.db.selectFrom('locations').select(['id', 'kind']).execute();
    const storeId = locations.find((l) => l.kind === 'store')!.id;
    const warehouseId = locations.find((l) => l.kind === 'warehouse')!.id;
    const low = await listLowStock(ctx, { locationId: warehouseId });
    expect(low.map((l) => l.productName).sort()).toEqual([
      'Huevo blanco San Juan 12 piezas',
      'Papel higiénico Pétalo 4 rollos',
      'Sabritas Original 45 g',
    ]);
    const counted = await db.db.selectFrom('stock_counts').selectAll().execute();
    expect(counted).toHaveLength(1);
    expect(counted[0]).toMatchObject({ status: 'posted', location_id: storeId });
    expect(counted[0]!.lines_counted! - counted[0]!.lines_exact!).toBe(2);
    expect(Number(counted[0]!.accuracy)).toBeLessThan(100);
    const orders = await db.db.selectFrom('orders').select(['status', 'channel']).orderBy('number').execute();
    expect(orders).toEqual([
      { status: 'new', channel: 'whatsapp' },
      { status: 'confirmed', channel: 'storefront' },
    ]);
    // Don Chuy bought on account twice and paid part of it back at the till; Doña Meche still
    // owes $280 of the notebook's $380 from 45 days ago
    const fiado = await listReceivables(ctx);
    expect(fiado.items.map((x) => x.name).sort()).toEqual([
      'Jesús "Don Chuy" Ramírez',
      'Mercedes "Doña Meche" Torres',
    ]);
    expect(fiado.items.find((x) => x.name.includes('Meche'))).toMatchObject({
      balance: '280.00',
      aging: { upTo30: '0.00', from31To60: '280.00', from61To90: '0.00', over90: '0.00' },
    });
    expect(new D(fiado.total).gt('280.00')).toBe(true);
    const arco = await db.db.selectFrom('privacy_requests').select(['kind', 'status']).execute();
    expect(arco).toEqual([{ kind: 'access', status: 'open' }]);
    const held = await db.db
      .selectFrom('stock_reservations')
      .select('status')
      .where('status', '=', 'active')
      .execute();
    expect(held).toHaveLength(5);

    const again = await seedDemo(db, { now });
    expect(again).toMatchObject({ created: false, tenantId: r.tenantId });
    expect(await counts()).toEqual(c);
  }, 180_000);
});
