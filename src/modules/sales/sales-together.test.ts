import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { givenProduct } from '../../../test/helpers/factories.js';
import { newId } from '../../shared/ids.js';
import { createRegister, openCashSession } from '../cash/cash.service.js';
import { getSellableSkus, updateSku } from '../catalog/catalog.service.js';
import { createCustomer } from '../customers/customers.service.js';
import { checkLedger, receiveStock } from '../inventory/inventory.service.js';
import { priceSale } from './pricing.js';
import { zSaleInput } from './sales.schemas.js';
import { type RecordSaleInput, recordSalePayload } from './sales.service.js';

// A batch of counter sales recorded together (record_sales_together, migration 023) must write
// exactly what record_sale writes for the same sales one by one. Two businesses set up alike get
// the same sales: one batch together, the other through record_sales (sale by sale); their rows
// are compared with every id replaced by a name. Then the batches that must not go together:
// each answers null and writes nothing, so the caller records it sale by sale.

let env: TestEnv;

interface Shop {
  biz: TestBusiness;
  registerId: string;
  /** by name: a (reorder point 4, 10 in stock), b, kilo (sold by weight), zero (IVA 0 %, IEPS) */
  skus: { a: string; b: string; kilo: string; zero: string };
  customerId: string;
  names: Map<string, string>;
}

async function givenShop(label: string): Promise<Shop> {
  const biz = await env.givenBusiness(`Tienda ${label}`);
  const ctx = biz.ctx;
  const a = await givenProduct(ctx, { name: 'Refresco 600 ml', price: '20.00', sku: 'A' });
  await updateSku(ctx, a.skus[0]!.id, { reorderPoint: '4' });
  const b = await givenProduct(ctx, { name: 'Galletas', price: '12.50', sku: 'B' });
  const kilo = await givenProduct(ctx, { name: 'Jitomate', price: '38.90', soldByWeight: true, sku: 'K' });
  const zero = await givenProduct(ctx, {
    name: 'Botana',
    price: '17.30',
    iva: 'iva0',
    ieps: { type: 'rate', value: '0.080000' },
    sku: 'Z',
  });
  const skus = { a: a.skus[0]!.id, b: b.skus[0]!.id, kilo: kilo.skus[0]!.id, zero: zero.skus[0]!.id };
  await receiveStock(ctx, {
    locationId: biz.storeId,
    lines: [
      { skuId: skus.a, quantity: '10' },
      { skuId: skus.b, quantity: '50' },
      { skuId: skus.kilo, quantity: '25.500' },
      { skuId: skus.zero, quantity: '40' },
    ],
  });
  const reg = await createRegister(ctx, { locationId: biz.storeId, name: 'Caja 1' });
  const session = await openCashSession(ctx, { registerId: reg.id, openingFloat: '500.00' });
  const customer = await createCustomer(ctx, { name: 'María López', phone: '5512345678' });
  const names = new Map<string, string>([
    [biz.tenantId, 'tenant'],
    [biz.storeId, 'store'],
    [biz.ownerId, 'owner'],
    [reg.id, 'register'],
    [session.id, 'session'],
    [customer.id, 'customer'],
    ...Object.entries(skus).map(([k, v]) => [v, `sku:${k}`] as [string, string]),
  ]);
  return { biz, registerId: reg.id, skus, customerId: customer.id, names };
}

