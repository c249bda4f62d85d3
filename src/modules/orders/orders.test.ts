import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { givenProduct } from '../../../test/helpers/factories.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { addStock, consumeStock, getStockLevels } from '../inventory/inventory.service.js';

let env: TestEnv;
let biz: TestBusiness;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
});
afterAll(() => env.close());

/** A product with `units` in the store. */
async function givenStock(units: string, price = '25.00') {
  const p = await givenProduct(biz.ctx, { price, iva: 'iva16' });
  const sku = p.skus[0]!;
  await addStock(biz.ctx, {
    locationId: biz.storeId,
    lines: [{ skuId: sku.id, quantity: units }],
    reason: 'receipt',
  });
  return sku;
}

async function level(skuId: string) {
  const [l] = await getStockLevels(biz.ctx, { locationId: biz.storeId, skuIds: [skuId] });
  return { onHand: l!.onHand, reserved: l!.reserved, available: l!.available };
}

async function count(
  table: 'orders' | 'order_status_history' | 'events' | 'stock_movements',
  orderId?: string,
) {
  let q = env.db.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', biz.tenantId);
  if (orderId && table === 'order_status_history') q = q.where('order_id', '=', orderId);
  const r = await q.executeTakeFirstOrThrow();
  return Number(r.n);
}

async function ledger(skuId: string) {
  return env.db.db
    .selectFrom('stock_movements')
    .select(['quantity', 'reason', 'ref_type', 'ref_id'])
    .where('tenant_id', '=', biz.tenantId)
    .where('sku_id', '=', skuId)
    .orderBy('id')
    .execute();
}

function whatsappOrder(skuId: string, extra: Record<string, unknown> = {}) {
  return {
    channel: 'whatsapp',
    locationId: biz.storeId,
    customer: { phone: '5215512345678', name: 'Ana' },
    fulfilment: 'pickup',
    lines: [{ skuId, quantity: '1' }],
    ...extra,
  };
}

