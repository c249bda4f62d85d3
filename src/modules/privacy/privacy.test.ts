import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { givenStocked, openRegisterViaApi } from '../../../test/helpers/shift.js';
import { pruneIdempotencyKeys } from '../../http/idempotency.js';
import { newId } from '../../shared/ids.js';
import { businessDate } from '../../shared/time.js';
import { recordAccountPayment, recordOpeningBalance } from '../accounts/accounts.service.js';
import { businessesWithCustomerRetention } from '../identity/identity.service.js';
import { cancelOrder, createOrder } from '../orders/orders.service.js';
import { addStoreCredit } from '../sales/sales.service.js';
import { customersUntouchedSince } from '../customers/customers.service.js';
import { applyCustomerRetention } from './privacy.service.js';

let env: TestEnv;
let biz: TestBusiness;
let other: TestBusiness;
let registerId: string;
let cashSessionId: string;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
  other = await env.givenBusiness('Otra Tienda');
  ({ registerId, cashSessionId } = await openRegisterViaApi(env, biz));
});
afterAll(() => env.close());

let phoneSeq = 0;
async function givenCustomer(name: string): Promise<{ id: string; phone: string }> {
  const phone = `55 3000 ${String(1000 + ++phoneSeq).padStart(4, '0')}`;
  const res = await call(env.app, biz.as.manager, 'POST', '/api/v1/customers', {
    name,
    phone,
    email: `${name.toLowerCase().replace(/\W+/g, '.')}${phoneSeq}@example.mx`,
    rfc: 'GOMA850101AB1',
    notes: 'Vive en la calle Hidalgo 12',
    marketingConsent: { granted: true, channel: 'counter', note: 'firmó en mostrador' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, phone };
}

async function sellTo(customerId: string, note?: string): Promise<string> {
  const skuId = await givenStocked(biz, '20.00', '5');
  const id = newId('sale');
  const res = await call(env.app, biz.as.cashier, 'POST', '/api/v1/sales', {
    id,
    registerId,
    cashSessionId,
    customerId,
    note,
    lines: [{ skuId, quantity: '1' }],
    payments: [{ method: 'cash', amount: '20.00' }],
  });
  expect(res.statusCode, res.body).toBe(201);
  return id;
}

async function deliveryOrder(customerPhone: string): Promise<{ id: string; number: number }> {
  const skuId = await givenStocked(biz, '30.00', '3');
  const res = await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', {
    channel: 'whatsapp',
    locationId: biz.storeId,
    customer: { phone: customerPhone },
    fulfilment: 'delivery',
    deliveryAddress: 'Calle Hidalgo 12, Col. Centro, Toluca',
    notes: 'Tocar fuerte, perro bravo',
    lines: [{ skuId, quantity: '1' }],
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, number: res.json().number };
}

const request = (body: Record<string, unknown>, who = biz.as.manager) =>
  call(env.app, who, 'POST', '/api/v1/privacy-requests', body);

describe('ARCO requests', () => {
  it('records a request with its legal due date (20 business days), flags it overdue and closes it once', async () => {
    const c = await givenCustomer('Rosa Pérez');
    // Monday 23 Nov 2026: 20 business days later is Monday 21 Dec
    const res = await request({
      customerId: c.id,
      kind: 'access',
      channel: 'email',
      details: 'Pide copia de sus datos',
    });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r).toMatchObject({
      customerId: c.id,
      kind: 'access',
      status: 'open',
      dueOn: '2026-12-21',
      overdue: false,
      customer: { name: 'Rosa Pérez', phone: '+525530001001' },
    });
    // received by letter last Friday: counted from then
    const late = await request({
      customerId: c.id,
      kind: 'rectification',
      channel: 'other',
      receivedAt: '2026-11-20T12:00:00-06:00',
    });
    expect(late.json().dueOn).toBe('2026-12-18');
    const future = await request({
      customerId: c.id,
      kind: 'access',
      channel: 'email',
      receivedAt: '2026-12-01T12:00:00Z',
    });
    expect(future.statusCode).toBe(422);
    expect(future.json().error.code).toBe('PRIVACY_RECEIVED_IN_FUTURE');
    const bad = await request({ customerId: c.id, kind: 'olvido', channel: 'email' });
    expect(bad.statusCode).toBe(400);

    // a cashier takes no ARCO requests; another business does not see them
    expect(
      (await request({ customerId: c.id, kind: 'access', channel: 'email' }, biz.as.cashier)).statusCode,
    ).toBe(403);
    expect(
      (await call(env.app, other.as.manager, 'GET', `/api/v1/privacy-requests/${r.id}`)).statusCode,
    ).toBe(404);
    expect(
      (await request({ customerId: c.id, kind: 'access', channel: 'email' }, other.as.manager)).statusCode,
    ).toBe(404);

    // one that sat since October is past its date
    const old = await request({
      customerId: c.id,
      kind: 'opposition',
      channel: 'phone',
      receivedAt: '2026-10-05T12:00:00-06:00',
    });
    expect(old.json()).toMatchObject({ dueOn: '2026-11-02', overdue: true });

    const list = await call(env.app, biz.as.manager, 'GET', '/api/v1/privacy-requests?status=open');
    expect(list.json()).toMatchObject({ openCount: 3, overdueCount: 1 });
    // open ones by due date: October's, the letter (18 Dec), the e-mail (21 Dec)
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([old.json().id, late.json().id, r.id]);

    const resolve = (id: string, body: Record<string, unknown>) =>
      call(env.app, biz.as.manager, 'POST', `/api/v1/privacy-requests/${id}/resolve`, body);
    const noReason = await resolve(late.json().id, { status: 'refused' });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().error.code).toBe('PRIVACY_REFUSAL_REASON_REQUIRED');
    const refused = await resolve(late.json().id, {
      status: 'refused',
      resolution: 'No acreditó su identidad.',
    });
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json()).toMatchObject({ status: 'refused', resolvedBy: biz.as.manager.userId });
    const again = await resolve(late.json().id, { status: 'done' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('PRIVACY_REQUEST_RESOLVED');
    expect((await resolve(r.id, { status: 'done', resolution: 'Enviado por correo' })).json().status).toBe(
      'done',
    );
  });
});