/** The same six sales for a shop: every kind of line, discount and payment the counter takes. */
function salesFor(shop: Shop, label: string): RecordSaleInput[] {
  const { a, b, kilo, zero } = shop.skus;
  const bodies = [
    {
      lines: [
        { skuId: a, quantity: '2' },
        { skuId: b, quantity: '1', discount: '2.50' },
      ],
      pay: 'cash',
    },
    {
      lines: [
        { skuId: kilo, quantity: '1.250' },
        { skuId: a, quantity: '1' },
      ],
      pay: 'card+cash',
    },
    { lines: [{ skuId: a, quantity: '3' }], discount: '5.00', pay: 'spei' },
    {
      lines: [
        { skuId: zero, quantity: '1' },
        { skuId: b, quantity: '2' },
        { skuId: zero, quantity: '1' },
      ],
      pay: 'cash',
    },
    { lines: [{ skuId: a, quantity: '1' }], pay: 'cash', customer: true, note: 'Entregar en mostrador' },
    {
      lines: [
        { skuId: kilo, quantity: '0.730' },
        { skuId: zero, quantity: '4' },
      ],
      pay: 'cash',
    },
  ];
  return bodies.map((s, i) => {
    const id = newId('sale');
    shop.names.set(id, `sale:${i}`);
    shop.names.set(`h-${id}`, `hash:${i}`);
    shop.names.set(`${label}${String(i).padStart(4, '0')}`.slice(0, 8), `code:${i}`);
    const payments =
      s.pay === 'cash'
        ? [{ method: 'cash', amount: '500.00' }]
        : s.pay === 'spei'
          ? [{ method: 'spei', amount: '55.00', reference: 'SPEI-1' }]
          : [
              { method: 'card', amount: '10.00', reference: 'T-78', brand: 'visa', last4: '4242' },
              { method: 'cash', amount: '200.00' },
            ];
    return zSaleInput.parse({
      id,
      registerId: shop.registerId,
      lines: s.lines,
      discount: s.discount,
      payments,
      customerId: s.customer ? shop.customerId : undefined,
      note: s.note,
    });
  });
}

/** The batch as record_sales reads it, priced by the app's own pricing. */
async function batchOf(shop: Shop, inputs: RecordSaleInput[], label: string): Promise<string> {
  const ctx = shop.biz.ctx;
  const skus = await getSellableSkus(ctx, [...new Set(inputs.flatMap((i) => i.lines.map((l) => l.skuId!)))]);
  const payloads = inputs.map((input, i) => {
    const lines = input.lines.map((l) => ({ ...l, skuId: l.skuId! }));
    const priced = priceSale(
      {
        lines,
        discount: input.discount,
        payments: input.payments,
        change: input.change,
        customerId: input.customerId,
        mayOverridePrice: true,
      },
      skus,
    );
    const ids = [...new Set(lines.map((l) => l.skuId))];
    return recordSalePayload(ctx, input, {
      hash: `h-${input.id}`,
      cashSessionId: null,
      invoiceCode: `${label}${String(i).padStart(4, '0')}`.slice(0, 8),
      priced,
      skuVersions: ids.map((id) => ({ id, version: skus.get(id)!.version })),
    });
  });
  return JSON.stringify(payloads);
}

async function together(batch: string): Promise<unknown[] | null> {
  const r = await sql<{
    r: unknown[] | null;
  }>`select record_sales_together(${batch}::text::jsonb) as r`.execute(env.db.db);
  return r.rows[0]!.r;
}

async function oneByOne(batch: string): Promise<unknown[]> {
  const r = await sql<{ r: unknown[] }>`select record_sales(${batch}::text::jsonb) as r`.execute(env.db.db);
  return r.rows[0]!.r;
}

/** Marks from which the rows a batch writes are read (identity ids only grow). */
async function marks() {
  const r = await sql<{ m: number; e: number; a: number }>`
    select (select coalesce(max(id), 0) from stock_movements)::int as m,
           (select coalesce(max(id), 0) from events)::int as e,
           (select coalesce(max(id), 0) from audit_log)::int as a`.execute(env.db.db);
  return r.rows[0]!;
}

