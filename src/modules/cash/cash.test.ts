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

describe('a cash session opened offline by a terminal', () => {
  const open = (body: Record<string, unknown>) =>
    call(env.app, cashier(), 'POST', '/api/v1/cash-sessions', body);
  const hoursAgo = (h: number) => new Date(env.clock.now.getTime() - h * 3600_000).toISOString();
  const sessionsOf = (registerId: string) =>
    env.db.db
      .selectFrom('cash_sessions')
      .select(['id', 'status', 'opening_float', 'merged_into'])
      .where('register_id', '=', registerId)
      .execute();
  const eventsOf = async (cashSessionId: string) =>
    (
      await env.db.db
        .selectFrom('events')
        .select('type')
        .where('tenant_id', '=', biz.tenantId)
        .where((eb) => eb(eb.ref('payload', '->>').key('cashSessionId'), '=', cashSessionId))
        .orderBy('id')
        .execute()
    ).map((e) => e.type);

  it("keeps the terminal's id, answers the same opening again with the same session (200), and refuses the id with another body", async () => {
    const registerId = await givenRegister('Caja sin red 1');
    const id = newId('cs');
    const body = { id, registerId, openingFloat: '500.00', openedAt: hoursAgo(2) };
    const first = await open(body);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      id,
      registerId,
      status: 'open',
      openingFloat: '500.00',
      openedAt: hoursAgo(2),
      recordedAt: env.clock.now.toISOString(),
      openedBy: biz.as.cashier.userId,
      mergedInto: null,
    });

    env.clock.advance(60_000);
    const again = await open({ ...body });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(first.json());

    for (const other of [
      { ...body, openingFloat: '400.00' },
      { ...body, openedAt: hoursAgo(1) },
      { id, registerId, openingFloat: '500.00' },
    ]) {
      const res = await open(other);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.code).toBe('CASH_SESSION_ID_REUSED');
      expect(res.json().error.details).toEqual({ cashSessionId: id });
    }
    expect(await sessionsOf(registerId)).toEqual([
      { id, status: 'open', opening_float: '500.00', merged_into: null },
    ]);
    expect(await eventsOf(id)).toEqual(['cash.session_opened']);

    const badId = await open({ ...body, id: 'cs_123' });
    expect(badId.statusCode).toBe(400);
    const saleId = await open({ ...body, id: newId('sale') });
    expect(saleId.statusCode).toBe(400);
  });

  it('answers concurrent sends of the same opening with one session (one 201, the rest 200)', async () => {
    const registerId = await givenRegister('Caja sin red carrera');
    const body = { id: newId('cs'), registerId, openingFloat: '300.00', openedAt: hoursAgo(1) };
    const answers = await Promise.all(Array.from({ length: 5 }, () => open(body)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json().id))).toEqual(new Set([body.id]));
    expect(await sessionsOf(registerId)).toHaveLength(1);
    expect(await eventsOf(body.id)).toEqual(['cash.session_opened']);
  });

  it('takes an opening time up to 48 h old or 5 min ahead (then now), and refuses one outside that, leaving nothing', async () => {
    const registerId = await givenRegister('Caja sin red 2');
    const old = await open({ id: newId('cs'), registerId, openingFloat: '100.00', openedAt: hoursAgo(47.9) });
    expect(old.statusCode, old.body).toBe(201);
    expect(old.json().openedAt).toBe(hoursAgo(47.9));
    await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${old.json().id}/close`, {
      countedCash: '100.00',
    });

    const ahead = new Date(env.clock.now.getTime() + 4 * 60_000).toISOString();
    const skewed = await open({ id: newId('cs'), registerId, openingFloat: '100.00', openedAt: ahead });
    expect(skewed.statusCode, skewed.body).toBe(201);
    expect(skewed.json().openedAt).toBe(env.clock.now.toISOString());
    await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${skewed.json().id}/close`, {
      countedCash: '100.00',
    });

    const before = await sessionsOf(registerId);
    for (const openedAt of [hoursAgo(48.1), new Date(env.clock.now.getTime() + 6 * 60_000).toISOString()]) {
      const id = newId('cs');
      const res = await open({ id, registerId, openingFloat: '100.00', openedAt });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.code).toBe('CASH_SESSION_OPENED_AT_OUT_OF_RANGE');
      expect(res.json().error.details).toEqual({
        openedAt,
        earliest: hoursAgo(48),
        latest: new Date(env.clock.now.getTime() + 5 * 60_000).toISOString(),
      });
      expect(await eventsOf(id)).toEqual([]);
    }
    expect(await sessionsOf(registerId)).toEqual(before);
    const notIso = await open({ id: newId('cs'), registerId, openingFloat: '1.00', openedAt: 'ayer' });
    expect(notIso.statusCode).toBe(400);
  });

  it("records a sale that names the terminal's session id, in that session", async () => {
    const registerId = await givenRegister('Caja sin red 3');
    const cs = newId('cs');
    expect(
      (await open({ id: cs, registerId, openingFloat: '500.00', openedAt: hoursAgo(0.5) })).statusCode,
    ).toBe(201);
    const a = await givenStocked('18.00', '5');
    const sale = {
      id: newId('sale'),
      registerId,
      cashSessionId: cs,
      lines: [{ skuId: a, quantity: '2' }],
      payments: [{ method: 'cash', amount: '50.00' }],
    };
    const res = await call(env.app, cashier(), 'POST', '/api/v1/sales', sale);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ cashSessionId: cs, total: '36.00', change: '14.00' });
    const x = await call(env.app, cashier(), 'GET', `/api/v1/cash-sessions/${cs}/corte-x`);
    expect(x.json()).toMatchObject({ salesCount: 1, expectedCash: '536.00', mergedOpenings: [] });
  });

  it('closes with the corte Z counted offline at its time, answers the same close again, and refuses one out of range', async () => {
    const registerId = await givenRegister('Caja sin red cierre');
    const cs = newId('cs');
    expect(
      (await open({ id: cs, registerId, openingFloat: '200.00', openedAt: hoursAgo(5) })).statusCode,
    ).toBe(201);
    const a = await givenStocked('18.00', '5');
    const sold = await call(env.app, cashier(), 'POST', '/api/v1/sales', {
      id: newId('sale'),
      registerId,
      cashSessionId: cs,
      lines: [{ skuId: a, quantity: '1' }],
      payments: [{ method: 'cash', amount: '18.00' }],
    });
    expect(sold.statusCode, sold.body).toBe(201);
    const close = (body: Record<string, unknown>) =>
      call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${cs}/close`, body);
    // before the opening, or more than 5 min ahead: refused, still open
    for (const closedAt of [hoursAgo(6), new Date(env.clock.now.getTime() + 6 * 60_000).toISOString()]) {
      const res = await close({ countedCash: '218.00', closedAt });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.code).toBe('CASH_SESSION_CLOSED_AT_OUT_OF_RANGE');
    }
    expect((await sessionsOf(registerId))[0]!.status).toBe('open');

    const body = { countedCash: '215.00', closedAt: hoursAgo(1), note: 'Contado sin internet' };
    const first = await close(body);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      status: 'closed',
      closedAt: hoursAgo(1),
      expectedCash: '218.00',
      countedCash: '215.00',
      difference: '-3.00',
    });
    expect(first.json()).not.toHaveProperty('requestedClosedAt');
    // its answer was lost: the same close again gets the same corte, nothing written twice
    env.clock.advance(60_000);
    const again = await close(body);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(await eventsOf(cs)).toEqual(['cash.session_opened', 'sale.completed', 'cash.session_closed']);
    // another count, or a close without the terminal's time: the session is closed
    for (const other of [{ ...body, countedCash: '216.00' }, { countedCash: '215.00' }]) {
      const res = await close(other);
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error.code).toBe('CASH_SESSION_CLOSED');
    }
    const z = await call(env.app, cashier(), 'GET', `/api/v1/cash-sessions/${cs}/corte-x`);
    expect(z.json()).toEqual(first.json());
  });

  it('records cash in/out queued offline once by its id, and refuses the id with another body', async () => {
    const registerId = await givenRegister('Caja sin red 4');
    const cs = (
      await open({ id: newId('cs'), registerId, openingFloat: '200.00', openedAt: hoursAgo(1) })
    ).json().id as string;
    const mv = { id: newId('cmv'), kind: 'out', amount: '35.50', reason: 'Garrafón de agua' };
    const first = await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${cs}/movements`, mv);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ id: mv.id, cashSessionId: cs, amount: '35.50' });
    const again = await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${cs}/movements`, mv);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(first.json());
    const other = await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${cs}/movements`, {
      ...mv,
      amount: '36.00',
    });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('CASH_MOVEMENT_ID_REUSED');
    const x = await call(env.app, cashier(), 'GET', `/api/v1/cash-sessions/${cs}/corte-x`);
    expect(x.json()).toMatchObject({ cashOut: '35.50', expectedCash: '164.50' });
  });

  it('refuses to take out more cash than the drawer should hold, and records nothing', async () => {
    const registerId = await givenRegister('Caja retiros');
    const cs = (
      await call(env.app, cashier(), 'POST', '/api/v1/cash-sessions', { registerId, openingFloat: '150.00' })
    ).json().id as string;
    const move = (kind: 'in' | 'out', amount: string) =>
      call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${cs}/movements`, {
        kind,
        amount,
        reason: 'Retiro',
      });
    const tooMuch = await move('out', '150.01');
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json().error).toMatchObject({
      code: 'CASH_OUT_EXCEEDS_DRAWER',
      details: { expectedCash: '150.00', amount: '150.01' },
    });
    expect(tooMuch.json().error.message).toContain('no se pueden retirar $150.01');
    const x = await call(env.app, cashier(), 'GET', `/api/v1/cash-sessions/${cs}/corte-x`);
    expect(x.json()).toMatchObject({ cashOut: '0.00', expectedCash: '150.00' });
    // a cash-in first (cash found in the drawer), then the whole of it can go
    expect((await move('in', '20.00')).statusCode).toBe(201);
    expect((await move('out', '170.00')).statusCode).toBe(201);
    const after = await call(env.app, cashier(), 'GET', `/api/v1/cash-sessions/${cs}/corte-x`);
    expect(after.json()).toMatchObject({ cashIn: '20.00', cashOut: '170.00', expectedCash: '0.00' });
  });

  it('merges an offline opening that finds the register open: its sales and cash go to the open session, its float is listed, not added', async () => {
    const registerId = await givenRegister('Caja sin red 5');
    // Someone opened the register online while the terminal was offline.
    const online = await open({ registerId, openingFloat: '300.00' });
    expect(online.statusCode, online.body).toBe(201);
    const s = online.json().id as string;
    const busy = await open({ registerId, openingFloat: '500.00' });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.code).toBe('CASH_SESSION_ALREADY_OPEN');
    expect(busy.json().error.details).toMatchObject({ openCashSessionId: s });

    // The terminal's queue arrives: its opening first, then its sales and a cash out.
    const c = newId('cs');
    const offlineOpening = { id: c, registerId, openingFloat: '500.00', openedAt: hoursAgo(3) };
    const merged = await open(offlineOpening);
    expect(merged.statusCode, merged.body).toBe(201);
    expect(merged.json()).toMatchObject({
      id: c,
      status: 'merged',
      mergedInto: s,
      openingFloat: '500.00',
      openedAt: hoursAgo(3),
    });
    expect((await open(offlineOpening)).statusCode).toBe(200);
    expect(await eventsOf(c)).toEqual(['cash.session_merged']);

    const a = await givenStocked('25.00', '10');
    const sale = {
      id: newId('sale'),
      registerId,
      cashSessionId: c,
      lines: [{ skuId: a, quantity: '2' }],
      payments: [{ method: 'cash', amount: '50.00' }],
    };
    const sold = await call(env.app, cashier(), 'POST', '/api/v1/sales', sale);
    expect(sold.statusCode, sold.body).toBe(201);
    expect(sold.json().cashSessionId).toBe(s);
    const resent = await call(env.app, cashier(), 'POST', '/api/v1/sales', sale);
    expect(resent.statusCode, resent.body).toBe(200);
    expect(resent.json().id).toBe(sale.id);
    const out = await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${c}/movements`, {
      id: newId('cmv'),
      kind: 'out',
      amount: '10.00',
      reason: 'Bolsas',
    });
    expect(out.statusCode, out.body).toBe(201);
    expect(out.json().cashSessionId).toBe(s);

    const x = await call(env.app, cashier(), 'GET', `/api/v1/cash-sessions/${s}/corte-x`);
    expect(x.json()).toMatchObject({
      salesCount: 1,
      salesTotal: '50.00',
      // 300 float + 50 cash sale − 10 out; the offline float (500) is listed, not added
      expectedCash: '340.00',
      mergedOpenings: [
        { cashSessionId: c, openingFloat: '500.00', openedAt: hoursAgo(3), openedBy: biz.as.cashier.userId },
      ],
    });
    const ofMerged = await call(env.app, cashier(), 'GET', `/api/v1/cash-sessions/${c}/corte-x`);
    expect(ofMerged.statusCode).toBe(409);
    expect(ofMerged.json().error).toMatchObject({ code: 'CASH_SESSION_MERGED', details: { mergedInto: s } });
    const closeMerged = await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${c}/close`, {
      countedCash: '0.00',
    });
    expect(closeMerged.json().error.code).toBe('CASH_SESSION_MERGED');

    const z = await call(env.app, cashier(), 'POST', `/api/v1/cash-sessions/${s}/close`, {
      countedCash: '840.00',
    });
    expect(z.statusCode, z.body).toBe(200);
    expect(z.json()).toMatchObject({ expectedCash: '340.00', difference: '500.00' });
    expect(z.json().mergedOpenings).toHaveLength(1);

    // Once the session it was merged into is closed, a later sale naming it is a conflict as usual.
    const late = await call(env.app, cashier(), 'POST', '/api/v1/sales', { ...sale, id: newId('sale') });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('CASH_SESSION_CLOSED');
    const next = await open({ registerId, openingFloat: '100.00' });
    const later = await call(env.app, cashier(), 'POST', '/api/v1/sales', { ...sale, id: newId('sale') });
    expect(later.statusCode).toBe(409);
    expect(later.json().error).toMatchObject({
      code: 'CASH_SESSION_CLOSED',
      details: { openCashSessionId: next.json().id },
    });
    const stock = await env.db.db
      .selectFrom('stock_levels')
      .select('on_hand')
      .where('sku_id', '=', a)
      .executeTakeFirstOrThrow();
    expect(stock.on_hand).toBe('8.000');
  });
});