describe('opposition', () => {
  it('withdraws the marketing consent when the opposition is answered, with the request on the record', async () => {
    const c = await givenCustomer('Elena Opuesta');
    const req = (await request({ customerId: c.id, kind: 'opposition', channel: 'whatsapp' })).json();
    const done = await call(env.app, biz.as.manager, 'POST', `/api/v1/privacy-requests/${req.id}/resolve`, {
      status: 'done',
      resolution: 'Ya no le enviamos promociones',
    });
    expect(done.statusCode, done.body).toBe(200);
    const profile = (await call(env.app, biz.as.manager, 'GET', `/api/v1/customers/${c.id}`)).json();
    expect(profile.marketingConsent).toMatchObject({ granted: false, channel: 'whatsapp' });
    const record = (await call(env.app, biz.as.manager, 'GET', `/api/v1/customers/${c.id}/consent`)).json()
      .items;
    expect(record.at(-1)).toMatchObject({
      granted: false,
      channel: 'whatsapp',
      note: `Oposición ARCO ${req.id}`,
    });
  });
});

describe('access: what the business holds about a person', () => {
  it('exports the profile, merged profiles, consents, sales, orders and returns, and audits the export', async () => {
    const c = await givenCustomer('Lucía Gómez');
    const dup = await givenCustomer('Lucy');
    const saleId = await sellTo(dup.id, 'Pagó con billete de 500');
    const order = await deliveryOrder(c.phone);
    const merge = await call(env.app, biz.as.manager, 'POST', '/api/v1/customers/merge', {
      keepId: c.id,
      mergeId: dup.id,
    });
    expect(merge.statusCode, merge.body).toBe(200);

    expect(
      (await call(env.app, biz.as.manager, 'GET', `/api/v1/customers/${c.id}/personal-data`)).statusCode,
    ).toBe(403);
    expect(
      (await call(env.app, other.as.owner, 'GET', `/api/v1/customers/${c.id}/personal-data`)).statusCode,
    ).toBe(404);
    const res = await call(env.app, biz.as.owner, 'GET', `/api/v1/customers/${dup.id}/personal-data`);
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json();
    // asked through the merged profile: the person is the live one
    expect(data.customer).toMatchObject({ id: c.id, name: 'Lucía Gómez', rfc: 'GOMA850101AB1' });
    expect(data.mergedProfiles.map((p: { id: string }) => p.id)).toEqual([dup.id]);
    expect(data.sales.map((s: { id: string }) => s.id)).toEqual([saleId]);
    expect(data.sales[0].note).toBe('Pagó con billete de 500');
    expect(data.orders.map((o: { id: string }) => o.id)).toEqual([order.id]);
    expect(data.orders[0].deliveryAddress).toBe('Calle Hidalgo 12, Col. Centro, Toluca');
    // loaded for all of them at once, each is what reading it alone gives
    const saleAlone = await call(env.app, biz.as.owner, 'GET', `/api/v1/sales/${saleId}`);
    expect(data.sales[0]).toEqual(saleAlone.json());
    expect(data.sales[0].lines.length).toBeGreaterThan(0);
    const orderAlone = await call(env.app, biz.as.owner, 'GET', `/api/v1/orders/${order.id}`);
    expect(data.orders[0]).toEqual(orderAlone.json());
    expect(data.orders[0].history.length).toBeGreaterThan(0);
    expect(data.consents.length).toBe(2);
    expect(data.storeCredit.balance).toBe('0.00');
    expect(data.business.name).toBeTruthy();
    expect(data.retainedByLaw.length).toBeGreaterThan(0);
    const audit = await env.db.db
      .selectFrom('audit_log')
      .select(['user_id', 'entity_id'])
      .where('tenant_id', '=', biz.tenantId)
      .where('action', '=', 'customer.data_exported')
      .execute();
    expect(audit).toEqual([{ user_id: biz.as.owner.userId, entity_id: c.id }]);
  });
});

