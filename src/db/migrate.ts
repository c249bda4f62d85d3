import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: string;
  name: string;
  sql: string;
}

/** Numbered plain-SQL migrations (`003_inventory.sql`), the same files for PGlite and PostgreSQL. */
export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: f.slice(0, 3),
      name: f.replace(/\.sql$/, ''),
      sql: readFileSync(join(dir, f), 'utf8'),
    }));
}

/**
 * Applies pending migrations, each in its own transaction. On PostgreSQL an advisory lock keeps
 * two app processes starting together from applying the same file twice.
 */
export async function migrate(database: Database): Promise<string[]> {
  return database.exclusive(async (run) => {
    const applied: string[] = [];
    if (database.kind === 'postgres') await run('select pg_advisory_lock(727001)');
    try {
      await run(`create table if not exists schema_migrations (
        version text primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )`);
      const rows = await database.db.selectFrom('schema_migrations').select('version').execute();
      const done = new Set(rows.map((r) => r.version));
      for (const m of listMigrations()) {
        if (done.has(m.version)) continue;
        const name = m.name.replace(/'/g, "''");
        await run(
          `begin;\n${m.sql}\n;\ninsert into schema_migrations (version, name) values ('${m.version}', '${name}');\ncommit;`,
        );
        applied.push(m.name);
      }
    } finally {
      if (database.kind === 'postgres') await run('select pg_advisory_unlock(727001)');
    }
    return applied;
  });
}