/** Everything a batch wrote for a shop, ids replaced by names, in the order it was written. */
async function written(shop: Shop, from: Awaited<ReturnType<typeof marks>>) {
  const t = shop.biz.tenantId;
  const db = env.db.db;
  const rows = {
    sales: await db
      .selectFrom('sales')
      .selectAll()
      .where('tenant_id', '=', t)
      .orderBy('ticket_number')
      .execute(),
    lines: await db
      .selectFrom('sale_lines')
      .selectAll()
      .where('tenant_id', '=', t)
      .orderBy('sale_id')
      .orderBy('line_no')
      .execute(),
    payments: await db
      .selectFrom('sale_payments')
      .selectAll()
      .where('tenant_id', '=', t)
      .orderBy('sale_id')
      .orderBy('payment_no')
      .execute(),
    ledger: (
      await db
        .selectFrom('stock_movements')
        .selectAll()
        .where('tenant_id', '=', t)
        .where('id', '>', from.m)
        .orderBy('id')
        .execute()
    ).map(({ id: _id, ...r }) => r),
    events: (
      await db
        .selectFrom('events')
        .select(['type', 'payload', 'created_at'])
        .where('tenant_id', '=', t)
        .where('id', '>', from.e)
        .orderBy('id')
        .execute()
    ).filter((e) => e.type.startsWith('stock.') || e.type.startsWith('sale.')),
    audit: (
      await db
        .selectFrom('audit_log')
        .selectAll()
        .where('tenant_id', '=', t)
        .where('id', '>', from.a)
        .orderBy('id')
        .execute()
    ).map(({ id: _id, ...r }) => r),
    levels: await db
      .selectFrom('stock_levels')
      .select(['sku_id', 'location_id', 'on_hand', 'reserved'])
      .where('tenant_id', '=', t)
      .orderBy('on_hand')
      .execute(),
  };
  return named(shop, rows);
}

