import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { type Insertable, sql } from 'kysely';
import type { DB } from '../src/db/schema.js';
import postgres from 'postgres';
import { type Database, openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { gs1CheckDigit } from '../src/modules/catalog/barcode.js';
import { normalizeSearch } from '../src/modules/catalog/search-text.js';
import { sharedDir } from '../src/sat/shared-dir.js';
import { createRegister, openCashSession } from '../src/modules/cash/cash.service.js';
import { createApiToken, createBusiness } from '../src/modules/identity/identity.service.js';
import { systemCtx } from '../src/shared/context.js';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

export async function createPgDatabase(name: string): Promise<string> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  return ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
}

export async function dropPgDatabase(name: string): Promise<void> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
  await admin.end();
}

export interface BenchCatalog {
  tenantId: string;
  storeId: string;
  token: string;
  ownerEmail: string;
  password: string;
  skuIds: string[];
  barcodes: string[];
  hotSkuId: string;
}

// Names shaped like a real abarrotes catalog: kind, variety, brand, presentation. Every kind
// starts about 1 in 30 names and the varieties and brands repeat their fragments inside other
// words (Des*caf*einado, Nes*caf*é, Em*pan*izado), so a 3-letter fragment matches thousands of
// rows at 50,000 products, as it does in a shop's own catalog.
const WORDS = [
  'Café',
  'Leche',
  'Pan',
  'Refresco',
  'Galletas',
  'Jabón',
  'Atún',
  'Frijol',
  'Arroz',
  'Aceite',
  'Azúcar',
  'Harina',
  'Huevo',
  'Queso',
  'Yogur',
  'Cereal',
  'Chocolate',
  'Papas',
  'Salsa',
  'Tortillas',
  'Agua',
  'Cerveza',
  'Detergente',
  'Cloro',
  'Servilletas',
  'Chiles',
  'Mole',
  'Sardinas',
  'Avena',
  'Miel',
];
const VARIETIES = [
  'Clásico',
  'Light',
  'Natural',
  'Integral',
  'Original',
  'Familiar',
  'Deslactosada',
  'Picante',
  'Entero',
  'Sin azúcar',
  'Con chile',
  'Extra',
  'Tradicional',
  'Orgánico',
  'Descafeinado',
  'Económico',
  'Empanizado',
  'Refinado',
  'Sabor fresa',
  'Sabor vainilla',
  'Sabor limón',
  'Con calcio',
  'Rojo',
  'Verde',
  'Blanco',
  'Molido',
  'Acidulado',
  'Enlatado',
];
const BRANDS = [
  'La Costeña',
  'Bimbo',
  'Lala',
  'Herdez',
  'Maseca',
  'Nestlé',
  'Gamesa',
  'Sabritas',
  'Jumex',
  'Alpura',
  'Coca-Cola',
  'Del Valle',
  "Kellogg's",
  'Nescafé',
  'Knorr',
  'McCormick',
  'Barcel',
  'Marinela',
  'Santa Clara',
  'San Rafael',
  'Tía Rosa',
  'Palmolive',
  'Ariel',
  'Roma',
  'Pétalo',
  'Corona',
  'Bonafont',
  'Nutrioli',
  'Capullo',
  'Verde Valle',
  'La Moderna',
  'Doña María',
  'Clemente Jacques',
  'Valentina',
  'Ricolino',
];
const SIZES = [
  '100 g',
  '250 g',
  '500 g',
  '1 kg',
  '355 ml',
  '600 ml',
  '1 L',
  '2 L',
  '6 pzas',
  '12 pzas',
  '20 pzas',
];

/** The generated product name of index `k` (deterministic). */
export function benchProductName(k: number): string {
  const kind = WORDS[k % WORDS.length]!;
  const variety = VARIETIES[Math.floor(k / WORDS.length) % VARIETIES.length]!;
  const brand = BRANDS[Math.floor(k / 7) % BRANDS.length]!;
  const size = SIZES[Math.floor(k / 11) % SIZES.length]!;
  return `${kind} ${variety} ${brand} ${size}`;
}

/**
 * A business with `count` products (one SKU and one EAN-13 each) and plenty of stock at the
 * store, put in through `inventory_add` so the ledger matches the levels.
 */
