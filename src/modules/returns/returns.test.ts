import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { givenProduct } from '../../../test/helpers/factories.js';
import { newId } from '../../shared/ids.js';
import { D } from '../../shared/money.js';
import { createCustomer } from '../customers/customers.service.js';
import { receiveStock } from '../inventory/inventory.service.js';
import { storeCreditBalance } from '../sales/sales.service.js';

let env: TestEnv;
let biz: TestBusiness;
let registerId: string;
let sessionId: string;

async function givenStocked(price: string, qty: string) {
  const p = await givenProduct(biz.ctx, { price });
  const skuId = p.skus[0]!.id;
  await receiveStock(biz.ctx, { locationId: biz.storeId, lines: [{ skuId, quantity: qty }] });
  return skuId;
}

async function level(skuId: string): Promise<string> {
  const r = await env.db.db
    .selectFrom('stock_levels')
    .select('on_hand')
    .where('sku_id', '=', skuId)
    .where('location_id', '=', biz.storeId)
    .executeTakeFirstOrThrow();
  return r.on_hand;
}

async function expectedCash(): Promise<string> {
  const x = await call(env.app, biz.as.cashier, 'GET', `/api/v1/cash-sessions/${sessionId}/corte-x`);
  return x.json().expectedCash;
}

async function sellOne(lines: { skuId: string; quantity: string }[], extra: Record<string, unknown> = {}) {
  const res = await call(env.app, biz.as.cashier, 'POST', '/api/v1/sales', {
    id: newId('sale'),
    registerId,
    lines,
    payments: [{ method: 'cash', amount: '500.00' }],
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Takes all the cash out of the drawer (a bank deposit). */
async function emptyDrawer(): Promise<void> {
  const drawer = await expectedCash();
  if (drawer === '0.00') return;
  const out = await call(env.app, biz.as.cashier, 'POST', `/api/v1/cash-sessions/${sessionId}/movements`, {
    kind: 'out',
    amount: drawer,
    reason: 'Depósito al banco',
  });
  expect(out.statusCode, out.body).toBe(201);
}

const returnIt = (body: unknown) => call(env.app, biz.as.cashier, 'POST', '/api/v1/returns', body);

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
  const reg = await call(env.app, biz.as.owner, 'POST', '/api/v1/registers', {
    locationId: biz.storeId,
    name: 'Caja',
  });
  registerId = reg.json().id;
  const open = await call(env.app, biz.as.cashier, 'POST', '/api/v1/cash-sessions', {
    registerId,
    openingFloat: '100.00',
  });
  sessionId = open.json().id;
});
afterAll(() => env.close());

describe('returns', () => {
  it('returns in two parts with cash refunds that sum to what was paid, and refuses a third', async () => {
    const a = await givenStocked('18.00', '10');
    const sale = await sellOne([{ skuId: a, quantity: '3' }], { discount: '1.00' });
    expect(sale.total).toBe('53.00');
    expect(await expectedCash()).toBe('153.00');

    const r1 = await returnIt({
      saleId: sale.id,
      reason: 'defectuoso',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'cash' },
    });
    expect(r1.statusCode, r1.body).toBe(201);
    expect(r1.json().refund).toMatchObject({ method: 'cash', amount: '17.67', cashSessionId: sessionId });
    expect(await level(a)).toBe('8.000');
    expect(await expectedCash()).toBe('135.33');

    const r2 = await returnIt({
      saleId: sale.id,
      reason: 'no_le_quedo',
      lines: [{ lineNo: 1, quantity: '2', disposition: 'write_off' }],
      refund: { method: 'cash' },
    });
    expect(r2.statusCode, r2.body).toBe(201);
    expect(r2.json().refund.amount).toBe('35.33');
    expect(r2.json().lines[0].disposition).toBe('write_off');
    expect(await level(a)).toBe('8.000');
    expect(await expectedCash()).toBe('100.00');

    const eventsBefore = await env.db.db
      .selectFrom('events')
      .select('id')
      .where('tenant_id', '=', biz.tenantId)
      .execute();
    const r3 = await returnIt({
      saleId: sale.id,
      reason: 'otro',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'cash' },
    });
    expect(r3.statusCode).toBe(409);
    expect(r3.json().error.code).toBe('RETURN_EXCEEDS_SOLD');
    expect(r3.json().error.details).toMatchObject({ sold: '3.000', returned: '3.000', requested: '1.000' });
    expect(await level(a)).toBe('8.000');
    expect(await expectedCash()).toBe('100.00');
    const returns = await call(env.app, biz.as.cashier, 'GET', `/api/v1/returns?saleId=${sale.id}`);
    expect(returns.json().items).toHaveLength(2);
    const eventsAfter = await env.db.db
      .selectFrom('events')
      .select('id')
      .where('tenant_id', '=', biz.tenantId)
      .execute();
    expect(eventsAfter.length).toBe(eventsBefore.length);
    const stored = await call(env.app, biz.as.cashier, 'GET', `/api/v1/sales/${sale.id}`);
    expect(stored.json().lines[0].returnedQuantity).toBe('3.000');
  });

  it('pages through a location’s whole sales for a till’s offline copy, returned quantities included', async () => {
    const a = await givenStocked('12.00', '20');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await sellOne([{ skuId: a, quantity: '2' }])).id);
    const back = await returnIt({
      saleId: ids[1],
      reason: 'cambio',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'cash', registerId },
    });
    expect(back.statusCode, back.body).toBe(201);
    const seen: { id: string; lines: { returnedQuantity: string }[] }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call(
        env.app,
        biz.as.cashier,
        'GET',
        `/api/v1/sales/for-return?locationId=${biz.storeId}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().items.length).toBeLessThanOrEqual(2);
      seen.push(...res.json().items);
      cursor = res.json().nextCursor;
      pages++;
    } while (cursor && pages < 100);
    const mine = seen.filter((x) => ids.includes(x.id));
    // newest first, each once, whole
    expect(mine.map((x) => x.id)).toEqual([...ids].reverse());
    expect(new Set(seen.map((x) => x.id)).size).toBe(seen.length);
    expect(mine.find((x) => x.id === ids[1])!.lines[0]!.returnedQuantity).toBe('1.000');
    const tooMany = await call(env.app, biz.as.cashier, 'GET', '/api/v1/sales/for-return?limit=201');
    expect(tooMany.statusCode).toBe(400);
  });

  it('refunds to store credit that pays a later sale, and finds the sale by phone', async () => {
    const customer = await createCustomer(biz.ctx, { name: 'Don Beto', phone: '5598765432' });
    const a = await givenStocked('40.00', '5');
    const sale = await sellOne([{ skuId: a, quantity: '2' }], { customerId: customer.id });
    const found = await call(
      env.app,
      biz.as.cashier,
      'GET',
      '/api/v1/sales/for-return?phone=%2B52%2055%209876%205432',
    );
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().items.map((s: { id: string }) => s.id)).toEqual([sale.id]);

    const r = await returnIt({
      saleId: sale.id,
      reason: 'cambio',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'store_credit' },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(await storeCreditBalance(biz.ctx, customer.id)).toBe('40.00');
    const paid = await call(env.app, biz.as.cashier, 'POST', '/api/v1/sales', {
      id: newId('sale'),
      registerId,
      customerId: customer.id,
      lines: [{ skuId: a, quantity: '1' }],
      payments: [{ method: 'store_credit', amount: '40.00' }],
    });
    expect(paid.statusCode, paid.body).toBe(201);
    expect(await storeCreditBalance(biz.ctx, customer.id)).toBe('0.00');
  });

  it('records an exchange as a return plus a linked new sale, all or nothing', async () => {
    const small = await givenStocked('150.00', '3');
    const big = await givenStocked('150.00', '1');
    const sale = await sellOne([{ skuId: small, quantity: '1' }]);
    const failing = await returnIt({
      saleId: sale.id,
      reason: 'cambio',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'cash' },
      exchange: {
        id: newId('sale'),
        registerId,
        lines: [{ skuId: big, quantity: '2' }],
        payments: [{ method: 'cash', amount: '300.00' }],
      },
    });
    expect(failing.statusCode).toBe(409);
    expect(failing.json().error.code).toBe('STOCK_INSUFFICIENT');
    expect(await level(small)).toBe('2.000');
    const none = await call(env.app, biz.as.cashier, 'GET', `/api/v1/returns?saleId=${sale.id}`);
    expect(none.json().items).toHaveLength(0);

    const ok = await returnIt({
      saleId: sale.id,
      reason: 'cambio',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'cash' },
      exchange: {
        id: newId('sale'),
        registerId,
        lines: [{ skuId: big, quantity: '1' }],
        payments: [{ method: 'cash', amount: '150.00' }],
      },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().exchangeSaleId).toBe(ok.json().exchangeSale.id);
    expect(await level(small)).toBe('3.000');
    expect(await level(big)).toBe('0.000');
  });

  it('refuses a cash refund larger than the cash in the drawer, leaving the sale, stock and drawer as they were', async () => {
    const a = await givenStocked('900.00', '2');
    const sale = await sellOne([{ skuId: a, quantity: '1' }], {
      payments: [{ method: 'card', amount: '900.00', reference: 'AUT-900' }],
    });
    await emptyDrawer(); // so it holds less than the refund
    const before = await level(a);
    const r = await returnIt({
      saleId: sale.id,
      reason: 'defectuoso',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'cash' },
    });
    expect(r.statusCode, r.body).toBe(409);
    expect(r.json().error).toMatchObject({
      code: 'CASH_REFUND_EXCEEDS_DRAWER',
      message:
        'En la caja debería haber $0.00 en efectivo: no alcanza para devolver $900.00. Devuelve a la tarjeta o como saldo a favor.',
      details: { expectedCash: '0.00', amount: '900.00' },
    });
    expect(await level(a)).toBe(before);
    expect(await expectedCash()).toBe('0.00');
    const returns = await call(env.app, biz.as.cashier, 'GET', `/api/v1/returns?saleId=${sale.id}`);
    expect(returns.json().items).toEqual([]);
    // to the card it goes through
    const card = await returnIt({
      saleId: sale.id,
      reason: 'defectuoso',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'card', reference: 'DEV-900' },
    });
    expect(card.statusCode, card.body).toBe(201);
  });

  it('lets an exchange paid in cash cover its own cash refund from an empty drawer', async () => {
    const a = await givenStocked('900.00', '1');
    const b = await givenStocked('950.00', '1');
    const sale = await sellOne([{ skuId: a, quantity: '1' }], {
      payments: [{ method: 'card', amount: '900.00', reference: 'AUT-901' }],
    });
    await emptyDrawer();
    const r = await returnIt({
      saleId: sale.id,
      reason: 'cambio',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'cash' },
      exchange: {
        id: newId('sale'),
        registerId,
        lines: [{ skuId: b, quantity: '1' }],
        payments: [{ method: 'cash', amount: '950.00' }],
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    // 900 out as the refund, 950 in for the new sale
    expect(await expectedCash()).toBe('50.00');
  });

  it('refunds a CoDi payment by transfer: the clave de rastreo is kept and the corte expects that much less by transfer', async () => {
    const a = await givenStocked('45.00', '2');
    const sale = await sellOne([{ skuId: a, quantity: '2' }], {
      payments: [{ method: 'codi', amount: '90.00', reference: 'CODI-5512' }],
    });
    const expectedOf = async (m: string) => {
      const x = await call(env.app, biz.as.cashier, 'GET', `/api/v1/cash-sessions/${sessionId}/corte-x`);
      return x.json().byMethod.find((r: { method: string }) => r.method === m)?.expected ?? '0.00';
    };
    const cashBefore = await expectedCash();
    const speiBefore = await expectedOf('spei');
    const noKey = await returnIt({
      saleId: sale.id,
      reason: 'defectuoso',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'spei', registerId },
    });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().error.code).toBe('VALIDATION_FAILED');
    const r = await returnIt({
      saleId: sale.id,
      reason: 'defectuoso',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'spei', reference: 'MBAN01002612069999', registerId },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().refund).toMatchObject({
      method: 'spei',
      amount: '45.00',
      reference: 'MBAN01002612069999',
      cashSessionId: sessionId,
    });
    expect(await expectedCash()).toBe(cashBefore);
    expect(await expectedOf('spei')).toBe(new D(speiBefore).minus(45).toFixed(2));
    expect(await expectedOf('codi')).not.toBe('0.00');
  });

  it('refuses a card refund without its reference', async () => {
    const a = await givenStocked('10.00', '2');
    const sale = await sellOne([{ skuId: a, quantity: '1' }]);
    const r = await returnIt({
      saleId: sale.id,
      reason: 'otro',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'card' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('VALIDATION_FAILED');
  });
});
