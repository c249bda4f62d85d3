import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { givenProduct } from '../../../test/helpers/factories.js';
import type { Ctx } from '../../shared/context.js';
import { AppError, messageFor } from '../../shared/errors.js';
import {
  addStock,
  adjustStock,
  checkLedger,
  confirmReservation,
  consumeStock,
  createCount,
  createTransfer,
  getStockLevels,
  listLots,
  listLowStock,
  listMovements,
  listReservations,
  postCount,
  receiveStock,
  receiveTransfer,
  recordCountLines,
  releaseExpiredReservations,
  releaseReservation,
  releaseReservationsFor,
  reserveStock,
  sendTransfer,
} from './inventory.service.js';

let env: TestEnv;
let biz: TestBusiness;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
});
afterAll(() => env.close());

async function newSku(opts: { trackLots?: boolean } = {}): Promise<string> {
  const p = await givenProduct(biz.ctx, { trackLots: opts.trackLots });
  return p.skus[0]!.id;
}

async function level(skuId: string, locationId = biz.storeId) {
  const r = await env.db.db
    .selectFrom('stock_levels')
    .select(['on_hand', 'reserved'])
    .where('tenant_id', '=', biz.tenantId)
    .where('sku_id', '=', skuId)
    .where('location_id', '=', locationId)
    .executeTakeFirst();
  return r ? { onHand: r.on_hand, reserved: r.reserved } : null;
}

