/**
 * The database side of a counter sale, without HTTP: `recordSale` (pricing, then record_sale or
 * the group-commit batcher) called from this process with a fixed number of sales in flight,
 * against a fresh PostgreSQL database. For each way of sending sales it prints sales/s and the
 * CPU milliseconds per sale of this process and of the PostgreSQL backends serving it, in rounds
 * that alternate the variants, so a machine busy with other work shifts them all alike.
 * Env: BENCH_SALES (1500 per round), BENCH_ROUNDS (2), BENCH_PRODUCTS (5000), BENCH_INFLIGHT (50),
 * BENCH_VARIANTS (positions in the variant list, e.g. "2,3"; all by default).
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { monotonicFactory } from 'ulid';
import { openDatabase, type Database } from '../src/db/database.js';
import { zSaleInput } from '../src/modules/sales/sales.schemas.js';
import { recordSale } from '../src/modules/sales/sales.service.js';
import { installSaleBatcher, saleBatcherOf } from '../src/modules/sales/sale-batcher.js';
import type { Ctx } from '../src/shared/context.js';
import {
  analyzeAsAutovacuumWould,
  createPgDatabase,
  dropPgDatabase,
  log,
  openBenchDatabase,
  round,
  setupSellingShop,
} from './lib.js';

const SALES = Number(process.env.BENCH_SALES ?? 1500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 5000);
const INFLIGHT = Number(process.env.BENCH_INFLIGHT ?? 50);
const ulid = monotonicFactory();

interface Variant {
  name: string;
  prepare: boolean;
  /** batches in flight; 0: no batcher, every sale its own record_sale */
  batches: number;
}

const ALL_VARIANTS: Variant[] = [
  { name: 'one statement per sale, unprepared', prepare: false, batches: 0 },
  { name: 'one statement per sale, prepared', prepare: true, batches: 0 },
  { name: 'group commit, 1 batch in flight, prepared', prepare: true, batches: 1 },
  { name: 'group commit, 2 batches in flight, prepared', prepare: true, batches: 2 },
  { name: 'group commit, 4 batches in flight, prepared', prepare: true, batches: 4 },
];
// BENCH_VARIANTS: the variants to run, by position in the list above (e.g. "2,3"); all by default
const VARIANTS = process.env.BENCH_VARIANTS
  ? process.env.BENCH_VARIANTS.split(',').map((i) => ALL_VARIANTS[Number(i)]!)
  : ALL_VARIANTS;

/** utime + stime in ms of the given processes. */
function cpuMs(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(f[11]) + Number(f[12])) * 10;
    } catch {
      // gone
    }
  }
  return total;
}

async function backendPids(database: Database, dbName: string): Promise<number[]> {
  const r = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = ${dbName}`.execute(
    database.db,
  );
  return r.rows.map((x) => Number(x.pid));
}

async function main() {
  const dbName = `mostrador_benchpath_${process.pid}`;
  const url = await createPgDatabase(dbName);
  try {
    const setup = await openBenchDatabase({ url });
    const { cat, ctx: baseCtx, registerId } = await setupSellingShop(setup, PRODUCTS);
    await setup.close();

    // the SKU cache holds the whole catalog, as in a shop that has sold for a while: measured
    // sales do not read SKUs (the first warm-up goes alone, to read them in few round trips)
    {
      const database = await openDatabase({ url, poolSize: 20 });
      const ctx: Ctx = { ...baseCtx, db: database.db };
      for (let i = 0; i < cat.skuIds.length; i += 30)
        await recordSale(
          ctx,
          zSaleInput.parse({
            id: `sale_${ulid()}`,
            registerId,
            lines: cat.skuIds.slice(i, i + 30).map((skuId) => ({ skuId, quantity: '1' })),
            payments: [{ method: 'cash', amount: '100000.00' }],
          }),
        );
      await database.close();
    }
    await analyzeAsAutovacuumWould(url);

    const results = new Map<string, { sales: number; ms: number; app: number; pg: number }>();
    for (let round_ = 0; round_ < ROUNDS; round_++) {
      for (const v of VARIANTS) {
        const database = await openDatabase({ url, poolSize: 20, prepare: v.prepare });
        if (v.batches > 0) installSaleBatcher(database.db, { concurrency: v.batches });
        const ctx: Ctx = { ...baseCtx, db: database.db, now: new Date() };
        const sale = () =>
          zSaleInput.parse({
            id: `sale_${ulid()}`,
            registerId,
            lines: [0, 1, 2].map(() => ({
              skuId: cat.skuIds[Math.floor(Math.random() * cat.skuIds.length)]!,
              quantity: '1',
            })),
            payments: [{ method: 'cash', amount: '10000.00' }],
          });
        // warm: every pool connection opened, the SKU cache as full as the measured run finds it
        await Promise.all(Array.from({ length: 40 }, () => recordSale(ctx, sale())));
        const pids = await backendPids(database, dbName);
        const pg0 = cpuMs(pids);
        const app0 = process.cpuUsage();
        const t0 = performance.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: INFLIGHT }, async () => {
            while (next++ < SALES) await recordSale({ ...ctx, now: new Date() }, sale());
          }),
        );
        const ms = performance.now() - t0;
        const app = process.cpuUsage(app0);
        const pg = cpuMs(pids) - pg0;
        const r = results.get(v.name) ?? { sales: 0, ms: 0, app: 0, pg: 0 };
        r.sales += SALES;
        r.ms += ms;
        r.app += (app.user + app.system) / 1000;
        r.pg += pg;
        results.set(v.name, r);
        const stats = saleBatcherOf(database.db)?.stats;
        log(
          `${v.name}: ${round((SALES * 1000) / ms, 1)} sales/s` +
            (stats
              ? ` (${stats.batches} batches, largest ${stats.largestBatch}, ${stats.togetherBatches} together, ${stats.deadlockRetries} deadlock retries)`
              : ''),
        );
        await database.close();
      }
    }
    const out = [...results].map(([name, r]) => ({
      variant: name,
      salesPerSec: round((r.sales * 1000) / r.ms, 1),
      cpuMsPerSale: { app: round(r.app / r.sales, 3), postgresBackends: round(r.pg / r.sales, 3) },
    }));
    console.log(
      JSON.stringify(
        { sales: SALES, rounds: ROUNDS, inFlight: INFLIGHT, products: PRODUCTS, results: out },
        null,
        2,
      ),
    );
  } finally {
    await dropPgDatabase(dbName);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
