import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { lockDataDir } from './data-dir-lock.js';
import { PGliteDialect } from './pglite-dialect.js';
import { copyTemplate } from './pglite-template.js';
import type { DB } from './schema.js';
import { loadPackage } from '../shared/load-package.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  kind: DatabaseKind;
  db: Kysely<DB>;
  /** Runs a script of several statements (migrations, restores); no parameters. */
  exec(script: string): Promise<void>;
  /**
   * Runs `fn` with one dedicated session: scripts sent through `run` share it (advisory locks,
   * multi-statement transactions). A failed script rolls back what it had begun.
   */
  exclusive<T>(fn: (run: (script: string) => Promise<void>) => Promise<T>): Promise<T>;
  /** Subscribes to NOTIFY on `channel`; returns an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Where the data lives, for logs and backups: a directory, `memory://` or a masked URL. */
  location: string;
  /** The PGlite instance when kind is `pglite` (backups dump its data directory). */
  pglite?: PGlite;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…` for PostgreSQL; absent for the embedded database. */
  url?: string;
  /** PGlite data directory; absent (with no url) means in memory. */
  dataDir?: string;
  /** A PGlite data directory dump to start from (test templates). */
  loadDataDir?: Blob | File;
  /** A new PGlite data directory starts as a copy of the installed template (default true). */
  template?: boolean;
  poolSize?: number;
  /** PostgreSQL: send queries as named prepared statements (default true; benchmarks compare). */
  prepare?: boolean;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url
    ? openPostgres(options.url, options.poolSize ?? 20, options.prepare ?? true)
    : openPglite(options);
}

interface PreloadedPglite {
  wasm: Promise<WebAssembly.Module>;
  data: Promise<Blob>;
}

// Each driver is imported when it is used: a process on PostgreSQL never loads PGlite, and the
// embedded server starts without loading postgres.js.
async function openPglite(options: DatabaseOptions): Promise<Database> {
  const [{ PGlite }, { pg_trgm }] = await Promise.all([
    loadPackage('@electric-sql/pglite'),
    loadPackage('@electric-sql/pglite/contrib/pg_trgm'),
  ]);
  if (options.dataDir && !options.loadDataDir && options.template !== false) copyTemplate(options.dataDir);
  // One process per data directory (PGlite has no lock of its own): taken before PGlite opens
  // it, or, for a directory PGlite itself is about to initialise, right after.
  const dataDir = options.dataDir && !options.dataDir.includes('://') ? options.dataDir : undefined;
  let unlock = dataDir && existsSync(join(dataDir, 'PG_VERSION')) ? lockDataDir(dataDir) : null;
  // Compiled and read by `npm start`'s launcher while the server bundle loaded (src/start.mjs).
  const preloaded = (globalThis as { __mostradorPglite?: PreloadedPglite }).__mostradorPglite;
  const [pgliteWasmModule, fsBundle] = preloaded
    ? await Promise.all([preloaded.wasm, preloaded.data]).catch(() => [])
    : [];
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      dataDir: options.dataDir,
      pgliteWasmModule,
      fsBundle,
      extensions: { pg_trgm },
      loadDataDir: options.loadDataDir,
      // PostgreSQL's default 128 MB of shared buffers are set up at every start (about 0.13 s of
      // a restart); 32 MB hold the working set of a shop that PGlite suits (docs/decisions.md).
      startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'],
    });
  } catch (err) {
    unlock?.();
    throw err;
  }
  if (dataDir && !unlock) {
    try {
      unlock = lockDataDir(dataDir);
    } catch (err) {
      await pg.close();
      throw err;
    }
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pg) });
  return {
    kind: 'pglite',
    db,
    pglite: pg,
    location: options.dataDir ?? 'memory://',
    async exec(script) {
      await pg.exec(script);
    },
    async exclusive(fn) {
      return fn(async (script) => {
        try {
          await pg.exec(script);
        } catch (err) {
          await pg.exec('rollback').catch(() => {});
          throw err;
        }
      });
    },
    async listen(channel, onPayload) {
      const unsub = await pg.listen(channel, onPayload);
      return async () => unsub();
    },
    async close() {
      await db.destroy();
      await pg.close();
      unlock?.();
    },
  };
}

export function maskUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/**
 * Queries with more parameters than this (multi-row inserts, long `in` lists) go unprepared:
 * each distinct text would stay prepared on every connection until it is recycled.
 */
const MAX_PREPARED_PARAMETERS = 64;

/**
 * libpq's way to name a server on this machine by its Unix socket directory,
 * `postgres://user@localhost/db?host=/var/run/postgresql`, which postgres.js does not read from a
 * URL: the directory becomes postgres.js's `path` (the socket file in it, by port). Over the
 * socket a checkout costs about 10 % less CPU than over TCP on 127.0.0.1 (docs/benchmarks.md).
 */