async function movementCount(skuId: string): Promise<number> {
  const r = await env.db.db
    .selectFrom('stock_movements')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', biz.tenantId)
    .where('sku_id', '=', skuId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function eventCount(): Promise<number> {
  const r = await env.db.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', biz.tenantId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The Spanish message of the error `p` fails with (the statuses read as words, not codes). */
async function spanishOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return messageFor(err.code, 'es', err.details);
    throw err;
  }
  return 'OK';
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'OK';
}

/** Runs `fn` in its own transaction, as a route would. */
function inTx<T>(fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  return env.db.db.transaction().execute((trx) => fn({ ...biz.ctx, db: trx }));
}

const inMinutes = (m: number) => new Date(env.clock.now.getTime() + m * 60_000);

describe('inventory ledger', () => {
  it('records a receipt as a level and a ledger row', async () => {
    const sku = await newSku();
    const r = await receiveStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '24', unitCost: '11.5000' }],
      note: 'Factura 123',
    });
    expect(r.id).toMatch(/^rcv_/);
    expect(r.movements).toHaveLength(1);
    expect(r.movements[0]).toMatchObject({ quantity: '24.000', reason: 'receipt', unitCost: '11.5000' });
    expect(await level(sku)).toEqual({ onHand: '24.000', reserved: '0.000' });
    const [l] = await getStockLevels(biz.ctx, { locationId: biz.storeId, skuIds: [sku] });
    expect(l).toMatchObject({ onHand: '24.000', reserved: '0.000', available: '24.000' });
  });

  it('takes stock off for a sale and writes stock.changed', async () => {
    const sku = await newSku();
    await addStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '5' }],
      reason: 'receipt',
    });
    await consumeStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [
        { skuId: sku, quantity: '1' },
        { skuId: sku, quantity: '0.5' },
      ],
      reason: 'sale',
      refType: 'sale',
      refId: 'sale_X',
    });
    expect(await level(sku)).toEqual({ onHand: '3.500', reserved: '0.000' });
    const m = await listMovements(biz.ctx, { skuId: sku, limit: 10 });
    expect(m.items.map((x) => [x.quantity, x.reason])).toEqual([
      ['-1.500', 'sale'],
      ['5.000', 'receipt'],
    ]);
    const ev = await env.db.db
      .selectFrom('events')
      .select(['type', 'payload'])
      .where('tenant_id', '=', biz.tenantId)
      .where('type', '=', 'stock.changed')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(ev.payload).toEqual({
      skuId: sku,
      locationId: biz.storeId,
      onHand: '3.500',
      reserved: '0.000',
      available: '3.500',
      reason: 'sale',
      refType: 'sale',
      refId: 'sale_X',
    });
  });

  it('refuses a sale beyond what is available and leaves no ledger row, level change or event', async () => {
    const a = await newSku();
    const b = await newSku();
    await addStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [
        { skuId: a, quantity: '5' },
        { skuId: b, quantity: '1' },
      ],
      reason: 'receipt',
    });
    const events = await eventCount();
    const err = await inTx((ctx) =>
      consumeStock(ctx, {
        locationId: biz.storeId,
        lines: [
          { skuId: a, quantity: '2' },
          { skuId: b, quantity: '3' },
        ],
        reason: 'sale',
      }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('STOCK_INSUFFICIENT');
    expect((err as AppError).details).toEqual({
      skuId: b,
      locationId: biz.storeId,
      requested: '3.000',
      available: '1.000',
    });
    expect(await level(a)).toEqual({ onHand: '5.000', reserved: '0.000' });
    expect(await level(b)).toEqual({ onHand: '1.000', reserved: '0.000' });
    expect(await movementCount(a)).toBe(1);
    expect(await movementCount(b)).toBe(1);
    expect(await eventCount()).toBe(events);
  });

  it('treats a SKU that never had stock as zero available', async () => {
    const sku = await newSku();
    expect(
      await codeOf(
        consumeStock(biz.ctx, {
          locationId: biz.storeId,
          lines: [{ skuId: sku, quantity: '1' }],
          reason: 'sale',
        }),
      ),
    ).toBe('STOCK_INSUFFICIENT');
    expect(await level(sku)).toBeNull();
  });

  it('sells the last unit exactly once among 20 concurrent checkouts', async () => {
    const sku = await newSku();
    await addStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '1' }],
      reason: 'receipt',
    });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        inTx((ctx) =>
          consumeStock(ctx, {
            locationId: biz.storeId,
            lines: [{ skuId: sku, quantity: '1' }],
            reason: 'sale',
            refType: 'sale',
            refId: `sale_${i}`,
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failures.map((f) => (f.reason as AppError).code)).toEqual(Array(19).fill('STOCK_INSUFFICIENT'));
    expect(await level(sku)).toEqual({ onHand: '0.000', reserved: '0.000' });
    expect(await movementCount(sku)).toBe(2);
    expect(await checkLedger(env.db.db)).toEqual([]);
  });

  it('allocates lot-tracked stock first-expired-first-out on sale', async () => {
    const sku = await newSku({ trackLots: true });
    await receiveStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [
        { skuId: sku, quantity: '10', lotCode: 'L-LATE', expiresOn: '2027-03-01' },
        { skuId: sku, quantity: '4', lotCode: 'L-SOON', expiresOn: '2026-12-15' },
      ],
    });
    expect(
      await codeOf(
        receiveStock(biz.ctx, { locationId: biz.storeId, lines: [{ skuId: sku, quantity: '1' }] }),
      ),
    ).toBe('LOT_REQUIRED');
    await consumeStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '6' }],
      reason: 'sale',
      refType: 'sale',
      refId: 'sale_L',
    });
    const lots = await listLots(biz.ctx, { skuId: sku, locationId: biz.storeId });
    expect(lots.map((l) => [l.lotCode, l.quantity])).toEqual([['L-LATE', '8.000']]);
    const sale = await listMovements(biz.ctx, { skuId: sku, reason: 'sale', limit: 10 });
    const byLot = new Map(sale.items.map((m) => [m.lotId, m.quantity]));
    const ids = await env.db.db
      .selectFrom('stock_lots')
      .select(['id', 'lot_code'])
      .where('sku_id', '=', sku)
      .execute();
    const idOf = (code: string) => ids.find((x) => x.lot_code === code)!.id;
    expect(sale.items).toHaveLength(2);
    expect(byLot.get(idOf('L-SOON'))).toBe('-4.000');
    expect(byLot.get(idOf('L-LATE'))).toBe('-2.000');
    expect(await level(sku)).toEqual({ onHand: '8.000', reserved: '0.000' });
  });

  it('writes stock.low when a sale crosses the reorder point', async () => {
    const sku = await newSku();
    await env.db.db.updateTable('skus').set({ reorder_point: '3' }).where('id', '=', sku).execute();
    await addStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '5' }],
      reason: 'receipt',
    });
    await consumeStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '2' }],
      reason: 'sale',
    });
    await consumeStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '1' }],
      reason: 'sale',
    });
    const low = await env.db.db
      .selectFrom('events')
      .select('payload')
      .where('tenant_id', '=', biz.tenantId)
      .where('type', '=', 'stock.low')
      .where(sql<boolean>`payload->>'skuId' = ${sku}`)
      .execute();
    expect(low.map((e) => e.payload)).toEqual([
      { skuId: sku, locationId: biz.storeId, available: '3.000', reorderPoint: '3.000' },
    ]);
    const list = await listLowStock(biz.ctx, { locationId: biz.storeId });
    expect(list.find((l) => l.skuId === sku)).toMatchObject({ available: '2.000', reorderPoint: '3.000' });
  });
});

