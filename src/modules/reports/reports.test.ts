import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createTestEnv,
  type TestBusiness,
  type TestEnv,
  testClock,
} from '../../../test/helpers/app.js';
import { givenProduct } from '../../../test/helpers/factories.js';
import type { Ctx } from '../../shared/context.js';
import { newId } from '../../shared/ids.js';
import { closeCashSession, createRegister, openCashSession } from '../cash/cash.service.js';
import { updateSku } from '../catalog/catalog.service.js';
import { createCount, postCount, receiveStock, recordCountLines } from '../inventory/inventory.service.js';
import { createOrder } from '../orders/orders.service.js';
import { recordReturn } from '../returns/returns.service.js';
import { recordSale } from '../sales/sales.service.js';

// A small shop in Mexico City (UTC-6 in November): two days of counter sales at three hours,
// one WhatsApp order, two returns, one corte Z five pesos short and one cycle count.
let env: TestEnv;
let biz: TestBusiness;
let registerId: string;
let sessionId: string;
const sku = { a: '', b: '', c: '' };
const codes = { a: '', b: '', c: '' };
const saleIds: string[] = [];

const asCashier = (): Ctx => ({ ...biz.ctx, userId: biz.as.cashier.userId, role: 'cashier' });

async function sellAt(
  at: string,
  lines: { skuId: string; quantity: string }[],
  cash: string,
  ctx = asCashier(),
) {
  env.clock.set(at);
  const id = newId('sale');
  const { sale } = await recordSale(
    { ...ctx, now: env.clock.now },
    { id, registerId, lines, payments: [{ method: 'cash', amount: cash }] },
  );
  expect(sale.total).toBe(cash);
  saleIds.push(id);
  return sale;
}

const get = (url: string, who: 'owner' | 'manager' | 'cashier' = 'manager') =>
  call(env.app, biz.as[who], 'GET', `/api/v1/reports/${url}`);

beforeAll(async () => {
  // logged in "today" (the 26th) so the web sessions are valid when the reports are read
  env = await createTestEnv({ clock: testClock('2026-11-26T18:00:00.000Z') });
  biz = await env.givenBusiness();
  env.clock.set('2026-11-20T15:00:00.000Z');
  const products = await Promise.all([
    givenProduct(biz.ctx, { name: 'Agua 1 L', sku: 'AGUA-1L', price: '18.00' }),
    givenProduct(biz.ctx, { name: 'Bolillo', sku: 'BOLILLO', price: '25.50' }),
    givenProduct(biz.ctx, { name: 'Cerillos', sku: 'CERILLOS', price: '5.00' }),
  ]);
  [sku.a, sku.b, sku.c] = products.map((p) => p.skus[0]!.id) as [string, string, string];
  [codes.a, codes.b, codes.c] = products.map((p) => p.skus[0]!.sku) as [string, string, string];
  await updateSku(biz.ctx, sku.a, { cost: '10.00' });
  await updateSku(biz.ctx, sku.b, { cost: '15.00' });
  await updateSku(biz.ctx, sku.c, { cost: '5.00' });
  await receiveStock(biz.ctx, {
    locationId: biz.storeId,
    lines: [
      { skuId: sku.a, quantity: '20' },
      { skuId: sku.b, quantity: '10' },
      { skuId: sku.c, quantity: '10' },
    ],
  });
  registerId = (await createRegister(biz.ctx, { locationId: biz.storeId, name: 'Caja 1' })).id;
  env.clock.set('2026-11-23T15:00:00.000Z');
  sessionId = (await openCashSession(asCashier(), { registerId, openingFloat: '500.00' })).id;

  // 23/11: 10:15, 10:40 (the manager), 17:05 and 23:30 local time
  await sellAt('2026-11-23T16:15:00.000Z', [{ skuId: sku.a, quantity: '2' }], '36.00');
  await sellAt('2026-11-23T16:40:00.000Z', [{ skuId: sku.b, quantity: '1' }], '25.50', {
    ...biz.ctx,
    userId: biz.as.manager.userId,
    role: 'manager',
  });
  await sellAt(
    '2026-11-23T23:05:00.000Z',
    [
      { skuId: sku.a, quantity: '1' },
      { skuId: sku.b, quantity: '2' },
    ],
    '69.00',
  );
  await sellAt('2026-11-24T05:30:00.000Z', [{ skuId: sku.a, quantity: '1' }], '18.00');
  // 24/11: 10:05 local, a WhatsApp order at 12:00 and two returns in the afternoon
  await sellAt('2026-11-24T16:05:00.000Z', [{ skuId: sku.a, quantity: '3' }], '54.00');
  env.clock.set('2026-11-24T18:00:00.000Z');
  await createOrder(biz.ctx, {
    channel: 'whatsapp',
    locationId: biz.storeId,
    fulfilment: 'pickup',
    lines: [{ skuId: sku.a, quantity: '1' }],
  });
  env.clock.set('2026-11-24T20:00:00.000Z');
  await recordReturn(biz.ctx, {
    saleId: saleIds[2]!,
    reason: 'defectuoso',
    lines: [{ lineNo: 2, quantity: '1', disposition: 'restock' }],
    refund: { method: 'cash' },
  });
  await recordReturn(biz.ctx, {
    saleId: saleIds[0]!,
    reason: 'no_le_quedo',
    lines: [{ lineNo: 1, quantity: '1', disposition: 'write_off' }],
    refund: { method: 'card', reference: 'TPV-REF-1' },
  });
  // corte Z: 500 + 202.50 cash sales − 25.50 cash refund = 677.00 expected, 672.00 counted
  env.clock.set('2026-11-25T03:00:00.000Z');
  await closeCashSession(asCashier(), { cashSessionId: sessionId, countedCash: '672.00' });
  // 25/11: a cycle count, one of three lines off; then more stock arrives on the 26th
  env.clock.set('2026-11-25T17:00:00.000Z');
  const count = await createCount(biz.ctx, { locationId: biz.storeId, skuIds: [sku.a, sku.b, sku.c] });
  await recordCountLines(biz.ctx, {
    countId: count.id,
    lines: [
      { skuId: sku.a, countedQuantity: '13' },
      { skuId: sku.b, countedQuantity: '8' },
      { skuId: sku.c, countedQuantity: '9' },
    ],
  });
  await postCount(biz.ctx, { countId: count.id });
  env.clock.set('2026-11-26T17:00:00.000Z');
  await receiveStock(biz.ctx, { locationId: biz.storeId, lines: [{ skuId: sku.a, quantity: '100' }] });
  env.clock.set('2026-11-26T18:00:00.000Z');
});
afterAll(() => env.close());

