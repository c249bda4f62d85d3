import { sql } from 'kysely';
import type { Database } from './database.js';

/**
 * Autovacuum for the embedded database. PGlite is one PostgreSQL session inside this process:
 * it has no autovacuum worker, so without this its tables would never be analyzed nor vacuumed.
 * A never-analyzed `sales` table is planned as if it were empty, and a plan cached then (the
 * foreign-key checks of every sale line and payment, the idempotency lookup in `record_sale`)
 * picks any index that starts with `tenant_id` instead of the primary key: each sale then reads
 * every earlier sale of the business, and checkouts slow down as the shop sells. Dead rows of
 * `stock_levels` (one per stock change) would also pile up forever.
 *
 * The thresholds are PostgreSQL's autovacuum defaults, read from the same statistics.
 */
export const AUTOVACUUM = {
  vacuumThreshold: 50,
  vacuumScaleFactor: 0.2,
  insertThreshold: 1000,
  insertScaleFactor: 0.2,
  analyzeThreshold: 50,
  analyzeScaleFactor: 0.1,
} as const;

export interface TableActivity {
  table: string;
  liveRows: number;
  deadRows: number;
  modifiedSinceAnalyze: number;
  insertedSinceVacuum: number;
}

export interface MaintenanceStep {
  table: string;
  /** `vacuum analyze` when dead or inserted rows call for it, else `analyze`. */
  action: 'vacuum analyze' | 'analyze';
}

/** What autovacuum would do now to these tables, busiest first. */
export function planMaintenance(tables: TableActivity[]): MaintenanceStep[] {
  const a = AUTOVACUUM;
  const steps: (MaintenanceStep & { weight: number })[] = [];
  for (const t of tables) {
    const vacuum =
      t.deadRows > a.vacuumThreshold + a.vacuumScaleFactor * t.liveRows ||
      t.insertedSinceVacuum > a.insertThreshold + a.insertScaleFactor * t.liveRows;
    const analyze = t.modifiedSinceAnalyze > a.analyzeThreshold + a.analyzeScaleFactor * t.liveRows;
    if (vacuum || analyze) {
      steps.push({
        table: t.table,
        action: vacuum ? 'vacuum analyze' : 'analyze',
        weight: t.deadRows + t.modifiedSinceAnalyze,
      });
    }
  }
  return steps.sort((x, y) => y.weight - x.weight).map(({ table, action }) => ({ table, action }));
}

/** Reads the activity statistics of the tables in `public` (flushed first on PGlite). */
export async function readTableActivity(database: Database): Promise<TableActivity[]> {
  // A PGlite session reports its counters lazily; ask for them now.
  if (database.kind === 'pglite') await sql`select pg_stat_force_next_flush()`.execute(database.db);
  const r = await sql<{
    relname: string;
    n_live_tup: string | number;
    n_dead_tup: string | number;
    n_mod_since_analyze: string | number;
    n_ins_since_vacuum: string | number;
  }>`select relname, n_live_tup, n_dead_tup, n_mod_since_analyze, n_ins_since_vacuum
       from pg_stat_user_tables where schemaname = 'public'`.execute(database.db);
  return r.rows.map((row) => ({
    table: row.relname,
    liveRows: Number(row.n_live_tup),
    deadRows: Number(row.n_dead_tup),
    modifiedSinceAnalyze: Number(row.n_mod_since_analyze),
    insertedSinceVacuum: Number(row.n_ins_since_vacuum),
  }));
}

/**
 * Vacuums and analyzes the tables that need it, one statement at a time (on PGlite each waits
 * its turn with the requests, so a step never runs inside someone's transaction).
 */
export async function maintainTables(database: Database): Promise<MaintenanceStep[]> {
  const steps = planMaintenance(await readTableActivity(database));
  for (const s of steps) {
    await sql`${sql.raw(s.action)} ${sql.id(s.table)}`.execute(database.db);
  }
  return steps;
}

/** How often the embedded database looks for tables to vacuum or analyze (a look costs ~1 ms). */
export const MAINTENANCE_EVERY_MS = 10_000;