describe('reservations', () => {
  it('blocks a counter sale of units a WhatsApp cart holds', async () => {
    const sku = await newSku();
    await addStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '2' }],
      reason: 'receipt',
    });
    const res = await reserveStock(biz.ctx, {
      skuId: sku,
      locationId: biz.storeId,
      quantity: '2',
      expiresAt: inMinutes(15),
      holderType: 'whatsapp_cart',
      holderId: 'cart_1',
    });
    expect(res).toMatchObject({ status: 'active', quantity: '2.000' });
    expect(res.id).toMatch(/^res_/);
    expect(
      await codeOf(
        consumeStock(biz.ctx, {
          locationId: biz.storeId,
          lines: [{ skuId: sku, quantity: '1' }],
          reason: 'sale',
        }),
      ),
    ).toBe('STOCK_INSUFFICIENT');
    expect(
      await codeOf(
        reserveStock(biz.ctx, {
          skuId: sku,
          locationId: biz.storeId,
          quantity: '1',
          expiresAt: inMinutes(15),
          holderType: 'order',
          holderId: 'ord_1',
        }),
      ),
    ).toBe('STOCK_INSUFFICIENT');
    expect(await level(sku)).toEqual({ onHand: '2.000', reserved: '2.000' });
    const released = await releaseReservation(biz.ctx, { reservationId: res.id });
    expect(released.status).toBe('released');
    expect(await codeOf(releaseReservation(biz.ctx, { reservationId: res.id }))).toBe(
      'RESERVATION_NOT_ACTIVE',
    );
    expect(await spanishOf(releaseReservation(biz.ctx, { reservationId: res.id }))).toBe(
      'El apartado ya no está activo (estado: liberado).',
    );
    expect(await level(sku)).toEqual({ onHand: '2.000', reserved: '0.000' });
  });

  it('sells units whose reservation expired before the sweeper ran', async () => {
    const sku = await newSku();
    await addStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '1' }],
      reason: 'receipt',
    });
    const res = await reserveStock(biz.ctx, {
      skuId: sku,
      locationId: biz.storeId,
      quantity: '1',
      expiresAt: inMinutes(10),
      holderType: 'whatsapp_cart',
      holderId: 'cart_2',
    });
    env.clock.advance(11 * 60_000);
    const [l] = await getStockLevels(biz.ctx, { skuIds: [sku], locationId: biz.storeId });
    expect(l).toMatchObject({ reserved: '1.000', available: '1.000' });
    await consumeStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '1' }],
      reason: 'sale',
    });
    expect(await level(sku)).toEqual({ onHand: '0.000', reserved: '0.000' });
    const [r] = await listReservations(biz.ctx, { ids: [res.id] });
    expect(r).toMatchObject({ status: 'expired' });
    expect(await checkLedger(env.db.db)).toEqual([]);
  });

  it('sells every unit an expired reservation held to concurrent buyers, no more', async () => {
    const sku = await newSku();
    await addStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '2' }],
      reason: 'receipt',
    });
    await reserveStock(biz.ctx, {
      skuId: sku,
      locationId: biz.storeId,
      quantity: '2',
      expiresAt: inMinutes(1),
      holderType: 'whatsapp_cart',
      holderId: 'cart_race',
    });
    env.clock.advance(2 * 60_000);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        inTx((ctx) =>
          consumeStock(ctx, {
            locationId: biz.storeId,
            lines: [{ skuId: sku, quantity: '1' }],
            reason: 'sale',
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(await level(sku)).toEqual({ onHand: '0.000', reserved: '0.000' });
    expect(await checkLedger(env.db.db)).toEqual([]);
  });

  it('refuses to confirm an expired reservation even before the sweeper ran', async () => {
    const sku = await newSku();
    await addStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '3' }],
      reason: 'receipt',
    });
    const res = await reserveStock(biz.ctx, {
      skuId: sku,
      locationId: biz.storeId,
      quantity: '2',
      expiresAt: inMinutes(5),
      holderType: 'online_order',
      holderId: 'ord_9',
    });
    env.clock.advance(5 * 60_000);
    const moves = await movementCount(sku);
    expect(
      await codeOf(
        inTx((ctx) => confirmReservation(ctx, { reservationId: res.id, refType: 'sale', refId: 's1' })),
      ),
    ).toBe('RESERVATION_EXPIRED');
    expect(await level(sku)).toEqual({ onHand: '3.000', reserved: '2.000' });
    expect(await movementCount(sku)).toBe(moves);
    expect(
      await codeOf(
        confirmReservation(biz.ctx, {
          reservationId: 'res_01JNOPE0000000000000000000',
          refType: 'x',
          refId: 'y',
        }),
      ),
    ).toBe('RESERVATION_NOT_FOUND');
  });

  it('confirms a reservation into a sale decrement, once', async () => {
    const sku = await newSku();
    await addStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '3' }],
      reason: 'receipt',
    });
    const res = await reserveStock(biz.ctx, {
      skuId: sku,
      locationId: biz.storeId,
      quantity: '2',
      expiresAt: inMinutes(30),
      holderType: 'order',
      holderId: 'ord_2',
    });
    const done = await confirmReservation(biz.ctx, {
      reservationId: res.id,
      refType: 'order',
      refId: 'ord_2',
    });
    expect(done).toMatchObject({ status: 'confirmed', refType: 'order', refId: 'ord_2' });
    expect(await level(sku)).toEqual({ onHand: '1.000', reserved: '0.000' });
    const m = await listMovements(biz.ctx, { skuId: sku, limit: 1 });
    expect(m.items[0]).toMatchObject({ quantity: '-2.000', reason: 'reservation_confirm', refId: 'ord_2' });
    expect(
      await codeOf(confirmReservation(biz.ctx, { reservationId: res.id, refType: 'order', refId: 'ord_2' })),
    ).toBe('RESERVATION_NOT_ACTIVE');
  });

  it('releases what an order held when it is cancelled', async () => {
    const a = await newSku();
    const b = await newSku();
    await addStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [
        { skuId: a, quantity: '3' },
        { skuId: b, quantity: '3' },
      ],
      reason: 'receipt',
    });
    for (const sku of [b, a])
      await reserveStock(biz.ctx, {
        skuId: sku,
        locationId: biz.storeId,
        quantity: '1',
        expiresAt: inMinutes(30),
        holderType: 'order',
        holderId: 'ord_cancel',
      });
    expect(await releaseReservationsFor(biz.ctx, { holderType: 'order', holderId: 'ord_cancel' })).toBe(2);
    expect(await level(a)).toEqual({ onHand: '3.000', reserved: '0.000' });
    expect(await level(b)).toEqual({ onHand: '3.000', reserved: '0.000' });
  });

  it('lets the sweeper release expired reservations', async () => {
    const sku = await newSku();
    await addStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '4' }],
      reason: 'receipt',
    });
    for (const m of [1, 2, 60])
      await reserveStock(biz.ctx, {
        skuId: sku,
        locationId: biz.storeId,
        quantity: '1',
        expiresAt: inMinutes(m),
        holderType: 'whatsapp_cart',
        holderId: `cart_s${m}`,
      });
    env.clock.advance(3 * 60_000);
    expect(await releaseExpiredReservations(env.db.db, env.clock.now)).toBeGreaterThanOrEqual(2);
    expect(await level(sku)).toEqual({ onHand: '4.000', reserved: '1.000' });
    expect(await releaseExpiredReservations(env.db.db, env.clock.now)).toBe(0);
    const expired = await env.db.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'stock.reservation_expired')
      .where(sql<boolean>`payload->>'skuId' = ${sku}`)
      .execute();
    expect(expired).toHaveLength(2);
    expect(await checkLedger(env.db.db)).toEqual([]);
  });
});