function named(shop: Shop, value: unknown): unknown {
  let text = JSON.stringify(value);
  // longest first: a hash name contains its sale id
  for (const [id, name] of [...shop.names].sort((x, y) => y[0].length - x[0].length))
    text = text.split(id).join(name);
  return JSON.parse(text);
}

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe('a batch of sales recorded together (record_sales_together)', () => {
  it('writes row for row what record_sale writes for the same sales one by one', async () => {
    const left = await givenShop('IZQ');
    const right = await givenShop('DER');
    const leftBatch = await batchOf(left, salesFor(left, 'IZQ'), 'IZQ');
    const rightBatch = await batchOf(right, salesFor(right, 'DER'), 'DER');

    const fromLeft = await marks();
    const leftAnswers = await together(leftBatch);
    expect(leftAnswers).not.toBeNull();
    const leftRows = await written(left, fromLeft);
    const fromRight = await marks();
    const rightAnswers = await oneByOne(rightBatch);
    const rightRows = await written(right, fromRight);

    // the answers: the same, but for the mark of the path taken
    const plain = (answers: unknown[]) =>
      answers.map((a) => {
        const { together: _t, ...ok } = (a as { ok: Record<string, unknown> }).ok;
        return ok;
      });
    expect(plain(leftAnswers!).every((a) => a.replayed === false)).toBe(true);
    expect((leftAnswers as { ok: { together?: boolean } }[]).every((a) => a.ok.together)).toBe(true);
    expect(named(left, plain(leftAnswers!))).toEqual(named(right, plain(rightAnswers)));

    expect(leftRows).toEqual(rightRows);
    // and what was compared is there: 6 sales, 11 lines, 12 payment rows (5 with change),
    // 10 ledger rows (one per SKU and sale), one stock.low (A: 10 → 8 → 7 → 4, reorder point 4)
    const r = rightRows as Record<string, unknown[]>;
    expect(r.sales).toHaveLength(6);
    expect(r.lines).toHaveLength(11);
    expect(r.payments).toHaveLength(12);
    expect(r.ledger).toHaveLength(10);
    const types = (r.events as { type: string }[]).map((e) => e.type);
    expect(types.filter((x) => x === 'sale.completed')).toHaveLength(6);
    expect(types.filter((x) => x === 'stock.changed')).toHaveLength(10);
    expect(types.filter((x) => x === 'stock.low')).toEqual(['stock.low']);
    expect(r.audit).toHaveLength(6);
    expect(await checkLedger(env.db.db)).toEqual([]);
  });

  it('takes one batch across businesses and locations, each sale from its own stock', async () => {
    const one = await givenShop('UNO');
    const two = await givenShop('DOS');
    // a register in the second business's warehouse, stocked there
    const bodega = await createRegister(two.biz.ctx, {
      locationId: two.biz.warehouseId,
      name: 'Caja bodega',
    });
    await openCashSession(two.biz.ctx, { registerId: bodega.id, openingFloat: '100.00' });
    await receiveStock(two.biz.ctx, {
      locationId: two.biz.warehouseId,
      lines: [{ skuId: two.skus.b, quantity: '7' }],
    });
    const sale = (registerId: string, skuId: string, quantity: string) =>
      zSaleInput.parse({
        id: newId('sale'),
        registerId,
        lines: [{ skuId, quantity }],
        payments: [{ method: 'cash', amount: '500.00' }],
      });
    const first = JSON.parse(
      await batchOf(
        one,
        [sale(one.registerId, one.skus.b, '4'), sale(one.registerId, one.skus.a, '1')],
        'UNOB',
      ),
    );
    const second = JSON.parse(
      await batchOf(
        two,
        [
          sale(two.registerId, two.skus.b, '5'),
          sale(bodega.id, two.skus.b, '3'),
          sale(bodega.id, two.skus.b, '2'),
        ],
        'DOSB',
      ),
    );
    const answers = (await together(JSON.stringify([...first, second[0], ...second.slice(1)]))) as {
      ok: { ticketNumber: number; locationId: string; together: boolean };
    }[];
    expect(answers).toHaveLength(5);
    expect(answers.map((a) => a.ok.locationId)).toEqual([
      one.biz.storeId,
      one.biz.storeId,
      two.biz.storeId,
      two.biz.warehouseId,
      two.biz.warehouseId,
    ]);
    // tickets are numbered per location
    expect(answers.map((a) => a.ok.ticketNumber)).toEqual([1, 2, 1, 1, 2]);
    const level = async (shop: Shop, locationId: string, skuId: string) =>
      (
        await env.db.db
          .selectFrom('stock_levels')
          .select('on_hand')
          .where('tenant_id', '=', shop.biz.tenantId)
          .where('location_id', '=', locationId)
          .where('sku_id', '=', skuId)
          .executeTakeFirstOrThrow()
      ).on_hand;
    expect(await level(one, one.biz.storeId, one.skus.b)).toBe('46.000');
    expect(await level(one, one.biz.storeId, one.skus.a)).toBe('9.000');
    expect(await level(two, two.biz.storeId, two.skus.b)).toBe('45.000');
    expect(await level(two, two.biz.warehouseId, two.skus.b)).toBe('2.000');
    // the warehouse's stock.changed events carry its level after each of its two sales
    const events = await env.db.db
      .selectFrom('events')
      .select('payload')
      .where('tenant_id', '=', two.biz.tenantId)
      .where('type', '=', 'stock.changed')
      .orderBy('id')
      .execute();
    const atBodega = events
      .map((e) => e.payload as { locationId: string; onHand: string; reason: string })
      .filter((p) => p.locationId === two.biz.warehouseId && p.reason === 'sale');
    expect(atBodega.map((p) => p.onHand)).toEqual(['4.000', '2.000']);
    expect(await checkLedger(env.db.db)).toEqual([]);
  });

  describe('answers null and writes nothing when the batch cannot go together', () => {
    let shop: Shop;
    beforeAll(async () => {
      shop = await givenShop('FB');
    });

    const sold = (skuId: string, quantity = '1') => ({ skuId, quantity });

    async function expectNothingWritten(batch: string) {
      const from = await marks();
      const before = await written(shop, from);
      expect(await together(batch)).toBeNull();
      expect(await written(shop, from)).toEqual(before);
    }

    async function batch(
      lines: { skuId: string; quantity: string }[][],
      over: Partial<RecordSaleInput>[] = [],
    ) {
      const inputs = lines.map((l, i) =>
        zSaleInput.parse({
          id: newId('sale'),
          registerId: shop.registerId,
          lines: l,
          payments: [{ method: 'cash', amount: '900.00' }],
          ...over[i],
        }),
      );
      return {
        inputs,
        text: await batchOf(shop, inputs, `F${Math.random().toString(36).slice(2, 9)}`.toUpperCase()),
      };
    }

    it('the stock does not cover every sale of the batch (each sale is answered alone)', async () => {
      const { text } = await batch([[sold(shop.skus.b, '30')], [sold(shop.skus.b, '30')]]);
      await expectNothingWritten(text);
      const answers = (await oneByOne(text)) as { ok?: unknown; error?: { message: string } }[];
      expect(answers[0]!.ok).toBeDefined();
      expect(answers[1]!.error?.message).toBe('STOCK_INSUFFICIENT');
    });

    it('a sale of the batch was recorded before (a replay)', async () => {
      const { text } = await batch([[sold(shop.skus.b)], [sold(shop.skus.b)]]);
      const first = JSON.stringify([JSON.parse(text)[0]]);
      expect(await oneByOne(first)).toHaveLength(1);
      await expectNothingWritten(text);
    });

    it('the same sale twice in one batch', async () => {
      const { text } = await batch([[sold(shop.skus.b)]]);
      const one = JSON.parse(text)[0];
      await expectNothingWritten(JSON.stringify([one, one]));
    });

    it('a price changed after the sale was priced', async () => {
      const { text } = await batch([[sold(shop.skus.zero)], [sold(shop.skus.b)]]);
      await updateSku(shop.biz.ctx, shop.skus.zero, { price: '18.00' });
      await expectNothingWritten(text);
    });

    it('a register without an open session, or a session that is not the open one', async () => {
      const idle = await createRegister(shop.biz.ctx, { locationId: shop.biz.storeId, name: 'Caja cerrada' });
      const noSession = await batch(
        [[sold(shop.skus.b)], [sold(shop.skus.b)]],
        [{}, { registerId: idle.id }],
      );
      await expectNothingWritten(noSession.text);
      const stale = await batch(
        [[sold(shop.skus.b)], [sold(shop.skus.b)]],
        [{}, { cashSessionId: newId('cs') }],
      );
      await expectNothingWritten(stale.text);
    });

    it('a product tracked by lots, or a sale paid with store credit', async () => {
      const lots = await givenProduct(shop.biz.ctx, { price: '9.00', trackLots: true });
      const lotSku = lots.skus[0]!.id;
      await receiveStock(shop.biz.ctx, {
        locationId: shop.biz.storeId,
        lines: [{ skuId: lotSku, quantity: '5', lotCode: 'L-1', expiresOn: '2027-06-30' }],
      });
      const withLots = await batch([[sold(shop.skus.b)], [sold(lotSku)]]);
      await expectNothingWritten(withLots.text);
      const credit = JSON.parse((await batch([[sold(shop.skus.b)], [sold(shop.skus.b)]])).text);
      credit[1].storeCredit = '1.00';
      credit[1].customerId = shop.customerId;
      await expectNothingWritten(JSON.stringify(credit));
    });

    it('an error on the way (an invoice code taken) rolls the attempt back', async () => {
      const taken = await batch([[sold(shop.skus.b)]]);
      expect(await oneByOne(taken.text)).toHaveLength(1);
      const again = JSON.parse((await batch([[sold(shop.skus.b)], [sold(shop.skus.b)]])).text);
      again[1].invoiceCode = JSON.parse(taken.text)[0].invoiceCode;
      await expectNothingWritten(JSON.stringify(again));
    });
  });
});
