/**
 * npm run bench — the real HTTP path next to the raw PostgreSQL limit measured in the same run.
 * Prints one JSON object on stdout (progress on stderr). Env: BENCH_SECONDS (10),
 * BENCH_RAW_ARGS (extra args for raw-checkout/run), BENCH_PRODUCTS (50000), BENCH_SKIP (comma list
 * of phases to skip: raw,checkout,floor,ceiling,flash,embedded,search).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import postgres from 'postgres';
import { monotonicFactory } from 'ulid';
import { MAINTENANCE_EVERY_MS } from '../src/db/maintenance.js';
import { gs1CheckDigit } from '../src/modules/catalog/barcode.js';
import { checkLedger } from '../src/modules/inventory/inventory.service.js';
import {
  ADMIN_URL,
  analyzeAsAutovacuumWould,
  type BenchCatalog,
  createPgDatabase,
  dropPgDatabase,
  load,
  log,
  measureHttpFloor,
  openBenchDatabase,
  round,
  runRaw,
  type ServerHandle,
  setupCatalog,
  startServer,
} from './lib.js';
import { measureDbCeiling } from './db-ceiling.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 50_000);
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const ulid = monotonicFactory();
const out: Record<string, unknown> = { machine: { nproc: (await import('node:os')).cpus().length } };

/** A PostgreSQL CHECKPOINT on the benchmark server: its dirty pages written now, not during a timing. */
async function checkpointPg(): Promise<void> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin`checkpoint`;
  } finally {
    await admin.end();
  }
}

async function api(server: ServerHandle, token: string, method: string, path: string, body?: unknown) {
  const r = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await r.json()) as Record<string, unknown>;
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

async function openRegister(server: ServerHandle, cat: BenchCatalog, name: string): Promise<string> {
  const reg = (await api(server, cat.token, 'POST', '/api/v1/registers', {
    locationId: cat.storeId,
    name,
  })) as {
    id: string;
  };
  await api(server, cat.token, 'POST', '/api/v1/cash-sessions', {
    registerId: reg.id,
    openingFloat: '500.00',
  });
  return reg.id;
}

function pick<T>(xs: T[]): T {
  return xs[Math.floor(Math.random() * xs.length)]!;
}

/** A 3-line sale of distinct random SKUs paid in cash (the server computes the change). */
function saleBody(cat: BenchCatalog, registerId: string) {
  return () => {
    const third = Math.floor(cat.skuIds.length / 3);
    const a = cat.skuIds[1 + Math.floor(Math.random() * (third - 1))]!;
    const b = cat.skuIds[third + Math.floor(Math.random() * third)]!;
    const c = cat.skuIds[2 * third + Math.floor(Math.random() * third)]!;
    return {
      id: `sale_${ulid()}`,
      registerId,
      lines: [a, b, c].map((skuId) => ({ skuId, quantity: String(1 + Math.floor(Math.random() * 3)) })),
      payments: [{ method: 'cash', amount: '2000.00' }],
    };
  };
}

/** A new SKU with exactly `units` in stock at the store (through the ledger). */
async function hotSku(dbUrl: string, cat: BenchCatalog, units: number, tag: string): Promise<string> {
  const db = await openBenchDatabase({ url: dbUrl });
  const pid = `prd_HOT${tag.padStart(23, '0')}`;
  const sid = `sku_HOT${tag.padStart(23, '0')}`;
  const body = `779${tag.padStart(9, '0')}`;
  await db.db
    .insertInto('products')
    .values({
      tenant_id: cat.tenantId,
      id: pid,
      name: `Oferta relámpago ${tag}`,
      clave_prod_serv: '50202306',
      clave_unidad: 'H87',
      iva: 'iva16',
      ieps_value: null,
    })
    .execute();
  await db.db
    .insertInto('skus')
    .values({
      tenant_id: cat.tenantId,
      id: sid,
      product_id: pid,
      sku: `HOT-${tag}`,
      price: '99.00',
      search_text: `oferta ${tag}`,
    })
    .execute();
  await db.db
    .insertInto('barcodes')
    .values({ tenant_id: cat.tenantId, code: body + gs1CheckDigit(body), sku_id: sid })
    .execute();
  await sql`select inventory_add(${cat.tenantId}, ${cat.storeId}, ${[sid]}::text[], ${[String(units)]}::numeric[],
    'receipt', 'bench', 'hot', null, now())`.execute(db.db);
  await db.close();
  return sid;
}

