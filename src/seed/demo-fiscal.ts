import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../db/database.js';
import { setExpeditionPostalCode, setFiscalProfile, uploadCsd } from '../modules/invoicing/fiscal.service.js';
import { systemCtx } from '../shared/context.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'modules', 'invoicing', 'fixtures');

/**
 * The demo business invoices out of the box: SAT's test taxpayer EKU9003173C9 (the name SAT
 * registered for it), its postal code as the store's place of issue, and SAT's public test CSD
 * (password 12345678a), stamped by the sandbox PAC. A real business uploads its own CSD.
 */
export async function seedDemoFiscal(database: Database, tenantId: string, now = new Date()): Promise<void> {
  const store = await database.db
    .selectFrom('locations')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'store')
    .orderBy('id')
    .executeTakeFirst();
  await database.db.transaction().execute(async (trx) => {
    const ctx = { ...systemCtx(trx, tenantId, now), role: 'owner' as const };
    await setFiscalProfile(ctx, {
      rfc: 'EKU9003173C9',
      nombre: 'ESCUELA KEMPER URGATE',
      regimenFiscal: '601',
    });
    if (store) await setExpeditionPostalCode(ctx, { locationId: store.id, postalCode: '42501' });
    await uploadCsd(ctx, {
      cer: readFileSync(join(FIXTURES, 'EKU9003173C9.cer')),
      key: readFileSync(join(FIXTURES, 'EKU9003173C9.key')),
      password: '12345678a',
    });
  });
}
