import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { type Kysely, type QueryResult, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { AppError, defineErrors } from '../shared/errors.js';

export const BackupErrors = defineErrors({
  BACKUP_INVALID: {
    status: 422,
    es: 'El archivo no es un respaldo de Mostrador válido: {reason}.',
    en: 'The file is not a valid Mostrador backup: {reason}.',
  },
  BACKUP_TRUNCATED: {
    status: 422,
    es: 'El respaldo está incompleto (se cortó al escribirse); no se restauró nada.',
    en: 'The backup is incomplete (it was cut while being written); nothing was restored.',
  },
  BACKUP_SCHEMA_NEWER: {
    status: 422,
    es: 'El respaldo viene de una versión más nueva de Mostrador (migraciones {missing}); actualiza antes de restaurar.',
    en: 'The backup comes from a newer Mostrador (migrations {missing}); upgrade before restoring.',
  },
  BACKUP_TARGET_NOT_EMPTY: {
    status: 409,
    es: 'La base de datos de destino ya tiene negocios ({tenants}); restaura en una base vacía o usa --force para reemplazarla.',
    en: 'The target database already has businesses ({tenants}); restore into an empty database or use --force to replace it.',
  },
});

export const BACKUP_FORMAT = 'mostrador-backup';
export const BACKUP_FORMAT_VERSION = 1;
const BATCH = 1000;

interface ColumnInfo {
  name: string;
  type: string;
  identity: 'ALWAYS' | 'BY DEFAULT' | null;
}

interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  primaryKey: string[];
}

type Exec = Kysely<DB> | Transaction<DB>;

const ident = (name: string) => sql.id(name);

/**
 * Tables derived from others (the search index of SKU words, 015): never in a backup, rebuilt
 * from `skus` after a restore, so a backup stays small and one made before they existed
 * restores with search working.
 */
const DERIVED = new Set(['sku_search_terms', 'sku_search_words']);

async function rebuildDerived(trx: Exec): Promise<void> {
  await sql`delete from sku_search_terms`.execute(trx);
  await sql`delete from sku_search_words`.execute(trx);
  await sql`
    insert into sku_search_terms (tenant_id, sku_id, term, ordinal, sort_key)
    select s.tenant_id, s.id, w.term, w.ordinal, left(s.search_text, 40)
    from skus s cross join lateral sku_search_terms_of(s.search_text) w`.execute(trx);
  await sql`
    insert into sku_search_words (tenant_id, word)
    select distinct tenant_id, term from sku_search_terms`.execute(trx);
  // A backup made before prices kept their versions (032): each SKU's current one, at least.
  await sql`insert into sku_price_versions select * from sku_price_now on conflict do nothing`.execute(trx);
}

async function tablesOf(db: Exec): Promise<TableInfo[]> {
  const cols = await sql<{
    table_name: string;
    column_name: string;
    data_type: string;
    identity_generation: string | null;
  }>`
    select c.table_name, c.column_name, c.data_type, c.identity_generation
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.table_name <> 'schema_migrations'
    order by c.table_name, c.ordinal_position`.execute(db);
  const pks = await sql<{ table_name: string; column_name: string }>`
    select tc.relname as table_name, a.attname as column_name
    from pg_index i
    join pg_class tc on tc.oid = i.indrelid
    join pg_namespace n on n.oid = tc.relnamespace and n.nspname = 'public'
    cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
    join pg_attribute a on a.attrelid = tc.oid and a.attnum = k.attnum
    where i.indisprimary
    order by tc.relname, k.ord`.execute(db);
  const tables = new Map<string, TableInfo>();
  for (const c of cols.rows) {
    let t = tables.get(c.table_name);
    if (!t) {
      t = { name: c.table_name, columns: [], primaryKey: [] };
      tables.set(c.table_name, t);
    }
    t.columns.push({
      name: c.column_name,
      type: c.data_type,
      identity: (c.identity_generation as ColumnInfo['identity']) ?? null,
    });
  }
  for (const p of pks.rows) tables.get(p.table_name)?.primaryKey.push(p.column_name);
  return orderByForeignKeys(db, [...tables.values()]);
}