async function flash(
  server: ServerHandle,
  dbUrl: string,
  cat: BenchCatalog,
  registerId: string,
  buyers: number,
  tag: string,
) {
  const skuId = await hotSku(dbUrl, cat, 20, tag);
  const r = await load({
    url: server.url,
    path: '/api/v1/sales',
    token: cat.token,
    connections: buyers,
    amount: 2000,
    body: () => ({
      id: `sale_${ulid()}`,
      registerId,
      lines: [{ skuId, quantity: '1' }],
      payments: [{ method: 'cash', amount: '100.00' }],
    }),
  });
  const db = await openBenchDatabase({ url: dbUrl });
  const level = await db.db
    .selectFrom('stock_levels')
    .select(['on_hand', 'reserved'])
    .where('tenant_id', '=', cat.tenantId)
    .where('sku_id', '=', skuId)
    .executeTakeFirstOrThrow();
  const sold = await sql<{
    n: number;
    q: string;
  }>`select count(distinct sale_id)::int as n, coalesce(sum(quantity),0)::text as q
    from sale_lines where tenant_id = ${cat.tenantId} and sku_id = ${skuId}`.execute(db.db);
  const mismatches = await checkLedger(db.db);
  await db.close();
  return {
    buyers,
    attempts: r.requests,
    accepted: r.ok,
    refused: r.non2xx,
    errors: r.errors,
    soldUnits: sold.rows[0]!.q,
    onHandAfter: level.on_hand,
    oversold: Math.max(0, Number(sold.rows[0]!.q) - 20),
    ledgerEqualsLevels: mismatches.length === 0,
    attemptsPerSec: round(r.rps, 1),
    p99Ms: r.latencyMs.p99,
  };
}

async function latencies(server: ServerHandle, token: string, paths: () => string, n: number) {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await fetch(server.url + paths(), { headers: { authorization: `Bearer ${token}` } });
    await r.arrayBuffer();
    if (!r.ok) throw new Error(`search ${r.status}`);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (p: number) => round(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!, 2);
  return { requests: n, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99) };
}