describe('orders', () => {
  it('creates an order from a webhook once, even when it arrives twice', async () => {
    const sku = await givenStock('5');
    const body = {
      channel: 'shopify',
      externalId: '#1001',
      locationId: biz.storeId,
      customer: { email: 'cliente@example.mx', name: 'Cliente Web' },
      fulfilment: 'delivery',
      deliveryAddress: 'Av. Juárez 10, Centro, CDMX',
      lines: [{ sku: sku.sku, quantity: '2', unitPrice: '20.00' }],
    };
    const first = await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', body);
    expect(first.statusCode, first.body).toBe(201);
    const o = first.json();
    expect(o.channel).toBe('shopify');
    expect(o.total).toBe('40.00');
    expect(o.subtotal).toBe('34.48');
    expect(o.taxTotal).toBe('5.52');
    expect(o.lines[0].priceSource).toBe('channel');
    expect(o.lines[0].stockStatus).toBe('held');
    const ordersBefore = await count('orders');
    const second = await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', body);
    expect(second.statusCode).toBe(200);
    expect(second.json().id).toBe(o.id);
    expect(await count('orders')).toBe(ordersBefore);
    expect(await level(sku.id)).toEqual({ onHand: '5.000', reserved: '2.000', available: '3.000' });
  });

  it('audits a price agreed in the chat, and nothing for catalog prices', async () => {
    const sku = await givenStock('5', '18.00');
    const audits = () =>
      env.db.db
        .selectFrom('audit_log')
        .select(['entity_id', 'data'])
        .where('tenant_id', '=', biz.tenantId)
        .where('action', '=', 'order.price_agreed')
        .execute();
    const before = (await audits()).length;
    const listed = await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', whatsappOrder(sku.id));
    expect(listed.statusCode, listed.body).toBe(201);
    const same = await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', {
      ...whatsappOrder(sku.id),
      lines: [{ skuId: sku.id, quantity: '1', unitPrice: '18.00' }],
    });
    expect(same.statusCode, same.body).toBe(201);
    expect((await audits()).length).toBe(before);
    const agreed = await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', {
      ...whatsappOrder(sku.id),
      lines: [
        { skuId: sku.id, quantity: '1' },
        { skuId: sku.id, quantity: '2', unitPrice: '15.5' },
      ],
    });
    expect(agreed.statusCode, agreed.body).toBe(201);
    expect(agreed.json().total).toBe('49.00');
    const rows = (await audits()).slice(before);
    expect(rows).toEqual([
      {
        entity_id: agreed.json().id,
        data: {
          number: agreed.json().number,
          channel: 'whatsapp',
          lines: [{ lineNo: 2, sku: sku.sku, listPrice: '18.00', unitPrice: '15.50' }],
        },
      },
    ]);
  });

  it('prices from the catalog per channel and links the WhatsApp customer by phone', async () => {
    const sku = await givenStock('3', '18.00');
    const res = await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', whatsappOrder(sku.id));
    expect(res.statusCode, res.body).toBe(201);
    const o = res.json();
    expect(o.lines[0].unitPrice).toBe('18.00');
    expect(o.lines[0].priceSource).toBe('catalog');
    expect(o.holdUntil).toBe(new Date(env.clock.now.getTime() + 30 * 60_000).toISOString());
    const look = await call(env.app, biz.as.agent, 'GET', '/api/v1/customers/lookup?phone=55%201234%205678');
    expect(look.json().id).toBe(o.customerId);
    // the board shows who to call: the profile's name and phone come with the order
    expect(o.customer).toMatchObject({ id: o.customerId, phone: '+525512345678' });
    const listed = await call(env.app, biz.as.agent, 'GET', '/api/v1/orders?channel=whatsapp&limit=50');
    expect(listed.json().items.find((x: { id: string }) => x.id === o.id).customer.phone).toBe(
      '+525512345678',
    );
    const ev = await env.db.db
      .selectFrom('events')
      .select('payload')
      .where('tenant_id', '=', biz.tenantId)
      .where('type', '=', 'order.created')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(ev.payload).toMatchObject({ orderId: o.id, channel: 'whatsapp', customerPhone: '+525512345678' });
    const history = await call(env.app, biz.as.agent, 'GET', `/api/v1/customers/${o.customerId}/history`);
    expect(history.json().entries.map((e: { id: string }) => e.id)).toContain(o.id);
  });

  it('walks a pickup order through its statuses, skipping out_for_delivery', async () => {
    const sku = await givenStock('2');
    const o = (await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', whatsappOrder(sku.id))).json();
    for (const status of ['confirmed', 'preparing', 'ready']) {
      const r = await call(env.app, biz.as.kitchen, 'POST', `/api/v1/orders/${o.id}/status`, { status });
      expect(r.statusCode, r.body).toBe(200);
    }
    const ready = (await call(env.app, biz.as.agent, 'GET', `/api/v1/orders/${o.id}`)).json();
    expect(ready.nextStatuses).toEqual(['delivered', 'cancelled']);
    const bad = await call(env.app, biz.as.agent, 'POST', `/api/v1/orders/${o.id}/status`, {
      status: 'out_for_delivery',
    });
    expect(bad.statusCode).toBe(409);
    const delivered = await call(env.app, biz.as.agent, 'POST', `/api/v1/orders/${o.id}/status`, {
      status: 'delivered',
      note: 'Recogió su hermana',
    });
    expect(delivered.statusCode, delivered.body).toBe(200);
    const d = delivered.json();
    expect(d.history.map((h: { to: string }) => h.to)).toEqual([
      'new',
      'confirmed',
      'preparing',
      'ready',
      'delivered',
    ]);
    expect(d.history.at(-1)).toMatchObject({
      from: 'ready',
      note: 'Recogió su hermana',
      by: biz.as.agent.userId,
    });
    // Delivered: the held unit left through the ledger.
    expect(d.lines[0].stockStatus).toBe('confirmed');
    expect(await level(sku.id)).toEqual({ onHand: '1.000', reserved: '0.000', available: '1.000' });
    const ev = await env.db.db
      .selectFrom('events')
      .select('payload')
      .where('tenant_id', '=', biz.tenantId)
      .where('type', '=', 'order.status_changed')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(ev.payload).toMatchObject({
      orderId: o.id,
      from: 'ready',
      to: 'delivered',
      channel: 'whatsapp',
      customerId: o.customerId,
      customerPhone: '+525512345678',
    });
  });

  it('rejects an invalid status jump with from/to/allowed and records nothing', async () => {
    const sku = await givenStock('1');
    const o = (await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', whatsappOrder(sku.id))).json();
    const historyBefore = await count('order_status_history', o.id);
    const eventsBefore = await count('events');
    const res = await call(env.app, biz.as.agent, 'POST', `/api/v1/orders/${o.id}/status`, {
      status: 'ready',
    });
    expect(res.statusCode).toBe(409);
    const err = res.json().error;
    expect(err.code).toBe('ORDER_STATUS_TRANSITION_INVALID');
    expect(err.details).toMatchObject({ from: 'new', to: 'ready', allowed: ['confirmed', 'cancelled'] });
    expect(err.message).toBe(
      'El pedido está «nuevo» y no puede pasar a «listo»; desde aquí puede pasar a: confirmado, cancelado.',
    );
    const en = await call(
      env.app,
      biz.as.agent,
      'POST',
      `/api/v1/orders/${o.id}/status`,
      { status: 'ready' },
      { 'accept-language': 'en' },
    );
    expect(en.json().error.message).toBe(
      'The order is "new" and cannot move to "ready"; allowed from here: confirmed, cancelled.',
    );
    expect(await count('order_status_history', o.id)).toBe(historyBefore);
    expect(await count('events')).toBe(eventsBefore);
    const still = (await call(env.app, biz.as.agent, 'GET', `/api/v1/orders/${o.id}`)).json();
    expect(still.status).toBe('new');
  });

  it('holds stock: a counter sale of the held unit fails; cancelling releases it', async () => {
    const sku = await givenStock('1');
    const o = (await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', whatsappOrder(sku.id))).json();
    expect(await level(sku.id)).toEqual({ onHand: '1.000', reserved: '1.000', available: '0.000' });
    const sale = env.db.db
      .transaction()
      .execute((trx) =>
        consumeStock(
          { ...biz.ctx, db: trx },
          { locationId: biz.storeId, lines: [{ skuId: sku.id, quantity: '1' }], reason: 'sale' },
        ),
      );
    await expect(sale).rejects.toMatchObject({ code: 'STOCK_INSUFFICIENT' });
    const cancelled = await call(env.app, biz.as.agent, 'POST', `/api/v1/orders/${o.id}/cancel`, {
      note: 'El cliente ya no lo quiere',
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    expect(cancelled.json().lines[0].stockStatus).toBe('released');
    expect(await level(sku.id)).toEqual({ onHand: '1.000', reserved: '0.000', available: '1.000' });
    const again = await call(env.app, biz.as.agent, 'POST', `/api/v1/orders/${o.id}/status`, {
      status: 'confirmed',
    });
    expect(again.json().error.code).toBe('ORDER_STATUS_TRANSITION_INVALID');
    expect(again.json().error.details.allowed).toEqual([]);
  });

  it('paying confirms the reservation: a reservation_confirm ledger row and on hand down', async () => {
    const sku = await givenStock('4');
    const o = (
      await call(
        env.app,
        biz.as.agent,
        'POST',
        '/api/v1/orders',
        whatsappOrder(sku.id, {
          lines: [{ skuId: sku.id, quantity: '3' }],
        }),
      )
    ).json();
    expect(o.total).toBe('75.00');
    const over = await call(env.app, biz.as.cashier, 'POST', `/api/v1/orders/${o.id}/payments`, {
      method: 'cash',
      amount: '80.00',
    });
    expect(over.json().error.code).toBe('ORDER_PAYMENT_EXCEEDS_BALANCE');
    const part = await call(env.app, biz.as.cashier, 'POST', `/api/v1/orders/${o.id}/payments`, {
      method: 'cash',
      amount: '50.00',
    });
    expect(part.json()).toMatchObject({ paymentStatus: 'unpaid', paidTotal: '50.00', balance: '25.00' });
    expect(await level(sku.id)).toEqual({ onHand: '4.000', reserved: '3.000', available: '1.000' });
    const rest = await call(env.app, biz.as.cashier, 'POST', `/api/v1/orders/${o.id}/payments`, {
      method: 'card',
      amount: '25.00',
      reference: 'AUT-123',
    });
    expect(rest.statusCode, rest.body).toBe(200);
    expect(rest.json()).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
    expect(rest.json().lines[0].stockStatus).toBe('confirmed');
    expect(await level(sku.id)).toEqual({ onHand: '1.000', reserved: '0.000', available: '1.000' });
    const rows = await ledger(sku.id);
    expect(rows.at(-1)).toMatchObject({ reason: 'reservation_confirm', ref_type: 'order', ref_id: o.id });
    expect(String(rows.at(-1)!.quantity)).toMatch(/^-3(\.0+)?$/);
    const cancel = await call(env.app, biz.as.agent, 'POST', `/api/v1/orders/${o.id}/cancel`, {});
    expect(cancel.json().error.code).toBe('ORDER_HAS_PAYMENTS');
  });

  it('paying after the hold expired with the stock gone fails with ORDER_RESERVATION_EXPIRED and leaves nothing', async () => {
    const sku = await givenStock('1');
    const o = (
      await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', whatsappOrder(sku.id, { holdMinutes: 10 }))
    ).json();
    env.clock.advance(11 * 60_000);
    // The expired hold no longer blocks the counter: the last unit is sold there.
    await env.db.db
      .transaction()
      .execute((trx) =>
        consumeStock(
          { ...biz.ctx, db: trx },
          { locationId: biz.storeId, lines: [{ skuId: sku.id, quantity: '1' }], reason: 'sale' },
        ),
      );
    const movements = (await ledger(sku.id)).length;
    const events = await count('events');
    const res = await call(env.app, biz.as.cashier, 'POST', `/api/v1/orders/${o.id}/payments`, {
      method: 'cash',
      amount: '25.00',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('ORDER_RESERVATION_EXPIRED');
    expect(res.json().error.details).toMatchObject({ sku: sku.sku, requested: '1.000' });
    expect((await ledger(sku.id)).length).toBe(movements);
    expect(await count('events')).toBe(events);
    const after = (await call(env.app, biz.as.agent, 'GET', `/api/v1/orders/${o.id}`)).json();
    expect(after).toMatchObject({ paymentStatus: 'unpaid', paidTotal: '0.00', payments: [] });
  });

  it('paying after the hold expired re-reserves when stock is still there', async () => {
    const sku = await givenStock('2');
    const o = (
      await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', whatsappOrder(sku.id, { holdMinutes: 5 }))
    ).json();
    env.clock.advance(6 * 60_000);
    const res = await call(env.app, biz.as.cashier, 'POST', `/api/v1/orders/${o.id}/payments`, {
      method: 'spei',
      amount: '25.00',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().lines[0].reservationId).not.toBe(o.lines[0].reservationId);
    expect(await level(sku.id)).toEqual({ onHand: '1.000', reserved: '0.000', available: '1.000' });
  });

  it('refuses an order for more than is available and leaves no order behind', async () => {
    const sku = await givenStock('1');
    const before = await count('orders');
    const res = await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', {
      ...whatsappOrder(sku.id),
      lines: [{ skuId: sku.id, quantity: '2' }],
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('STOCK_INSUFFICIENT');
    expect(await count('orders')).toBe(before);
    expect(await level(sku.id)).toEqual({ onHand: '1.000', reserved: '0.000', available: '1.000' });
  });

  it('needs an address for delivery and whole quantities for pieces', async () => {
    const sku = await givenStock('3');
    const noAddress = await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', {
      ...whatsappOrder(sku.id),
      fulfilment: 'delivery',
    });
    expect(noAddress.json().error.code).toBe('ORDER_DELIVERY_ADDRESS_REQUIRED');
    const half = await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', {
      ...whatsappOrder(sku.id),
      lines: [{ skuId: sku.id, quantity: '0.5' }],
    });
    expect(half.json().error.code).toBe('ORDER_QUANTITY_NOT_WHOLE');
    const numeric = await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', {
      ...whatsappOrder(sku.id),
      lines: [{ skuId: sku.id, quantity: 1 }],
    });
    expect(numeric.statusCode).toBe(400);
  });

  it('lists with filters and counts the board per status', async () => {
    const list = await call(env.app, biz.as.agent, 'GET', '/api/v1/orders?channel=shopify');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.map((o: { externalId: string }) => o.externalId)).toEqual(['#1001']);
    const page1 = await call(env.app, biz.as.agent, 'GET', '/api/v1/orders?limit=2');
    expect(page1.json().items).toHaveLength(2);
    const page2 = await call(
      env.app,
      biz.as.agent,
      'GET',
      `/api/v1/orders?limit=2&cursor=${page1.json().nextCursor}`,
    );
    expect(page2.json().items[0].id < page1.json().items[1].id).toBe(true);
    const board = await call(env.app, biz.as.kitchen, 'GET', '/api/v1/orders/board');
    expect(board.statusCode, board.body).toBe(200);
    const counts = board.json().counts;
    expect(counts.delivered).toBe(1);
    expect(counts.cancelled).toBe(1);
    expect(counts.new).toBeGreaterThanOrEqual(3);
    const kitchenCreate = await call(env.app, biz.as.kitchen, 'POST', '/api/v1/orders', {});
    expect(kitchenCreate.statusCode).toBe(403);
  });

  it('merging customers moves their orders to the kept profile', async () => {
    const sku = await givenStock('1');
    const dup = (
      await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', {
        ...whatsappOrder(sku.id),
        customer: { phone: '33 1111 2222', name: 'Ana (otro número)' },
      })
    ).json();
    const keepId = (
      await call(env.app, biz.as.agent, 'GET', '/api/v1/customers/lookup?phone=5215512345678')
    ).json().id;
    const merged = await call(env.app, biz.as.manager, 'POST', '/api/v1/customers/merge', {
      keepId,
      mergeId: dup.customerId,
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const moved = (await call(env.app, biz.as.agent, 'GET', `/api/v1/orders/${dup.id}`)).json();
    expect(moved.customerId).toBe(keepId);
    const byOldPhone = await call(env.app, biz.as.agent, 'GET', '/api/v1/customers/lookup?phone=3311112222');
    expect(byOldPhone.json().id).toBe(keepId);
  });

  it('shows counter sales and orders of every channel in the customer history', async () => {
    const sku = await givenStock('5', '10.00');
    const customerId = (
      await call(env.app, biz.as.agent, 'GET', '/api/v1/customers/lookup?phone=5512345678')
    ).json().id;
    const reg = await call(env.app, biz.as.manager, 'POST', '/api/v1/registers', {
      locationId: biz.storeId,
      name: 'Caja historial',
    });
    expect(reg.statusCode, reg.body).toBe(201);
    const open = await call(env.app, biz.as.cashier, 'POST', '/api/v1/cash-sessions', {
      registerId: reg.json().id,
      openingFloat: '100.00',
    });
    expect(open.statusCode, open.body).toBe(201);
    const saleId = newId('sale');
    const sale = await call(env.app, biz.as.cashier, 'POST', '/api/v1/sales', {
      id: saleId,
      registerId: reg.json().id,
      customerId,
      lines: [{ skuId: sku.id, quantity: '2' }],
      payments: [{ method: 'cash', amount: '20.00' }],
    });
    expect(sale.statusCode, sale.body).toBe(201);
    const h = (await call(env.app, biz.as.agent, 'GET', `/api/v1/customers/${customerId}/history`)).json();
    const kinds = new Set(h.entries.map((e: { kind: string; channel: string }) => `${e.kind}:${e.channel}`));
    expect(kinds.has('sale:counter')).toBe(true);
    expect(kinds.has('order:whatsapp')).toBe(true);
    expect(h.entries.find((e: { id: string }) => e.id === saleId)).toMatchObject({ total: '20.00' });
    expect(h.totals.sales).toBe(1);
  });

  it('creates one order when the same webhook arrives twice at the same time', async () => {
    const sku = await givenStock('5');
    const body = {
      channel: 'woocommerce',
      externalId: 'wc-77',
      locationId: biz.storeId,
      fulfilment: 'pickup',
      lines: [{ skuId: sku.id, quantity: '1' }],
    };
    const [a, b] = await Promise.all([
      call(env.app, biz.as.agent, 'POST', '/api/v1/orders', body),
      call(env.app, biz.as.agent, 'POST', '/api/v1/orders', body),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().id).toBe(b.json().id);
    expect(await level(sku.id)).toEqual({ onHand: '5.000', reserved: '1.000', available: '4.000' });
  });

  it('keeps businesses apart', async () => {
    const other = await env.givenBusiness('Otra');
    const mine = (await call(env.app, biz.as.agent, 'GET', '/api/v1/orders?limit=1')).json().items[0];
    const peek = await call(env.app, other.as.owner, 'GET', `/api/v1/orders/${mine.id}`);
    expect(peek.statusCode).toBe(404);
    const pay = await call(env.app, other.as.owner, 'POST', `/api/v1/orders/${mine.id}/payments`, {
      method: 'cash',
      amount: '1.00',
    });
    expect(pay.statusCode).toBe(404);
    expect((await call(env.app, other.as.owner, 'GET', '/api/v1/orders')).json().items).toEqual([]);
    const wrongLocation = await call(env.app, other.as.owner, 'POST', '/api/v1/orders', {
      channel: 'counter',
      locationId: biz.storeId,
      fulfilment: 'pickup',
      lines: [{ skuId: mine.lines[0].skuId, quantity: '1' }],
    });
    expect(wrongLocation.statusCode).toBe(404);
  });

  it('records a web order that arrives already paid: settled and its stock taken at once', async () => {
    const sku = await givenStock('2', '30.00');
    const res = await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', {
      channel: 'storefront',
      externalId: 'web-9',
      locationId: biz.storeId,
      customer: { email: 'web@example.mx' },
      fulfilment: 'pickup',
      lines: [{ skuId: sku.id, quantity: '1' }],
      payments: [{ method: 'online', amount: '30.00', reference: 'pi_123' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ paymentStatus: 'paid', balance: '0.00' });
    expect(res.json().lines[0].stockStatus).toBe('confirmed');
    expect(await level(sku.id)).toEqual({ onHand: '1.000', reserved: '0.000', available: '1.000' });
  });

  it('throws AppErrors with known codes only', () => {
    expect(() => new AppError('ORDER_RESERVATION_EXPIRED')).not.toThrow();
  });
});

