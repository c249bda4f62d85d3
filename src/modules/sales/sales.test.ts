import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { givenProduct } from '../../../test/helpers/factories.js';
import { onHandAtStore, saleTraces } from '../../../test/helpers/shift.js';
import { newId } from '../../shared/ids.js';
import { D } from '../../shared/money.js';
import { updateSku } from '../catalog/catalog.service.js';
import { createCustomer } from '../customers/customers.service.js';
import { receiveStock } from '../inventory/inventory.service.js';
import { paymentTermsOf } from '../invoicing/payment-terms.js';

let env: TestEnv;
let biz: TestBusiness;
let registerId: string;
let sessionId: string;
let customerId: string;

async function givenStocked(price: string, qty: string, opts: { soldByWeight?: boolean } = {}) {
  const p = await givenProduct(biz.ctx, { price, soldByWeight: opts.soldByWeight });
  const skuId = p.skus[0]!.id;
  await receiveStock(biz.ctx, { locationId: biz.storeId, lines: [{ skuId, quantity: qty }] });
  return skuId;
}

const level = (skuId: string) => onHandAtStore(env, biz, skuId);

const traces = (saleId: string) => saleTraces(env, biz, saleId);

const sell = (body: unknown, who: 'cashier' | 'manager' = 'cashier') =>
  call(env.app, biz.as[who], 'POST', '/api/v1/sales', body);

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
  const reg = await call(env.app, biz.as.manager, 'POST', '/api/v1/registers', {
    locationId: biz.storeId,
    name: 'Caja 1',
  });
  expect(reg.statusCode, reg.body).toBe(201);
  registerId = reg.json().id;
  const open = await call(env.app, biz.as.cashier, 'POST', '/api/v1/cash-sessions', {
    registerId,
    openingFloat: '500.00',
  });
  expect(open.statusCode, open.body).toBe(201);
  sessionId = open.json().id;
  customerId = (await createCustomer(biz.ctx, { name: 'Doña Lupe', phone: '5512345678' })).id;
});
afterAll(() => env.close());