export async function setupCatalog(
  database: Database,
  count: number,
  stock = '1000000000',
): Promise<BenchCatalog> {
  const password = 'bench-password-1';
  const ownerEmail = `bench-${Date.now()}@example.mx`;
  const b = await createBusiness(database.db, {
    name: 'Benchmark',
    locations: [
      { name: 'Tienda', kind: 'store', postalCode: '06600' },
      { name: 'Bodega', kind: 'warehouse', postalCode: '06600' },
    ],
    owner: { email: ownerEmail, name: 'Bench', password },
  });
  const t = b.tenantId;
  const ctx = { ...systemCtx(database.db, t), userId: b.ownerId, role: 'owner' as const };
  const token = (await createApiToken(ctx, { name: 'bench' })).token;
  const skuIds: string[] = [];
  const barcodes: string[] = [];
  const chunk = 1000;
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    const products: Insertable<DB['products']>[] = [];
    const skus: Insertable<DB['skus']>[] = [];
    const codes: Insertable<DB['barcodes']>[] = [];
    for (let i = 0; i < n; i++) {
      const k = start + i;
      const pid = `prd_${String(k).padStart(26, '0')}`;
      const sid = `sku_${String(k).padStart(26, '0')}`;
      const body = `750${String(k).padStart(9, '0')}`;
      const code = body + gs1CheckDigit(body);
      const name = benchProductName(k);
      const search = normalizeSearch(`${name} BEN-${k} ${code}`);
      products.push({
        tenant_id: t,
        id: pid,
        name,
        clave_prod_serv: '50202306',
        clave_unidad: 'H87',
        iva: k % 5 === 0 ? 'iva0' : 'iva16',
        ieps_type: k % 7 === 0 ? 'rate' : 'none',
        ieps_value: k % 7 === 0 ? '0.080000' : null,
      });
      skus.push({
        tenant_id: t,
        id: sid,
        product_id: pid,
        sku: `BEN-${k}`,
        price: `${10 + (k % 90)}.${String(k % 100).padStart(2, '0')}`,
        search_text: search,
      });
      codes.push({ tenant_id: t, code, sku_id: sid });
      skuIds.push(sid);
      barcodes.push(code);
    }
    // Raw inserts for speed of setup only; stock below still goes through the ledger.
    await database.db.insertInto('products').values(products).execute();
    await database.db.insertInto('skus').values(skus).execute();
    await database.db.insertInto('barcodes').values(codes).execute();
    const ids = skuIds.slice(start, start + n);
    await sql`select inventory_add(${t}, ${b.locationIds[0]!}, ${ids}::text[], ${ids.map(() => stock)}::numeric[],
      'receipt', 'bench', 'setup', ${b.ownerId}, now())`.execute(database.db);
  }
  // A shop that imported its catalog has been vacuumed and has statistics once autovacuum
  // passes; do it now, so the first plans are not made on a table the planner believes empty and
  // autovacuum does not spend a core on the fresh catalog while the load runs (pgbench -i
  // vacuums its tables too).
  await sql`vacuum analyze products, skus, barcodes, sku_search_terms, sku_search_words, stock_levels, stock_movements`.execute(
    database.db,
  );
  return {
    tenantId: t,
    storeId: b.locationIds[0]!,
    token,
    ownerEmail,
    password,
    skuIds,
    barcodes,
    hotSkuId: skuIds[0]!,
  };
}

/**
 * The benchmark catalog with a register whose cash session is open, and the owner's context on
 * it: what the benchmarks that record sales without HTTP start from.
 */
export async function setupSellingShop(database: Database, products: number) {
  const cat = await setupCatalog(database, products);
  const owner = await database.db
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', cat.tenantId)
    .executeTakeFirstOrThrow();
  const ctx = {
    db: database.db,
    tenantId: cat.tenantId,
    userId: owner.id,
    role: 'owner' as const,
    locationIds: null,
    now: new Date(),
  };
  const reg = await createRegister(ctx, { locationId: cat.storeId, name: 'Caja banco' });
  await openCashSession(ctx, { registerId: reg.id, openingFloat: '500.00' });
  return { cat, ctx, registerId: reg.id };
}

export interface ServerHandle {
  proc: ChildProcess;
  url: string;
  stop(): Promise<void>;
  /** ms from spawn to the first answered request */
  readyMs: number;
}

/** Starts the server as `npm start` does (src/start.mjs runs dist/server.cjs, rebuilt if stale). */
export async function startServer(env: Record<string, string>, port: number): Promise<ServerHandle> {
  // A bundle made stale by edited sources is rebuilt here, outside the timing.
  execFileSync(process.execPath, ['src/build-if-stale.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const t0 = performance.now();
  const extra = (env.NODE_EXTRA_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...extra, 'src/start.mjs'], {
    env: { ...process.env, LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    // polled often: the figure is when the server first answers, not when the poll came by
    await sleep(5);
  }
  const readyMs = performance.now() - t0;
  return {
    proc,
    url,
    readyMs,
    async stop() {
      if (proc.exitCode !== null) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await done;
    },
  };
}

export interface LoadResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  rps: number;
  okPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  seconds: number;
}

export async function load(opts: {
  url: string;
  path: string;
  method?: 'GET' | 'POST';
  token: string;
  connections: number;
  seconds?: number;
  amount?: number;
  body?: () => unknown;
  pathFn?: () => string;
}): Promise<LoadResult> {
  const instance = autocannon({
    url: opts.url,
    connections: opts.connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds ?? 10 }),
    headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
    requests: [
      {
        method: opts.method ?? 'POST',
        path: opts.path,
        setupRequest: (req) => {
          const r = { ...req } as typeof req & { body?: string; path?: string };
          if (opts.body) r.body = JSON.stringify(opts.body());
          if (opts.pathFn) r.path = opts.pathFn();
          return r;
        },
      },
    ],
  });
  // Our own clock, from the start to the last response: autocannon's per-second average is
  // quantised to whole-second buckets, and a run of a fixed number of requests only ends on its
  // next one-second tick, which misstated a 3-4 s flash-sale run by up to a third.
  const t0 = performance.now();
  let last = t0;
  // without a callback autocannon returns its instance, an emitter that is also awaitable
  (instance as unknown as EventEmitter).on('response', () => {
    last = performance.now();
  });
  const res = await instance;
  const seconds = (last - t0) / 1000;
  const ok = res['2xx'];
  return {
    requests: res.requests.total,
    ok,
    non2xx: res.non2xx,
    errors: res.errors,
    rps: res.requests.total / seconds,
    okPerSec: ok / seconds,
    latencyMs: { p50: res.latency.p50, p90: res.latency.p90, p99: res.latency.p99, max: res.latency.max },
    seconds,
  };
}