export function unixSocketOf(url: string): { url: string; path?: string } {
  const u = new URL(url);
  const dir = u.searchParams.get('host');
  if (!dir?.startsWith('/')) return { url };
  u.searchParams.delete('host');
  return { url: u.toString(), path: `${dir.replace(/\/$/, '')}/.s.PGSQL.${u.port || 5432}` };
}

async function openPostgres(url: string, poolSize: number, prepare: boolean): Promise<Database> {
  const [{ default: postgres }, { PostgresJSDialect }] = await Promise.all([
    import('postgres'),
    import('kysely-postgres-js'),
  ]);
  const socket = unixSocketOf(url);
  const sql = postgres(socket.url, {
    ...(socket.path ? { path: socket.path } : {}),
    max: poolSize,
    onnotice: () => {},
    // int8 (count(*), identity ids) as JS numbers, as PGlite returns them.
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (x: number | bigint) => x.toString(),
        parse: (x: string) => Number(x),
      },
    },
    connection: { application_name: 'mostrador' },
  });
  // Kysely's postgres.js dialect sends every query unprepared, which postgres.js does in two
  // round trips (parse and describe, then bind and execute) and PostgreSQL plans each time.
  // Prepared instead: the first use of a query text on a connection describes it, every later
  // one is a single bind/execute of the named statement with its cached plan. (postgres.js
  // re-prepares by itself when a schema change invalidates a statement.)
  //
  // Kysely asks for a reserved connection for every query. Only a transaction needs one: other
  // queries go through the pool, which replaces a connection PostgreSQL has dropped, while a
  // reserved one stays pinned to its dead socket until released.
  const optionsFor = (parameters: unknown[] | undefined, options?: Record<string, unknown>) => ({
    prepare: prepare && (parameters?.length ?? 0) <= MAX_PREPARED_PARAMETERS,
    ...options,
  });
  const pool = {
    end: () => sql.end(),
    async reserve() {
      let conn: Awaited<ReturnType<typeof sql.reserve>> | null = null;
      return {
        release: () => conn?.release(),
        unsafe(query: string, parameters?: unknown[], options?: Record<string, unknown>) {
          const opts = optionsFor(parameters, options);
          if (conn) return conn.unsafe(query, parameters as never[], opts);
          if (/^\s*(begin|start transaction)\b/i.test(query))
            return sql.reserve().then((c) => {
              conn = c;
              return c.unsafe(query, parameters as never[], opts);
            });
          return sql.unsafe(query, parameters as never[], opts);
        },
      };
    },
  };
  const db = new Kysely<DB>({ dialect: new PostgresJSDialect({ postgres: () => pool }) });
  return {
    kind: 'postgres',
    db,
    location: maskUrl(url),
    async exec(script) {
      await sql.unsafe(script);
    },
    async exclusive(fn) {
      const reserved = await sql.reserve();
      try {
        return await fn(async (script) => {
          try {
            await reserved.unsafe(script);
          } catch (err) {
            await reserved.unsafe('rollback').catch(() => {});
            throw err;
          }
        });
      } finally {
        reserved.release();
      }
    },
    async listen(channel, onPayload) {
      const sub = await sql.listen(channel, onPayload);
      return async () => sub.unlisten();
    },
    async close() {
      // The pool first, with a deadline: postgres.js keeps the promise of the first end() call,
      // and Kysely's destroy calls it without one (a connection that died while a query was on
      // it never ends by itself). Then Kysely's destroy finds the pool already ended.
      await sql.end({ timeout: 5 });
      await db.destroy();
    },
  };
}
