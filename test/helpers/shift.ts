import type { Database } from '../../src/db/database.js';
import { createRegister, openCashSession } from '../../src/modules/cash/cash.service.js';
import { createApiToken, createBusiness } from '../../src/modules/identity/identity.service.js';
import { receiveStock } from '../../src/modules/inventory/inventory.service.js';
import { systemCtx } from '../../src/shared/context.js';
import { call, type TestBusiness, type TestEnv } from './app.js';
import { givenProduct } from './factories.js';

/** A business with products in stock, a register with an open cash session and an API token. */
export async function createOpenSessionFixture(
  database: Database,
  opts: { products: number; stock: string },
) {
  const b = await createBusiness(database.db, {
    name: 'Tienda de prueba',
    locations: [{ name: 'Tienda', kind: 'store', postalCode: '06600' }],
    owner: { email: `kill-${Date.now()}@example.mx`, name: 'Dueña', password: 'contraseña-1' },
  });
  const ctx = { ...systemCtx(database.db, b.tenantId), userId: b.ownerId, role: 'owner' as const };
  const skuIds: string[] = [];
  for (let i = 0; i < opts.products; i++) {
    const p = await givenProduct(ctx, { price: '10.00' });
    skuIds.push(p.skus[0]!.id);
  }
  await receiveStock(ctx, {
    locationId: b.locationIds[0]!,
    lines: skuIds.map((skuId) => ({ skuId, quantity: opts.stock })),
  });
  const register = await createRegister(ctx, { locationId: b.locationIds[0]!, name: 'Caja 1' });
  const session = await openCashSession(ctx, { registerId: register.id, openingFloat: '500.00' });
  const token = (await createApiToken(ctx, { name: 'test' })).token;
  return {
    tenantId: b.tenantId,
    storeId: b.locationIds[0]!,
    registerId: register.id,
    cashSessionId: session.id,
    token,
    skuIds,
    ctx,
  };
}

/**
 * A register at the business's store with an open cash session, through the API as a shop does
 * it (the manager creates the register, the cashier opens the drawer).
 */
export async function openRegisterViaApi(
  env: TestEnv,
  biz: TestBusiness,
  name = 'Caja 1',
): Promise<{ registerId: string; cashSessionId: string }> {
  const reg = await call(env.app, biz.as.manager, 'POST', '/api/v1/registers', {
    locationId: biz.storeId,
    name,
  });
  if (reg.statusCode !== 201) throw new Error(`register: ${reg.body}`);
  const registerId = reg.json().id as string;
  const open = await call(env.app, biz.as.cashier, 'POST', '/api/v1/cash-sessions', {
    registerId,
    openingFloat: '500.00',
  });
  if (open.statusCode !== 201) throw new Error(`cash session: ${open.body}`);
  return { registerId, cashSessionId: open.json().id as string };
}

/** A product with `qty` units at the business's store: its SKU id. */
export async function givenStocked(biz: TestBusiness, price: string, qty: string): Promise<string> {
  const p = await givenProduct(biz.ctx, { price });
  const skuId = p.skus[0]!.id;
  await receiveStock(biz.ctx, { locationId: biz.storeId, lines: [{ skuId, quantity: qty }] });
  return skuId;
}

/** On hand of a SKU at the business's store. */
export async function onHandAtStore(env: TestEnv, biz: TestBusiness, skuId: string): Promise<string> {
  const r = await env.db.db
    .selectFrom('stock_levels')
    .select('on_hand')
    .where('tenant_id', '=', biz.tenantId)
    .where('sku_id', '=', skuId)
    .where('location_id', '=', biz.storeId)
    .executeTakeFirstOrThrow();
  return r.on_hand;
}

/** Whatever a sale id left behind: sale rows, their lines, ledger rows, events naming it. */
export async function saleTraces(env: TestEnv, biz: TestBusiness, saleId: string) {
  const db = env.db.db;
  const [sales, lines, ledger, events] = await Promise.all([
    db.selectFrom('sales').select('id').where('id', '=', saleId).execute(),
    db.selectFrom('sale_lines').select('sale_id').where('sale_id', '=', saleId).execute(),
    db.selectFrom('stock_movements').select('id').where('ref_id', '=', saleId).execute(),
    db
      .selectFrom('events')
      .select('id')
      .where('tenant_id', '=', biz.tenantId)
      .where((eb) =>
        eb.or([
          eb(eb.ref('payload', '->>').key('saleId'), '=', saleId),
          eb(eb.ref('payload', '->>').key('refId'), '=', saleId),
        ]),
      )
      .execute(),
  ]);
  return { sales: sales.length, lines: lines.length, ledger: ledger.length, events: events.length };
}
