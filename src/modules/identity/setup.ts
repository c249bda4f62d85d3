import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import { systemCtx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { secretKey } from '../../shared/secrets.js';
import { createRegister } from '../cash/cash.service.js';
import { IdentityErrors as E } from './identity.errors.js';
import { type CreateBusinessInput, createBusiness } from './identity.service.js';

/**
 * The first business of an installation started without the demo (`SEED_DEMO=false`), made by
 * its owner in the browser (/bienvenida) instead of the CLI's `create-business`. While the
 * database has no business, whoever reaches the server could claim it: the page needs the setup
 * token the start prints on the server's console (derived from SECRET_KEY / secret.key, the same
 * in every process and across restarts), and once a business exists the setup is closed for good.
 */
export const zSetupInput = z.object({
  token: z.string().min(1, 'Falta el código de instalación que la consola mostró al arrancar.').max(200),
  businessName: z.string().trim().min(1, 'Escribe el nombre de tu negocio.').max(200),
  ownerName: z.string().trim().min(1, 'Escribe tu nombre.').max(200),
  ownerEmail: z.email('Correo electrónico inválido.').max(254),
  ownerPassword: z.string().min(8, 'La contraseña necesita 8 caracteres o más.').max(200),
  storeName: z.string().trim().min(1).max(100).default('Tienda'),
  postalCode: z
    .string()
    .trim()
    .regex(/^\d{5}$/, 'El código postal tiene 5 dígitos.')
    .optional(),
  /** A warehouse besides the store (its name), if the business has one. */
  warehouseName: z.string().trim().min(1).max(100).optional(),
});
export type SetupInput = z.infer<typeof zSetupInput>;

/** The token the start prints while there is no business (24 characters, URL-safe). */
export function setupToken(): string {
  return createHmac('sha256', secretKey()).update('mostrador-setup-v1').digest('base64url').slice(0, 24);
}

export async function setupNeeded(db: Kysely<DB>): Promise<boolean> {
  return !(await db.selectFrom('tenants').select('id').limit(1).executeTakeFirst());
}

/** A new business's locations: its store and, if it has one, a warehouse at the same postal code. */
export function shopLocations(
  storeName: string,
  postalCode: string | undefined,
  warehouseName: string | undefined,
): CreateBusinessInput['locations'] {
  return [
    { name: storeName, kind: 'store', postalCode },
    ...(warehouseName ? [{ name: warehouseName, kind: 'warehouse' as const, postalCode }] : []),
  ];
}

/** Advisory lock class of the installation's setup: two owners submitting at once make one business. */
const SETUP_LOCK = 727013;

/**
 * Creates the installation's first business with its store (and warehouse), its owner and the
 * store's first register.
 * Errors: SETUP_TOKEN_INVALID, SETUP_DONE.
 */
export async function createFirstBusiness(
  db: Kysely<DB>,
  input: SetupInput,
  now: Date,
): Promise<{ tenantId: string; ownerId: string }> {
  const expected = Buffer.from(setupToken());
  const given = Buffer.from(input.token.trim());
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new AppError(E.SETUP_TOKEN_INVALID);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${SETUP_LOCK})`.execute(trx);
    if (!(await setupNeeded(trx))) throw new AppError(E.SETUP_DONE);
    const r = await createBusiness(
      trx,
      {
        name: input.businessName,
        locations: shopLocations(input.storeName, input.postalCode, input.warehouseName),
        owner: { email: input.ownerEmail, name: input.ownerName, password: input.ownerPassword },
      },
      now,
    );
    // the store's first register, so the owner can sell at once (more in Cajas y cortes)
    await createRegister(
      { ...systemCtx(trx, r.tenantId, now), userId: r.ownerId, role: 'owner' },
      { locationId: r.locationIds[0]!, name: 'Caja 1' },
    );
    return { tenantId: r.tenantId, ownerId: r.ownerId };
  });
}
