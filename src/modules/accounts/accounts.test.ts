import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { auditDataOf, countTenantRows } from '../../../test/helpers/db.js';
import { givenStocked as givenStockedAt, openRegisterViaApi } from '../../../test/helpers/shift.js';
import { newId } from '../../shared/ids.js';
import { D } from '../../shared/money.js';
import { businessDate } from '../../shared/time.js';
import { createCustomer } from '../customers/customers.service.js';

let env: TestEnv;
let biz: TestBusiness;
let registerId: string;
let sessionId: string;

const givenStocked = (price: string, qty: string) => givenStockedAt(biz, price, qty);

/** A sale of `qty` pieces at `price`, all of it on the customer's account. */
async function sellOnAccount(customerId: string, price: string, qty = '1') {
  const skuId = await givenStocked(price, '10');
  const total = new D(qty).times(price).toFixed(2);
  const res = await call(env.app, biz.as.cashier, 'POST', '/api/v1/sales', {
    id: newId('sale'),
    registerId,
    customerId,
    lines: [{ skuId, quantity: qty }],
    payments: [{ method: 'on_account', amount: total }],
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const account = async (customerId: string) =>
  (await call(env.app, biz.as.cashier, 'GET', `/api/v1/customers/${customerId}/account`)).json();
const pay = (customerId: string, body: Record<string, unknown>) =>
  call(env.app, biz.as.cashier, 'POST', `/api/v1/customers/${customerId}/account/payments`, body);
const corte = async () =>
  (await call(env.app, biz.as.cashier, 'GET', `/api/v1/cash-sessions/${sessionId}/corte-x`)).json();
const count = (table: 'account_movements' | 'cash_movements' | 'events') =>
  countTenantRows(env.db, biz.tenantId, table);

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
  ({ registerId, cashSessionId: sessionId } = await openRegisterViaApi(env, biz));
});
afterAll(() => env.close());

describe('customer accounts (fiado)', () => {
  it('adds purchases on account, takes payments at the register onto the corte, and never more than owed', async () => {
    const c = await createCustomer(biz.ctx, { name: 'Don Chuy', phone: '5511110001' });
    const first = await sellOnAccount(c.id, '100.00');
    env.clock.advance(60_000);
    await sellOnAccount(c.id, '25.00', '2');
    let a = await account(c.id);
    expect(a).toMatchObject({ balance: '150.00', charged: '150.00', paid: '0.00', returned: '0.00' });
    expect(
      a.statement.map((e: { kind: string; amount: string; balanceAfter: string }) => [
        e.kind,
        e.amount,
        e.balanceAfter,
      ]),
    ).toEqual([
      ['charge', '50.00', '150.00'],
      ['charge', '100.00', '100.00'],
    ]);
    expect(a.statement[1].ticketNumber).toBe(first.ticketNumber);

    // refused: cash with no register, more than owed, a transfer without its key; nothing written
    const before = await Promise.all([count('account_movements'), count('cash_movements'), count('events')]);
    const noRegister = await pay(c.id, { amount: '50.00', method: 'cash' });
    expect(noRegister.statusCode).toBe(422);
    expect(noRegister.json().error.code).toBe('ACCOUNT_PAYMENT_REGISTER_REQUIRED');
    const tooMuch = await pay(c.id, { amount: '150.01', method: 'cash', registerId });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().error).toMatchObject({
      code: 'ACCOUNT_PAYMENT_EXCEEDS_BALANCE',
      message: 'El cliente debe $150.00: no se puede abonar $150.01.',
      details: { balance: '150.00', amount: '150.01' },
    });
    const noKey = await pay(c.id, { amount: '10.00', method: 'spei' });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().error.code).toBe('VALIDATION_FAILED');
    const asNumber = await pay(c.id, { amount: 10, method: 'cash', registerId });
    expect(asNumber.statusCode).toBe(400);
    expect(await Promise.all([count('account_movements'), count('cash_movements'), count('events')])).toEqual(
      before,
    );

    const cashBefore = (await corte()).expectedCash;
    env.clock.advance(60_000);
    const cash = await pay(c.id, { amount: '60', method: 'cash', registerId, note: 'Abonó en la quincena' });
    expect(cash.statusCode, cash.body).toBe(201);
    expect(cash.json()).toMatchObject({
      balance: '90.00',
      movement: { kind: 'payment', amount: '60.00', method: 'cash', cashSessionId: sessionId },
    });
    const x = await corte();
    expect(x.expectedCash).toBe(new D(cashBefore).plus(60).toFixed(2));
    expect(x.byMethod.find((m: { method: string }) => m.method === 'cash').collections).toBe('60.00');
    // a transfer received outside any register: the debt goes down, the drawer does not move
    env.clock.advance(60_000);
    const spei = await pay(c.id, { amount: '20.00', method: 'spei', reference: 'MBAN0100261206777' });
    expect(spei.statusCode, spei.body).toBe(201);
    expect((await corte()).expectedCash).toBe(x.expectedCash);
    a = await account(c.id);
    expect(a).toMatchObject({ balance: '70.00', paid: '80.00' });
    expect(
      a.statement
        .slice(0, 2)
        .map((e: { kind: string; method: string; balanceAfter: string }) => [
          e.kind,
          e.method,
          e.balanceAfter,
        ]),
    ).toEqual([
      ['payment', 'spei', '70.00'],
      ['payment', 'cash', '90.00'],
    ]);

    // owing nothing: a payment is refused
    expect((await pay(c.id, { amount: '70.00', method: 'cash', registerId })).statusCode).toBe(201);
    const nothing = await pay(c.id, { amount: '1.00', method: 'cash', registerId });
    expect(nothing.json().error.code).toBe('ACCOUNT_NOTHING_OWED');
  });

  it('takes a return of something bought on account off the debt, never below zero', async () => {
    const c = await createCustomer(biz.ctx, { name: 'Doña Tere', phone: '5511110002' });
    const sale = await sellOnAccount(c.id, '40.00', '3');
    const ret = (quantity: string) =>
      call(env.app, biz.as.cashier, 'POST', '/api/v1/returns', {
        saleId: sale.id,
        reason: 'defectuoso',
        lines: [{ lineNo: 1, quantity }],
        refund: { method: 'on_account' },
      });
    const r = await ret('1');
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().refund).toMatchObject({ method: 'on_account', amount: '40.00' });
    expect((await account(c.id)).balance).toBe('80.00');
    expect((await pay(c.id, { amount: '70.00', method: 'cash', registerId })).statusCode).toBe(201);
    // 10.00 owed: a 40.00 return cannot come off the account, and nothing is returned
    const over = await ret('1');
    expect(over.statusCode).toBe(422);
    expect(over.json().error.code).toBe('REFUND_EXCEEDS_ACCOUNT_BALANCE');
    const lines = await call(env.app, biz.as.cashier, 'GET', `/api/v1/sales/${sale.id}`);
    expect(lines.json().lines[0].returnedQuantity).toBe('1.000');
    const a = await account(c.id);
    expect(a).toMatchObject({ balance: '10.00', returned: '40.00', paid: '70.00' });
    // while she owes, her data is kept
    const erase = await call(env.app, biz.as.owner, 'POST', `/api/v1/customers/${c.id}/erase`, {});
    expect(erase.statusCode).toBe(409);
    expect(erase.json().error).toMatchObject({
      code: 'PRIVACY_ERASE_ACCOUNT_BALANCE',
      message:
        'El cliente debe $10.00 en su cuenta (fiado): mientras exista la deuda se conservan sus datos.',
    });
  });

  it('records a payment sent again under the terminal’s id once, and refuses the id for another payment', async () => {
    const c = await createCustomer(biz.ctx, { name: 'Doña Lupe', phone: '5511110009' });
    await sellOnAccount(c.id, '80.00');
    const id = newId('acm');
    const body = { id, amount: '30.00', method: 'cash', registerId };
    const first = await pay(c.id, body);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ movement: { id, amount: '30.00' }, balance: '50.00' });
    const d = await createCustomer(biz.ctx, { name: 'Don Beto', phone: '5511110010' });
    await sellOnAccount(d.id, '40.00');
    const before = await Promise.all([count('account_movements'), count('cash_movements'), count('events')]);
    // the answer was lost: the terminal sends it again, twice at once
    const again = await Promise.all([pay(c.id, body), pay(c.id, body)]);
    for (const r of again) {
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json()).toMatchObject({ movement: { id, amount: '30.00' }, balance: '50.00' });
    }
    // the same id for another amount, or for another customer: refused, nothing written
    const other = await pay(c.id, { ...body, amount: '20.00' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('ACCOUNT_PAYMENT_ID_REUSED');
    expect((await pay(d.id, body)).json().error.code).toBe('ACCOUNT_PAYMENT_ID_REUSED');
    expect((await pay(c.id, { ...body, id: 'acm_x' })).statusCode).toBe(400);
    expect(await Promise.all([count('account_movements'), count('cash_movements'), count('events')])).toEqual(
      before,
    );
    expect((await account(c.id)).balance).toBe('50.00');
  });

  it('lists who owes, largest first, and takes two payments of the whole debt at once only once', async () => {
    const c = await createCustomer(biz.ctx, { name: 'Taller El Güero', phone: '5511110003' });
    await sellOnAccount(c.id, '300.00');
    const list = await call(env.app, biz.as.manager, 'GET', '/api/v1/accounts/receivable');
    expect(list.statusCode).toBe(200);
    const items = list.json().items as { customerId: string; balance: string; name: string }[];
    expect(items[0]).toMatchObject({ customerId: c.id, balance: '300.00', name: 'Taller El Güero' });
    expect(items.map((i) => i.balance)).toEqual(
      [...items.map((i) => i.balance)].sort((x, y) => new D(y).cmp(x)),
    );
    expect((await call(env.app, biz.as.cashier, 'GET', '/api/v1/accounts/receivable')).statusCode).toBe(403);

    const both = await Promise.all([
      pay(c.id, { amount: '300.00', method: 'cash', registerId }),
      pay(c.id, { amount: '300.00', method: 'cash', registerId }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 422]);
    expect((await account(c.id)).balance).toBe('0.00');
    const after = await call(env.app, biz.as.manager, 'GET', '/api/v1/accounts/receivable');
    expect(after.json().items.map((i: { customerId: string }) => i.customerId)).not.toContain(c.id);
  });

  it('keeps a customer within the credit limit a manager set, also with two sales at once', async () => {
    const c = await createCustomer(biz.ctx, { name: 'Vecina Limitada', phone: '5511110004' });
    const limit = (creditLimit: string | null, who: 'manager' | 'cashier' = 'manager') =>
      call(env.app, biz.as[who], 'PUT', `/api/v1/customers/${c.id}/account/limit`, { creditLimit });
    expect((await limit('100.00', 'cashier')).statusCode).toBe(403);
    expect((await limit('-5.00')).statusCode).toBe(400);
    const set = await limit('100.00');
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ creditLimit: '100.00', balance: '0.00' });

    const skuId = await givenStocked('30.00', '20');
    const body = (qty: string, amount: string, cash?: string) => ({
      id: newId('sale'),
      registerId,
      customerId: c.id,
      lines: [{ skuId, quantity: qty }],
      payments: [{ method: 'on_account', amount }, ...(cash ? [{ method: 'cash', amount: cash }] : [])],
    });
    const sell = (b: unknown) => call(env.app, biz.as.cashier, 'POST', '/api/v1/sales', b);
    const first = body('2', '60.00');
    expect((await sell(first)).statusCode).toBe(201);
    const salesBefore = await count('events');
    const over = await sell(body('2', '60.00'));
    expect(over.statusCode).toBe(409);
    expect(over.json().error).toMatchObject({
      code: 'ACCOUNT_CREDIT_LIMIT_EXCEEDED',
      message:
        'Con esta venta el cliente debería $120.00, más que su límite de crédito de $100.00 (ya debe $60.00). Cobra una parte de otra forma o pide a un encargado que suba el límite.',
    });
    expect(await count('events')).toBe(salesBefore);
    // the rest in cash is fine; the first sale sent again is answered as recorded
    expect((await sell(body('2', '40.00', '20.00'))).statusCode).toBe(201);
    expect((await sell(first)).statusCode).toBe(200);
    expect((await account(c.id)).balance).toBe('100.00');

    // with room for one more, two sales at once: one is recorded, the other refused
    expect((await limit('130.00')).statusCode).toBe(200);
    const both = await Promise.all([sell(body('1', '30.00')), sell(body('1', '30.00'))]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect((await account(c.id)).balance).toBe('130.00');
    // without a limit, fiado is the cashier's call
    expect((await limit(null)).json().creditLimit).toBeNull();
    expect((await sell(body('1', '30.00'))).statusCode).toBe(201);
  });

  it('holds an exchange’s new sale on account to the credit limit, counting what the return credited', async () => {
    const c = await createCustomer(biz.ctx, { name: 'Vecino Cambio', phone: '5511110005' });
    const bought = await sellOnAccount(c.id, '40.00');
    expect(
      (
        await call(env.app, biz.as.manager, 'PUT', `/api/v1/customers/${c.id}/account/limit`, {
          creditLimit: '50.00',
        })
      ).statusCode,
    ).toBe(200);
    const pricier = await givenStocked('100.00', '5');
    const exchange = (onAccount: string, cash?: string) => ({
      saleId: bought.id,
      reason: 'cambio',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'on_account' },
      exchange: {
        id: newId('sale'),
        registerId,
        customerId: c.id,
        lines: [{ skuId: pricier, quantity: '1' }],
        payments: [
          { method: 'on_account', amount: onAccount },
          ...(cash ? [{ method: 'cash', amount: cash }] : []),
        ],
      },
    });
    const before = await Promise.all([count('account_movements'), count('events')]);
    // the return takes the $40 off the debt, the new sale would put $100 on it: $100 > $50
    const over = await call(env.app, biz.as.cashier, 'POST', '/api/v1/returns', exchange('100.00'));
    expect(over.statusCode, over.body).toBe(409);
    expect(over.json().error).toMatchObject({
      code: 'ACCOUNT_CREDIT_LIMIT_EXCEEDED',
      details: { limit: '50.00', balance: '0.00', amount: '100.00', total: '100.00' },
    });
    // nothing of the return stayed: no credit, no event, the debt as it was
    expect(await Promise.all([count('account_movements'), count('events')])).toEqual(before);
    expect((await account(c.id)).balance).toBe('40.00');

    // $50 on account and $50 in cash fits
    const ok = await call(env.app, biz.as.cashier, 'POST', '/api/v1/returns', exchange('50.00', '50.00'));
    expect(ok.statusCode, ok.body).toBe(201);
    expect((await account(c.id)).balance).toBe('50.00');
  });

  it('ages what each customer owes: abonos pay the oldest purchases first, the rest counts by its days', async () => {
    const c = await createCustomer(biz.ctx, { name: 'Doña Añeja', phone: '5511110019' });
    // four purchases on account, made 100, 70, 40 and 5 days ago
    const bought = async (price: string, daysAgo: number) => {
      const sale = await sellOnAccount(c.id, price);
      const at = new Date(env.clock.now.getTime() - daysAgo * 86_400_000);
      await env.db.db.updateTable('sales').set({ created_at: at }).where('id', '=', sale.id).execute();
      return at.toISOString();
    };
    const first = await bought('100.00', 100);
    const second = await bought('200.00', 70);
    await bought('50.00', 40);
    await bought('80.00', 5);
    const mine = async () => {
      const r = await call(env.app, biz.as.manager, 'GET', '/api/v1/accounts/receivable');
      expect(r.statusCode, r.body).toBe(200);
      return {
        all: r.json(),
        row: r.json().items.find((i: { customerId: string }) => i.customerId === c.id),
      };
    };
    let { row } = await mine();
    const nobody = await createCustomer(biz.ctx, { name: 'Al Corriente', phone: '5511110020' });
    expect(await account(nobody.id)).toMatchObject({
      balance: '0.00',
      oldestUnpaidAt: null,
      aging: { upTo30: '0.00', from31To60: '0.00', from61To90: '0.00', over90: '0.00' },
    });
    expect(row).toMatchObject({
      balance: '430.00',
      oldestUnpaidAt: first,
      aging: { upTo30: '80.00', from31To60: '50.00', from61To90: '200.00', over90: '100.00' },
    });
    // the customer's own account says the same
    expect(await account(c.id)).toMatchObject({ oldestUnpaidAt: row.oldestUnpaidAt, aging: row.aging });
    // $150: the purchase of 100 days ago and $50 of the one of 70
    expect((await pay(c.id, { amount: '150.00', method: 'cash', registerId })).statusCode).toBe(201);
    const after = await mine();
    row = after.row;
    expect(row).toMatchObject({
      balance: '280.00',
      oldestUnpaidAt: second,
      aging: { upTo30: '80.00', from31To60: '50.00', from61To90: '150.00', over90: '0.00' },
    });
    expect(await account(c.id)).toMatchObject({
      balance: '280.00',
      oldestUnpaidAt: second,
      aging: row.aging,
    });
    // the same list for the accountant, as CSV (Excel opens it) and as a workbook
    const csv = await call(env.app, biz.as.manager, 'GET', '/api/v1/accounts/receivable?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(
      /attachment; filename="cuentas-por-cobrar_\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const lines = csv.rawPayload.subarray(3).toString('utf8').trim().split('\r\n');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(lines[0]).toBe(
      'Cliente,Teléfono,Debe desde,Última compra a cuenta,Último abono,Hasta 30 días,De 31 a 60 días,De 61 a 90 días,Más de 90 días,Debe',
    );
    expect(lines.find((x) => x.startsWith('Doña Añeja,'))).toMatch(
      /^Doña Añeja,\+525511110019,[^,]+,[^,]+,[^,]+,80\.00,50\.00,150\.00,0\.00,280\.00$/,
    );
    const xlsx = await call(env.app, biz.as.manager, 'GET', '/api/v1/accounts/receivable?format=xlsx');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(
      (await call(env.app, biz.as.manager, 'GET', '/api/v1/accounts/receivable?format=pdf')).statusCode,
    ).toBe(400);
    // the business's totals add up every customer's, bucket by bucket
    const { total, aging, items } = after.all as {
      total: string;
      aging: Record<string, string>;
      items: { balance: string; aging: Record<string, string> }[];
    };
    expect(
      Object.values(aging)
        .reduce((s, v) => s.plus(v), new D(0))
        .toFixed(2),
    ).toBe(total);
    for (const k of Object.keys(aging))
      expect(items.reduce((s, i) => s.plus(i.aging[k]!), new D(0)).toFixed(2)).toBe(aging[k]);
    for (const i of items)
      expect(
        Object.values(i.aging)
          .reduce((s, v) => s.plus(v), new D(0))
          .toFixed(2),
      ).toBe(i.balance);
  });

  it('carries a debt from the notebook, dated when it began: aged from then, paid first by abonos, recorded by a manager only', async () => {
    const c = await createCustomer(biz.ctx, { name: 'Doña Libreta', phone: '5511110021' });
    const opening = (body: Record<string, unknown>, who: 'manager' | 'cashier' = 'manager') =>
      call(env.app, biz.as[who], 'POST', `/api/v1/customers/${c.id}/account/opening`, body);
    const dayOf = (daysAgo: number) => businessDate(new Date(env.clock.now.getTime() - daysAgo * 86_400_000));
    const before = await Promise.all([count('account_movements'), count('events')]);
    expect((await opening({ amount: '250.00', since: dayOf(45) }, 'cashier')).statusCode).toBe(403);
    for (const [body, code] of [
      [{ amount: 250, since: dayOf(45) }, 'VALIDATION_FAILED'],
      [{ amount: '0.00', since: dayOf(45) }, 'VALIDATION_FAILED'],
      [{ amount: '250.00', since: '2026-02-30' }, 'VALIDATION_FAILED'],
      [{ amount: '250.00', since: '45 días' }, 'VALIDATION_FAILED'],
      [{ amount: '250.00', since: dayOf(-1) }, 'ACCOUNT_OPENING_DATE_INVALID'],
      [{ amount: '250.00', since: dayOf(3700) }, 'ACCOUNT_OPENING_DATE_INVALID'],
    ] as const) {
      const r = await opening(body);
      expect(r.json().error?.code, JSON.stringify(body)).toBe(code);
    }
    expect(await Promise.all([count('account_movements'), count('events')])).toEqual(before);

    const r = await opening({ amount: '250.00', since: dayOf(45), note: 'Libreta, hoja 12' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      movement: { kind: 'opening', amount: '250.00', method: null },
      balance: '250.00',
    });
    let a = await account(c.id);
    expect(a).toMatchObject({
      balance: '250.00',
      charged: '0.00',
      opening: '250.00',
      aging: { upTo30: '0.00', from31To60: '250.00', from61To90: '0.00', over90: '0.00' },
    });
    expect(businessDate(new Date(a.oldestUnpaidAt))).toBe(dayOf(45));
    expect(a.statement).toMatchObject([
      { kind: 'opening', amount: '250.00', balanceAfter: '250.00', note: 'Libreta, hoja 12' },
    ]);

    // a purchase today, then an abono: it pays the old debt first
    const sale = await sellOnAccount(c.id, '100.00');
    expect((await pay(c.id, { amount: '200.00', method: 'cash', registerId })).statusCode).toBe(201);
    a = await account(c.id);
    expect(a).toMatchObject({
      balance: '150.00',
      aging: { upTo30: '100.00', from31To60: '50.00', from61To90: '0.00', over90: '0.00' },
    });
    expect(a.statement.map((e: { kind: string; balanceAfter: string }) => [e.kind, e.balanceAfter])).toEqual([
      ['payment', '150.00'],
      ['charge', '350.00'],
      ['opening', '250.00'],
    ]);
    const list = (await call(env.app, biz.as.manager, 'GET', '/api/v1/accounts/receivable')).json();
    // the last purchase on account is the sale, not the debt carried over
    expect(list.items.find((i: { customerId: string }) => i.customerId === c.id)).toMatchObject({
      balance: '150.00',
      lastChargeAt: sale.createdAt,
    });
    expect(await auditDataOf(env.db, biz.tenantId, 'account.opening_recorded')).toEqual([
      { movementId: r.json().movement.id, amount: '250.00', since: dayOf(45), balance: '250.00' },
    ]);
  });
});