/** Tables so that every table comes after the ones its foreign keys point to. */
async function orderByForeignKeys(db: Exec, tables: TableInfo[]): Promise<TableInfo[]> {
  const fks = await sql<{ child: string; parent: string }>`
    select c.relname as child, p.relname as parent
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_class p on p.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
    where k.contype = 'f'`.execute(db);
  const deps = new Map<string, Set<string>>(tables.map((t) => [t.name, new Set<string>()]));
  for (const f of fks.rows) if (f.child !== f.parent) deps.get(f.child)?.add(f.parent);
  const byName = new Map(tables.map((t) => [t.name, t]));
  const out: TableInfo[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    if (state.get(name) === 'done' || !byName.has(name)) return;
    if (state.get(name) === 'visiting') throw new Error(`foreign key cycle through ${name}`);
    state.set(name, 'visiting');
    for (const d of [...(deps.get(name) ?? [])].sort()) visit(d);
    state.set(name, 'done');
    out.push(byName.get(name)!);
  };
  for (const t of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(t.name);
  return out;
}

/** The JSON text of one row: numeric as strings, timestamps in ISO 8601 UTC, jsonb as JSON. */
function rowJson(t: TableInfo) {
  const pairs = t.columns.map((c) => {
    const col = sql.ref(c.name);
    let value: RawBuilder<unknown> | ReturnType<typeof sql.ref>;
    if (c.type === 'numeric') value = sql`${col}::text`;
    else if (c.type === 'timestamp with time zone')
      value = sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    else if (c.type === 'timestamp without time zone')
      value = sql`to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
    else if (c.type === 'bigint') value = sql`${col}::text`;
    else value = col;
    return sql`${sql.lit(c.name)}, ${value}`;
  });
  // jsonb_build_object takes at most 100 arguments: 50 columns per call, joined with ||.
  const chunks: (typeof pairs)[] = [];
  for (let i = 0; i < pairs.length; i += 50) chunks.push(pairs.slice(i, i + 50));
  return sql.join(
    chunks.map((c) => sql`jsonb_build_object(${sql.join(c)})`),
    sql` || `,
  );
}

export interface BackupResult {
  file: string;
  tables: number;
  rows: number;
  migrations: string[];
}

/**
 * Writes every table of the database to `file` as gzip'd NDJSON: a header line (format and
 * schema_migrations versions), then per table a `{"$table"…}` line and its rows in primary key
 * order, then a `{"$end"…}` line with the row counts. The read is one repeatable-read snapshot.
 * The file appears only when complete (written to a temporary name, then renamed).
 */
export async function backupDatabase(database: Database, file: string): Promise<BackupResult> {
  const tmp = `${file}.partial`;
  const gzip = createGzip();
  const out = createWriteStream(tmp);
  const done = pipeline(gzip, out);
  // events.once rejects on 'error' and removes both listeners either way (a listener per wait
  // would pile up on a large table).
  const write = async (line: string) => {
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  };
  let total = 0;
  let tableCount = 0;
  let migrations: string[] = [];
  try {
    await database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        migrations = (
          await trx.selectFrom('schema_migrations').select('version').orderBy('version').execute()
        ).map((r) => r.version);
        const tables = (await tablesOf(trx)).filter((t) => !DERIVED.has(t.name));
        tableCount = tables.length;
        await write(
          JSON.stringify({
            $backup: BACKUP_FORMAT,
            version: BACKUP_FORMAT_VERSION,
            migrations,
            createdAt: new Date().toISOString(),
            source: database.kind,
          }),
        );
        const counts: Record<string, number> = {};
        for (const t of tables) {
          await write(JSON.stringify({ $table: t.name, columns: t.columns.map((c) => c.name) }));
          counts[t.name] = await dumpTable(trx, t, write);
          total += counts[t.name]!;
        }
        await write(JSON.stringify({ $end: true, rows: counts }));
      });
    gzip.end();
    await done;
    await rename(tmp, file);
  } catch (err) {
    gzip.destroy();
    await done.catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
  return { file, tables: tableCount, rows: total, migrations };
}

async function dumpTable(trx: Exec, t: TableInfo, write: (line: string) => Promise<void>): Promise<number> {
  const order = t.primaryKey.length > 0 ? t.primaryKey : t.columns.map((c) => c.name);
  const orderBy = sql.join(order.map((c) => sql.ref(c)));
  let count = 0;
  let last: string[] | null = null;
  let offset = 0;
  for (;;) {
    // Keyset pages when there is a primary key; offset pages otherwise (small log tables).
    const keys = sql.join(t.primaryKey.map((c) => sql`${sql.ref(c)}::text`));
    const where: RawBuilder<unknown> =
      last && t.primaryKey.length > 0
        ? sql`where (${orderBy}) > (${sql.join(
            last.map((v, i) => sql`cast(${v} as ${sql.raw(pgType(t, t.primaryKey[i]!))})`),
          )})`
        : sql``;
    const rows: QueryResult<{ line: string; k: string[] }> = await sql<{ line: string; k: string[] }>`
      select (${rowJson(t)})::text as line, ${t.primaryKey.length > 0 ? sql`array[${keys}]` : sql`null::text[]`} as k
      from ${ident(t.name)} ${where}
      order by ${orderBy}
      limit ${BATCH} ${t.primaryKey.length > 0 ? sql`` : sql`offset ${offset}`}`.execute(trx);
    for (const r of rows.rows) await write(r.line);
    count += rows.rows.length;
    offset += rows.rows.length;
    if (rows.rows.length < BATCH) return count;
    last = rows.rows.at(-1)!.k;
  }
}

function pgType(t: TableInfo, column: string): string {
  const c = t.columns.find((x) => x.name === column)!;
  return c.type === 'USER-DEFINED' || c.type === 'ARRAY' ? 'text' : c.type;
}

export interface RestoreOptions {
  /** Replace a database that already has businesses (its data is deleted first). */
  force?: boolean;
}

export interface RestoreResult {
  tables: number;
  rows: number;
  migrations: string[];
}

async function* backupLines(file: string): AsyncGenerator<string> {
  const input = createReadStream(file).pipe(createGunzip());
  const rl = createInterface({ input: input as unknown as Readable, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of rl) if (line !== '') yield line;
  } catch (err) {
    throw new AppError('BACKUP_INVALID', { reason: (err as Error).message });
  }
}

/**
 * Loads a backup into a migrated database, in one transaction: tables in foreign-key order,
 * identity values kept (`overriding system value`) and their sequences moved past them. The
 * target must have every migration the backup has and no business, unless `force` (then its
 * data is deleted first). Triggers are held off meanwhile so append-only tables (audit log,
 * ledger) accept their rows and no trigger runs twice; then every table is analyzed. Errors:
 * BACKUP_INVALID, BACKUP_TRUNCATED, BACKUP_SCHEMA_NEWER, BACKUP_TARGET_NOT_EMPTY.
 */
export async function restoreDatabase(
  database: Database,
  file: string,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  const lines = backupLines(file);
  const first = await lines.next();
  let header: { $backup?: string; version?: number; migrations?: string[] };
  try {
    header = first.done ? {} : JSON.parse(first.value);
  } catch {
    header = {};
  }
  if (
    header.$backup !== BACKUP_FORMAT ||
    header.version !== BACKUP_FORMAT_VERSION ||
    !Array.isArray(header.migrations)
  ) {
    throw new AppError('BACKUP_INVALID', { reason: 'falta el encabezado' });
  }
  const backupMigrations = header.migrations;
  const result = await database.db.transaction().execute(async (trx) => {
    const have = new Set(
      (await trx.selectFrom('schema_migrations').select('version').execute()).map((r) => r.version),
    );
    const missing = backupMigrations.filter((v) => !have.has(v));
    if (missing.length > 0) throw new AppError('BACKUP_SCHEMA_NEWER', { missing: missing.join(', ') });
    const tenants = await trx
      .selectFrom('tenants')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const tables = await tablesOf(trx);
    const byName = new Map(tables.map((t) => [t.name, t]));
    for (const t of tables) await sql`alter table ${ident(t.name)} disable trigger user`.execute(trx);
    if (Number(tenants.n) > 0) {
      if (!options.force) throw new AppError('BACKUP_TARGET_NOT_EMPTY', { tenants: Number(tenants.n) });
      await sql`truncate ${sql.join(tables.map((t) => ident(t.name)))}`.execute(trx);
    }

    const counts: Record<string, number> = {};
    let current: { table: TableInfo; columns: string[] } | null = null;
    let batch: string[] = [];
    let ended: Record<string, number> | null = null;
    // rows of a derived table (backups made before they were left out) are skipped: rebuilt below
    let skipping = false;
    const flush = async () => {
      if (!current || batch.length === 0) return;
      await insertBatch(trx, current.table, current.columns, batch);
      counts[current.table.name] = (counts[current.table.name] ?? 0) + batch.length;
      batch = [];
    };
    for await (const line of lines) {
      if (ended) throw new AppError('BACKUP_INVALID', { reason: 'hay datos después del final' });
      if (line.startsWith('{"$table"')) {
        await flush();
        const m = JSON.parse(line) as { $table: string; columns: string[] };
        skipping = DERIVED.has(m.$table);
        if (skipping) {
          current = null;
          continue;
        }
        const table = byName.get(m.$table);
        if (!table) throw new AppError('BACKUP_INVALID', { reason: `la tabla ${m.$table} no existe aquí` });
        const known = new Set(table.columns.map((c) => c.name));
        const unknown = m.columns.filter((c) => !known.has(c));
        if (unknown.length > 0)
          throw new AppError('BACKUP_INVALID', {
            reason: `columnas desconocidas en ${m.$table}: ${unknown.join(', ')}`,
          });
        current = { table, columns: m.columns };
        counts[m.$table] = 0;
      } else if (line.startsWith('{"$end"')) {
        await flush();
        ended = (JSON.parse(line) as { rows: Record<string, number> }).rows;
      } else if (!skipping) {
        if (!current) throw new AppError('BACKUP_INVALID', { reason: 'renglón fuera de una tabla' });
        batch.push(line);
        if (batch.length >= BATCH) await flush();
      }
    }
    if (!ended) throw new AppError('BACKUP_TRUNCATED');
    for (const [name, n] of Object.entries(ended)) {
      if (!DERIVED.has(name) && (counts[name] ?? 0) !== n) throw new AppError('BACKUP_TRUNCATED');
    }
    await rebuildDerived(trx);
    for (const t of tables) {
      for (const c of t.columns.filter((x) => x.identity)) {
        await sql`select setval(pg_get_serial_sequence(${t.name}, ${c.name}),
          coalesce((select max(${sql.ref(c.name)}) from ${ident(t.name)}), 0) + 1, false)`.execute(trx);
      }
      await sql`alter table ${ident(t.name)} enable trigger user`.execute(trx);
    }
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    return { tables: Object.keys(counts).length, rows, migrations: backupMigrations };
  });
  // Statistics for the restored tables now, so the first plans are not made on tables the
  // planner believes empty (and cached: see src/db/maintenance.ts).
  await sql`analyze`.execute(database.db);
  return result;
}

async function insertBatch(trx: Exec, table: TableInfo, columns: string[], lines: string[]): Promise<void> {
  const cols = sql.join(columns.map((c) => sql.ref(c)));
  const overriding = table.columns.some((c) => c.identity && columns.includes(c.name))
    ? sql`overriding system value`
    : sql``;
  // The rows travel as one JSON array; PostgreSQL converts each value to its column's type.
  await sql`
    insert into ${ident(table.name)} (${cols}) ${overriding}
    select ${cols} from jsonb_populate_recordset(null::${ident(table.name)}, ${`[${lines.join(',')}]`}::text::jsonb)`.execute(
    trx,
  );
}
