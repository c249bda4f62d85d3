import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import postgres from 'postgres';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../src/db/database.js';

export const TEST_DB = (process.env.TEST_DB ?? 'pglite') as 'pglite' | 'postgres';
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let pgliteTemplate: Promise<Blob> | undefined;

/** The run's migrated PGlite cluster, made once by test/helpers/pglite-global-setup.ts. */
export function migratedPgliteDump(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const file = inject('pgliteDump');
    if (!file) throw new Error('no PGlite dump: add test/helpers/pglite-global-setup.ts to the project');
    return new Blob([await readFile(file)]);
  })();
  return pgliteTemplate;
}

export interface TestDatabase extends Database {
  /** Drops the test database (PostgreSQL) or discards it (PGlite). */
  drop(): Promise<void>;
  url?: string;
}

/**
 * A fresh, migrated database for one test file: PGlite in memory restored from a migrated
 * dump, or a PostgreSQL database cloned from the run's template and dropped afterwards.
 */
export async function freshDatabase(kind: 'pglite' | 'postgres' = TEST_DB): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const db = await openDatabase({ loadDataDir: await migratedPgliteDump() });
    return Object.assign(db, { drop: () => db.close() });
  }
  const template = inject('pgTemplate');
  const name = `mostrador_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}" template "${template}"`);
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  const db = await openDatabase({ url, poolSize: 10 });
  return Object.assign(db, {
    url,
    drop: async () => {
      await db.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  });
}

/** How many rows of `table` belong to the business: what a refused operation must leave as it was. */
export async function countTenantRows(database: Database, tenantId: string, table: string): Promise<number> {
  const r = await sql<{
    n: string;
  }>`select count(*) as n from ${sql.table(table)} where tenant_id = ${tenantId}`.execute(database.db);
  return Number(r.rows[0]!.n);
}

/** What the business's audit log recorded for `action`, oldest first: each row's data. */
export async function auditDataOf(database: Database, tenantId: string, action: string): Promise<unknown[]> {
  const rows = await database.db
    .selectFrom('audit_log')
    .select('data')
    .where('tenant_id', '=', tenantId)
    .where('action', '=', action)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.data);
}