describe('transfers, counts and adjustments', () => {
  it('moves stock between locations and records a shortfall on receipt', async () => {
    const a = await newSku();
    const b = await newSku({ trackLots: true });
    await receiveStock(biz.ctx, {
      locationId: biz.warehouseId,
      lines: [
        { skuId: a, quantity: '10' },
        { skuId: b, quantity: '6', lotCode: 'B-1', expiresOn: '2027-01-31' },
      ],
    });
    const t = await createTransfer(biz.ctx, {
      fromLocationId: biz.warehouseId,
      toLocationId: biz.storeId,
      lines: [
        { skuId: a, quantity: '6' },
        { skuId: b, quantity: '4' },
      ],
    });
    expect(t.status).toBe('draft');
    expect(await level(a, biz.warehouseId)).toEqual({ onHand: '10.000', reserved: '0.000' });
    const sent = await sendTransfer(biz.ctx, { transferId: t.id });
    expect(sent.status).toBe('sent');
    expect(await level(a, biz.warehouseId)).toEqual({ onHand: '4.000', reserved: '0.000' });
    expect(await codeOf(sendTransfer(biz.ctx, { transferId: t.id }))).toBe('TRANSFER_STATUS');
    expect(await spanishOf(sendTransfer(biz.ctx, { transferId: t.id }))).toBe(
      'El traspaso está enviado; no se puede enviar.',
    );
    const got = await receiveTransfer(biz.ctx, {
      transferId: t.id,
      lines: [{ skuId: a, quantityReceived: '5' }],
    });
    expect(got.status).toBe('received');
    expect(got.lines.find((l) => l.skuId === a)).toEqual({
      skuId: a,
      quantity: '6.000',
      quantityReceived: '5.000',
      difference: '-1.000',
    });
    expect(got.lines.find((l) => l.skuId === b)).toMatchObject({
      quantityReceived: '4.000',
      difference: '0.000',
    });
    expect(await level(a)).toEqual({ onHand: '5.000', reserved: '0.000' });
    const lots = await listLots(biz.ctx, { skuId: b, locationId: biz.storeId });
    expect(lots.map((l) => [l.lotCode, l.expiresOn, l.quantity])).toEqual([['B-1', '2027-01-31', '4.000']]);
    expect(await checkLedger(env.db.db)).toEqual([]);
  });

  it('posts a cycle count as count movements and reports the accuracy', async () => {
    const skus = [await newSku(), await newSku(), await newSku(), await newSku()];
    await addStock(biz.ctx, {
      locationId: biz.storeId,
      lines: skus.map((s) => ({ skuId: s, quantity: '10' })),
      reason: 'receipt',
    });
    const c = await createCount(biz.ctx, { locationId: biz.storeId, skuIds: skus });
    expect(c.lines.map((l) => l.expected)).toEqual(Array(4).fill('10.000'));
    await recordCountLines(biz.ctx, {
      countId: c.id,
      lines: [
        { skuId: skus[0]!, countedQuantity: '10' },
        { skuId: skus[1]!, countedQuantity: '8' },
        { skuId: skus[2]!, countedQuantity: '11' },
        { skuId: skus[3]!, countedQuantity: '10' },
      ],
    });
    const posted = await postCount(biz.ctx, { countId: c.id });
    expect(posted).toMatchObject({ status: 'posted', linesCounted: 4, linesExact: 2, accuracy: '50.00' });
    expect(await level(skus[1]!)).toEqual({ onHand: '8.000', reserved: '0.000' });
    expect(await level(skus[2]!)).toEqual({ onHand: '11.000', reserved: '0.000' });
    const counts = await listMovements(biz.ctx, { reason: 'count', refId: c.id, limit: 10 });
    expect(counts.items.map((m) => m.quantity).sort()).toEqual(['-2.000', '1.000']);
    expect(await codeOf(postCount(biz.ctx, { countId: c.id }))).toBe('COUNT_NOT_OPEN');
  });

  it('adjusts by a signed delta and to a counted quantity', async () => {
    const sku = await newSku();
    await addStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '10' }],
      reason: 'receipt',
    });
    const a = await adjustStock(biz.ctx, {
      locationId: biz.storeId,
      skuId: sku,
      quantity: '-3',
      reason: 'write_off',
      note: 'Caducado',
    });
    expect(a).toMatchObject({ delta: '-3.000', level: { onHand: '7.000' } });
    const b = await adjustStock(biz.ctx, {
      locationId: biz.storeId,
      skuId: sku,
      countedQuantity: '9',
      note: 'Recuento',
    });
    expect(b).toMatchObject({ delta: '2.000', level: { onHand: '9.000' } });
    const m = await listMovements(biz.ctx, { skuId: sku, limit: 10 });
    expect(m.items.map((x) => [x.quantity, x.reason, x.note])).toEqual([
      ['2.000', 'adjustment', 'Recuento'],
      ['-3.000', 'write_off', 'Caducado'],
      ['10.000', 'receipt', null],
    ]);
  });

  it('keeps the ledger append-only and finds a level the ledger does not explain', async () => {
    const sku = await newSku();
    await addStock(biz.ctx, {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '5' }],
      reason: 'receipt',
    });
    expect(await checkLedger(env.db.db)).toEqual([]);
    const upd = await sql`update stock_movements set quantity = 6 where sku_id = ${sku}`
      .execute(env.db.db)
      .catch((e: { hint?: string }) => e.hint);
    expect(upd).toBe('APPEND_ONLY');
    // a state no service can produce: the level changed behind the ledger's back
    await sql`update stock_levels set on_hand = 7 where sku_id = ${sku}`.execute(env.db.db);
    expect(await checkLedger(env.db.db)).toEqual([
      {
        tenantId: biz.tenantId,
        skuId: sku,
        locationId: biz.storeId,
        onHand: '7.000',
        ledgerSum: '5.000',
        reserved: '0.000',
        activeReservations: '0.000',
      },
    ]);
    await sql`update stock_levels set on_hand = 5 where sku_id = ${sku}`.execute(env.db.db);
  });
});