describe('counter sales', () => {
  it('records a split cash + card sale with change, then replays it once', async () => {
    const a = await givenStocked('18.00', '10');
    const b = await givenStocked('25.50', '10');
    const kg = await givenStocked('40.00', '5', { soldByWeight: true });
    const body = {
      id: newId('sale'),
      registerId,
      lines: [
        { skuId: a, quantity: '2' },
        { skuId: b, quantity: '1' },
        { skuId: kg, quantity: '0.750' },
      ],
      payments: [
        { method: 'card', amount: '50.00', reference: 'TPV-1234', cardType: 'debito', last4: '4242' },
        { method: 'cash', amount: '100.00' },
      ],
    };
    const res = await sell(body);
    expect(res.statusCode, res.body).toBe(201);
    const sale = res.json();
    expect(sale.total).toBe('91.50');
    expect(sale.change).toBe('58.50');
    expect(sale.subtotal).toBe('78.88');
    expect(sale.taxTotal).toBe('12.62');
    expect(sale.ticketNumber).toBe(1);
    expect(sale.invoiceCode).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    expect(sale.cashSessionId).toBe(sessionId);
    expect(sale.lines[2].quantity).toBe('0.750');
    expect(sale.lines[2].total).toBe('30.00');
    expect(sale.lines[0].taxes[0]).toEqual({
      tax: 'IVA',
      factor: 'Tasa',
      rate: '0.160000',
      base: '31.034483',
      amount: '4.965517',
    });
    expect(
      sale.payments.map((p: { method: string; amount: string; kind: string }) => [
        p.method,
        p.amount,
        p.kind,
      ]),
    ).toEqual([
      ['card', '50.00', 'payment'],
      ['cash', '100.00', 'payment'],
      ['cash', '-58.50', 'change'],
    ]);
    expect(sale.payments[0].details).toEqual({ cardType: 'debito', last4: '4242' });
    expect(await level(a)).toBe('8.000');
    expect(await level(kg)).toBe('4.250');

    const stored = await call(env.app, biz.as.cashier, 'GET', `/api/v1/sales/${sale.id}`);
    expect(stored.json()).toEqual(sale);

    const again = await sell(body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(sale);
    expect(await level(a)).toBe('8.000');
    expect(await traces(body.id)).toEqual({ sales: 1, lines: 3, ledger: 3, events: 4 });

    const reused = await sell({ ...body, lines: [{ skuId: a, quantity: '1' }] });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('SALE_ID_REUSED');
    expect(await level(a)).toBe('8.000');
  });

  it('spreads a ticket discount across lines so the parts sum exactly', async () => {
    const a = await givenStocked('10.00', '10');
    const b = await givenStocked('10.00', '10');
    const c = await givenStocked('10.00', '10');
    const res = await sell({
      id: newId('sale'),
      registerId,
      lines: [
        { skuId: a, quantity: '1' },
        { skuId: b, quantity: '1' },
        { skuId: c, quantity: '1', discount: '0.50' },
      ],
      discount: '1.00',
      payments: [{ method: 'cash', amount: '28.50' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const s = res.json();
    expect(s.total).toBe('28.50');
    expect(s.discountTotal).toBe('1.50');
    expect(s.lines.map((l: { total: string }) => l.total)).toEqual(['9.66', '9.66', '9.18']);
    expect(s.change).toBe('0.00');
    expect(s.payments).toHaveLength(1);
  });

  it('takes CoDi, DiMo and a cheque with their references; the invoice reads them as transfer and cheque', async () => {
    const a = await givenStocked('100.00', '10');
    const before = (
      await call(env.app, biz.as.cashier, 'GET', `/api/v1/cash-sessions/${sessionId}/corte-x`)
    ).json();
    const expectedOf = (r: { byMethod: { method: string; expected: string }[] }, m: string) =>
      r.byMethod.find((x) => x.method === m)?.expected ?? '0.00';
    const res = await sell({
      id: newId('sale'),
      registerId,
      lines: [{ skuId: a, quantity: '3' }],
      payments: [
        { method: 'codi', amount: '120.00', reference: 'CODI7781234' },
        { method: 'dimo', amount: '80.00', reference: 'MBAN01002612060001' },
        { method: 'cheque', amount: '100.00', reference: '0004512', bank: 'BBVA' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const s = res.json();
    expect(
      s.payments.map((p: { method: string; reference: string; details: object }) => [
        p.method,
        p.reference,
        p.details,
      ]),
    ).toEqual([
      ['codi', 'CODI7781234', {}],
      ['dimo', 'MBAN01002612060001', {}],
      ['cheque', '0004512', { bank: 'BBVA' }],
    ]);
    expect(s.change).toBe('0.00');
    // The largest tender settles the forma de pago: here CoDi and DiMo together (03) over the cheque (02).
    expect(paymentTermsOf([s])).toEqual({ formaPago: '03', metodoPago: 'PUE' });
    expect(paymentTermsOf([{ payments: [s.payments[2]] }])).toEqual({ formaPago: '02', metodoPago: 'PUE' });
    const after = (
      await call(env.app, biz.as.cashier, 'GET', `/api/v1/cash-sessions/${sessionId}/corte-x`)
    ).json();
    for (const [m, amount] of [
      ['codi', '120.00'],
      ['dimo', '80.00'],
      ['cheque', '100.00'],
    ] as const)
      expect(new D(expectedOf(after, m)).minus(expectedOf(before, m)).toFixed(2)).toBe(amount);
    expect(expectedOf(after, 'cash')).toBe(expectedOf(before, 'cash'));
  });

  it('lets a manager override a price but not a cashier', async () => {
    const a = await givenStocked('18.00', '10');
    const line = { skuId: a, quantity: '1', unitPrice: '15.00' };
    const id = newId('sale');
    const denied = await sell({
      id,
      registerId,
      lines: [line],
      payments: [{ method: 'cash', amount: '15.00' }],
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('PRICE_OVERRIDE_FORBIDDEN');
    expect(await traces(id)).toEqual({ sales: 0, lines: 0, ledger: 0, events: 0 });
    const ok = await sell(
      { id: newId('sale'), registerId, lines: [line], payments: [{ method: 'cash', amount: '15.00' }] },
      'manager',
    );
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().lines[0].priceOverridden).toBe(true);
  });

  it('prices with the new price after a price change (cached SKU, version checked in the database)', async () => {
    const a = await givenStocked('18.00', '10');
    const first = await sell({
      id: newId('sale'),
      registerId,
      lines: [{ skuId: a, quantity: '1' }],
      payments: [{ method: 'cash', amount: '20.00' }],
    });
    expect(first.json().total).toBe('18.00');
    await updateSku(biz.ctx, a, { price: '19.00' });
    const second = await sell({
      id: newId('sale'),
      registerId,
      lines: [{ skuId: a, quantity: '1' }],
      payments: [{ method: 'cash', amount: '20.00' }],
    });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().total).toBe('19.00');
    expect(second.json().change).toBe('1.00');
  });

  describe('refuses bad input and leaves nothing behind', async () => {
    const cases: [string, (sku: string) => Record<string, unknown>, number, string][] = [
      [
        'money as a JSON number',
        (s) => ({ lines: [{ skuId: s, quantity: '1' }], payments: [{ method: 'cash', amount: 100 }] }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'money with three decimals',
        (s) => ({ lines: [{ skuId: s, quantity: '1' }], payments: [{ method: 'cash', amount: '100.001' }] }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a quantity as a JSON number',
        (s) => ({ lines: [{ skuId: s, quantity: 1 }], payments: [{ method: 'cash', amount: '100.00' }] }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a zero quantity',
        (s) => ({ lines: [{ skuId: s, quantity: '0' }], payments: [{ method: 'cash', amount: '100.00' }] }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a negative quantity',
        (s) => ({ lines: [{ skuId: s, quantity: '-1' }], payments: [{ method: 'cash', amount: '100.00' }] }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a fractional quantity of a unit product',
        (s) => ({ lines: [{ skuId: s, quantity: '1.5' }], payments: [{ method: 'cash', amount: '100.00' }] }),
        422,
        'QUANTITY_NOT_INTEGER',
      ],
      [
        'an unknown SKU',
        () => ({
          lines: [{ skuId: 'sku_01JZZZZZZZZZZZZZZZZZZZZZZZ', quantity: '1' }],
          payments: [{ method: 'cash', amount: '100.00' }],
        }),
        404,
        'SKU_NOT_FOUND',
      ],
      [
        'payments that do not cover the total',
        (s) => ({
          lines: [{ skuId: s, quantity: '2' }],
          payments: [
            { method: 'cash', amount: '10.00' },
            { method: 'card', amount: '10.00', reference: 'R1' },
          ],
        }),
        422,
        'PAYMENTS_DO_NOT_COVER_TOTAL',
      ],
      [
        'change larger than the cash given',
        (s) => ({
          lines: [{ skuId: s, quantity: '1' }],
          payments: [
            { method: 'card', amount: '18.00', reference: 'R1' },
            { method: 'cash', amount: '5.00' },
          ],
          change: '6.00',
        }),
        422,
        'CHANGE_EXCEEDS_CASH',
      ],
      [
        'a card paying more than the total',
        (s) => ({
          lines: [{ skuId: s, quantity: '1' }],
          payments: [{ method: 'card', amount: '20.00', reference: 'R1' }],
        }),
        422,
        'NON_CASH_OVERPAYMENT',
      ],
      [
        'a card payment without reference',
        (s) => ({ lines: [{ skuId: s, quantity: '1' }], payments: [{ method: 'card', amount: '18.00' }] }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a CoDi payment without its clave de rastreo',
        (s) => ({ lines: [{ skuId: s, quantity: '1' }], payments: [{ method: 'codi', amount: '18.00' }] }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a tender the counter does not take',
        (s) => ({
          lines: [{ skuId: s, quantity: '1' }],
          payments: [{ method: 'bitcoin', amount: '18.00', reference: 'x' }],
        }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'store credit without a customer',
        (s) => ({
          lines: [{ skuId: s, quantity: '1' }],
          payments: [{ method: 'store_credit', amount: '18.00' }],
        }),
        422,
        'CUSTOMER_REQUIRED',
      ],
      [
        'more than the stock',
        (s) => ({ lines: [{ skuId: s, quantity: '6' }], payments: [{ method: 'cash', amount: '200.00' }] }),
        409,
        'STOCK_INSUFFICIENT',
      ],
      [
        'store credit beyond the balance',
        (s) => ({
          customerId,
          lines: [{ skuId: s, quantity: '1' }],
          payments: [{ method: 'store_credit', amount: '18.00' }],
        }),
        409,
        'STORE_CREDIT_INSUFFICIENT',
      ],
    ];
    for (const [name, build, status, code] of cases) {
      it(`refuses ${name} with ${code}`, async () => {
        const sku = await givenStocked('18.00', '5');
        const id = newId('sale');
        const res = await sell({ id, registerId, ...build(sku) });
        expect(res.statusCode, res.body).toBe(status);
        expect(res.json().error.code).toBe(code);
        expect(await level(sku)).toBe('5.000');
        expect(await traces(id)).toEqual({ sales: 0, lines: 0, ledger: 0, events: 0 });
      });
    }
  });

  it('records the same sale sent twice at the same moment once, taking the stock once', async () => {
    const a = await givenStocked('18.00', '3');
    const body = {
      id: newId('sale'),
      registerId,
      lines: [{ skuId: a, quantity: '1' }],
      payments: [{ method: 'cash', amount: '20.00' }],
    };
    const results = await Promise.all([sell(body), sell(body), sell(body)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 201]);
    expect(new Set(results.map((r) => r.json().ticketNumber)).size).toBe(1);
    expect(await level(a)).toBe('2.000');
    expect(await traces(body.id)).toMatchObject({ sales: 1, lines: 1, ledger: 1 });
  });

  it('uses no ticket number for a sale refused for stock', async () => {
    const a = await givenStocked('18.00', '1');
    const ok = (q: string) => ({
      id: newId('sale'),
      registerId,
      lines: [{ skuId: a, quantity: q }],
      payments: [{ method: 'cash', amount: '100.00' }],
    });
    const first = await sell(ok('1'));
    expect(first.statusCode, first.body).toBe(201);
    const refused = await sell(ok('1'));
    expect(refused.json().error.code).toBe('STOCK_INSUFFICIENT');
    const b = await givenStocked('18.00', '1');
    const next = await sell({ ...ok('1'), lines: [{ skuId: b, quantity: '1' }] });
    expect(next.statusCode, next.body).toBe(201);
    expect(next.json().ticketNumber).toBe(first.json().ticketNumber + 1);
  });

  it('sells the last unit once when several checkouts race for it', async () => {
    const a = await givenStocked('18.00', '1');
    const ids = Array.from({ length: 6 }, () => newId('sale'));
    const results = await Promise.all(
      ids.map((id) =>
        sell({
          id,
          registerId,
          lines: [{ skuId: a, quantity: '1' }],
          payments: [{ method: 'cash', amount: '20.00' }],
        }),
      ),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 409, 409, 409, 409, 409]);
    expect(
      results.filter((r) => r.statusCode === 409).every((r) => r.json().error.code === 'STOCK_INSUFFICIENT'),
    ).toBe(true);
    expect(await level(a)).toBe('0.000');
    const ledger = await env.db.db
      .selectFrom('stock_movements')
      .select((eb) => eb.fn.sum<string>('quantity').as('q'))
      .where('sku_id', '=', a)
      .where('reason', '=', 'sale')
      .executeTakeFirstOrThrow();
    expect(ledger.q).toMatch(/^-1(\.0+)?$/);
  });

  it('lists sales by ticket number and by register, and parks and resumes a ticket once', async () => {
    const byTicket = await call(
      env.app,
      biz.as.cashier,
      'GET',
      `/api/v1/sales?ticketNumber=1&locationId=${biz.storeId}`,
    );
    expect(byTicket.statusCode, byTicket.body).toBe(200);
    expect(byTicket.json().items).toHaveLength(1);
    const page1 = await call(
      env.app,
      biz.as.cashier,
      'GET',
      `/api/v1/sales?registerId=${registerId}&limit=2`,
    );
    expect(page1.json().items).toHaveLength(2);
    const page2 = await call(
      env.app,
      biz.as.cashier,
      'GET',
      `/api/v1/sales?registerId=${registerId}&limit=2&cursor=${page1.json().nextCursor}`,
    );
    expect(page2.json().items[0].id < page1.json().items[1].id).toBe(true);
    // A cursor this API did not issue is refused, not read as some other position.
    for (const bad of ['garbage', 'Zm9v', `${page1.json().nextCursor}%21`]) {
      const r = await call(env.app, biz.as.cashier, 'GET', `/api/v1/sales?limit=2&cursor=${bad}`);
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().error.code).toBe('CURSOR_INVALID');
    }
    const today = await call(env.app, biz.as.cashier, 'GET', '/api/v1/sales?from=2026-11-23&to=2026-11-23');
    expect(today.json().items.length).toBeGreaterThan(2);
    const yesterday = await call(
      env.app,
      biz.as.cashier,
      'GET',
      '/api/v1/sales?from=2026-11-22&to=2026-11-22',
    );
    expect(yesterday.json().items).toHaveLength(0);

    const park = await call(env.app, biz.as.cashier, 'POST', '/api/v1/parked-tickets', {
      locationId: biz.storeId,
      registerId,
      label: 'Señora del rebozo',
      cart: { lines: [{ skuId: 'x', quantity: '2' }] },
    });
    expect(park.statusCode, park.body).toBe(201);
    const list = await call(
      env.app,
      biz.as.cashier,
      'GET',
      `/api/v1/parked-tickets?locationId=${biz.storeId}`,
    );
    expect(list.json().items.map((t: { id: string }) => t.id)).toEqual([park.json().id]);
    const resume = await call(
      env.app,
      biz.as.cashier,
      'POST',
      `/api/v1/parked-tickets/${park.json().id}/resume`,
    );
    expect(resume.json().cart).toEqual({ lines: [{ skuId: 'x', quantity: '2' }] });
    const twice = await call(
      env.app,
      biz.as.cashier,
      'POST',
      `/api/v1/parked-tickets/${park.json().id}/resume`,
    );
    expect(twice.statusCode).toBe(404);
    expect(twice.json().error.code).toBe('PARKED_TICKET_NOT_FOUND');
  });
});
