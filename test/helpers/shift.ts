import type { Database } from '../../src/db/database.js';
import { createRegister, openCashSession } from '../../src/modules/cash/cash.service.js';
import { createApiToken, createBusiness } from '../../src/modules/identity/identity.service.js';
import { receiveStock } from '../../src/modules/inventory/inventory.service.js';
import { systemCtx } from '../../src/shared/context.js';
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
