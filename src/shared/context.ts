import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Role } from '../modules/identity/identity.tables.js';

export type Executor = Kysely<DB> | Transaction<DB>;

/**
 * What every service function receives first: where to read and write (the route's
 * transaction), whose data it is, who acts and what time it is.
 */
export interface Ctx {
  db: Executor;
  tenantId: string;
  userId: string | null;
  role: Role | 'system';
  /** null: every location of the business. */
  locationIds: string[] | null;
  now: Date;
}

/** Runs `fn` in a transaction, joining the caller's when there already is one. */
export async function inTransaction<T>(ctx: Ctx, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx);
  return (ctx.db as Kysely<DB>).transaction().execute((trx) => fn({ ...ctx, db: trx }));
}

/** A context for background work (sweepers, dispatchers, CLI) acting as the system. */
export function systemCtx(db: Executor, tenantId: string, now: Date = new Date()): Ctx {
  return { db, tenantId, userId: null, role: 'system', locationIds: null, now };
}
