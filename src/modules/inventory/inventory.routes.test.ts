import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createTestEnv,
  TEST_PASSWORD,
  type TestBusiness,
  type TestEnv,
} from '../../../test/helpers/app.js';
import { givenProduct } from '../../../test/helpers/factories.js';
import { createUser } from '../identity/identity.service.js';

let env: TestEnv;
let biz: TestBusiness;
let other: TestBusiness;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
  other = await env.givenBusiness('Otra Tienda');
});
afterAll(() => env.close());

const url = (p: string) => `/api/v1/inventory${p}`;

async function newSku(b = biz): Promise<string> {
  return (await givenProduct(b.ctx)).skus[0]!.id;
}

async function receive(skuId: string, quantity: string, locationId = biz.storeId) {
  const res = await call(env.app, biz.as.manager, 'POST', url('/receipts'), {
    locationId,
    lines: [{ skuId, quantity }],
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('inventory API', () => {
  it('receives stock as a manager and shows it in levels and movements; a cashier may not receive', async () => {
    const sku = await newSku();
    const r = await receive(sku, '12');
    expect(r.movements[0]).toMatchObject({ skuId: sku, quantity: '12.000', reason: 'receipt' });
    const denied = await call(env.app, biz.as.cashier, 'POST', url('/receipts'), {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '1' }],
    });
    expect(denied.statusCode).toBe(403);
    const levels = await call(
      env.app,
      biz.as.cashier,
      'GET',
      url(`/levels?locationId=${biz.storeId}&skuIds=${sku}`),
    );
    expect(levels.statusCode, levels.body).toBe(200);
    expect(levels.json().items).toEqual([
      expect.objectContaining({ skuId: sku, onHand: '12.000', available: '12.000' }),
    ]);
    const moves = await call(env.app, biz.as.cashier, 'GET', url(`/movements?skuId=${sku}&reason=receipt`));
    expect(moves.json().items).toHaveLength(1);
  });

  it('finds levels by name, SKU or barcode, accent- and case-insensitive, page by page', async () => {
    const cafe = (await givenProduct(biz.ctx, { name: 'Café de Olla Tradicional 250 g' })).skus[0]!;
    const other1 = (await givenProduct(biz.ctx, { name: 'Café Punta del Cielo 200 g' })).skus[0]!;
    const unrelated = await newSku();
    for (const id of [cafe.id, other1.id, unrelated]) await receive(id, '3');
    const find = async (q: string, extra = '') => {
      const res = await call(
        env.app,
        biz.as.cashier,
        'GET',
        url(`/levels?locationId=${biz.storeId}&q=${encodeURIComponent(q)}${extra}`),
      );
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { items: { skuId: string }[]; nextCursor: string | null };
    };
    expect((await find('CAFE DE OLLA')).items.map((x) => x.skuId)).toEqual([cafe.id]);
    expect((await find(cafe.sku)).items.map((x) => x.skuId)).toEqual([cafe.id]);
    expect((await find(cafe.barcodes[0]!)).items.map((x) => x.skuId)).toEqual([cafe.id]);
    // a % typed by someone is a character, not a wildcard
    expect((await find('%')).items).toEqual([]);
    const first = await find('café', '&limit=1');
    expect(first.items).toHaveLength(1);
    const second = await find('café', `&limit=1&cursor=${first.nextCursor}`);
    expect([first.items[0]!.skuId, second.items[0]!.skuId].sort()).toEqual([cafe.id, other1.id].sort());
    expect(second.nextCursor).toBeNull();
    // another business's coffee is not found
    const theirs = (await givenProduct(other.ctx, { name: 'Café de Olla Tradicional 250 g' })).skus[0]!;
    expect((await find('olla')).items.map((x) => x.skuId)).not.toContain(theirs.id);
  });

  it('rejects a quantity sent as a JSON number and a zero quantity with Spanish messages', async () => {
    const sku = await newSku();
    const asNumber = await call(env.app, biz.as.manager, 'POST', url('/receipts'), {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: 3 }],
    });
    expect(asNumber.statusCode).toBe(400);
    expect(asNumber.json().error.details.issues[0]).toMatchObject({ path: 'body.lines.0.quantity' });
    expect(asNumber.json().error.details.issues[0].message).toContain('texto decimal');
    const zero = await call(env.app, biz.as.manager, 'POST', url('/receipts'), {
      locationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '0' }],
    });
    expect(zero.statusCode).toBe(400);
    expect(zero.json().error.details.issues[0].message).toContain('mayor que cero');
  });

  it('holds, then refuses to confirm an expired reservation with RESERVATION_EXPIRED', async () => {
    const sku = await newSku();
    await receive(sku, '2');
    const expiresAt = new Date(env.clock.now.getTime() + 10 * 60_000).toISOString();
    const held = await call(env.app, biz.as.agent, 'POST', url('/reservations'), {
      skuId: sku,
      locationId: biz.storeId,
      quantity: '2',
      expiresAt,
      holderType: 'whatsapp_cart',
      holderId: 'cart_api',
    });
    expect(held.statusCode, held.body).toBe(201);
    const short = await call(env.app, biz.as.agent, 'POST', url('/reservations'), {
      skuId: sku,
      locationId: biz.storeId,
      quantity: '1',
      expiresAt,
      holderType: 'order',
      holderId: 'ord_api',
    });
    expect(short.statusCode).toBe(409);
    expect(short.json().error).toMatchObject({
      code: 'STOCK_INSUFFICIENT',
      message: 'No hay existencias suficientes: pediste 1.000 y hay 0.000 disponibles.',
    });
    env.clock.advance(10 * 60_000);
    const late = await call(env.app, biz.as.agent, 'POST', url(`/reservations/${held.json().id}/confirm`), {
      refType: 'order',
      refId: 'ord_api',
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('RESERVATION_EXPIRED');
    const list = await call(
      env.app,
      biz.as.agent,
      'GET',
      url('/reservations?status=expired&holderId=cart_api'),
    );
    expect(list.json().items.map((r: { id: string }) => r.id)).toEqual([held.json().id]);
  });

  it('lists active reservations page by page, newest first', async () => {
    const sku = await newSku();
    await receive(sku, '5');
    const expiresAt = new Date(env.clock.now.getTime() + 60 * 60_000).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await call(env.app, biz.as.agent, 'POST', url('/reservations'), {
        skuId: sku,
        locationId: biz.storeId,
        quantity: '1',
        expiresAt,
        holderType: 'whatsapp_cart',
        holderId: `cart_page_${i}`,
      });
      expect(r.statusCode, r.body).toBe(201);
      ids.push(r.json().id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const pageRes = await call(
        env.app,
        biz.as.agent,
        'GET',
        url(`/reservations?status=active&skuId=${sku}&limit=2${cursor ? `&cursor=${cursor}` : ''}`),
      );
      expect(pageRes.statusCode, pageRes.body).toBe(200);
      const body = pageRes.json();
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((r: { id: string }) => r.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const bad = await call(env.app, biz.as.agent, 'GET', url('/reservations?cursor=nonsense'));
    expect(bad.json().error.code).toBe('CURSOR_INVALID');
  });

  it('runs a transfer and a count through the API', async () => {
    const sku = await newSku();
    await receive(sku, '10', biz.warehouseId);
    const t = await call(env.app, biz.as.manager, 'POST', url('/transfers'), {
      fromLocationId: biz.warehouseId,
      toLocationId: biz.storeId,
      lines: [{ skuId: sku, quantity: '4' }],
    });
    expect(t.statusCode, t.body).toBe(201);
    const id = t.json().id;
    expect((await call(env.app, biz.as.manager, 'POST', url(`/transfers/${id}/send`))).statusCode).toBe(200);
    const got = await call(env.app, biz.as.manager, 'POST', url(`/transfers/${id}/receive`), {
      lines: [{ skuId: sku, quantityReceived: '3' }],
    });
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json().lines[0]).toMatchObject({ quantityReceived: '3.000', difference: '-1.000' });

    const c = await call(env.app, biz.as.manager, 'POST', url('/counts'), {
      locationId: biz.storeId,
      skuIds: [sku],
    });
    expect(c.statusCode, c.body).toBe(201);
    const cid = c.json().id;
    const lines = await call(env.app, biz.as.manager, 'POST', url(`/counts/${cid}/lines`), {
      lines: [{ skuId: sku, countedQuantity: '3' }],
    });
    expect(lines.json().lines[0]).toMatchObject({ expected: '3.000', counted: '3.000', variance: '0.000' });
    const posted = await call(env.app, biz.as.manager, 'POST', url(`/counts/${cid}/post`));
    expect(posted.json()).toMatchObject({
      status: 'posted',
      accuracy: '100.00',
      linesCounted: 1,
      linesExact: 1,
    });
  });

  it('lists the lots that expire by a day, first to expire first', async () => {
    const sku = (await givenProduct(biz.ctx, { trackLots: true })).skus[0]!.id;
    const r = await call(env.app, biz.as.manager, 'POST', url('/receipts'), {
      locationId: biz.storeId,
      lines: [
        { skuId: sku, quantity: '6', lotCode: 'L-LATE', expiresOn: '2027-03-01' },
        { skuId: sku, quantity: '4', lotCode: 'L-SOON', expiresOn: '2027-01-05' },
      ],
    });
    expect(r.statusCode, r.body).toBe(201);
    const lots = async (q: string) =>
      (await call(env.app, biz.as.cashier, 'GET', url(`/lots?skuId=${sku}${q}`)))
        .json()
        .items.map((x: { lotCode: string; quantity: string }) => `${x.lotCode} ${x.quantity}`);
    expect(await lots('')).toEqual(['L-SOON 4.000', 'L-LATE 6.000']);
    expect(await lots('&expiresBy=2027-01-31')).toEqual(['L-SOON 4.000']);
    expect(await lots('&expiresBy=2027-01-04')).toEqual([]);
    const bad = await call(env.app, biz.as.cashier, 'GET', url(`/lots?expiresBy=31/01/2027`));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Fecha inválida: usa AAAA-MM-DD.');
  });

  it('keeps a user to their own locations and a business to its own stock', async () => {
    const sku = await newSku();
    await receive(sku, '5', biz.warehouseId);
    const email = `tienda-${Date.now().toString(36)}@example.mx`;
    await createUser(biz.ctx, {
      email,
      name: 'Solo tienda',
      role: 'manager',
      password: TEST_PASSWORD,
      locationIds: [biz.storeId],
    });
    const login = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: TEST_PASSWORD },
    });
    const raw = login.headers['set-cookie'];
    const cookie = (Array.isArray(raw) ? raw[0]! : raw!).split(';')[0]!;
    const denied = await call(env.app, { cookie }, 'POST', url('/adjustments'), {
      locationId: biz.warehouseId,
      skuId: sku,
      quantity: '-1',
      note: 'roto',
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('LOCATION_FORBIDDEN');
    const mine = await call(env.app, { cookie }, 'GET', url(`/levels?skuIds=${sku}`));
    expect(mine.json().items).toEqual([]);
    // nor the warehouse's lots
    const lotted = (await givenProduct(biz.ctx, { trackLots: true })).skus[0]!.id;
    const lot = await call(env.app, biz.as.manager, 'POST', url('/receipts'), {
      locationId: biz.warehouseId,
      lines: [{ skuId: lotted, quantity: '3', lotCode: 'B-7', expiresOn: '2027-02-01' }],
    });
    expect(lot.statusCode, lot.body).toBe(201);
    const theirLots = await call(env.app, { cookie }, 'GET', url(`/lots?skuId=${lotted}`));
    expect(theirLots.json().items).toEqual([]);
    const ownerLots = await call(env.app, biz.as.owner, 'GET', url(`/lots?skuId=${lotted}`));
    expect(ownerLots.json().items.map((x: { lotCode: string }) => x.lotCode)).toEqual(['B-7']);

    const foreign = await call(env.app, other.as.owner, 'GET', url(`/levels?skuIds=${sku}`));
    expect(foreign.json().items).toEqual([]);
    const intoForeign = await call(env.app, other.as.owner, 'POST', url('/receipts'), {
      locationId: other.storeId,
      lines: [{ skuId: sku, quantity: '1' }],
    });
    expect(intoForeign.statusCode).toBe(404);
    expect(intoForeign.json().error.code).toBe('SKU_NOT_FOUND');
  });
});
