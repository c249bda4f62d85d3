import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createTestEnv,
  type TestBusiness,
  TEST_PASSWORD,
  type TestEnv,
  testClock,
} from '../../../test/helpers/app.js';
import { givenProduct } from '../../../test/helpers/factories.js';
import { onHandAtStore, openRegisterViaApi, saleTraces } from '../../../test/helpers/shift.js';
import { newId } from '../../shared/ids.js';
import { updateProduct, updateSku } from '../catalog/catalog.service.js';
import { receiveStock } from '../inventory/inventory.service.js';

// A till sells from its own copy of the catalog, and offline it sends its sales later: the
// server records each one at the time and prices the till sold it (soldAt, skuVersion).

const HOUR = 3600_000;
const clock = testClock('2026-11-23T16:00:00.000Z');
let env: TestEnv;
let biz: TestBusiness;
let registerId: string;

async function givenStocked(price: string) {
  const p = await givenProduct(biz.ctx, { price });
  const sku = p.skus[0]!;
  await receiveStock(biz.ctx, { locationId: biz.storeId, lines: [{ skuId: sku.id, quantity: '20' }] });
  return { productId: p.id, skuId: sku.id, version: sku.version };
}

/** Web sessions end after hours idle: after a jump of the clock, the staff logs in again. */
async function later(ms: number) {
  clock.advance(ms);
  for (const role of ['cashier', 'manager'] as const) {
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: biz.as[role].email, password: TEST_PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(200);
    const setCookie = res.headers['set-cookie'];
    biz.as[role].cookie = (Array.isArray(setCookie) ? setCookie[0]! : setCookie!).split(';')[0]!;
  }
}

/** A one-line counter sale paid with exact cash. */
const saleOf = (skuId: string, quantity: string, cash: string, extra: Record<string, unknown> = {}) => ({
  id: newId('sale'),
  registerId,
  lines: [{ skuId, quantity, ...(extra.skuVersion !== undefined ? { skuVersion: extra.skuVersion } : {}) }],
  payments: [{ method: 'cash', amount: cash }],
  ...(extra.soldAt !== undefined ? { soldAt: extra.soldAt } : {}),
});

/** The till reports a refused sale, a manager retries it: the sale as the server then holds it. */
async function reportedAndRetried(
  sale: { id: string },
  error: { code: string; message: string },
  extra: Record<string, unknown> = {},
) {
  const reported = await call(env.app, biz.as.cashier, 'POST', '/api/v1/sale-conflicts', {
    sale,
    error: { code: error.code, message: error.message },
    ...extra,
  });
  expect(reported.statusCode, reported.body).toBe(201);
  const retried = await call(
    env.app,
    biz.as.manager,
    'POST',
    `/api/v1/sale-conflicts/${reported.json().id}/resolve`,
    { action: 'retry' },
  );
  expect(retried.statusCode, retried.body).toBe(200);
  return (await call(env.app, biz.as.manager, 'GET', `/api/v1/sales/${sale.id}`)).json();
}

const sell = (body: unknown, who: 'cashier' | 'manager' = 'cashier') =>
  call(env.app, biz.as[who], 'POST', '/api/v1/sales', body);

const auditOf = (saleId: string) =>
  env.db.db
    .selectFrom('audit_log')
    .select(['action', 'data', 'user_id'])
    .where('tenant_id', '=', biz.tenantId)
    .where('entity_id', '=', saleId)
    .orderBy('id')
    .execute();

beforeAll(async () => {
  env = await createTestEnv({ clock });
  biz = await env.givenBusiness();
  ({ registerId } = await openRegisterViaApi(env, biz));
});
afterAll(() => env.close());