export async function openBenchDatabase(opts: { url?: string; dataDir?: string }): Promise<Database> {
  const db = await openDatabase({ url: opts.url, dataDir: opts.dataDir, poolSize: 4 });
  await migrate(db);
  return db;
}

/**
 * What autovacuum has done to any shop's database that has been selling for a while: every table
 * analyzed. Called after a warm-up of real sales, so the measured run plans on statistics. Plans
 * made while `sales` was empty and never analyzed stay cached in the pool's connections until an
 * ANALYZE, and look a sale up by `tenant_id` alone (every earlier sale read per foreign-key
 * check); on a fresh benchmark database that lasts until autovacuum's first pass, about a minute.
 */
export async function analyzeAsAutovacuumWould(dbUrl: string): Promise<void> {
  const db = await openDatabase({ url: dbUrl, poolSize: 1 });
  try {
    await sql`analyze`.execute(db.db);
  } finally {
    await db.close();
  }
}

export function round(x: number, d = 3): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/**
 * `../shared/bench/raw-checkout/run` (RAW_CHECKOUT_RUN, BENCH_RAW_ARGS): the raw PostgreSQL limit
 * of a 3-line checkout on this machine, as JSON (`peak.fn_uniform`, `peak.tx_uniform`…).
 */
export async function runRaw(): Promise<{ peak: Record<string, number>; [k: string]: unknown }> {
  const raw = process.env.RAW_CHECKOUT_RUN ?? join(sharedDir(), 'bench', 'raw-checkout', 'run');
  log(`raw-checkout: ${raw}`);
  const args = (process.env.BENCH_RAW_ARGS ?? '').split(' ').filter(Boolean);
  return new Promise((resolvePromise, reject) => {
    const p = spawn(raw, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    p.stdout.on('data', (d) => {
      buf += d;
    });
    p.on('exit', (code) => {
      try {
        resolvePromise(JSON.parse(buf));
      } catch {
        reject(new Error(`raw-checkout exited ${code} without JSON`));
      }
    });
  });
}

/** utime + stime of a process in ms (/proc, 100 ticks a second). */
function cpuMsOfPid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface HttpFloor {
  requestsPerSec: number;
  latencyMs: LoadResult['latencyMs'];
  cpuMsPerRequest: { server: number; loadGenerator: number };
}

/**
 * A bare Fastify endpoint (bench/http-floor-server.mjs: the JSON body parsed, a stored answer of
 * a sale's size, no database) loaded as the checkout is: what HTTP alone costs on this machine.
 */
export async function measureHttpFloor(opts: {
  seconds: number;
  connections: number;
  port?: number;
}): Promise<HttpFloor> {
  const port = opts.port ?? 3990;
  const server = spawn(process.execPath, ['bench/http-floor-server.mjs'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        await fetch(`${url}/api/v1/sales`, {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        });
        break;
      } catch {
        if (i > 200) throw new Error('floor server did not start');
        await sleep(25);
      }
    }
    let n = 0;
    const body = () => ({
      id: `sale_FLOOR${String(n++).padStart(21, '0')}`,
      registerId: 'reg_01JAAAAAAAAAAAAAAAAAAAAAAA',
      lines: [1, 2, 3].map((k) => ({ skuId: `sku_01JAAAAAAAAAAAAAAAAAAAAA${k}0`, quantity: '2' })),
      payments: [{ method: 'cash', amount: '2000.00' }],
    });
    log('http floor: warm-up 2 s');
    await load({ url, path: '/api/v1/sales', token: 'x', connections: opts.connections, seconds: 2, body });
    log(`http floor: ${opts.seconds} s at ${opts.connections} connections`);
    const serverBefore = cpuMsOfPid(server.pid!);
    const selfBefore = process.cpuUsage();
    const r = await load({
      url,
      path: '/api/v1/sales',
      token: 'x',
      connections: opts.connections,
      seconds: opts.seconds,
      body,
    });
    const serverMs = cpuMsOfPid(server.pid!) - serverBefore;
    const self = process.cpuUsage(selfBefore);
    return {
      requestsPerSec: round(r.okPerSec, 1),
      latencyMs: r.latencyMs,
      cpuMsPerRequest: {
        server: round(serverMs / r.ok),
        loadGenerator: round((self.user + self.system) / 1000 / r.ok),
      },
    };
  } finally {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
}