const RANGE = 'from=2026-11-23&to=2026-11-24';

describe('sales reports', () => {
  it('adds up tickets per business day, a 23:30 sale counting on its local day', async () => {
    const res = await get(`sales-by-day?${RANGE}`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.timeZone).toBe('America/Mexico_City');
    expect(r.rows).toEqual([
      { date: '2026-11-23', count: 4, total: '148.50', averageTicket: '37.13' },
      { date: '2026-11-24', count: 2, total: '72.00', averageTicket: '36.00' },
    ]);
    expect(r.totals).toEqual({ count: 6, total: '220.50', averageTicket: '36.75' });

    const day24 = (await get('sales-by-day?from=2026-11-24&to=2026-11-24')).json();
    expect(day24.rows).toEqual([{ date: '2026-11-24', count: 2, total: '72.00', averageTicket: '36.00' }]);
  });

  it('adds up tickets per local hour of the day', async () => {
    const r = (await get(`sales-by-hour?${RANGE}`)).json();
    expect(r.rows).toHaveLength(24);
    const busy = r.rows.filter((h: { count: number }) => h.count > 0);
    expect(busy).toEqual([
      { hour: 10, count: 3, total: '115.50', averageTicket: '38.50' },
      { hour: 12, count: 1, total: '18.00', averageTicket: '18.00' },
      { hour: 17, count: 1, total: '69.00', averageTicket: '69.00' },
      { hour: 23, count: 1, total: '18.00', averageTicket: '18.00' },
    ]);
  });

  it('splits tickets and the average ticket by channel of origin', async () => {
    const r = (await get(`sales-by-channel?${RANGE}`)).json();
    expect(r.rows).toEqual([
      { channel: 'counter', count: 5, total: '202.50', averageTicket: '40.50' },
      { channel: 'whatsapp', count: 1, total: '18.00', averageTicket: '18.00' },
      { channel: 'shopify', count: 0, total: '0.00', averageTicket: '0.00' },
      { channel: 'woocommerce', count: 0, total: '0.00', averageTicket: '0.00' },
      { channel: 'storefront', count: 0, total: '0.00', averageTicket: '0.00' },
    ]);
  });

  it('splits tickets by location and counter sales by cashier', async () => {
    const loc = (await get(`sales-by-location?${RANGE}`)).json();
    expect(loc.rows).toEqual([
      { locationId: biz.warehouseId, locationName: 'Bodega', count: 0, total: '0.00', averageTicket: '0.00' },
      { locationId: biz.storeId, locationName: 'Tienda', count: 6, total: '220.50', averageTicket: '36.75' },
    ]);
    const onlyWarehouse = (await get(`sales-by-day?${RANGE}&locationId=${biz.warehouseId}`)).json();
    expect(onlyWarehouse.totals.count).toBe(0);

    const cashiers = (await get(`sales-by-cashier?${RANGE}`)).json();
    expect(cashiers.rows).toEqual([
      {
        userId: biz.as.cashier.userId,
        userName: 'cashier',
        count: 4,
        total: '177.00',
        averageTicket: '44.25',
      },
      {
        userId: biz.as.manager.userId,
        userName: 'manager',
        count: 1,
        total: '25.50',
        averageTicket: '25.50',
      },
    ]);
  });

  it('ranks best sellers and slow movers with rotation over the average on hand', async () => {
    const best = (await get(`best-sellers?${RANGE}`)).json();
    expect(best.rows.map((r: { sku: string }) => r.sku)).toEqual([codes.a, codes.b]);
    // A: 20 on hand when the 23rd began, 13 when the 24th ended (the WhatsApp unit is only held)
    expect(best.rows[0]).toMatchObject({
      name: 'Agua 1 L',
      units: '8.000',
      revenue: '144.00',
      onHand: '13.000',
      averageOnHand: '16.500',
      rotation: '0.48',
    });
    // B: 10 → 8 (3 sold, 1 back from a return)
    expect(best.rows[1]).toMatchObject({
      units: '3.000',
      revenue: '76.50',
      averageOnHand: '9.000',
      rotation: '0.33',
    });
    expect(best.totals).toEqual({ skus: 2, units: '11.000', revenue: '220.50' });

    const slow = (await get(`slow-movers?${RANGE}&limit=2`)).json();
    expect(slow.rows.map((r: { sku: string; rotation: string }) => [r.sku, r.rotation])).toEqual([
      [codes.c, '0.00'],
      [codes.b, '0.33'],
    ]);
  });

  it('values the inventory at cost as it stood at the end of the range', async () => {
    const r = (await get(`inventory-value?${RANGE}`)).json();
    // 13 × 10.00 + 8 × 15.00 + 10 × 5.00; the count of the 25th and the receipt of the 26th come later
    expect(r.rows).toEqual([
      {
        locationId: biz.warehouseId,
        locationName: 'Bodega',
        skus: 0,
        units: '0.000',
        value: '0.00',
        skusWithoutCost: 0,
      },
      {
        locationId: biz.storeId,
        locationName: 'Tienda',
        skus: 3,
        units: '31.000',
        value: '300.00',
        skusWithoutCost: 0,
      },
    ]);
    const later = (await get('inventory-value?from=2026-11-26&to=2026-11-26')).json();
    expect(later.totals.value).toBe('1295.00');
  });

  it('reports returns by reason, cash differences and count accuracy', async () => {
    const ret = (await get(`returns-by-reason?${RANGE}`)).json();
    expect(ret.rows.filter((r: { count: number }) => r.count > 0)).toEqual([
      { reason: 'defectuoso', count: 1, units: '1.000', amount: '25.50' },
      { reason: 'no_le_quedo', count: 1, units: '1.000', amount: '18.00' },
    ]);
    expect(ret.totals).toEqual({ count: 2, units: '2.000', amount: '43.50' });

    const cash = (await get(`cash-differences?${RANGE}`)).json();
    expect(cash.rows).toHaveLength(1);
    expect(cash.rows[0]).toMatchObject({
      cashSessionId: sessionId,
      registerName: 'Caja 1',
      expectedCash: '677.00',
      countedCash: '672.00',
      difference: '-5.00',
      closedBy: 'cashier',
    });
    expect(cash.totals).toMatchObject({ sessions: 1, shortage: '-5.00', overage: '0.00' });

    const acc = (await get('inventory-accuracy?from=2026-11-23&to=2026-11-25')).json();
    expect(acc.rows).toHaveLength(1);
    expect(acc.totals).toEqual({ counts: 1, linesCounted: 3, linesExact: 2, accuracy: '66.67' });
  });
});