describe('cancellation: erasing a person', () => {
  it('refuses while an order is in progress and leaves everything as it was', async () => {
    const c = await givenCustomer('Pedro Ruiz');
    const order = await deliveryOrder(c.phone);
    const res = await call(env.app, biz.as.owner, 'POST', `/api/v1/customers/${c.id}/erase`, {});
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'PRIVACY_ERASE_OPEN_ORDERS',
      details: { orders: `#${order.number}` },
    });
    const after = await call(env.app, biz.as.manager, 'GET', `/api/v1/customers/${c.id}`);
    expect(after.json()).toMatchObject({ name: 'Pedro Ruiz', erasedAt: null });
    // a cashier may not erase anyone
    expect(
      (await call(env.app, biz.as.cashier, 'POST', `/api/v1/customers/${c.id}/erase`, {})).statusCode,
    ).toBe(403);
  });

  it('refuses while the person has store credit', async () => {
    const c = await givenCustomer('Marta Díaz');
    await addStoreCredit(biz.ctx, {
      customerId: c.id,
      amount: '45.50',
      refType: 'adjustment',
      refId: 'test',
    });
    const res = await call(env.app, biz.as.owner, 'POST', `/api/v1/customers/${c.id}/erase`, {});
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'PRIVACY_ERASE_STORE_CREDIT',
      details: { balance: '45.50' },
    });
  });

  it('erases name, contact, fiscal data and notes everywhere, keeps the sales, and closes the request', async () => {
    const c = await givenCustomer('Juana López');
    const saleId = await sellTo(c.id, 'Fiado a Juana, paga el viernes');
    const order = await deliveryOrder(c.phone);
    expect(
      (await call(env.app, biz.as.manager, 'POST', `/api/v1/orders/${order.id}/cancel`, { reason: 'x' }))
        .statusCode,
    ).toBeLessThan(300);
    // an integration created her through the API with an Idempotency-Key: the stored answer holds her data
    const viaApi = await call(
      env.app,
      biz.as.manager,
      'POST',
      `/api/v1/customers/${c.id}/consent`,
      { granted: true, channel: 'whatsapp' },
      { 'idempotency-key': `consent-${c.id}` },
    );
    expect(viaApi.statusCode, viaApi.body).toBe(200);
    const req = (await request({ customerId: c.id, kind: 'cancellation', channel: 'whatsapp' })).json();
    // a cancellation is answered by erasing, not by closing the request
    const closeOnly = await call(
      env.app,
      biz.as.manager,
      'POST',
      `/api/v1/privacy-requests/${req.id}/resolve`,
      {
        status: 'done',
      },
    );
    expect(closeOnly.json().error.code).toBe('PRIVACY_ERASE_REQUIRED');

    const res = await call(env.app, biz.as.owner, 'POST', `/api/v1/customers/${c.id}/erase`, {
      requestId: req.id,
      reason: 'Lo pidió por WhatsApp',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      customerId: c.id,
      erasedProfiles: [c.id],
      ordersCleared: 1,
      saleNotesCleared: 1,
      kept: { sales: 1, invoices: 0 },
      request: { id: req.id, status: 'done', resolution: 'Lo pidió por WhatsApp' },
    });
    expect(res.json().eventsScrubbed).toBeGreaterThan(0);
    expect(res.json().storedAnswersForgotten).toBe(1);

    const profile = (await call(env.app, biz.as.manager, 'GET', `/api/v1/customers/${c.id}`)).json();
    expect(profile).toMatchObject({
      name: '',
      phone: null,
      email: null,
      rfc: null,
      notes: null,
      marketingConsent: { granted: false },
    });
    expect(profile.erasedAt).toBe(env.clock.now.toISOString());
    const look = await call(
      env.app,
      biz.as.manager,
      'GET',
      `/api/v1/customers/lookup?phone=${encodeURIComponent(c.phone)}`,
    );
    expect(look.statusCode).toBe(404);
    const found = await call(env.app, biz.as.manager, 'GET', '/api/v1/customers?q=juana');
    expect(found.json().items).toEqual([]);

    const db = env.db.db;
    const o = await db.selectFrom('orders').selectAll().where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(o.delivery_address).toBe('(dato eliminado a petición del titular)');
    expect(o.notes).toBeNull();
    const s = await db
      .selectFrom('sales')
      .select(['note', 'customer_id', 'total'])
      .where('id', '=', saleId)
      .executeTakeFirstOrThrow();
    expect(s).toEqual({ note: null, customer_id: c.id, total: '20.00' });
    const phones = await db
      .selectFrom('events')
      .select('payload')
      .where('tenant_id', '=', biz.tenantId)
      .where((eb) => eb(eb.ref('payload', '->>').key('orderId'), '=', order.id))
      .execute();
    expect(phones.length).toBeGreaterThan(0);
    for (const e of phones) expect((e.payload as Record<string, unknown>).customerPhone).toBeNull();
    const consentNotes = await db
      .selectFrom('customer_consents')
      .select(['note', 'granted'])
      .where('customer_id', '=', c.id)
      .orderBy('id')
      .execute();
    expect(consentNotes.map((n) => n.note)).toEqual([null, null, null]);
    expect(consentNotes.at(-1)?.granted).toBe(false);
    const stored = await db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', '=', `consent-${c.id}`)
      .execute();
    expect(stored).toEqual([]);

    // erased for good: no edits, no second erasure; the phone is free for a new profile
    const patch = await call(env.app, biz.as.manager, 'PATCH', `/api/v1/customers/${c.id}`, {
      name: 'Juana',
    });
    expect(patch.json().error.code).toBe('CUSTOMER_ERASED');
    const twice = await call(env.app, biz.as.owner, 'POST', `/api/v1/customers/${c.id}/erase`, {});
    expect(twice.json().error.code).toBe('CUSTOMER_ERASED');
    const anew = await call(env.app, biz.as.manager, 'POST', '/api/v1/customers', { phone: c.phone });
    expect(anew.statusCode, anew.body).toBe(201);
    expect(anew.json().id).not.toBe(c.id);
    // the export after erasure shows only what the law keeps
    const data = (await call(env.app, biz.as.owner, 'GET', `/api/v1/customers/${c.id}/personal-data`)).json();
    expect(data.customer.name).toBe('');
    expect(data.sales.map((x: { id: string }) => x.id)).toEqual([saleId]);
  });

  it('erases the profiles merged into the person too', async () => {
    const keep = await givenCustomer('Sofía Ramos');
    const gone = await givenCustomer('Sofi');
    await call(env.app, biz.as.manager, 'POST', '/api/v1/customers/merge', {
      keepId: keep.id,
      mergeId: gone.id,
    });
    const onMerged = await call(env.app, biz.as.owner, 'POST', `/api/v1/customers/${gone.id}/erase`, {});
    expect(onMerged.json().error.code).toBe('CUSTOMER_MERGED');
    const res = await call(env.app, biz.as.owner, 'POST', `/api/v1/customers/${keep.id}/erase`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().erasedProfiles).toEqual([keep.id, gone.id]);
    const g = (await call(env.app, biz.as.manager, 'GET', `/api/v1/customers/${gone.id}`)).json();
    expect(g).toMatchObject({ phone: null, email: null, name: '' });
    expect(g.erasedAt).not.toBeNull();
  });
});

