import { sql } from 'kysely';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, TEST_DB, type TestDatabase } from '../../test/helpers/db.js';
import { maintainTables, planMaintenance, readTableActivity } from './maintenance.js';

describe('planMaintenance (autovacuum thresholds)', () => {
  const quiet = { liveRows: 1000, deadRows: 0, modifiedSinceAnalyze: 0, insertedSinceVacuum: 0 };

  it('leaves a quiet table alone and analyzes one changed by more than 50 + 10 %', () => {
    expect(planMaintenance([{ table: 't', ...quiet, modifiedSinceAnalyze: 150 }])).toEqual([]);
    expect(planMaintenance([{ table: 't', ...quiet, modifiedSinceAnalyze: 151 }])).toEqual([
      { table: 't', action: 'analyze' },
    ]);
  });

  it('vacuums on dead rows over 50 + 20 % or inserts over 1000 + 20 %, busiest table first', () => {
    const steps = planMaintenance([
      { table: 'inserted', ...quiet, insertedSinceVacuum: 1201 },
      { table: 'dead', ...quiet, deadRows: 251, modifiedSinceAnalyze: 400 },
      { table: 'almost', ...quiet, deadRows: 250, insertedSinceVacuum: 1200 },
    ]);
    expect(steps).toEqual([
      { table: 'dead', action: 'vacuum analyze' },
      { table: 'inserted', action: 'vacuum analyze' },
    ]);
  });
});

/**
 * The bug this maintenance exists for: a plan cached while `sales` was empty and never analyzed
 * (the foreign-key check of every sale line, the idempotency lookup of `record_sale`) looks a sale
 * up through an index on `tenant_id` alone, reading every earlier sale of the business. Only an
 * ANALYZE invalidates such a plan, and PGlite has no autovacuum to run one.
 */
describe(`maintainTables on ${TEST_DB}`, () => {
  let db: TestDatabase;
  // One session that keeps a prepared statement, as a pooled connection keeps its cached plans.
  let explainGeneric: (tenant: string, id: string) => Promise<string>;
  let closeSession: () => Promise<void> = async () => {};

  beforeAll(async () => {
    db = await freshDatabase();
    const prepare = `prepare sale_by_id (text, text) as select 1 from sales where tenant_id = $1 and id = $2`;
    const explain = (t: string, id: string) => `explain execute sale_by_id ('${t}', '${id}')`;
    if (db.kind === 'pglite') {
      const pg = db.pglite!;
      await pg.exec(`set plan_cache_mode = force_generic_plan; ${prepare}`);
      explainGeneric = async (t, id) =>
        (await pg.query<{ 'QUERY PLAN': string }>(explain(t, id))).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
    } else {
      const session = postgres(db.url!, { max: 1, onnotice: () => {} });
      await session.unsafe(`set plan_cache_mode = force_generic_plan`);
      await session.unsafe(prepare);
      explainGeneric = async (t, id) =>
        (await session.unsafe<{ 'QUERY PLAN': string }[]>(explain(t, id)))
          .map((r) => r['QUERY PLAN'])
          .join('\n');
      closeSession = () => session.end({ timeout: 5 });
    }
  });

  afterAll(async () => {
    await closeSession();
    await db?.drop();
  });

  it('analyzes a table that grew from empty, so cached plans find a sale by its primary key', async () => {
    // The generic plan is made now, with the table empty and never analyzed.
    const before = await explainGeneric('t1', 'sale_x');
    await sql`
      insert into sales (tenant_id, id, location_id, ticket_number, invoice_code, subtotal,
                         discount_total, tax_total, total, taxes, request_hash, created_at)
      select 't1', 'sale_' || lpad(g::text, 6, '0'), 'loc_1', g, 'C' || g, 10, 0, 0, 10, '[]', 'h', now()
        from generate_series(1, 3000) g`.execute(db.db);

    // PostgreSQL's backends report their counters shortly after going idle; PGlite's are flushed
    // by readTableActivity itself.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const sales = (await readTableActivity(db)).find((t) => t.table === 'sales');
      if ((sales?.modifiedSinceAnalyze ?? 0) >= 3000 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }

    const steps = await maintainTables(db);
    expect(steps).toContainEqual({ table: 'sales', action: 'vacuum analyze' });
    const after = await explainGeneric('t1', 'sale_000042');
    expect(after, `plan before maintenance:\n${before}`).toMatch(/sales_pkey/);
    // Nothing left to do until the tables change again.
    expect((await maintainTables(db)).map((s) => s.table)).not.toContain('sales');
  }, 60_000);
});