describe('exports and access', () => {
  it('exports CSV in UTF-8 with a BOM and Spanish headers', async () => {
    const res = await get(`sales-by-channel?${RANGE}&format=csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="ventas-por-canal_2026-11-23_2026-11-24.csv"',
    );
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe(
      [
        'Canal,Tickets,Total,Ticket promedio',
        'Mostrador,5,202.50,40.50',
        'WhatsApp,1,18.00,18.00',
        'Shopify,0,0.00,0.00',
        'WooCommerce,0,0.00,0.00',
        'Tienda en línea,0,0.00,0.00',
        '',
      ].join('\r\n'),
    );
    const returns = (await get(`returns-by-reason?${RANGE}&format=csv`)).rawPayload.toString('utf8');
    expect(returns).toContain('No le quedó,1,1.000,18.00');
  });

  it('exports XLSX with number cells', async () => {
    const res = await get(`sales-by-day?${RANGE}&format=xlsx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('Ventas por día');
    expect(ws.getRow(1).values).toEqual([undefined, 'Fecha', 'Tickets', 'Total', 'Ticket promedio']);
    expect(ws.getRow(2).values).toEqual([undefined, '23/11/2026', 4, 148.5, 37.13]);
  });

  it('is for owners and managers only, and refuses a backwards range', async () => {
    expect((await get(`sales-by-day?${RANGE}`, 'cashier')).statusCode).toBe(403);
    expect((await get(`sales-by-day?${RANGE}`, 'owner')).statusCode).toBe(200);
    const bad = await get('sales-by-day?from=2026-11-24&to=2026-11-23');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('REPORT_RANGE_INVALID');
    const malformed = await get('sales-by-day?from=2026-02-30&to=2026-03-01');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.details.issues[0].message).toBe('Esa fecha no existe en el calendario.');
  });
});