describe('stored Idempotency-Key answers', () => {
  it('are kept a week, then pruned', async () => {
    const res = await call(
      env.app,
      biz.as.manager,
      'POST',
      '/api/v1/customers',
      { phone: '55 4000 0001' },
      { 'idempotency-key': 'prune-me' },
    );
    expect(res.statusCode).toBe(201);
    const stored = () =>
      env.db.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'prune-me').execute();
    await pruneIdempotencyKeys(env.db.db, new Date(Date.now() + 6 * 24 * 3600_000));
    expect(await stored()).toHaveLength(1);
    await pruneIdempotencyKeys(env.db.db, new Date(Date.now() + 8 * 24 * 3600_000));
    expect(await stored()).toHaveLength(0);
  });
});

describe('privacy notice', () => {
  const notice = (id: string) => env.app.inject({ method: 'GET', url: `/api/v1/privacy-notice/${id}` });

  it('is public: the default simplified notice names the business, until the owner writes their own', async () => {
    const res = await notice(biz.tenantId);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.custom).toBe(false);
    expect(body.text).toContain('AVISO DE PRIVACIDAD SIMPLIFICADO');
    expect(body.text).toContain(body.business);
    expect(body.text).toContain('20 días hábiles');

    const own = 'Abarrotes de prueba cuida tus datos. Escríbenos a privacidad@example.mx.';
    const set = await call(env.app, biz.as.owner, 'PATCH', '/api/v1/business', {
      privacyNotice: `  ${own}\n`,
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().privacyNotice).toBe(own);
    expect((await notice(biz.tenantId)).json()).toMatchObject({ custom: true, text: own });
    // another business still shows its own (the default)
    expect((await notice(other.tenantId)).json().custom).toBe(false);
    // a manager may not change it; blank goes back to the default
    expect(
      (await call(env.app, biz.as.manager, 'PATCH', '/api/v1/business', { privacyNotice: 'x' })).statusCode,
    ).toBe(403);
    await call(env.app, biz.as.owner, 'PATCH', '/api/v1/business', { privacyNotice: '   ' });
    expect((await notice(biz.tenantId)).json().custom).toBe(false);
  });

  it('answers 404 for a business that does not exist and 400 for a malformed id', async () => {
    const missing = await notice('ten_01JZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('BUSINESS_NOT_FOUND');
    expect((await notice('abc')).statusCode).toBe(400);
  });
});

describe('retention policy', () => {
  it('erases customers inactive for the set years, keeps the active ones, and waits for an open order', async () => {
    const shop = await env.givenBusiness('Tienda Retención');
    const setYears = (v: unknown) =>
      call(env.app, shop.as.owner, 'PATCH', '/api/v1/business', { customerRetentionYears: v });
    expect((await setYears(0)).statusCode).toBe(400);
    expect((await setYears(2.5)).statusCode).toBe(400);
    const set = await setYears(2);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().customerRetentionYears).toBe(2);
    expect(await businessesWithCustomerRetention(env.db.db)).toContainEqual({
      tenantId: shop.tenantId,
      years: 2,
    });

    const make = async (name: string, phone: string) =>
      (await call(env.app, shop.as.manager, 'POST', '/api/v1/customers', { name, phone })).json()
        .id as string;
    const quiet = await make('Cliente Callado', '55 6000 0001');
    const active = await make('Cliente Activo', '55 6000 0002');
    const waiting = await make('Cliente Con Pedido', '55 6000 0003');
    const year = 365.25 * 24 * 3600_000;
    const at = (years: number) => ({ ...shop.ctx, now: new Date(env.clock.now.getTime() + years * year) });
    const skuId = await givenStocked(shop, '10.00', '5');
    const order = (phone: string, ctx: typeof shop.ctx) =>
      createOrder(ctx, {
        channel: 'whatsapp',
        locationId: shop.storeId,
        customer: { phone },
        fulfilment: 'pickup',
        lines: [{ skuId, quantity: '1' }],
      });
    // bought a year and a half from now: inside the two years when the policy runs in three
    const recent = await order('5560000002', at(1.5));
    await cancelOrder(at(1.5), { orderId: recent.order.id });
    // an order placed today and never closed
    await order('5560000003', at(0));

    const later = at(3).now;
    // the one who ordered inside the two years is left out by the query itself, not re-checked
    const cutoff = at(1).now;
    expect(
      (await customersUntouchedSince({ ...shop.ctx, now: later }, { before: cutoff, limit: 10 })).sort(),
    ).toEqual([quiet, waiting].sort());
    expect(
      await applyCustomerRetention(env.db.db, { tenantId: shop.tenantId, years: 2, now: later }),
    ).toEqual({
      erased: 1,
      waiting: 1,
    });
    const erasedAt = async (id: string) =>
      (await call(env.app, shop.as.manager, 'GET', `/api/v1/customers/${id}`)).json().erasedAt;
    expect(await erasedAt(quiet)).toBe(later.toISOString());
    expect(await erasedAt(active)).toBeNull();
    expect(await erasedAt(waiting)).toBeNull();
    const audit = await env.db.db
      .selectFrom('audit_log')
      .select('data')
      .where('tenant_id', '=', shop.tenantId)
      .where('action', '=', 'privacy.cancellation_applied')
      .execute();
    expect(audit.map((a) => (a.data as { reason: string }).reason)).toEqual([
      'Política de conservación: 2 años sin actividad.',
    ]);
    // the next run finds nothing new; the open order still holds its customer
    expect(
      await applyCustomerRetention(env.db.db, { tenantId: shop.tenantId, years: 2, now: later }),
    ).toEqual({
      erased: 0,
      waiting: 1,
    });
    // a business without the setting is not touched
    expect((await businessesWithCustomerRetention(env.db.db)).map((b) => b.tenantId)).not.toContain(
      biz.tenantId,
    );
  });

  it('counts payments on a customer’s account as activity: one who paid off a debt recently is kept', async () => {
    const shop = await env.givenBusiness('Tienda Fiado Retención');
    const year = 365.25 * 24 * 3600_000;
    const at = (years: number) => ({ ...shop.ctx, now: new Date(env.clock.now.getTime() + years * year) });
    const payer = (
      await call(env.app, shop.as.manager, 'POST', '/api/v1/customers', {
        name: 'Cliente Pagador',
        phone: '55 6000 0011',
      })
    ).json().id as string;
    await recordOpeningBalance(at(0), payer, { amount: '100.00', since: businessDate(at(0).now) });
    // paid off a year and a half later, by transfer
    await recordAccountPayment(at(1.5), payer, { amount: '100.00', method: 'spei', reference: 'SPEI-1' });
    const run = (years: number) =>
      applyCustomerRetention(env.db.db, { tenantId: shop.tenantId, years: 2, now: at(years).now });
    // three years on: the payment is inside the two years
    expect(await run(3)).toEqual({ erased: 0, waiting: 0 });
    // four years on: two and a half years without anything
    expect(await run(4)).toEqual({ erased: 1, waiting: 0 });
  });
});