describe('the kitchen queue', () => {
  it('shows the kitchen what to make, oldest first, without who ordered it, until it is ready', async () => {
    const sku = await givenStock('4', '30.00');
    const first = await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', {
      ...whatsappOrder(sku.id),
      customer: { phone: '5215599990001', name: 'Cliente Cocina' },
      notes: 'Sin cebolla',
    });
    expect(first.statusCode, first.body).toBe(201);
    const second = await call(env.app, biz.as.agent, 'POST', '/api/v1/orders', {
      ...whatsappOrder(sku.id, { lines: [{ skuId: sku.id, quantity: '2' }] }),
      customer: { phone: '5215599990002' },
    });
    const ids = [first.json().id as string, second.json().id as string];
    const queue = async () => {
      const r = await call(env.app, biz.as.kitchen, 'GET', '/api/v1/orders/kitchen');
      expect(r.statusCode, r.body).toBe(200);
      return (r.json().items as { id: string; status: string }[]).filter((t) => ids.includes(t.id));
    };
    // new orders are not the kitchen's yet
    expect(await queue()).toEqual([]);
    for (const id of ids) {
      const r = await call(env.app, biz.as.agent, 'POST', `/api/v1/orders/${id}/status`, {
        status: 'confirmed',
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    const tickets = await queue();
    expect(tickets.map((t) => t.id)).toEqual(ids);
    expect(tickets[0]).toMatchObject({
      status: 'confirmed',
      notes: 'Sin cebolla',
      lines: [{ quantity: '1.000' }],
    });
    expect(JSON.stringify(tickets)).not.toContain('5599990001');
    expect(Object.keys(tickets[0]!)).not.toContain('customer');
    await call(env.app, biz.as.kitchen, 'POST', `/api/v1/orders/${ids[0]}/status`, { status: 'preparing' });
    expect((await queue()).map((t) => t.status)).toEqual(['preparing', 'confirmed']);
    await call(env.app, biz.as.kitchen, 'POST', `/api/v1/orders/${ids[0]}/status`, { status: 'ready' });
    expect((await queue()).map((t) => t.id)).toEqual([ids[1]]);
  });
});
