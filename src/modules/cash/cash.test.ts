import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { givenProduct } from '../../../test/helpers/factories.js';
import { newId } from '../../shared/ids.js';
import { receiveStock } from '../inventory/inventory.service.js';

let env: TestEnv;
let biz: TestBusiness;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
});
afterAll(() => env.close());

async function givenStocked(price: string, qty: string) {
  const p = await givenProduct(biz.ctx, { price });
  const skuId = p.skus[0]!.id;
  await receiveStock(biz.ctx, { locationId: biz.storeId, lines: [{ skuId, quantity: qty }] });
  return skuId;
}

async function givenRegister(name: string): Promise<string> {
  const r = await call(env.app, biz.as.owner, 'POST', '/api/v1/registers', { locationId: biz.storeId, name });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}

const cashier = () => biz.as.cashier;

describe('cash sessions', () => {
  it('opens, sells split cash + card with change, moves cash, and closes with the exact expected cash', async () => {
    const registerId = await givenRegister('Caja principal');
    const open = await call(env.app, cashier(), 'POST', '/api/v1/cash-sessions', {
      registerId,
      openingFloat: '500.00',
    });
    expect(open.statusCode, open.body).toBe(201);
    const cs = open.json().id;
    const again = await call(env.app, cashier(), 'POST', '/api/v1/cash-sessions', {
      registerId,
      openingFloat: '0',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CASH_SESSION_ALREADY_OPEN');

    const a = await givenStocked('18.00', '10');
    const b = await givenStocked('25.50', '10');
    const sale1 = await call(env.app, cashier(), 'POST', '/api/v1/sales', {
      id: newId('sale'),
      registerId,
      cashSessionId: cs,
      lines: [
        { skuId: a, quantity: '3' },
        { skuId: b, quantity: '2' },
      ],
      payments: [
        { method: 'card', amount: '60.00', reference: 'AUT-77', cardType: 'credito', brand: 'VISA' },
        { method: 'cash', amount: '100.00' },
      ],
    });
    expect(sale1.statusCode, sale1.body).toBe(201);
    expect(sale1.json().total).toBe('105.00');
    expect(sale1.json().change).toBe('55.00');
    const sale2 = await call(env.app, cashier(), 'POST', '/api/v1/sales', {
      id: newId('sale'),
      registerId,
      lines: [{ skuId: a, quantity: '1' }],
      payments: [{ method: 'spei', amount: '18.00', reference: 'SPEI-123' }],
    });
    expect(sale2.statusCode, sale2.body).toBe(201);

    const cashIn = await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${cs}/movements`, {
      kind: 'in',
      amount: '200.00',
      reason: 'Cambio del banco',
    });
    expect(cashIn.statusCode, cashIn.body).toBe(201);
    const cashOut = await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${cs}/movements`, {
      kind: 'out',
      amount: '80.50',
      reason: 'Pago a proveedor de hielo',
    });
    expect(cashOut.statusCode).toBe(201);

    const x = await call(env.app, cashier(), 'GET', `/api/v1/cash-sessions/${cs}/corte-x`);
    expect(x.statusCode, x.body).toBe(200);
    // 500 float + (100 given - 55 change) + 200 in - 80.50 out
    expect(x.json().expectedCash).toBe('664.50');
    expect(x.json().status).toBe('open');
    expect(x.json().salesCount).toBe(2);
    expect(x.json().salesTotal).toBe('123.00');
    const byMethod = Object.fromEntries(
      x.json().byMethod.map((m: { method: string; expected: string }) => [m.method, m.expected]),
    );
    expect(byMethod).toEqual({ cash: '664.50', card: '60.00', spei: '18.00' });

    const badCount = await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${cs}/close`, {
      countedCash: '660.00',
      denominations: [{ denomination: '500.00', count: 1 }],
    });
    expect(badCount.statusCode).toBe(422);
    expect(badCount.json().error.code).toBe('DENOMINATIONS_MISMATCH');

    const z = await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${cs}/close`, {
      countedCash: '660.00',
      denominations: [
        { denomination: '500.00', count: 1 },
        { denomination: '100.00', count: 1 },
        { denomination: '50.00', count: 1 },
        { denomination: '10.00', count: 1 },
      ],
    });
    expect(z.statusCode, z.body).toBe(200);
    expect(z.json().status).toBe('closed');
    expect(z.json().expectedCash).toBe('664.50');
    expect(z.json().countedCash).toBe('660.00');
    expect(z.json().difference).toBe('-4.50');

    const session = await call(env.app, cashier(), 'GET', `/api/v1/cash-sessions/${cs}`);
    expect(session.json()).toMatchObject({ status: 'closed', expectedCash: '664.50', difference: '-4.50' });
    const events = await env.db.db
      .selectFrom('events')
      .select('type')
      .where('tenant_id', '=', biz.tenantId)
      .where('type', 'like', 'cash.session_%')
      .execute();
    expect(events.map((e) => e.type).sort()).toEqual(['cash.session_closed', 'cash.session_opened']);
    const audit = await env.db.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', cs)
      .execute();
    expect(audit.map((a) => a.action)).toContain('cash.session_closed');

    const twice = await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${cs}/close`, {
      countedCash: '660.00',
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('CASH_SESSION_CLOSED');
    const move = await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${cs}/movements`, {
      kind: 'in',
      amount: '1.00',
      reason: 'tarde',
    });
    expect(move.json().error.code).toBe('CASH_SESSION_CLOSED');
  });

  it('refuses a sale on a closed session and leaves nothing behind', async () => {
    const registerId = await givenRegister('Caja 2');
    const open = await call(env.app, cashier(), 'POST', '/api/v1/cash-sessions', {
      registerId,
      openingFloat: '0.00',
    });
    const cs = open.json().id;
    await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${cs}/close`, { countedCash: '0.00' });
    const a = await givenStocked('18.00', '3');
    for (const [extra, code] of [
      [{ cashSessionId: cs }, 'CASH_SESSION_CLOSED'],
      [{}, 'CASH_SESSION_REQUIRED'],
    ] as const) {
      const id = newId('sale');
      const res = await call(env.app, cashier(), 'POST', '/api/v1/sales', {
        id,
        registerId,
        ...extra,
        lines: [{ skuId: a, quantity: '1' }],
        payments: [{ method: 'cash', amount: '20.00' }],
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe(code);
      const left = await env.db.db.selectFrom('sales').select('id').where('id', '=', id).execute();
      expect(left).toHaveLength(0);
      const ledger = await env.db.db
        .selectFrom('stock_movements')
        .select('id')
        .where('ref_id', '=', id)
        .execute();
      expect(ledger).toHaveLength(0);
    }
    const lvl = await env.db.db
      .selectFrom('stock_levels')
      .select('on_hand')
      .where('sku_id', '=', a)
      .executeTakeFirstOrThrow();
    expect(lvl.on_hand).toBe('3.000');
  });

  it('does not let a cashier create registers', async () => {
    const r = await call(env.app, cashier(), 'POST', '/api/v1/registers', {
      locationId: biz.storeId,
      name: 'X',
    });
    expect(r.statusCode).toBe(403);
    const list = await call(env.app, cashier(), 'GET', `/api/v1/registers?locationId=${biz.storeId}`);
    expect(list.json().items.length).toBeGreaterThanOrEqual(2);
  });
});