async function main() {
  let raw: Awaited<ReturnType<typeof runRaw>> | null = null;
  if (!SKIP.has('raw')) {
    raw = await runRaw();
    out.raw = { peak: raw.peak, synchronous_commit: raw.synchronous_commit, reconciled: raw.reconciled };
  }
  if (!SKIP.has('ceiling') && raw) {
    // The database alone recording the checkout's sales in batches, through pgbench as the raw
    // checkout is run, on a machine as quiet as the raw run's (before the phases below leave
    // autovacuum work behind): the most any app in front of this database could reach.
    log('database ceiling: batches of sales through pgbench');
    out.dbCeiling = await measureDbCeiling(raw.peak.fn_uniform!);
    log(JSON.stringify(out.dbCeiling));
    // its 80,000 sales' pages written now, not by a checkpoint during the API phases
    await checkpointPg();
  }
  const dbName = `mostrador_bench_${process.pid}`;
  const dbUrl = await createPgDatabase(dbName);
  try {
    log(`setting up ${PRODUCTS} products on PostgreSQL`);
    const setup = await openBenchDatabase({ url: dbUrl });
    const cat = await setupCatalog(setup, PRODUCTS);
    await setup.close();

    const server = await startServer({ DATABASE_URL: dbUrl, SEED_DEMO: 'false', DB_POOL_SIZE: '20' }, 3901);
    const registerId = await openRegister(server, cat, 'Caja bench');
    try {
      log('warm-up: 2 s of checkouts, then ANALYZE as autovacuum would');
      await load({
        url: server.url,
        path: '/api/v1/sales',
        token: cat.token,
        connections: 50,
        seconds: 2,
        body: saleBody(cat, registerId),
      });
      await analyzeAsAutovacuumWould(dbUrl);
      if (!SKIP.has('checkout')) {
        log(`checkout: 50 connections, ${SECONDS}s`);
        const r = await load({
          url: server.url,
          path: '/api/v1/sales',
          token: cat.token,
          connections: 50,
          seconds: SECONDS,
          body: saleBody(cat, registerId),
        });
        const db = await openBenchDatabase({ url: dbUrl });
        const mismatches = await checkLedger(db.db);
        await db.close();
        out.checkout = {
          connections: 50,
          checkoutsPerSec: round(r.okPerSec, 1),
          non2xx: r.non2xx,
          errors: r.errors,
          latencyMs: r.latencyMs,
          ledgerEqualsLevels: mismatches.length === 0,
          ratioToFnUniform: raw ? round(r.okPerSec / raw.peak.fn_uniform!) : null,
          ratioToTxUniform: raw ? round(r.okPerSec / raw.peak.tx_uniform!) : null,
          targets: { fnUniform: 0.6, txUniform: 1.2 },
        };
        log(JSON.stringify(out.checkout));
      }
      if (!SKIP.has('floor')) {
        // What HTTP alone allows, loaded the same way: the checkout's gap is not in the transport.
        const floor = await measureHttpFloor({ seconds: SECONDS, connections: 50 });
        out.httpFloor = {
          ...floor,
          ratioToFnUniform: raw ? round(floor.requestsPerSec / raw.peak.fn_uniform!) : null,
        };
        log(JSON.stringify(out.httpFloor));
      }
      if (!SKIP.has('search')) {
        log('search: barcode and 3-letter name over the catalog');
        const words = [
          'caf',
          'lec',
          'pan',
          'ref',
          'gal',
          'jab',
          'atu',
          'fri',
          'arr',
          'ace',
          'azu',
          'har',
          'hue',
          'que',
        ];
        out.search = {
          products: PRODUCTS,
          barcode: await latencies(
            server,
            cat.token,
            () => `/api/v1/catalog/barcodes/${pick(cat.barcodes)}`,
            1000,
          ),
          name3: await latencies(server, cat.token, () => `/api/v1/catalog/search?q=${pick(words)}`, 1000),
          // Fragments that start no word of the generated names (l-ech-e, c-afe, c-ola, cor-ona):
          // the page is filled from the words that contain them.
          name3Inner: await latencies(
            server,
            cat.token,
            () => `/api/v1/catalog/search?q=${pick(['ech', 'afe', 'ola', 'ona'])}`,
            300,
          ),
          targetP95Ms: 20,
        };
        log(JSON.stringify(out.search));
      }
      if (!SKIP.has('embedded')) {
        log('one client on PostgreSQL');
        const pg1 = await load({
          url: server.url,
          path: '/api/v1/sales',
          token: cat.token,
          connections: 1,
          seconds: SECONDS,
          body: saleBody(cat, registerId),
        });
        out.embedded = { postgresOneClientPerSec: round(pg1.okPerSec, 1) };
      }
      if (!SKIP.has('flash')) {
        log('flash sale, one app process');
        const one64 = await flash(server, dbUrl, cat, registerId, 64, '1');
        const one4 = await flash(server, dbUrl, cat, registerId, 4, '2');
        out.flashOneProcess = {
          at64: one64,
          at4: one4,
          throughputRatio64to4: round(one64.attemptsPerSec / one4.attemptsPerSec),
        };
        log(JSON.stringify(out.flashOneProcess));
      }
    } finally {
      await server.stop();
    }
    if (!SKIP.has('flash')) {
      log('flash sale, two app processes on the same PostgreSQL');
      const two = await startServer(
        { DATABASE_URL: dbUrl, SEED_DEMO: 'false', WEB_CONCURRENCY: '2', DB_POOL_SIZE: '20' },
        3902,
      );
      try {
        const reg2 = await openRegister(two, cat, 'Caja bench 2');
        const two64 = await flash(two, dbUrl, cat, reg2, 64, '3');
        const two4 = await flash(two, dbUrl, cat, reg2, 4, '4');
        out.flashTwoProcesses = {
          at64: two64,
          at4: two4,
          throughputRatio64to4: round(two64.attemptsPerSec / two4.attemptsPerSec),
        };
        log(JSON.stringify(out.flashTwoProcesses));
      } finally {
        await two.stop();
      }
    }
    if (!SKIP.has('embedded')) {
      const dir = mkdtempSync(join(tmpdir(), 'mostrador-bench-'));
      try {
        log('PGlite: one client');
        const pdb = await openBenchDatabase({ dataDir: join(dir, 'bench') });
        const pcat = await setupCatalog(pdb, 3000);
        await pdb.close();
        const ps = await startServer(
          { DATA_DIR: join(dir, 'bench'), SEED_DEMO: 'false', BACKUP_KEEP_DAYS: '0' },
          3903,
        );
        try {
          const preg = await openRegister(ps, pcat, 'Caja PGlite');
          // As on PostgreSQL: a warm-up of sales, then the tables analyzed, here by the app's own
          // maintenance of the embedded database (PGlite has no autovacuum), which looks every
          // MAINTENANCE_EVERY_MS.
          await load({
            url: ps.url,
            path: '/api/v1/sales',
            token: pcat.token,
            connections: 1,
            seconds: 2,
            body: saleBody(pcat, preg),
          });
          await new Promise((r) => setTimeout(r, MAINTENANCE_EVERY_MS + 1000));
          const p1 = await load({
            url: ps.url,
            path: '/api/v1/sales',
            token: pcat.token,
            connections: 1,
            seconds: SECONDS,
            body: saleBody(pcat, preg),
          });
          const e = out.embedded as Record<string, number>;
          e.pgliteOneClientPerSec = round(p1.okPerSec, 1);
          e.ratioPgliteToPostgres = round(p1.okPerSec / e.postgresOneClientPerSec!);
        } finally {
          await ps.stop();
        }
        // The phases before wrote a lot (PostgreSQL's checkpoint, PGlite's unsynced pages): let the
        // disk settle first, so the starts below are timed without their write-back.
        execFileSync('sync');
        await checkpointPg();
        log('first start with demo data, then restart');
        const first = await startServer(
          { DATA_DIR: join(dir, 'demo'), SEED_DEMO: 'true', BACKUP_KEEP_DAYS: '0' },
          3904,
        );
        await first.stop();
        // Five restarts, the median reported: one start is one sample of a noisy host.
        const restarts: number[] = [];
        for (let i = 0; i < 5; i++) {
          const again = await startServer(
            { DATA_DIR: join(dir, 'demo'), SEED_DEMO: 'true', BACKUP_KEEP_DAYS: '0' },
            3904,
          );
          await again.stop();
          restarts.push(Math.round(again.readyMs));
        }
        Object.assign(out.embedded as object, {
          firstStartWithDemoMs: Math.round(first.readyMs),
          restartToFirstAnswerMs: [...restarts].sort((a, b) => a - b)[2],
          restartSamplesMs: restarts,
          targets: { ratio: 0.7, firstStartMs: 5000, restartMs: 1000 },
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await dropPgDatabase(dbName);
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

await main();