describe('cuentas por cobrar with many debtors', () => {
  it('pages through every debtor, keeps the totals of all of them, and downloads them all', async () => {
    const shop = await env.givenBusiness('Muchos fiados');
    // 1,005 customers who owe 1.00 … 1,005.00 from the notebook (written as fixtures, in one go)
    const n = 1005;
    const ids = Array.from({ length: n }, () => newId('cus'));
    const at = new Date(env.clock.now.getTime() - 10 * 86_400_000);
    await env.db.db
      .insertInto('customers')
      .values(
        ids.map((id, i) => ({
          tenant_id: shop.tenantId,
          id,
          name: `Cliente ${i + 1}`,
          phone: `+5255${String(20000000 + i)}`,
          search_text: `cliente ${i + 1}`,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
    await env.db.db
      .insertInto('account_movements')
      .values(
        ids.map((id, i) => ({
          tenant_id: shop.tenantId,
          id: newId('acm'),
          customer_id: id,
          kind: 'opening' as const,
          amount: `${i + 1}.00`,
          user_id: shop.ownerId,
          created_at: at,
        })),
      )
      .execute();
    const total = ((n * (n + 1)) / 2).toFixed(2);
    const get = async (query: string) => {
      const r = await call(env.app, shop.as.manager, 'GET', `/api/v1/accounts/receivable${query}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    const first = await get('');
    expect(first).toMatchObject({ count: n, total, aging: { upTo30: total, over90: '0.00' } });
    expect(first.items).toHaveLength(100);
    expect(first.items[0]).toMatchObject({ name: 'Cliente 1005', balance: '1005.00' });

    // page by page, 400 at a time: every debtor once, largest first, totals the same on each page
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await get(`?limit=400${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page).toMatchObject({ count: n, total });
      seen.push(...page.items.map((i: { balance: string }) => i.balance));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => `${n - i}.00`));

    // only some customers: what each of them owes (the customers list shows it next to the name)
    const some = await get(`?customerIds=${ids[0]},${ids[41]},cus_NOSUCH`);
    expect(some.items.map((i: { balance: string }) => i.balance)).toEqual(['42.00', '1.00']);
    expect(some).toMatchObject({ count: 2, total: '43.00' });
    expect((await get('?customerIds=')).items).toHaveLength(100);

    // the download for the accountant has all of them, beyond one page
    const csv = await call(env.app, shop.as.manager, 'GET', '/api/v1/accounts/receivable?format=csv');
    expect(csv.body.trim().split('\r\n')).toHaveLength(n + 1);

    const bad = await call(env.app, shop.as.manager, 'GET', '/api/v1/accounts/receivable?cursor=abc');
    expect(bad.json().error.code).toBe('CURSOR_INVALID');
    // another business's list does not see them
    expect(
      (
        await call(env.app, biz.as.manager, 'GET', `/api/v1/accounts/receivable?customerIds=${ids[0]}`)
      ).json(),
    ).toMatchObject({ count: 0, items: [] });
  });
});