describe('a sale the till priced before a price change', () => {
  it('is recorded at the till’s price and taxes, and the bitácora says which lines and prices', async () => {
    const { productId, skuId, version } = await givenStocked('20.00');
    clock.advance(HOUR);
    // The owner raises the price, then makes the product tax-exempt: two later versions.
    await updateSku(biz.ctx, skuId, { price: '25.00' });
    clock.advance(HOUR);
    await updateProduct(biz.ctx, productId, { iva: 'exento' });
    clock.advance(HOUR);

    // The till still had the first version: 2 × $20.00 with IVA 16 % included, paid exactly.
    const body = saleOf(skuId, '2', '40.00', { skuVersion: version });
    const res = await sell(body);
    expect(res.statusCode, res.body).toBe(201);
    const sale = res.json();
    expect(sale.total).toBe('40.00');
    expect(sale.lines[0].unitPrice).toBe('20.00');
    expect(sale.lines[0].priceOverridden).toBe(false);
    expect(sale.lines[0].taxes).toEqual([
      { tax: 'IVA', factor: 'Tasa', rate: '0.160000', base: '34.482759', amount: '5.517241' },
    ]);
    const audit = await auditOf(body.id);
    expect(audit.map((a) => a.action)).toEqual(['sale.completed', 'sale.priced_earlier']);
    expect(audit[1]!.user_id).toBe(biz.as.cashier.userId);
    expect(audit[1]!.data).toEqual({
      soldAt: null,
      lines: [{ lineNo: 1, skuId, version, listPrice: '20.00', currentPrice: '25.00' }],
    });

    // Sent again (the till did not hear the answer): the same sale, once.
    const again = await sell(body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(sale);
    expect(await saleTraces(env, biz, body.id)).toMatchObject({ sales: 1, ledger: 1 });
    expect((await auditOf(body.id)).length).toBe(2);

    // A line with the current version, or none, is priced now: $25.00, exempt.
    const now = await sell(saleOf(skuId, '1', '25.00', { skuVersion: version + 2 }));
    expect(now.statusCode, now.body).toBe(201);
    expect(now.json().lines[0].taxes).toEqual([
      { tax: 'IVA', factor: 'Exento', rate: null, base: '25.000000', amount: null },
    ]);
  });

  it('a till that got the new price before this server’s cache did is charged the new price', async () => {
    const { skuId, version } = await givenStocked('15.00');
    // A first sale puts the SKU in the server's cache at its first version.
    expect((await sell(saleOf(skuId, '1', '15.00', { skuVersion: version }))).statusCode).toBe(201);
    await updateSku(biz.ctx, skuId, { price: '16.00' });
    const res = await sell(saleOf(skuId, '1', '16.00', { skuVersion: version + 1 }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().lines[0].unitPrice).toBe('16.00');
  });

  it('refuses a version the SKU never had, and one that ended over 48 h before the sale, writing nothing', async () => {
    const { skuId, version } = await givenStocked('30.00');
    await updateSku(biz.ctx, skuId, { price: '32.00' });
    const before = await onHandAtStore(env, biz, skuId);

    const future = saleOf(skuId, '1', '32.00', { skuVersion: version + 5 });
    const unknown = await sell(future);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.code).toBe('PRICE_VERSION_UNKNOWN');
    expect(unknown.json().error.details).toEqual({ skuId, version: version + 5 });

    await later(49 * HOUR);
    const stale = saleOf(skuId, '1', '30.00', { skuVersion: version });
    const expired = await sell(stale);
    expect(expired.statusCode).toBe(409);
    expect(expired.json().error.code).toBe('PRICE_VERSION_EXPIRED');
    expect(expired.json().error.message).toMatch(/más de 48 horas antes de la venta/);
    for (const id of [future.id, stale.id])
      expect(await saleTraces(env, biz, id)).toEqual({ sales: 0, lines: 0, ledger: 0, events: 0 });
    expect(await onHandAtStore(env, biz, skuId)).toBe(before);
  });
});

describe('a sale sent late', () => {
  it('is dated when the till sold it: the sale, its stock movement and its event', async () => {
    const { skuId } = await givenStocked('10.00');
    const soldAt = new Date(clock.now.getTime() - 5 * HOUR).toISOString();
    const body = saleOf(skuId, '1', '10.00', { soldAt });
    const res = await sell(body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().createdAt).toBe(soldAt);
    const stored = await call(env.app, biz.as.cashier, 'GET', `/api/v1/sales/${body.id}`);
    expect(stored.json().createdAt).toBe(soldAt);
    const movement = await env.db.db
      .selectFrom('stock_movements')
      .select('created_at')
      .where('ref_id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(movement.created_at.toISOString()).toBe(soldAt);

    // The first send carried no time (the till did not hear the answer), the queued one does:
    // the same sale, answered as recorded.
    const first = { ...body, id: newId('sale') };
    delete (first as { soldAt?: string }).soldAt;
    expect((await sell(first)).statusCode).toBe(201);
    const replay = await sell({ ...first, soldAt });
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.json().createdAt).toBe(clock.now.toISOString());
  });

  it('takes a time ahead of the server’s clock as now, and refuses one over 48 h old with nothing written', async () => {
    const { skuId } = await givenStocked('12.00');
    const ahead = await sell(
      saleOf(skuId, '1', '12.00', { soldAt: new Date(clock.now.getTime() + 10 * 60_000).toISOString() }),
    );
    expect(ahead.statusCode, ahead.body).toBe(201);
    expect(ahead.json().createdAt).toBe(clock.now.toISOString());

    const old = saleOf(skuId, '1', '12.00', {
      soldAt: new Date(clock.now.getTime() - 49 * HOUR).toISOString(),
    });
    const res = await sell(old);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('SALE_SOLD_AT_OUT_OF_RANGE');
    expect(await saleTraces(env, biz, old.id)).toEqual({ sales: 0, lines: 0, ledger: 0, events: 0 });

    const bad = await sell({ ...old, id: newId('sale'), soldAt: 'ayer en la tarde' });
    expect(bad.statusCode).toBe(400);
  });

  it('refused, is recorded by a manager’s retry at the time and prices the till sold it, however old', async () => {
    const { skuId, version } = await givenStocked('50.00');
    const soldAt = clock.now.toISOString();
    clock.advance(HOUR);
    await updateSku(biz.ctx, skuId, { price: '55.00' });
    await later(72 * HOUR);
    const sale = saleOf(skuId, '1', '50.00', { skuVersion: version, soldAt });
    const refused = await sell(sale);
    expect(refused.json().error.code).toBe('SALE_SOLD_AT_OUT_OF_RANGE');
    const stored = await reportedAndRetried(sale, refused.json().error, { soldAt, total: '50.00' });
    expect(stored.createdAt).toBe(soldAt);
    expect(stored.total).toBe('50.00');
    expect(stored.userId).toBe(biz.as.cashier.userId);
    expect((await auditOf(sale.id)).map((a) => a.action)).toContain('sale.priced_earlier');
  });

  it('retried by a manager with a version from before prices kept their history, is charged today’s price', async () => {
    const { skuId, version } = await givenStocked('40.00');
    await updateSku(biz.ctx, skuId, { price: '44.00' });
    // As after the upgrade that began the history: the till's version has no row.
    await env.db.db
      .deleteFrom('sku_price_versions')
      .where('sku_id', '=', skuId)
      .where('version', '=', version)
      .execute();
    const sale = saleOf(skuId, '1', '44.00', { skuVersion: version });
    const refused = await sell(sale);
    expect(refused.json().error.code).toBe('PRICE_VERSION_UNKNOWN');
    const stored = await reportedAndRetried(sale, refused.json().error);
    expect(stored.lines[0].unitPrice).toBe('44.00');
  });
});
